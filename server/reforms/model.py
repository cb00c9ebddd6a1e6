"""A reform: a named set of changes to parameters of the corpus (rate, cap, floor, per-unit amount, threshold
value or comparator, validity dates), read from YAML or JSON and checked against the corpus before anything
is evaluated. The corpus itself is never modified."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from policykg.errors import UnprocessableInput

PKG = "https://w3id.org/policykg/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
# what may change, and the type of its value
PARAMETERS = {
    PKG + "rate": "decimal", PKG + "cap": "decimal", PKG + "floor": "decimal", PKG + "perUnitAmount": "decimal",
    PKG + "capPerYear": "decimal", PKG + "maxYears": "decimal", PKG + "thresholdValue": "decimal",
    PKG + "comparator": "comparator", ELI + "first_date_entry_in_force": "date", ELI + "date_no_longer_in_force": "date",
}
COMPARATORS = ("gt", "ge", "lt", "le", "eq")
PREFIXES = {"pkg:": PKG, "eli:": ELI}
MAX_CHANGES = 100


@dataclass(frozen=True)
class Change:
    target: str
    property: str
    value: Any  # Decimal, str (comparator) or date

    @property
    def datatype(self) -> str:
        kind = PARAMETERS[self.property]
        return XSD + ("date" if kind == "date" else "string" if kind == "comparator" else "decimal")

    def lexical(self) -> str:
        return self.value.isoformat() if isinstance(self.value, date) else (
            format(self.value, "f") if isinstance(self.value, Decimal) else str(self.value))


@dataclass(frozen=True)
class Reform:
    name: str
    description: str
    as_of: date | None
    changes: tuple[Change, ...]


def _fail(msg: str, field: str) -> UnprocessableInput:
    return UnprocessableInput(msg, [{"field": field, "message": msg}])


def _expand(iri: Any, field: str) -> str:
    if not isinstance(iri, str) or not iri:
        raise _fail("must be an IRI (or pkg:/eli: name)", field)
    for p, ns in PREFIXES.items():
        if iri.startswith(p):
            return ns + iri[len(p):]
    if not iri.startswith("https://w3id.org/policykg/"):
        raise _fail(f"{iri!r} is not a resource of the corpus", field)
    return iri


def _value(kind: str, v: Any, field: str) -> Any:
    if kind == "decimal":
        if isinstance(v, bool):
            raise _fail("must be a number", field)
        try:
            d = Decimal(str(v))
        except (InvalidOperation, ValueError):
            raise _fail("must be a number", field) from None
        if not d.is_finite() or d < 0 or d > Decimal("1e9"):
            raise _fail("must be a number between 0 and 1e9", field)
        return d
    if kind == "comparator":
        if v not in COMPARATORS:
            raise _fail(f"must be one of {list(COMPARATORS)}", field)
        return v
    if isinstance(v, date):  # YAML reads an unquoted 2024-09-01 as a date
        return v
    try:
        if isinstance(v, str) and len(v) == 10:
            return date.fromisoformat(v)
    except ValueError:
        pass
    raise _fail("must be a date YYYY-MM-DD", field)


def parse_reform(data: Any) -> Reform:
    """A reform from parsed YAML/JSON; 422 naming the field for anything malformed."""
    if not isinstance(data, dict):
        raise _fail("a reform is an object {name, description, asOf, changes}", "")
    unknown = set(data) - {"name", "description", "asOf", "changes"}
    if unknown:
        raise _fail(f"unknown key(s) {sorted(unknown)}", sorted(unknown)[0])
    name, changes = data.get("name"), data.get("changes")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise _fail("name is required (at most 200 characters)", "name")
    if not isinstance(changes, list) or not changes or len(changes) > MAX_CHANGES:
        raise _fail(f"changes must be a list of 1 to {MAX_CHANGES} changes", "changes")
    as_of = _value("date", data["asOf"], "asOf") if data.get("asOf") is not None else None
    out = []
    for i, c in enumerate(changes):
        f = f"changes[{i}]"
        if not isinstance(c, dict) or set(c) != {"target", "property", "value"}:
            raise _fail("each change is {target, property, value}", f)
        prop = _expand(c["property"], f + ".property")
        if prop not in PARAMETERS:
            raise _fail(f"property must be one of {sorted(PARAMETERS)}", f + ".property")
        out.append(Change(_expand(c["target"], f + ".target"), prop, _value(PARAMETERS[prop], c["value"], f + ".value")))
    return Reform(name.strip(), str(data.get("description") or ""), as_of, tuple(out))


def load_reform(text: str) -> Reform:
    """A reform file (YAML, of which JSON is a subset)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise _fail(f"not YAML: {str(e)[:200]}", "") from None
    return parse_reform(data)
