"""An enterprise profile -> the submissions to evaluate: its projects as given, and, for every submission
type with measures whose projects the profile does not give, one built from the applicant alone (so that
every measure in force is answered, and what is missing is said)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from policykg.errors import UnprocessableInput
from policykg.submission import TYPES

# 名录 the applicant is on -> the JSON form's field that declares it (on each renovation project)
LISTINGS = {"green-manufacturing": "greenManufacturingListed", "old-factory-ledger": "inOldFactoryLedger",
            "high-tech-project-database": "inHighTechProjectDatabase", "urban-renewal-plan": "inUrbanRenewalPlan"}
APPLICANT_KEYS = {"creditCode", "name", "certifications", "listings"}
ENTERPRISE_TYPE = "PilotEnterpriseApplication"  # what an enterprise applies for as itself
MAX_PROJECTS = 50


@dataclass
class Item:
    """One submission to evaluate: the JSON form, where it came from, and its label."""

    form: dict[str, Any]
    source: str  # "project" (given) or "applicant" (built from the applicant's fields)
    label: str


def _fail(msg: str, field: str) -> UnprocessableInput:
    return UnprocessableInput(msg, [{"field": field, "message": msg}])


def parse_profile(data: Any) -> tuple[dict[str, Any], list[dict[str, Any]], date | None]:
    if not isinstance(data, dict):
        raise _fail("the profile must be a JSON object {applicant, projects, asOf}", "")
    unknown = set(data) - {"applicant", "projects", "asOf"}
    if unknown:
        raise _fail(f"unknown profile key(s) {sorted(unknown)}", sorted(unknown)[0])
    applicant = data.get("applicant", {})
    projects = data.get("projects", [])
    if not isinstance(applicant, dict):
        raise _fail("applicant must be an object", "applicant")
    if not isinstance(projects, list) or not all(isinstance(p, dict) for p in projects):
        raise _fail("projects must be a list of JSON-form submissions (objects)", "projects")
    if len(projects) > MAX_PROJECTS:
        raise _fail(f"at most {MAX_PROJECTS} projects per profile", "projects")
    allowed = APPLICANT_KEYS | set(TYPES[ENTERPRISE_TYPE])
    bad = set(applicant) - allowed
    if bad:
        raise _fail(f"unknown applicant field(s) {sorted(bad)}; known: {sorted(allowed)}", "applicant." + sorted(bad)[0])
    listings = applicant.get("listings", [])
    if not isinstance(listings, list) or not all(x in LISTINGS for x in listings):
        raise _fail(f"listings must be a list of {sorted(LISTINGS)}", "applicant.listings")
    as_of = data.get("asOf")
    if as_of is not None:
        try:
            as_of = date.fromisoformat(as_of) if isinstance(as_of, str) and len(as_of) == 10 else None
        except ValueError:
            as_of = None
        if as_of is None:
            raise _fail("asOf must be a date YYYY-MM-DD", "asOf")
    return applicant, projects, as_of


def items(applicant: dict[str, Any], projects: list[dict[str, Any]], types_with_measures: set[str]) -> list[Item]:
    """The projects (with the applicant's identity and listings filled in where they say nothing), then one
    submission per other type built from the applicant (both categories of the pilot-enterprise application)."""
    who = {k: applicant[k] for k in ("name", "creditCode") if k in applicant}
    out = []
    for i, p in enumerate(projects):
        form = json.loads(json.dumps(p))  # a copy
        form.setdefault("id", f"profile-project-{i + 1}")
        if who and "applicant" not in form:
            form["applicant"] = who
        if form.get("type") in ("RenovationProject", "UrbanRenewalProjectEntry"):
            for listing in applicant.get("listings", []):
                form.setdefault(LISTINGS[listing], True)
        out.append(Item(form, "project", str(form.get("id"))))
    given = {p.get("type") for p in projects}
    for t in sorted(types_with_measures - given):
        base: dict[str, Any] = {"id": f"profile-{t}", "type": t, **({"applicant": who} if who else {})}
        if t == ENTERPRISE_TYPE:
            fields = {k: v for k, v in applicant.items() if k in TYPES[t]}
            for category in ("leading", "growth"):
                out.append(Item({**base, "id": f"profile-{t}-{category}", **fields, "category": category},
                                "applicant", f"{t} ({category})"))
        else:
            out.append(Item(base, "applicant", t))
    return out
