"""Turning an essay's old text (extracted from its newsletter) into ``essays/NNNN.md``."""
