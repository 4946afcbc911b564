"""Scenario files users run. ``lund.yaml`` ships with the package as the default."""
