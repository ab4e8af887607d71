"""Training corpus: sources, filters, licences, decontamination, dedupe (see README.md)."""
