"""What would make a project eligible, and which measures exclude each other.

A failed criterion's shape names the criterion it encodes (pkg:encodesProvision); the
criterion's data (property, comparator, threshold, unit – the same numbers the shape was
generated from) says what value would satisfy it: "floorArea must exceed 3000 m²; it is
3000". Boundaries as docs/encoding.md: gt 超过 (strict), ge 不低于, lt 低于, le 不超过.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection

from policykg.namespaces import PKG, PREFIXES, SH
from policykg.validation import Bundle

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
CRITERIA_Q = PFX + """
SELECT ?c ?kind ?p ?comp ?v ?unit ?rel ?req ?allowed ?alt WHERE {
  ?c a ?kind . VALUES ?kind { pkg:Threshold pkg:RequiredCondition pkg:ValueInCriterion pkg:AlternativeCriteria }
  OPTIONAL { ?c pkg:onProperty ?p }
  OPTIONAL { ?c pkg:comparator ?comp }
  OPTIONAL { ?c pkg:thresholdValue ?v }
  OPTIONAL { ?c pkg:unit ?unit }
  OPTIONAL { ?c pkg:relativeTo ?rel }
  OPTIONAL { ?c pkg:requiredValue ?req }
  OPTIONAL { { ?c pkg:allowedValue ?allowed } UNION { ?c pkg:allowedLiteral ?allowed } }
  OPTIONAL { ?c pkg:alternative ?alt }
}"""
VERB = {"gt": ("须超过", "must exceed"), "ge": ("须不低于", "must be at least"), "lt": ("须低于", "must be below"),
        "le": ("须不超过", "must not exceed"), "eq": ("须等于", "must equal")}
NOT_GIVEN = {"zh": "未填写", "en": "not given"}
GROUP_WORDS = {"zh": "只能申请其中一项", "en": "only one of these can be requested"}


def criteria(store: Any, b: Bundle) -> dict[str, dict[str, Any]]:
    cached = b.cache.get("eligibility-criteria")
    if cached is not None:
        return cached
    out: dict[str, dict[str, Any]] = {}
    for r in store.select(CRITERIA_Q):
        c = out.setdefault(r["c"].value, {"kind": r["kind"].value.rsplit("#", 1)[-1], "allowed": [], "alts": []})
        for k in ("p", "comp", "v", "unit", "rel", "req"):
            if k in r:
                c[k] = r[k].value
        if "allowed" in r and r["allowed"].value not in c["allowed"]:
            c["allowed"].append(r["allowed"].value)
        if "alt" in r and r["alt"].value not in c["alts"]:
            c["alts"].append(r["alt"].value)
    b.cache["eligibility-criteria"] = out
    return out


def _json(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, date):
        return v.isoformat()
    return v if isinstance(v, (bool, int, float, str)) or v is None else str(v)


def _n(v: Any) -> str:
    return format(Decimal(str(v)).normalize(), "f")


def _show(v: Any, unit: str | None, lang: str) -> str:
    if v is None:
        return NOT_GIVEN[lang]
    if isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("true" if v else "false")
    try:
        d = Decimal(str(v))
    except ArithmeticError:
        return str(v)
    if unit == "share":
        return f"{_n(d * 100)}%"
    sep = "" if lang == "zh" or unit in (None, "万元", "元/m²") else " "
    word = {"years": ("年", "years"), "days": ("天", "days")}.get(unit or "")
    return f"{_n(d)}{sep}{(word[0] if lang == 'zh' else word[1]) if word else (unit or '')}"


def fix_one(b: Bundle, crit: dict[str, Any], data: Graph, s: URIRef, day: date, lang: str,
            all_crit: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """What criterion `crit` needs, against the submission's value."""
    kind, p = crit["kind"], crit.get("p")
    if kind == "AlternativeCriteria":
        parts = [f for a in crit["alts"] if a in all_crit
                 for f in [fix_one(b, all_crit[a], data, s, day, lang, all_crit)] if f]
        if not parts:
            return None
        joiner = "；或 " if lang == "zh" else "; or "
        lead = "满足其一：" if lang == "zh" else "any one of: "
        return {"kind": "any-of", "alternatives": parts, "text": lead + joiner.join(x["text"] for x in parts)}
    if p is None:
        return None
    local = p.rsplit("#", 1)[-1]
    name = f"{b.label(URIRef(p), 'zh') or local}（{local}）" if lang == "zh" else local
    actual_node = data.value(s, URIRef(p))
    actual = _json(actual_node.toPython()) if isinstance(actual_node, Literal) else (
        str(actual_node) if actual_node is not None else None)
    shown = _show(actual, crit.get("unit"), lang) if not isinstance(actual_node, URIRef) else (
        b.label(actual_node, lang) or str(actual_node))
    semi = "；当前为" if lang == "zh" else "; it is "
    if kind == "Threshold" and crit.get("comp") in VERB:
        comp, v, unit = crit["comp"], crit.get("v"), crit.get("unit")
        verb = VERB[comp][0 if lang == "zh" else 1]
        if crit.get("rel"):
            return _relative(name, comp, v, day, actual, shown, lang) if crit["rel"] == "applicationDate" else None
        return {"kind": "threshold", "property": local, "comparator": comp, "threshold": float(v),
                "unit": unit, "actual": actual,
                "text": f"{name} {verb} {_show(v, unit, lang)}{semi}{shown}" if lang == "en"
                else f"{name}{verb}{_show(v, unit, lang)}{semi}{shown}"}
    if kind == "RequiredCondition":
        want = crit.get("req")
        if want is None:
            text = f"{name}须填写" if lang == "zh" else f"{name} must be given"
        else:
            text = f"{name}须声明为“是”" if lang == "zh" else f"{name} must be declared {want}"
        return {"kind": "declaration", "property": local, "required": want, "actual": actual,
                "text": text + semi + shown}
    if kind == "ValueInCriterion":
        allowed = [b.label(URIRef(a), lang) or a for a in crit["allowed"]]
        text = (f"{name}须为{'、'.join(allowed)}之一" if lang == "zh" else f"{local} must be one of {', '.join(allowed)}")
        return {"kind": "one-of", "property": local, "allowed": crit["allowed"], "actual": actual,
                "text": text + semi + shown}
    return None


def _relative(name: str, comp: str, v: Any, day: date, actual: Any, shown: str, lang: str) -> dict[str, Any]:
    """A threshold counted in years from a year (builtYear ≥ 10 years before the as-of date)."""
    n = int(Decimal(str(v)))
    y = day.year
    shown = NOT_GIVEN[lang] if actual is None else str(actual)
    bound, verb = {"ge": (y - n, 0), "gt": (y - n - 1, 0), "le": (y - n, 1), "lt": (y - n + 1, 1)}[comp]
    words = [("须不晚于", "must be at most"), ("须不早于", "must be at least")][verb]
    if lang == "zh":
        text = f"{name}{words[0]}{bound}年（评估日期{day.isoformat()}）；当前为{shown}"
    else:
        text = f"{name} {words[1]} {bound} (as of {day.isoformat()}); it is {shown}"
    return {"kind": "threshold", "property": name if lang == "en" else name.rsplit("（", 1)[-1].rstrip("）"),
            "comparator": "le" if verb == 0 else "ge", "threshold": bound, "unit": "year", "actual": actual,
            "text": text}


def fixes(store: Any, b: Bundle, result: dict[str, Any], data: Graph, s: URIRef, day: date,
          lang: str) -> list[dict[str, Any]]:
    """For one failed result: what would satisfy each criterion its shape encodes."""
    shape = URIRef(result["sourceShape"])
    crits = criteria(store, b)
    cache = b.cache.setdefault("eligibility-encoded", {})  # shape -> its criteria (per corpus version)
    if shape not in cache:
        encoded = [str(p) for p in b.shapes.objects(shape, PKG.encodesProvision) if str(p) in crits]
        members = {a for c in encoded for a in crits[c]["alts"]}
        cache[shape] = sorted(c for c in encoded if c not in members)
    out = []
    for c in cache[shape]:
        f = fix_one(b, crits[c], data, s, day, lang, crits)
        if f:
            out.append({"criterion": c, **f})
    if not out:
        f = shape_fix(b, shape, data, s, lang)
        out += [f] if f else []
    return out


SHAPE_COMPARATORS = {SH.minExclusive: "gt", SH.minInclusive: "ge", SH.maxExclusive: "lt", SH.maxInclusive: "le"}


def shape_fix(b: Bundle, shape: URIRef, data: Graph, s: URIRef, lang: str) -> dict[str, Any] | None:
    """Without a criterion: what the shape's own constraint (sh:in, sh:min…/max…) asks of its path."""
    path, in_list, bounds = _shape_constraint(b, shape)
    if path is None:
        return None
    local = path.rsplit("#", 1)[-1]
    name = f"{b.label(path, 'zh') or local}（{local}）" if lang == "zh" else local
    actual = data.value(s, path)
    shown = NOT_GIVEN[lang] if actual is None else (
        b.label(actual, lang) or str(actual) if isinstance(actual, URIRef) else str(actual))
    semi = "；当前为" if lang == "zh" else "; it is "
    if in_list is not None:
        allowed = list(in_list)
        shown_allowed = [b.label(URIRef(a), lang) or a for a in allowed]
        text = (f"{name}须为{'、'.join(shown_allowed)}之一" if lang == "zh"
                else f"{local} must be one of {', '.join(shown_allowed)}")
        return {"kind": "one-of", "property": local, "allowed": allowed, "actual": _json(
            actual.toPython() if isinstance(actual, Literal) else actual and str(actual)), "text": text + semi + shown}
    for comp, v in bounds[:1]:
        if v is not None:
            verb = VERB[comp][0 if lang == "zh" else 1]
            text = f"{name}{verb}{v}" if lang == "zh" else f"{local} {verb} {v}"
            return {"kind": "threshold", "property": local, "comparator": comp, "threshold": _json(v.toPython()),
                    "actual": _json(actual.toPython()) if isinstance(actual, Literal) else None,
                    "text": text + semi + shown}
    return None


def _shape_constraint(b: Bundle, shape: URIRef) -> tuple[URIRef | None, tuple[str, ...] | None, list[tuple[str, Any]]]:
    """(sh:path if an IRI, sh:in as strings, the first (comparator, bound) of SHAPE_COMPARATORS) of a shape, read
    from the shapes graph once per corpus version."""
    cache = b.cache.setdefault("eligibility-shape-constraints", {})
    if shape not in cache:
        g = b.shapes
        path = g.value(shape, SH.path)
        lst = g.value(shape, SH["in"])
        bounds = [(comp, v) for p, comp in SHAPE_COMPARATORS.items() if (v := g.value(shape, p)) is not None]
        cache[shape] = (path if isinstance(path, URIRef) else None,
                        tuple(str(x) for x in Collection(g, lst)) if lst is not None else None, bounds[:1])
    return cache[shape]


def groups(store: Any, b: Bundle, cands: list[URIRef], lang: str) -> list[dict[str, Any]]:
    """The groups of candidate measures that exclude each other (ExclusiveGroup, then exclusiveWith pairs)."""
    wanted = {str(m) for m in cands}
    found: dict[str, dict[str, Any]] = {}
    if "eligibility-groups" not in b.cache:  # corpus data: read once per corpus version
        b.cache["eligibility-groups"] = ([{k: r[k].value for k in r} for r in store.select(GROUPS_Q)],
                                         [(r["a"].value, r["b"].value) for r in store.select(PAIRS_Q)])
    group_rows, pair_rows = b.cache["eligibility-groups"]
    for r in group_rows:
        g = found.setdefault(r["g"], {"group": r["g"], "members": set(), "clause": r.get("clause")})
        if r["m"] in wanted:
            g["members"].add(r["m"])
    covered = {frozenset((a, c)) for g in found.values() for a in g["members"] for c in g["members"]}
    for a, c in pair_rows:
        if a in wanted and c in wanted and a != c and frozenset((a, c)) not in covered:
            covered.add(frozenset((a, c)))
            found[f"{a}|{c}"] = {"group": None, "members": {a, c}, "clause": None}
    out = []
    for g in found.values():
        if len(g["members"]) < 2:
            continue
        members = sorted(g["members"])
        out.append({"group": g["group"], "label": b.label(g["group"], lang) if g["group"] else GROUP_WORDS[lang],
                    "members": members, "clause": g["clause"], "rule": GROUP_WORDS[lang]})
    return sorted(out, key=lambda g: g["members"])


GROUPS_Q = PFX + """
SELECT ?g ?m ?clause WHERE { ?g a pkg:ExclusiveGroup ; pkg:member ?m . OPTIONAL { ?g prov:wasDerivedFrom ?clause } }"""
PAIRS_Q = PFX + "SELECT ?a ?b WHERE { ?a pkg:exclusiveWith ?b }"
