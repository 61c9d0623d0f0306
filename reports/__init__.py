"""actuary.reports."""
