"""Training and evaluation data built from the corpus (see README.md)."""
