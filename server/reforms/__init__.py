"""Reforms: what a proposed change of a rate, cap, floor, threshold or validity date would do to every
stored submission, before it is signed. The corpus is changed in memory only (reforms/apply.py); the
shapes are generated again from the changed parameters; each affected submission is evaluated before
and after (reforms/impact.py)."""
from policykg.reforms.impact import impact
from policykg.reforms.jobs import Busy, Jobs
from policykg.reforms.model import Change, Reform, load_reform, parse_reform
from policykg.reforms.parallel import impact_jobs

__all__ = ["Busy", "Change", "Jobs", "Reform", "impact", "impact_jobs", "load_reform", "parse_reform"]
