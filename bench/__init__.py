"""Benchmarks, run by hand (`make bench`): each prints its numbers and ratios against baselines of the same run."""
