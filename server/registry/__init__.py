"""The registry of submissions and awards (one named graph per record, content-addressed ids)
and the checks that need it: double funding across submissions, per-enterprise yearly caps.
"""
from policykg.registry.award_copy import READS, AwardCopy
from policykg.registry.checks import check, registry_context, used_in_year, yearly, yearly_findings
from policykg.registry.conflicts import Conflict, conflicts
from policykg.registry.history import history_findings
from policykg.registry.judged import cache_for
from policykg.registry.prefetch import Prefetched
from policykg.registry.reading import load_data
from policykg.registry.records import (
           RECORD,
           SUBMISSION_GRAPH,
           awards_for_project,
           consulted,
           load_submission,
           registry_state,
)
from policykg.registry.replay import clause_hashes, replay, result_clauses

__all__ = ["AwardCopy", "READS", "Conflict", "Prefetched", "RECORD", "cache_for", "load_data", "SUBMISSION_GRAPH", "awards_for_project", "conflicts", "consulted", "clause_hashes", "replay",
           "result_clauses", "registry_state", "check", "history_findings", "load_submission", "registry_context",
           "used_in_year", "yearly", "yearly_findings"]
