"""The maximum amount of a request under a measure, from the measure's parameters (docs/encoding.md).

One reading, shared by the amount shapes (shapegen_measures.AMOUNT_Q computes the same in
SPARQL; tests/test_validation_amounts.py proves they agree) and the eligibility engine:

    by rate  = rate × base × years (rate 1 when the text gives a base but no rate: "按实际建设投入…最高")
               rate  = pkg:rate, or the submission's rateProperty value, at most its rateCeilingProperty
                       value (按照 LPR（实际利率低于 LPR 的，按照实际利率）)
               years = the submission's yearsProperty value, at most maxYears (1 without yearsProperty)
    by unit  = per-unit amount × units
    by parts = Σ rate_i × part_i (pkg:ratePart: one rate per declared part of the investment, e.g.
               片区统筹: 10% of the low-efficiency-building part + 30% of the old-factory and infrastructure
               parts); every part must be declared (0 when absent), else the amount is not computable
    computed = the smaller of those the parameters give
    floored  = floor, where computed is below it ("不足 10 万元的给予 10 万元")
    maximum  = the smaller of floored, cap and cap per year (a request is one year's amount)

A rate without a base, or a per-unit amount without a per-unit base, is not computable
and is left out (the corpus marks it as a non-checkable provision). A submission without
a value a computation needs gets no computed maximum (max_amount: None; the shapes: the cap
only, plus one violation per missing value).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from rdflib import RDF

from policykg.namespaces import PKG

PARAMS = {
    "rate": PKG.rate, "rateBase": PKG.rateBase, "perUnitAmount": PKG.perUnitAmount,
    "perUnitBase": PKG.perUnitBase, "floor": PKG.floor, "cap": PKG.cap, "capPerYear": PKG.capPerYear,
    "rateProperty": PKG.rateProperty, "rateCeilingProperty": PKG.rateCeilingProperty,
    "yearsProperty": PKG.yearsProperty, "maxYears": PKG.maxYears,
}
YEARS = {"zh": "年", "en": " years"}
WAN = {"zh": "万元", "en": " 万元"}


def _dec(v: Any) -> Decimal:
    return Decimal(str(v.toPython() if hasattr(v, "toPython") else v))


def _local(v: Any) -> str:
    return str(v).rsplit("#", 1)[-1]


def _n(d: Decimal) -> str:
    return format(d.normalize(), "f")


def _pct(d: Decimal) -> str:
    return f"{_n(d * 100)}%"


def _label(labeler: Callable[[Any, str], str] | None, prop: Any, lang: str) -> str:
    return labeler(prop, lang) if labeler else _local(prop)


def inputs(params: Mapping[str, Any]) -> list[str]:
    """The keys of params naming a submission property the maximum is computed from (parts: `part:<i>`)."""
    keys = [k for k in ("rateBase", "rateProperty", "rateCeilingProperty", "yearsProperty") if k in params] \
        if "rateBase" in params else []
    keys += [f"part:{i}" for i in range(len(params.get("parts") or ()))]
    return keys + (["perUnitBase"] if "perUnitAmount" in params and "perUnitBase" in params else [])


def input_property(params: Mapping[str, Any], key: str) -> Any:
    """The submission property an input key of `inputs` names."""
    if key.startswith("part:"):
        return params["parts"][int(key[5:])][1]
    return params[key]


def measure_params(triples: Iterable[tuple[Any, Any, Any]], m: Any) -> dict[str, Any]:
    """The parameters of measure m (keys of PARAMS, plus `parts`) from its policy-context triples."""
    keys = {v: k for k, v in PARAMS.items()}
    triples = list(triples)
    out: dict[str, Any] = {keys[p]: o for s, p, o in triples if s == m and p in keys}
    parts = []
    for part in (o for s, p, o in triples if s == m and p == PKG.ratePart):
        r = next((o for s, p, o in triples if s == part and p == PKG.rate), None)
        b = next((o for s, p, o in triples if s == part and p == PKG.rateBase), None)
        if r is not None and b is not None:
            parts.append((r, b))
    if parts:
        out["parts"] = sorted(parts, key=lambda x: (Decimal(str(x[0])), str(x[1])))
    return out


def parts_of(g: Any, m: Any) -> list[tuple[Any, Any]]:
    """(rate, base property) of each pkg:ratePart of measure m in rdflib graph g, in a stable order."""
    out = [(g.value(p, PKG.rate), g.value(p, PKG.rateBase)) for p in g.objects(m, PKG.ratePart)]
    return sorted(((r, b) for r, b in out if r is not None and b is not None), key=lambda x: (Decimal(str(x[0])), str(x[1])))


def _rate_words(params: Mapping[str, Any], lang: str, labeler: Callable[[Any, str], str] | None) -> str:
    if "rateProperty" not in params:
        return _pct(_dec(params["rate"]) if "rate" in params else Decimal(1))
    rate = _label(labeler, params["rateProperty"], lang)
    if "rateCeilingProperty" in params:
        return f"min({rate}, {_label(labeler, params['rateCeilingProperty'], lang)})"
    return rate


def _years_words(params: Mapping[str, Any], lang: str, labeler: Callable[[Any, str], str] | None) -> list[str]:
    if "yearsProperty" not in params:
        return []
    years = _label(labeler, params["yearsProperty"], lang)
    if "maxYears" in params:
        return [f"min({years}, {_n(_dec(params['maxYears']))}{YEARS[lang]})"]
    return [years]


def formula(params: Mapping[str, Any], lang: str = "zh",
            labeler: Callable[[Any, str], str] | None = None) -> str | None:
    """The maximum in words and parameters, e.g. `min(30% × 固定资产投资, 5000万元)`; None if nothing bounds it."""
    parts = []
    if params.get("parts"):
        parts.append(" + ".join(f"{_pct(_dec(r))} × {_label(labeler, b, lang)}" for r, b in params["parts"]))
    if "rateBase" in params:
        parts.append(" × ".join([_rate_words(params, lang, labeler), _label(labeler, params["rateBase"], lang)]
                                + _years_words(params, lang, labeler)))
    if "perUnitAmount" in params and "perUnitBase" in params:
        unit = str(params.get("perUnit") or "unit")
        parts.append(f"{_n(_dec(params['perUnitAmount']))}{WAN[lang]}/{unit} × "
                     f"{_label(labeler, params['perUnitBase'], lang)}")
    caps = [f"{_n(_dec(params['cap']))}{WAN[lang]}"] if "cap" in params else []
    if "capPerYear" in params:
        caps.append(("每年" if lang == "zh" else "per year ") + f"{_n(_dec(params['capPerYear']))}{WAN[lang]}")
    if parts and "floor" in params:
        inner = parts[0] if len(parts) == 1 else f"min({', '.join(parts)})"
        parts = [f"max({inner}, {_n(_dec(params['floor']))}{WAN[lang]})"]
    items = parts + caps
    if not items:
        return None
    return items[0] if len(items) == 1 else f"min({', '.join(items)})"


def _by_rate(p: Mapping[str, Any], vals: Mapping[str, Decimal], lang: str) -> tuple[Decimal, str]:
    """rate × base × years, and the same in numbers (every input present)."""
    if "rateProperty" in p:
        rate = vals[_local(p["rateProperty"])]
        if "rateCeilingProperty" in p:
            rate = min(rate, vals[_local(p["rateCeilingProperty"])])
    else:
        rate = _dec(p["rate"]) if "rate" in p else Decimal(1)
    base = vals[_local(p["rateBase"])]
    value, words = rate * base, [_pct(rate), f"{_n(base)}{WAN[lang]}"]
    if "yearsProperty" in p:
        years = vals[_local(p["yearsProperty"])]
        if "maxYears" in p:
            years = min(years, _dec(p["maxYears"]))
        value, words = value * years, words + [f"{_n(years)}{YEARS[lang]}"]
    return value, f"{' × '.join(words)} = {_n(value)}{WAN[lang]}"


def max_amount(measure_params: Mapping[str, Any], submission_values: Mapping[str, Any],
               lang: str = "zh", labeler: Callable[[Any, str], str] | None = None) -> tuple[Decimal | None, str]:
    """(maximum in 万元, the computation in words and numbers); (None, why) when it cannot be computed.

    measure_params: the keys of PARAMS (values: numbers or literals; bases: property IRIs or local names).
    submission_values: the submission's values, keyed by property local name or IRI.
    """
    vals = {_local(k): _dec(v) for k, v in submission_values.items() if v is not None}
    p = dict(measure_params)
    comps: list[tuple[Decimal, str]] = []
    missing = [_label(labeler, input_property(p, k), lang) for k in inputs(p)
               if vals.get(_local(input_property(p, k))) is None]
    if missing and p.get("parts"):
        return None, ("不可计算：按组成部分分别计算比例，须申报各部分投资（无该部分的填 0），缺少" if lang == "zh" else
                      "not computable: the rate differs by part, so every part's investment must be declared "
                      "(0 where there is none); missing ") + ", ".join(missing)
    if missing:
        why = "缺少" if lang == "zh" else "missing "
        return None, why + ", ".join(missing)
    if p.get("parts"):
        terms_p = [(_dec(r), vals[_local(b)]) for r, b in p["parts"]]
        total = sum((r * v for r, v in terms_p), Decimal(0))
        comps.append((total, " + ".join(f"{_pct(r)} × {_n(v)}{WAN[lang]}" for r, v in terms_p)
                      + f" = {_n(total)}{WAN[lang]}"))
    if "rateBase" in p:
        comps.append(_by_rate(p, vals, lang))
    if "perUnitAmount" in p and "perUnitBase" in p:
        pua = _dec(p["perUnitAmount"])
        units = vals[_local(p["perUnitBase"])]
        comps.append((pua * units, f"{_n(units)} × {_n(pua)}{WAN[lang]} = {_n(pua * units)}{WAN[lang]}"))
    terms: list[tuple[Decimal, str]] = []
    if comps:
        value, text = min(comps, key=lambda c: c[0])
        if len(comps) > 1:
            text = f"min({', '.join(t for _, t in comps)}) = {_n(value)}{WAN[lang]}"
        if "floor" in p and value < _dec(p["floor"]):
            value = _dec(p["floor"])
            text = f"max({text}, {_n(value)}{WAN[lang]}) = {_n(value)}{WAN[lang]}"
        terms.append((value, text))
    for key in ("cap", "capPerYear"):
        if key in p:
            word = "" if key == "cap" else ("每年" if lang == "zh" else "per year ")
            terms.append((_dec(p[key]), f"{word}{_n(_dec(p[key]))}{WAN[lang]}"))
    if not terms:
        return None, "条款未给出可计算的金额" if lang == "zh" else "the clause gives no computable amount"
    value = min(t[0] for t in terms)
    if len(terms) == 1:
        return value, terms[0][1]
    return value, f"min({', '.join(t for _, t in terms)}) = {_n(value)}{WAN[lang]}"


def no_amount(triples: Iterable[tuple[Any, Any, Any]], m: Any, lang: str) -> str | None:
    """Why a measure without amount parameters has no maximum (None for a non-monetary measure)."""
    triples = list(triples)
    if any(s == m and p == PKG.kind and str(o) == "non-monetary" for s, p, o in triples):
        return None
    ceilings = {s for s, p, o in triples if p == RDF.type and o == PKG.SupportCeiling}
    caps = [_dec(o) for s, p, o in triples if s in ceilings and p == PKG.cap]
    if caps:
        cap = _n(min(caps))
        return (f"不可计算：条款只规定按照现行政策予以支持，未给出比例或金额；{cap}万元是按其他政策所获支持的合计上限，"
                "不是本措施给予的金额" if lang == "zh" else
                f"not computable: the clause grants support under current policies without a rate or amount; "
                f"{cap} 万元 is a ceiling on the combined support received under those policies, not an amount "
                "this measure grants")
    return "不可计算：条款未给出可计算的金额" if lang == "zh" else "not computable: the clause gives no computable amount"
