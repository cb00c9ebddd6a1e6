"""One document or one clause with everything around it (docs/api.md), and trace chains.

Shape of both: `{iri, number|label, text, document, parent, children, derived, anomalies}`
plus what the pages need (validity, citations, the clause tree, the source position).
"""
from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from policykg.errors import BadInput
from policykg.provenance.catalog import (
    DCT,
    ELI,
    PFX,
    PROV,
    RDFS,
    SKOS,
    Catalog,
    P,
    Props,
    _v,
    catalog,
    describe,
    kind_of,
    props_of,
    pyval,
    resolve,
)
from policykg.provenance.documents import anomalies, derived, summarize

TREE_Q = PFX + """SELECT ?root ?c ?text ?file ?line ?end WHERE { ?c eli:is_part_of+ ?root .
  OPTIONAL { ?c prov:value ?text } OPTIONAL { ?c pkg:sourceFile ?file }
  OPTIONAL { ?c pkg:sourceLine ?line } OPTIONAL { ?c pkg:sourceEndLine ?end } }"""
LINKED = "WHERE { { ?root eli:passed_by|eli:published_in ?x } UNION { ?x pkg:about ?root } }"
CITED_BY_Q = PFX + "SELECT ?root ?x WHERE { ?x eli:cites ?root }"
SEARCH_Q = PFX + """SELECT ?q ?c ?text WHERE { ?c a eli:LegalResourceSubdivision ; prov:value ?text .
  FILTER(CONTAINS(STR(?text), STR(?q))) } LIMIT 500"""


def _self(store: Any, iri: str) -> Props:
    return props_of(store, iri)


def _label(props: Props) -> str | None:
    return (props.one(SKOS + "prefLabel", "zh") or props.one(RDFS + "label", "zh") or props.one(ELI + "title", "zh")
            or props.one(DCT + "title"))


def _source(file: str | None, line: int | None, end: int | None) -> dict[str, Any] | None:
    if not file:
        return None
    return {"file": file, "line": line, "endLine": end,
            "url": f"/sources/{file}" + (f"?from={line}&to={end or line}#L{line}" if line else "")}


def document_detail(store: Any, iri: str) -> dict[str, Any]:
    cat = catalog(store)
    props = _self(store, iri)
    if kind_of(props.types) != "document":
        raise_missing(iri, "document")
    root = {"root": ox.NamedNode(iri)}
    linked = describe(store, LINKED, root)
    rows = {r["c"].value: r for r in store.select(TREE_Q, root)}
    items = derived(store, iri, cat)
    anoms = anomalies(store, iri, cat)
    by_clause: dict[str, list[dict[str, Any]]] = {}
    for d in items:
        by_clause.setdefault((d.get("fromClause") or {}).get("iri", ""), []).append(d)
    anom_by: dict[str, list[dict[str, Any]]] = {}
    for a in anoms:
        anom_by.setdefault(a["on"]["iri"], []).append(a)

    def tree(parent: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for c in cat.children.get(parent, []):
            r = rows.get(c, {})
            info = cat.clauses[c]
            out.append({"iri": c, "label": info["number"], "fullLabel": cat.label(c), "heading": info["heading"],
                        "level": info["level"], "position": info["position"], "text": _v(r, "text"),
                        "source": _source(_v(r, "file"), pyval(r.get("line")), pyval(r.get("end"))),
                        "derived": by_clause.get(c, []), "anomalies": anom_by.get(c, []), "children": tree(c)})
            out[-1]["ownText"] = own_text(out[-1]["text"], out[-1]["children"])
        return out

    clauses = tree(iri)
    doc = cat.doc_ref(iri)
    validity_clause = props.one(P + "validityDerivedFrom")
    pub = props.one(ELI + "published_in")
    cited_by = [r["x"].value for r in store.select(CITED_BY_Q, root)]
    return {
        "iri": iri, "slug": props.one(P + "slug"), "number": props.one(ELI + "id_local"),
        "title": props.one(ELI + "title", "zh"), "titleEn": _lang_only(props, ELI + "title", "en"),
        "text": "\n".join(c["text"] or "" for c in _flat(clauses)) or None,
        "document": doc, "parent": {"iri": pub, "label": _label(linked.get(pub, Props()))} if pub else None,
        "children": [{k: c[k] for k in ("iri", "label", "heading", "level", "position")} for c in clauses],
        "derived": items, "anomalies": anoms, "inCorpus": props.one(P + "inCorpus") is True,
        "issued": props.one(ELI + "date_document"), "inForceFrom": props.one(ELI + "first_date_entry_in_force"),
        "inForceUntil": props.one(ELI + "date_no_longer_in_force"),
        "noEndDateStated": props.one(P + "noEndDateStated") is True,
        "datesNotStated": sorted(props.all(P + "dateNotStated")),
        "validity": {"clause": cat.clause_ref(validity_clause), "statement": props.one(P + "validityStatement", "zh"),
                     "note": props.one(P + "dateNote", "zh"), "noteEn": _lang_only(props, P + "dateNote", "en")},
        "authorities": [{"iri": a, "label": _label(linked.get(a, Props()))} for a in props.all(ELI + "passed_by")],
        "cites": sorted((cat.doc_ref(c) for c in props.all(ELI + "cites")), key=lambda d: d["iri"]),
        "citedBy": sorted((cat.doc_ref(c) for c in cited_by), key=lambda d: d["iri"]),
        "sourceFile": props.one(P + "sourceFile"),
        "about": [{"iri": x, "kind": kind_of(p.types), "label": _label(p), "comment": p.one(RDFS + "comment", "zh")
                   or p.one(RDFS + "comment", "en"), "source": p.one(DCT + "source")}
                  for x, p in linked.items() if iri in p.all(P + "about")],
        "clauses": clauses, "clauseCount": len(_flat(clauses)),
    }


def own_text(text: str | None, children: list[dict[str, Any]]) -> str | None:
    """A clause's text up to where its first sub-clause starts (a parent's text holds its children's)."""
    if not text or not children or not children[0].get("text"):
        return text
    i = text.find(children[0]["text"][:24])
    return text[:i].rstrip() if i >= 0 else text


def _lang_only(props: Props, p: str, lang: str) -> Any:
    terms = [t for t in props.get(p, []) if getattr(t, "language", None) == lang]
    return terms[0].value if terms else None


def _flat(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [x for n in nodes for x in [n, *_flat(n["children"])]]


def raise_missing(iri: str, kind: str) -> None:
    from policykg.errors import NotFound

    raise NotFound(f"no {kind} {iri!r}", {"iri": iri, "kind": kind})


def clause_detail(store: Any, iri: str) -> dict[str, Any]:
    cat = catalog(store)
    props = _self(store, iri)
    if kind_of(props.types) != "clause" or iri not in cat.clauses:
        raise_missing(iri, "clause")
    info = cat.clauses[iri]
    parent = info["parent"]
    siblings = cat.children.get(parent, [])
    i = siblings.index(iri)
    kids = {r["c"].value: r for r in store.select(TREE_Q, {"root": ox.NamedNode(iri)})}
    items = derived(store, iri, cat)
    doc = cat.doc_of(iri)
    return {
        "iri": iri, "label": info["number"], "fullLabel": cat.label(iri), "heading": info["heading"],
        "level": info["level"], "position": info["position"], "text": props.one(PROV + "value", "zh"),
        "document": cat.doc_ref(doc), "parent": cat.clause_ref(parent) if parent in cat.clauses else cat.doc_ref(parent),
        "path": [cat.clause_ref(c) for c in cat.path(iri)],
        "children": [dict(cat.clause_ref(c) or {}, text=_v(kids.get(c, {}), "text")) for c in cat.children.get(iri, [])],
        "previous": cat.clause_ref(siblings[i - 1]) if i > 0 else None,
        "next": cat.clause_ref(siblings[i + 1]) if i + 1 < len(siblings) else None,
        "derived": items,
        "anomalies": [a for a in anomalies(store, iri, cat) if a["on"]["iri"] == iri],
        "source": _source(props.one(P + "sourceFile"), props.one(P + "sourceLine"), props.one(P + "sourceEndLine")),
    }


def trace(store: Any, ident: str) -> dict[str, Any]:
    """The chain for a clause, measure or any derived thing: item -> clause -> parents -> document -> authority."""
    iri = resolve(store, ident)
    cat = catalog(store)
    props = _self(store, iri)
    kind = kind_of(props.types)
    item = None
    clause_iri = iri if kind == "clause" else None
    if kind not in ("clause", "document"):
        item = summarize(iri, props, cat)
        clause_iri = props.one(PROV + "wasDerivedFrom") or (props.all(P + "usesClause") or [None])[0]
    chain = []
    for c in cat.path(clause_iri) if clause_iri else []:
        cp = _self(store, c)
        chain.append(dict(cat.clause_ref(c) or {}, text=cp.one(PROV + "value", "zh"),
                          source=_source(cp.one(P + "sourceFile"), cp.one(P + "sourceLine"), cp.one(P + "sourceEndLine")),
                          anomalies=[a for a in anomalies(store, c, cat) if a["on"]["iri"] == c]))
    doc_iri = iri if kind == "document" else (cat.doc_of(clause_iri) if clause_iri else props.one(P + "definedIn"))
    doc = document_summary(store, doc_iri) if doc_iri else None
    return {"iri": iri, "kind": kind, "item": item, "clauses": chain, "document": doc,
            "derived": derived(store, iri, cat) if kind == "clause" else []}


def document_summary(store: Any, iri: str) -> dict[str, Any]:
    props = _self(store, iri)
    linked = describe(store, LINKED, {"root": ox.NamedNode(iri)})
    return {"iri": iri, "number": props.one(ELI + "id_local"), "title": props.one(ELI + "title", "zh"),
            "issued": props.one(ELI + "date_document"), "inForceFrom": props.one(ELI + "first_date_entry_in_force"),
            "inForceUntil": props.one(ELI + "date_no_longer_in_force"),
            "noEndDateStated": props.one(P + "noEndDateStated") is True,
            "validityStatement": props.one(P + "validityStatement", "zh"),
            "authorities": [{"iri": a, "label": _label(linked.get(a, Props()))} for a in props.all(ELI + "passed_by")]}


def search_clauses(store: Any, q: str, limit: int = 200) -> list[dict[str, Any]]:
    """Clauses whose verbatim text contains `q` (a plain substring: Chinese works as typed)."""
    q = (q or "").strip()
    if not q:
        return []
    if len(q) > 200:
        raise BadInput("search text too long", {"max": 200})
    cat = catalog(store)
    hits = []
    for r in store.select(SEARCH_Q, {"q": ox.Literal(q)}):
        c, text = r["c"].value, r["text"].value
        i = text.find(q)
        ref = cat.clause_ref(c) or {}
        ref.update(text=text, snippet=[text[max(0, i - 40):i], q, text[i + len(q):i + len(q) + 60]] if i >= 0 else [text[:100], "", ""])
        hits.append(ref)
    # a parent's text holds its sub-clauses': keep the deepest clauses that contain q
    above = {a for h in hits for a in cat.path(h["iri"])[:-1]}
    hits = [h for h in hits if h["iri"] not in above]
    hits.sort(key=lambda h: (h.get("documentNumber") or "", h["iri"]))
    return hits[:limit]


__all__ = ["Catalog", "clause_detail", "document_detail", "document_summary", "search_clauses", "trace"]
