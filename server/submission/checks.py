"""What a submission must be beyond its syntax: a JSON object, and literals of the ontology's types.

A JSON body must be an object or a list of objects (`null`, `"str"`, `123`: 422 naming the
root or the item). Then, once parsed (docs/architecture.md: bytes -> parse -> submission graph),
every literal whose predicate is a pkg: property with a datatype range must be of that
datatype and well-formed: `"lots"^^xsd:decimal`, `"8000 万"` where a number is due or
`"2024-02-30"^^xsd:date` are a 422 naming the field, on every route (JSON form, JSON-LD,
Turtle, N-Triples, RDF/XML), before any rule sees them; and the JSON form's value rules (an amount
is never negative, a share is in 0..1) hold in every format (check_values). The ranges are read from
ontology/policykg.ttl once: `rdfs:range xsd:…` where OWL has the datatype, and the
`# xsd:date values` comment where it has not (OWL 2 has no date datatype, docs/architecture.md (engines)).
"""
from __future__ import annotations

import logging
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import RDFS, XSD, Graph, Literal, URIRef

from policykg.config import ROOT
from policykg.errors import UnprocessableInput
from policykg.namespaces import PKG

ONTOLOGY = ROOT / "ontology" / "policykg.ttl"
CHECKED = {XSD.decimal, XSD.integer, XSD.boolean, XSD.date, XSD.dateTime}
# XSD types derived from xsd:integer (and so from xsd:decimal): a Turtle `8000` is an xsd:integer.
INTEGERS = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger, XSD.positiveInteger,
            XSD.nonPositiveInteger, XSD.negativeInteger, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort,
            XSD.unsignedByte}
ACCEPTED = {XSD.decimal: INTEGERS | {XSD.decimal}, XSD.integer: INTEGERS}
_COMMENTED = re.compile(r"^pkg:(\w+)\s+a\s+owl:DatatypeProperty\s*;\s*#\s*xsd:(\w+)\s+values", re.MULTILINE)
MAX_REPORTED = 20
# Lexical forms Python's converters accept but XSD does not ("NaN", "1e3" as xsd:decimal).
LEXICAL = {XSD.decimal: re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*"), XSD.boolean: re.compile(r"\s*(true|false|1|0)\s*")}


class _IllTypedNoise(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it builds; check_datatypes answers them (422)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")


def quiet_rdflib() -> None:
    """Drop rdflib's ill-typed-literal tracebacks from the logs (and the CLI's stderr); idempotent."""
    log = logging.getLogger("rdflib.term")
    if not any(isinstance(f, _IllTypedNoise) for f in log.filters):
        log.addFilter(_IllTypedNoise())


@lru_cache(maxsize=4)
def ranges(path: Path = ONTOLOGY) -> dict[URIRef, URIRef]:
    """pkg: property -> its XSD datatype (decimal, integer, boolean, date, dateTime), read once."""
    text = path.read_text(encoding="utf-8")
    g = Graph().parse(data=text, format="turtle")
    out = {p: r for p, r in g.subject_objects(RDFS.range)
           if isinstance(p, URIRef) and str(p).startswith(str(PKG._NS)) and r in CHECKED}
    for name, dt in _COMMENTED.findall(text):
        if XSD[dt] in CHECKED:
            out.setdefault(URIRef(str(PKG._NS) + name), XSD[dt])
    return out


def short(dt: URIRef) -> str:
    """xsd:decimal for an XSD datatype, <iri> for any other."""
    return "xsd:" + str(dt)[len(str(XSD)):] if str(dt).startswith(str(XSD)) else f"<{dt}>"


def lexical_ok(text: str, dt: URIRef) -> bool:
    """False for the lexical forms Python's converters read but XSD refuses ("NaN", "1e3" as xsd:decimal)."""
    pattern = LEXICAL.get(XSD.decimal if dt in ACCEPTED[XSD.decimal] else dt)
    return pattern is None or pattern.fullmatch(text) is not None


def _problem(o: Any, expected: URIRef) -> str | None:
    """Why term `o` is not a value of `expected`, or None if it is."""
    if not isinstance(o, Literal):
        return f"a literal of {short(expected)} is due, got a resource"
    dt = o.datatype
    if dt is None:
        return f"{'a language-tagged' if o.language else 'a plain'} string where {short(expected)} is due"
    if dt not in ACCEPTED.get(expected, {expected}):
        return f"{short(dt)} where {short(expected)} is due"
    if o.ill_typed or not lexical_ok(str(o), dt):
        return f"{str(o)!r} is not a valid {short(dt)}"
    return None


def check_datatypes(g: Graph, fmt: str) -> None:
    """422 `{error, detail: [{field, value, expected}]}` for every literal of the wrong type in `g`."""
    table = ranges()
    problems: list[tuple[str, dict[str, str]]] = []
    for p, expected in table.items():
        for o in g.objects(None, p):
            why = _problem(o, expected)
            if why is not None:
                field = str(p)[len(str(PKG._NS)):]
                problems.append((f"{field}: {why}", {"field": field, "value": str(o),
                                                     "expected": short(expected)}))
    if problems:
        problems.sort(key=lambda x: (x[1]["field"], x[1]["value"]))
        raise UnprocessableInput(problems[0][0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
                                 [d for _m, d in problems[:MAX_REPORTED]])


def _json_type(v: Any) -> str:
    return "null" if v is None else {bool: "a boolean", str: "a string", list: "a list", dict: "an object"}.get(
        type(v), "a number")


def check_json_shape(data: Any, fmt: str) -> None:
    """A submission is a JSON object or a non-empty list of objects: 422 naming what is not."""
    if isinstance(data, dict):
        return
    if not isinstance(data, list):
        raise UnprocessableInput(f"a submission is a JSON object (or a list of objects), got {_json_type(data)}",
                                 {"field": "(root)", "value": data, "expected": "object", "format": fmt})
    if not data:
        raise UnprocessableInput("a submission is a JSON object (or a list of objects), got an empty list",
                                 {"field": "(root)", "value": data, "expected": "object", "format": fmt})
    for i, x in enumerate(data):
        if not isinstance(x, dict):
            raise UnprocessableInput(f"item [{i}] of the submission must be a JSON object, got {_json_type(x)}",
                                     {"field": f"[{i}]", "value": x, "expected": "object", "format": fmt})


@lru_cache(maxsize=1)
def value_rules() -> dict[URIRef, str]:
    """pkg: property -> "decimal" (>= 0) or "share" (0..1): the JSON form's own rules (server/submission/jsonform.py),
    applied to every format by check_values."""
    from policykg.submission.jsonform import COMMON, NESTED, NESTED_PROPERTY, PROPERTY, TYPES

    rules: dict[URIRef, str] = {}
    tables = [(t, PROPERTY) for t in (COMMON, *TYPES.values())] + [(t, NESTED_PROPERTY) for t in NESTED.values()]
    for table, names in tables:
        for name, kind in table.items():
            if kind in ("decimal", "share"):
                prop = PKG[names.get(name, name)]
                if rules.get(prop) != "share":  # a share somewhere is a share everywhere (the stricter rule)
                    rules[prop] = kind
    return rules


def check_values(g: Graph, fmt: str) -> None:
    """422 for a negative amount or a share outside 0..1, in Turtle, N-Triples, JSON-LD and RDF/XML exactly as
    in the JSON form (run after check_datatypes, so every value here is a well-formed number)."""
    problems: list[tuple[str, dict[str, str]]] = []
    for p, kind in value_rules().items():
        for o in g.objects(None, p):
            if not isinstance(o, Literal) or o.datatype not in ACCEPTED[XSD.decimal]:
                continue
            try:
                d = Decimal(str(o).strip())
            except InvalidOperation:
                continue
            field = str(p)[len(str(PKG._NS)):]
            if d < 0:
                problems.append((f"{field}: must not be negative, got {o}", {"field": field, "value": str(o),
                                                                             "expected": ">= 0"}))
            elif kind == "share" and d > 1:
                problems.append((f"{field}: is a share, a decimal in 0..1 (30% = 0.3), got {o}",
                                 {"field": field, "value": str(o), "expected": "0..1"}))
    if problems:
        problems.sort(key=lambda x: (x[1]["field"], x[1]["value"]))
        raise UnprocessableInput(problems[0][0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
                                 [d for _m, d in problems[:MAX_REPORTED]])
