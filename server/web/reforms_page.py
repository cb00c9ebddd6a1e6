"""/reforms: a reviewer pastes a reform (YAML or JSON, docs/reforms.md) and sees what it would do to the
registry: per submission before/after, totals per measure and document, the changed clauses, and a
before/after histogram of the amounts (server-side SVG). The page calls POST /api/reforms/impact
in-process, as any client would, with the reviewer's token if one is given. With script, the reform runs as
a job whose progress the page shows (static/reform-progress.js polls GET /api/reforms/jobs/{id}); the form
is then posted with the job's id and the page renders that job's result."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from policykg.web.pages import render
from policykg.web.tools import call_api

router = APIRouter(include_in_schema=False)
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "reforms" / "jfgg-2023-12-old-factory-2000m2.yaml"
BINS, PLOT_W, PLOT_H, LEFT = 8, 640, 180, 40


def _example() -> str:
    return EXAMPLE.read_text(encoding="utf-8") if EXAMPLE.is_file() else ""


@router.get("/reforms", response_class=HTMLResponse)
def reforms_page(request: Request) -> HTMLResponse:
    return render("reforms.html", form={"reform": _example()}, result=None, error=None, chart=None)


def histogram(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Counts of eligible maximum amounts per bin, before and after, on one scale (万元)."""
    sides: dict[str, list[float]] = {"before": [], "after": []}
    for r in rows:
        for side in sides:
            x = r[side]
            if x["status"] == "eligible" and x["maxAmount"] is not None:
                sides[side].append(float(x["maxAmount"]))
    values = sides["before"] + sides["after"]
    if not values:
        return None
    top = max(values) or 1.0
    width = top / BINS
    counts = {s: [0] * BINS for s in sides}
    for s, xs in sides.items():
        for v in xs:
            counts[s][min(int(v / width), BINS - 1)] += 1
    peak = max(max(c) for c in counts.values()) or 1
    slot = PLOT_W / BINS
    bars = []
    for i in range(BINS):
        for j, s in enumerate(("before", "after")):
            h = round(PLOT_H * counts[s][i] / peak)
            bars.append({"side": s, "count": counts[s][i], "x": round(LEFT + i * slot + 4 + j * (slot - 8) / 2, 1),
                         "w": round((slot - 8) / 2, 1), "y": PLOT_H - h + 10, "h": h,
                         "range": f"{i * width:,.0f}–{(i + 1) * width:,.0f}"})
    ticks = [{"x": round(LEFT + i * slot, 1), "label": f"{i * width:,.0f}"} for i in range(BINS + 1)]
    return {"bars": bars, "ticks": ticks, "width": LEFT + PLOT_W + 60, "height": PLOT_H + 50, "base": PLOT_H + 10,
            "left": LEFT, "right": LEFT + PLOT_W, "peak": peak,
            "n": {s: len(xs) for s, xs in sides.items()}}


@router.post("/reforms", response_class=HTMLResponse)
async def reforms_submit(request: Request) -> HTMLResponse:
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items()}
    headers = {"content-type": "application/yaml"}
    if form.get("token", "").strip():
        headers["authorization"] = f"Bearer {form['token'].strip()}"
    job = form.pop("job", "").strip()
    if job:  # a job the page's script started and followed (static/reform-progress.js): its result
        ans = await call_api(request, "GET", f"/api/reforms/jobs/{quote(job, safe='')}", b"", headers)
        state = ans.json() if ans.ok else None
        result = state.get("result") if isinstance(state, dict) else None
        if ans.ok and result is None:
            err = (state or {}).get("error") or {}
            form.pop("token", None)
            return render("reforms.html", form=form, result=None, chart=None,
                          error=str(err.get("error") or f"the job is {(state or {}).get('state')}"))
    else:
        ans = await call_api(request, "POST", "/api/reforms/impact", form.get("reform", "").encode("utf-8"), headers)
        result = ans.json() if ans.ok else None
    form.pop("token", None)  # never echoed back into the page
    return render("reforms.html", form=form, result=result, error=None if ans.ok else ans.error,
                  chart=histogram(result["submissions"]) if result else None)
