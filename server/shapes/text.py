"""Words of the generated shapes: requirements and messages in Chinese and English.

Placeholders left in sh:message for validation.py to fill: {$value} (the result's
value), {pkg:x} (the focus node's values of pkg:x); SPARQL messages use {?var},
which pySHACL fills from the query's solution.
"""
from __future__ import annotations

from decimal import Decimal

from rdflib import Literal
from rdflib.term import Node

SPAN = {"zh": {"gt": "超过", "ge": "不少于", "lt": "少于", "le": "不超过", "eq": "等于"},
        "en": {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most", "eq": "exactly"}}
OPS = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤", "eq": "="}
UNITS = {  # unit as encoded -> (zh, en)
    "m²": ("平方米", "m²"), "万元": ("万元", "万元 (10,000 yuan)"), "years": ("年", "years"),
    "days": ("日", "days"), "tce": ("吨标准煤", "tce"), "元/m²": ("元/平方米", "yuan/m²"),
    "万元/m²": ("万元/平方米", "万元/m²"), "m": ("米", "m"), "rank": ("名", ""), "PUE": ("", ""),
}


def num(v: object) -> str:
    """A number as people write it: 3000.0 -> 3000, 0.150 -> 0.15."""
    d = Decimal(str(v.toPython() if isinstance(v, Literal) else v))
    text = format(d.normalize(), "f")
    return text


def amount(v: object, unit: str | None, lang: str) -> str:
    if unit == "share":
        return f"{num(Decimal(num(v)) * 100)}%"
    zh, en = UNITS.get(unit or "", (unit or "", unit or ""))
    if en in ("years", "days") and num(v) == "1":
        en = en[:-1]
    return f"{num(v)}{zh}" if lang == "zh" else (f"{num(v)} {en}".strip())


def requirement(prop: str, comparator: str, value: object, unit: str | None, lang: str, other: str = "") -> str:
    """`prop` compared with a number of the text, or with `other` (another property's label)."""
    return f"{prop} {OPS.get(comparator, comparator)} {other or amount(value, unit, lang)}"


def declared(lang: str) -> str:
    return "申报值" if lang == "zh" else "declared"


def message(label: str, req: str, shown: str, lang: str) -> str:
    if lang == "zh":
        return f"{label}。要求：{req}；{declared(lang)}：{shown}"
    return f"{label}. Required: {req}; {declared(lang)}: {shown}"


def values_of(props: list[tuple[Node, str]], lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    colon = "：" if lang == "zh" else ": "
    return sep.join(f"{label}{colon}{{pkg:{str(p).rsplit('#', 1)[-1]}}}" for p, label in props)


def join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def either(items: list[str], lang: str) -> str:
    return ("；或 " if lang == "zh" else "; or ").join(items)
