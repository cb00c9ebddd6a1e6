"""GET /submissions/{id}: the permalink and printable page of a stored submission's report (issue 14, item 8).

Applicants' data is private (issue 12): the page opens with the capability key the submitter got in the answer of
POST /api/submissions (`?key=`, server/access/permalink.py), or with a bearer token that may read the submission
(reviewer, auditor, admin; a submitter for its own). Otherwise 404, whether the submission exists or not.
It shows the stored decision (verdict, findings with their clauses, what was checked, receipt) and the amounts
with their computation, evaluated for the stored data as of the decision's date.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from policykg.access import Caller, Principal, key_matches, server_secret
from policykg.api.registry import submission_json
from policykg.api.validate import turtle
from policykg.errors import NotFound
from policykg.provenance import catalog
from policykg.registry import records as registry
from policykg.validation import checked_json
from policykg.web import eligibility_view, pages, tools

router = APIRouter(include_in_schema=False)


def secret(request: Request) -> bytes:
    s = request.app.state.settings
    return server_secret(s.data_dir, s.permalink_secret)


def _may_read(request: Request, who: Principal | None, sid: str) -> bool:
    if who is None:
        return False
    if who.may("read-registry"):
        return True
    return who.may("read-own-submissions") and sid in request.app.state.access.owners.get(who.id, ())


def _status(checked: dict[str, Any] | None, out: dict[str, Any]) -> str:
    """The stored verdict: conforms, does-not-conform or not-evaluated (never a pass on nothing)."""
    status = (checked or {}).get("status")
    return status or ("conforms" if out.get("conforms") else "does-not-conform")


@router.get("/submissions/{sid}", response_class=HTMLResponse)
async def submission_page(request: Request, sid: str, who: Caller,
                          key: str | None = Query(None, max_length=128)) -> HTMLResponse:
    if not (key_matches(secret(request), sid, key) or _may_read(request, who, sid)):
        raise NotFound(f"no submission {sid}", {"id": sid})  # the same answer as for one that does not exist
    stored = registry.load_submission(request.app.state.store, sid)
    report = submission_json(request, stored)
    report["checked"] = checked_json(stored["report"], report["lang"])
    report["status"] = _status(report["checked"], report)
    groups: dict[str, list[dict[str, Any]]] = {}
    for res in report["results"]:
        clause = res.get("clause") or {}
        groups.setdefault(clause.get("documentLabel") or clause.get("documentNumber") or "（未关联条款 no clause）",
                          []).append(res)
    query = {"asOf": stored["asOf"]} if stored.get("asOf") else None
    ans = await tools.call_api(request, "POST", "/api/eligibility", turtle(stored["data"]),
                         {"content-type": "text/turtle", "accept": "application/json"}, query=query)
    elig = ans.json() if ans.ok else None
    if isinstance(elig, dict):
        eligibility_view.arrange(elig, catalog(request.app.state.store))
    page = pages.render("submission.html", report=report, groups=groups, elig=elig, stored=stored,
                        permalink=report["permalink"], errors=[] if ans.ok else [f"资格 eligibility ({ans.status}): {ans.error}"])
    # the key is in the URL: never sent on in a Referer, never kept by a shared cache
    page.headers.update({"Referrer-Policy": "no-referrer", "Cache-Control": "private, no-store"})
    return page
