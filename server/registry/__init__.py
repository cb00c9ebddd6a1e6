"""The registry of submissions and awards (one named graph per record, content-addressed ids)
and the checks that need it: double funding across submissions, per-enterprise yearly caps.
"""
from policykg.registry.checks import check, used_in_year, yearly
from policykg.registry.conflicts import Conflict, conflicts
from policykg.registry.records import (
           SUBMISSION_GRAPH,
           awards_for_project,
           consulted,
           load_submission,
           registry_state,
)
from policykg.registry.replay import clause_hashes, replay, result_clauses

__all__ = ["Conflict", "SUBMISSION_GRAPH", "awards_for_project", "conflicts", "consulted", "clause_hashes", "replay",
           "result_clauses", "registry_state", "check", "load_submission", "used_in_year", "yearly"]
