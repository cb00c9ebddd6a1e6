"""Layouts of the pictures (server-side SVG, drawn by the templates graph.html and timeline.html).

- the citation graph: the corpus documents (right, by date) and the documents they cite
  outside the corpus (left); an arrow per eli:cites;
- the measures per project type: documents x project types, each cell the measures' count
  and highest cap;
- the validity timeline: one bar per document from entry into force to end of validity
  (open-ended bars for documents that state no end), with today's date.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from policykg.provenance import PFX, catalog, list_documents, list_measures

CITES_Q = PFX + "SELECT ?a ?b WHERE { ?a eli:cites ?b }"
ROW, NODE_W, NODE_H = 46, 330, 36


def citation_graph(store: Any) -> dict[str, Any]:
    cat = catalog(store)
    docs = list_documents(store)
    inside = [d["iri"] for d in docs]
    edges = [(r["a"].value, r["b"].value) for r in store.select(CITES_Q)]
    pos = {iri: k for k, iri in enumerate(inside)}

    def centre(i: str) -> float:  # outside documents beside the documents that cite them: fewer crossings
        ks = [pos[a] for a, b in edges if b == i and a in pos] + [pos[b] for a, b in edges if a == i and b in pos]
        return sum(ks) / len(ks) if ks else len(inside)

    outside = sorted({b for a, b in edges if b not in pos} | {a for a, b in edges if a not in pos},
                     key=lambda i: (centre(i), cat.docs.get(i, {}).get("number") or "~", i))
    nodes: dict[str, dict[str, Any]] = {}
    for col, items, x in ((0, outside, 20), (1, inside, 640)):
        for k, iri in enumerate(items):
            d = cat.docs.get(iri, {})
            nodes[iri] = {"iri": iri, "x": x, "y": 60 + k * ROW, "w": NODE_W, "h": NODE_H, "inCorpus": col == 1,
                          "number": d.get("number") or "", "title": d.get("title") or iri.rsplit("/", 1)[-1],
                          "short": _short(d.get("title") or iri.rsplit("/", 1)[-1], 24)}
    lines = []
    for a, b in edges:
        if a not in nodes or b not in nodes:
            continue
        na, nb = nodes[a], nodes[b]
        ya, yb = na["y"] + NODE_H / 2, nb["y"] + NODE_H / 2
        if na["inCorpus"] and nb["inCorpus"]:  # an arc on the right of the corpus column
            xr = na["x"] + NODE_W
            bulge = xr + 40 + abs(ya - yb) * 0.35
            d = f"M{xr},{ya} C{bulge},{ya} {bulge},{yb} {xr + 6},{yb}"
        else:
            src, dst = (na, nb) if na["inCorpus"] else (nb, na)
            x1, y1, x2, y2 = src["x"], src["y"] + NODE_H / 2, dst["x"] + NODE_W + 6, dst["y"] + NODE_H / 2
            d = f"M{x1},{y1} C{x1 - 140},{y1} {x2 + 140},{y2} {x2},{y2}"
        lines.append({"d": d, "inner": na["inCorpus"] and nb["inCorpus"],
                      "title": f"{na['number'] or na['title']} 引用 cites {nb['number'] or nb['title']}"})
    height = 80 + max(len(outside), len(inside), 1) * ROW
    return {"nodes": list(nodes.values()), "edges": lines, "width": 1180, "height": height,
            "inside": len(inside), "outside": len(outside)}


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def measures_matrix(store: Any) -> dict[str, Any]:
    cat = catalog(store)
    measures = list_measures(store)
    types = [t for t in cat.project_types() if any(t["notation"] in m["projectTypes"] for m in measures)]
    docs = [d for d in list_documents(store) if any(m["document"] == d["iri"] for m in measures)]
    cells, top = [], 1
    for i, d in enumerate(docs):
        for j, t in enumerate(types):
            ms = [m for m in measures if m["document"] == d["iri"] and t["notation"] in m["projectTypes"]]
            if ms:
                caps = [m["cap"] for m in ms if isinstance(m["cap"], (int, float))]
                cells.append({"row": i, "col": j, "n": len(ms), "cap": max(caps) if caps else None,
                              "title": "；".join(m["label"] or m["slug"] or "" for m in ms),
                              "href": f"/api/measures?projectType={t['notation']}"})
                top = max(top, len(ms))
    for c in cells:
        c["shade"] = round(0.18 + 0.72 * c["n"] / top, 2)
    left, cw, rh, head = 200, 74, 44, 215
    return {"types": types, "docs": docs, "cells": cells, "left": left, "cw": cw, "rh": rh, "head": head,
            "width": left + cw * max(len(types), 1) + 20, "height": head + rh * max(len(docs), 1) + 20}


def timeline(store: Any, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    docs = list_documents(store)
    years = [int(d[k][:4]) for d in docs for k in ("inForceFrom", "inForceUntil", "issued") if d.get(k)]
    y0, y1 = (min(years + [today.year]), max(years + [today.year]) + 1) if years else (today.year - 1, today.year + 1)
    left, width, rh, top = 230, 760, 40, 50
    span = (date(y1 + 1, 1, 1) - date(y0, 1, 1)).days

    def x(iso: str | None) -> float:
        d = date.fromisoformat(iso) if iso else today
        return round(left + width * (d - date(y0, 1, 1)).days / span, 1)

    rows = []
    for i, d in enumerate(sorted(docs, key=lambda d: (d.get("inForceFrom") or d.get("issued") or "9999", d["iri"]))):
        start = d.get("inForceFrom") or d.get("issued")
        open_end = not d.get("inForceUntil")
        x1 = x(start) if start else None
        x2 = left + width if open_end else x(d["inForceUntil"])
        rows.append({"y": top + i * rh, "doc": d, "x1": x1, "x2": x2, "open": open_end,
                     "inForce": bool(start) and start <= today.isoformat() and (open_end or today.isoformat() <= d["inForceUntil"])})
    ticks = [{"x": x(f"{y}-01-01"), "year": y} for y in range(y0, y1 + 2)]
    return {"rows": rows, "ticks": ticks, "today": {"x": x(today.isoformat()), "iso": today.isoformat()},
            "left": left, "width": left + width + 40, "height": top + rh * max(len(rows), 1) + 30, "rh": rh,
            "top": top, "right": left + width}
