"""SPARQL operators on rdflib terms, as the generated targets use them (=, !=, <, <=, >, >=, IN).

SPARQL 1.1 §17.3: numbers compare by value across the numeric datatypes, dates, dateTimes,
plain strings and booleans by value within their type; any other pair is an error, which a
FILTER reads as false – except `=`/`!=` between identical terms (RDFterm-equal). An
ill-typed literal ("lots"^^xsd:decimal) has no value: an error as well.
"""
from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import XSD, Literal
from rdflib.term import Node

NUMERIC = {XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.int, XSD.long, XSD.short, XSD.byte,
           XSD.nonNegativeInteger, XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger,
           XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte}
ERROR = object()


@functools.lru_cache(maxsize=4096)
def _value(t: Node) -> tuple[str, Any] | None:
    """(category, comparable value) of a literal, or None (not comparable: an error)."""
    if not isinstance(t, Literal) or getattr(t, "ill_typed", False):
        return None
    dt = t.datatype
    if t.language:
        return None
    if dt is None or dt == XSD.string:
        return "string", str(t)
    try:
        if dt in NUMERIC:
            v = t.toPython()
            return ("number", Decimal(str(v)) if not isinstance(v, float) else v) if not isinstance(v, str) \
                else ("number", Decimal(str(t)))
        if dt == XSD.boolean:
            v = t.toPython()
            return ("boolean", v) if isinstance(v, bool) else None
        if dt == XSD.date:
            v = t.toPython()
            return ("date", v) if isinstance(v, date) and not isinstance(v, datetime) else None
        if dt == XSD.dateTime:
            v = t.toPython()
            return ("dateTime", v) if isinstance(v, datetime) and v.tzinfo is not None else None
    except (InvalidOperation, ValueError, TypeError):
        return None
    return None


def compare(a: Node, op: str, b: Node) -> bool:
    """The effective boolean value of `a op b` (an error is false)."""
    va, vb = _value(a), _value(b)
    if va is None or vb is None or va[0] != vb[0]:
        if op == "=":  # RDFterm-equal (two different literals it cannot compare: an error, false)
            return a == b
        if op == "!=":
            return False if isinstance(a, Literal) and isinstance(b, Literal) else a != b
        return False
    x, y = va[1], vb[1]
    if va[0] == "boolean" and op not in ("=", "!="):
        x, y = int(x), int(y)
    try:
        if isinstance(x, float) != isinstance(y, float):
            x, y = float(x), float(y)
        return {"=": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
    except TypeError:
        return False


def in_list(a: Node, options: list[Node]) -> bool:
    return any(compare(a, "=", o) for o in options)
