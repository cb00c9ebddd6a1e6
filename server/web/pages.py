"""Server-rendered pages (Jinja2, autoescape on: every source and user text is escaped).

The document, clause and measure pages are the HTML side of /api/documents/{id},
/api/clauses/{id} and /api/measures/{id} (server/api/provenance.py); the tools and
pictures are in pages_more.py. No JavaScript framework, no build step, nothing fetched
from outside: one stylesheet and one small script under /static.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, Undefined, select_autoescape

from policykg.provenance import list_documents
from policykg.web import urls

TEMPLATES = Path(__file__).resolve().parent / "templates"
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True,
                                                                                  default_for_string=True))

router = APIRouter(include_in_schema=False)

COMPARATORS = {"gt": ("超过", ">"), "ge": ("不低于", "≥"), "lt": ("低于", "<"), "le": ("不超过", "≤"), "eq": ("等于", "=")}
SEVERITY_ZH = {"Violation": "违反", "Warning": "警告", "Info": "提示"}


def money(v: Any) -> str:
    """万元 amounts as printed in the documents (5000 万元, 0.12 万元)."""
    if v is None or v == "" or isinstance(v, Undefined):
        return "—"
    f = float(v)
    return f"{int(f) if f.is_integer() else round(f, 4)} 万元"


def pct(v: Any) -> str:
    if v is None or v == "" or isinstance(v, Undefined):
        return "—"
    f = float(v) * 100
    return f"{int(f) if abs(f - round(f)) < 1e-9 else round(f, 2)}%"


def num(v: Any) -> str:
    if v is None or v == "" or isinstance(v, Undefined):
        return "—"
    f = float(v) if not isinstance(v, bool) else v
    return str(int(f)) if isinstance(f, float) and f.is_integer() else str(f)


def comparator(c: str | None) -> str:
    zh, sym = COMPARATORS.get(c or "", (c or "", ""))
    return f"{zh} {sym}".strip()


def page_url(iri: str | None, kind: str | None = None) -> str:
    return urls.page_url(iri or "", kind)


env.filters.update(money=money, pct=pct, num=num, comparator=comparator)
env.globals.update(url=page_url, severity_zh=SEVERITY_ZH)


def render(template: str, request: Request | None = None, status: int = 200, **ctx: Any) -> HTMLResponse:
    return HTMLResponse(env.get_template(template).render(**ctx), status_code=status)


def in_force(doc: dict, today: str) -> bool:
    start, end = doc.get("inForceFrom"), doc.get("inForceUntil")
    return bool(start) and start <= today and (end is None or today <= end)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    today = date.today().isoformat()
    docs = list_documents(request.app.state.store)
    for d in docs:
        d["inForceToday"] = in_force(d, today)
    return render("home.html", docs=docs, today=today)
