"""actuary.assumptions."""
