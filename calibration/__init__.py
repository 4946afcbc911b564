"""Observed figures with their sources, and how the model compares with them."""
