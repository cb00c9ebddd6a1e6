"""Documents, clauses and measures as the API and pages show them: from any rule to its clause."""
from __future__ import annotations

from typing import Any

from .namespaces import PREFIXES

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())

DOCS_Q = PFX + """
SELECT ?doc ?number ?title ?issued ?from ?until ?slug
       (GROUP_CONCAT(DISTINCT ?auth; separator="\\u001f") AS ?auths)
       (COUNT(DISTINCT ?clause) AS ?clauses)
WHERE {
  ?doc a eli:LegalResource ; pkg:inCorpus true .
  OPTIONAL { ?doc eli:id_local ?number }
  OPTIONAL { ?doc eli:title ?title FILTER(lang(?title) = "zh") }
  OPTIONAL { ?doc eli:date_document ?issued }
  OPTIONAL { ?doc eli:first_date_entry_in_force ?from }
  OPTIONAL { ?doc eli:date_no_longer_in_force ?until }
  OPTIONAL { ?doc pkg:slug ?slug }
  OPTIONAL { ?doc eli:passed_by/skos:prefLabel ?auth FILTER(lang(?auth) = "zh") }
  OPTIONAL { ?clause eli:is_part_of+ ?doc }
}
GROUP BY ?doc ?number ?title ?issued ?from ?until ?slug
ORDER BY ?issued ?doc
"""


def _v(row: dict[str, Any], key: str) -> Any:
    t = row.get(key)
    return None if t is None else t.value


def list_documents(store: Any) -> list[dict[str, Any]]:
    out = []
    for r in store.select(DOCS_Q):
        auths = _v(r, "auths")
        out.append(
            {
                "iri": _v(r, "doc"),
                "slug": _v(r, "slug"),
                "number": _v(r, "number"),
                "title": _v(r, "title"),
                "issued": _v(r, "issued"),
                "inForceFrom": _v(r, "from"),
                "inForceUntil": _v(r, "until"),
                "authorities": sorted(auths.split("\u001f")) if auths else [],
                "clauseCount": int(_v(r, "clauses") or 0),
            }
        )
    return out
