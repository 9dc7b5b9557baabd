"""Measuring extraction against ground truth: datasets, metrics, the benchmark runner and its report."""
