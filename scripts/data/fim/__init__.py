"""Fill-in-the-middle examples: where the cursor is, what the middle is, how much context the editor sends."""
