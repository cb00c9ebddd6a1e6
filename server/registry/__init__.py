"""The registry of submissions and awards (one named graph per record, content-addressed ids)
and the checks that need it: double funding across submissions, per-enterprise yearly caps.
"""
from policykg.registry.checks import check, used_in_year, yearly
from policykg.registry.records import SUBMISSION_GRAPH, load_submission

__all__ = ["SUBMISSION_GRAPH", "check", "load_submission", "used_in_year", "yearly"]
