"""/match: an enterprise fills in its profile (fields from the JSON form's own definitions, as on the
validation page) and sees every measure in force, as a table, and the best combination per project
as a bar chart. The page calls POST /api/match in-process, as any client would."""
from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from policykg.provenance import catalog
from policykg.submission import catalog as field_catalog
from policykg.web.formspec import build_groups
from policykg.web.pages import render
from policykg.web.tools import call_api, form_to_submission

router = APIRouter(include_in_schema=False)
LISTINGS = [("green-manufacturing", "绿色制造名单", "green manufacturing list"),
            ("old-factory-ledger", "老旧厂房改造再利用台账", "old-factory renovation ledger"),
            ("high-tech-project-database", "高精尖产业项目库", "high-tech project database"),
            ("urban-renewal-plan", "城市更新计划", "urban-renewal plan")]
ENTERPRISE_FIELDS = ("annualRevenue", "marketShareRank", "serviceInputShare", "avgRevenueGrowth3y", "avgProfitGrowth3y")
BAR_W, ROW_H = 560, 26


def _ctx(request: Request) -> dict[str, Any]:
    store = request.app.state.store
    fields = {f.name: f for f in field_catalog(store)["PilotEnterpriseApplication"]}
    return {"field_groups": build_groups(store, catalog(store)), "listings": LISTINGS,
            "certifications": fields["certifications"].allowed or [],
            "enterprise_fields": [fields[n] for n in ENTERPRISE_FIELDS if n in fields]}


@router.get("/match", response_class=HTMLResponse)
def match_page(request: Request) -> HTMLResponse:
    return render("match.html", form={}, result=None, error=None, chart=None, **_ctx(request))


def profile_from_form(form: dict[str, str], lists: dict[str, list[str]]) -> dict[str, Any]:
    applicant: dict[str, Any] = {k: form[f].strip() for k, f in (("name", "applicantName"), ("creditCode", "creditCode"))
                                 if form.get(f, "").strip()}
    if lists.get("certifications"):
        applicant["certifications"] = lists["certifications"]
    if lists.get("listings"):
        applicant["listings"] = lists["listings"]
    for n in ENTERPRISE_FIELDS:
        v = form.get(n, "").strip()
        if v:
            try:
                applicant[n] = int(v) if n == "marketShareRank" else float(v)
            except ValueError:
                applicant[n] = v  # the API names the bad field
    profile: dict[str, Any] = {"applicant": applicant, "projects": []}
    if form.get("projectType"):
        project = form_to_submission(form)
        project.pop("applicant", None)
        profile["projects"].append(project)
    if form.get("asOf", "").strip():
        profile["asOf"] = form["asOf"].strip()
    return profile


def chart(result: dict[str, Any]) -> dict[str, Any] | None:
    """Bars of each project's best combination (and the alternatives that lost, in grey), scaled to the largest."""
    rows = []
    for c in result.get("bestCombinations", []):
        amounts = {e["measure"]: e for e in result["measures"] if e["project"] == c["project"]}
        for m in c["measures"]:
            e = amounts.get(m, {})
            rows.append({"project": c["project"], "label": e.get("label") or m.rsplit("/", 1)[-1],
                         "doc": e.get("documentNumber") or "", "amount": e.get("maxAmount") or 0, "chosen": True})
        for lost in c["alternativesLost"]:
            e = amounts.get(lost["measure"], {})
            rows.append({"project": c["project"], "label": e.get("label") or lost["measure"].rsplit("/", 1)[-1],
                         "doc": e.get("documentNumber") or "", "amount": lost["amount"], "chosen": False})
    if not rows:
        return None
    top = max(r["amount"] for r in rows) or 1
    for i, r in enumerate(rows):
        r.update(y=i * ROW_H, width=max(2, round(BAR_W * r["amount"] / top)))
    return {"rows": rows, "height": len(rows) * ROW_H, "barWidth": BAR_W}


@router.post("/match", response_class=HTMLResponse)
async def match_submit(request: Request) -> HTMLResponse:
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items()}
    lists = {k: [str(x) for x in raw.getlist(k)] for k in ("certifications", "listings")}
    text = form.get("profile", "").strip()
    body = text.encode() if text else json.dumps(profile_from_form(form, lists), ensure_ascii=False).encode()
    ans = await call_api(request, "POST", "/api/match", body,
                         {"content-type": "application/json", "accept-language": "zh"})
    result = ans.json() if ans.ok else None
    return render("match.html", form=form, lists=lists, result=result, error=None if ans.ok else ans.error,
                  chart=chart(result) if result else None, **_ctx(request))
