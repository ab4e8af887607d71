"""Real described patches (Debian source packages' debian/patches with DEP-3 headers)."""
