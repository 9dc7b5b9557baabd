"""Measuring extraction against ground truth."""
