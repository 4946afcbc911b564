"""Figures, the static HTML report and their Swedish/English labels."""
