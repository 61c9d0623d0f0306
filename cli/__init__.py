"""actuary.cli."""
