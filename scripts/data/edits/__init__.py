"""Instruction-edit examples: program transformations whose instruction describes the change."""
