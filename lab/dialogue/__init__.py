"""Checks of the dialogue's reading of buyers' replies (issue 14)."""
