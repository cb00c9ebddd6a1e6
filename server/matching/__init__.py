"""Matching: an enterprise profile -> every measure in force it may get (eligible, not eligible, needs
review), with amounts, what is missing, deadlines, and per project the best combination of measures
that may be held together (exact; matching/combination.py states the algorithm); and the other way
round, a measure -> the stored submissions that meet it and were never awarded it (免申即享,
matching/candidates.py)."""
from policykg.matching.candidates import candidates, parse_day
from policykg.matching.combination import Choice, best
from policykg.matching.match import match
from policykg.matching.precompute import judge_all, summary
from policykg.registry import Conflict, conflicts

__all__ = ["Choice", "Conflict", "best", "candidates", "conflicts", "judge_all", "match", "parse_day", "summary"]
