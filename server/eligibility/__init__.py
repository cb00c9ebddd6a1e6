"""Eligibility: for every measure in force that applies to a submission, whether the project can
get it, how much at most (with the computation), what would make it eligible, and which
measures exclude each other.
"""
from policykg.eligibility.batch import Batch
from policykg.eligibility.evaluate import catalogue, eligibility

__all__ = ["Batch", "catalogue", "eligibility"]
