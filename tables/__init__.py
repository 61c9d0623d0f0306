"""actuary.tables."""
