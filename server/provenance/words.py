"""Rules in words for legal staff: what a criterion checks (property, comparator, required value, unit) and
a shape's message template with its placeholders named in words, never `{$value}` or `{?priorZh}`."""
from __future__ import annotations

import re
from typing import Any

COMPARATORS = {"gt": ("超过", "above", ">"), "ge": ("不低于", "at least", "≥"), "lt": ("低于", "below", "<"),
               "le": ("不超过", "at most", "≤"), "eq": ("等于", "equal to", "=")}
PLACEHOLDER = re.compile(r"\{[$?]?[A-Za-z_][\w:]*\}")
NAMES = {  # placeholder -> (zh, en) words for what the report puts there
    "value": ("申报值", "the declared value"), "valueZh": ("所申请措施", "the measure requested"),
    "valueEn": ("所申请措施", "the measure requested"), "max": ("按条款计算的上限", "the maximum computed from the clause"),
    "prev": ("本年度已获金额", "the amount already received this year"), "cpy": ("年度上限", "the yearly cap"),
    "priorZh": ("已获的市级资金", "the municipal funds received"), "priorEn": ("已获的市级资金", "the municipal funds received"),
    "mZh": ("本文件的措施", "this document's measure"), "mEn": ("本文件的措施", "this document's measure"),
    "other": ("另一项措施", "the other measure"), "otherZh": ("另一项措施", "the other measure"),
    "otherEn": ("另一项措施", "the other measure"), "from": ("起始日期", "the start date"),
    "rdf:type": ("本申报的类型", "this submission's type"),
}


def fill(template: str | None, lang: str = "zh") -> str | None:
    """A message template with each placeholder replaced by words for what the report puts there."""
    if not template:
        return template
    i = 0 if lang == "zh" else 1

    def word(m: re.Match[str]) -> str:
        key = m.group(0)[1:-1].lstrip("$?")
        w = NAMES.get(key, NAMES["value"] if key.startswith("pkg:") or key == "value" else ("所报内容", "what is reported"))
        return f"〔{w[i]}〕" if lang == "zh" else f"[{w[i]}]"

    return PLACEHOLDER.sub(word, template)


def _num(v: Any) -> str:
    f = float(v)
    return str(int(f)) if f.is_integer() else str(f)


def condition(p: dict[str, Any], labels: dict[str, dict[str, str]], lang: str = "zh") -> str | None:
    """What a criterion, constraint or target checks, in words: “改造面积” 超过 20000 m²; None without a condition."""
    i = 0 if lang == "zh" else 1
    prop = p.get("onProperty")
    if not prop:
        return None
    name = (labels.get(prop) or {}).get(lang) or prop
    name = f"“{name}”" if lang == "zh" else name
    if p.get("thresholdValue") is not None and p.get("comparator") in COMPARATORS:
        cmp = COMPARATORS[p["comparator"]]
        unit = p.get("unit") or ""
        unit = {"years": "年", "days": "天", "year": "年", "day": "天"}.get(unit, unit) if lang == "zh" else unit
        if unit == "share":
            value, unit = f"{_num(float(p['thresholdValue']) * 100)}%", ""
        else:
            value = _num(p["thresholdValue"])
        since = ("（自建成至申报日的年数）" if lang == "zh" else " (years from it to the application date)") \
            if p.get("relativeTo") else ""
        return f"{name}{since} {cmp[i]} {value}{(' ' + unit) if unit else ''}".strip()
    if p.get("thresholdProperty") and p.get("comparator") in COMPARATORS:
        other = (labels.get(p["thresholdProperty"]) or {}).get(lang) or p["thresholdProperty"]
        return f"{name} {COMPARATORS[p['comparator']][i]} {other}"
    if p.get("requiredValue") is not None:
        yes = bool(p["requiredValue"])
        return (f"{name}须声明为{'是' if yes else '否'}" if lang == "zh" else
                f"{name} must be declared {'true' if yes else 'false'}")
    allowed = p.get("allowedValueLabels" if lang == "zh" else "allowedValueLabelsEn") or p.get("allowedValues")
    if allowed:
        return (f"{name}为{'、'.join(allowed)}之一" if lang == "zh" else f"{name} is one of {', '.join(allowed)}")
    if p.get("allowedLiteral"):
        return f"{name} ∈ {p['allowedLiteral']}"
    return f"{name}须填写" if lang == "zh" else f"{name} must be stated"
