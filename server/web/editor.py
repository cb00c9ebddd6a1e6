"""The SPARQL editor of the /query page: YASGUI (from the npm registry, served from static/vendor),
preconfigured with our endpoint, our prefixes and the library queries as examples; and permalinks.

Without the vendored files (a checkout where `make` has not run npm) the page keeps its plain
textarea, which works without JavaScript too.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from policykg.namespaces import PREFIXES

VENDOR = Path(__file__).resolve().parent / "static" / "vendor"


def available() -> bool:
    return (VENDOR / "yasgui.min.js").is_file() and (VENDOR / "yasgui.min.css").is_file()


TERMS_Q = """SELECT DISTINCT ?t ?k WHERE { GRAPH <https://w3id.org/policykg/graph/ontology> { ?t a ?k
  FILTER(?k IN (<http://www.w3.org/2002/07/owl#Class>, <http://www.w3.org/2002/07/owl#ObjectProperty>,
                <http://www.w3.org/2002/07/owl#DatatypeProperty>)) } }"""
CLASS = "http://www.w3.org/2002/07/owl#Class"


def config(library: dict[str, Any], store: Any) -> dict[str, Any]:
    """What editor.js needs: whether YASGUI is there, the endpoint, prefixes, example queries, and the
    vocabulary's classes and properties for completion (from our ontology, never from a web service)."""
    examples = [{"name": q.name, "summary": q.summary,
                 "query": "\n".join(ln for ln in q.text.splitlines() if not ln.startswith("#+")).strip()}
                for q in library.values() if q.dataset == "corpus"]
    classes, properties = set(), set()
    for r in store.select(TERMS_Q):
        (classes if r["k"].value == CLASS else properties).add(r["t"].value)
    return {"yasgui": available(), "endpoint": "/sparql", "prefixes": dict(PREFIXES), "examples": examples,
            "prefixesUrl": "/query/prefixes.json", "classes": sorted(classes), "properties": sorted(properties)}


def permalink(text: str) -> str:
    """A URL that reproduces the query and its results: /query?query=…&run=1."""
    return "/query?" + urlencode({"query": text, "run": 1})


def config_prefixes() -> dict[str, str]:
    return dict(PREFIXES)
