"""Server-rendered pages (Jinja2, autoescape on: every source and user text is escaped)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..provenance import list_documents

TEMPLATES = Path(__file__).resolve().parent / "templates"
env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))

router = APIRouter(include_in_schema=False)


def render(name: str, **ctx) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**ctx))


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
