"""The fields of the validation page's RenovationProject form, built from the JSON form itself.

Every field jsonform.py accepts for a RenovationProject (COMMON + RENOVATION) appears on the
page: its input follows its kind (number, tri-state checkbox, date, concept select, text), its
zh/en label and unit come from the ontology (rdfs:label, and the unit at the end of rdfs:comment).
GROUPS only places the fields: a field it does not name still appears, in the collapsed part
of the last group, so a new field in the JSON form needs no template edit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policykg.submission import COMMON, RENOVATION, labels, unit

FORM_TYPE = "RenovationProject"
NESTED_FIELDS = {"applicant", "requests", "priorMunicipalFunding"}  # drawn by the template itself
# group key -> (title, common fields shown open, further fields in a collapsed <details>)
GROUPS: list[tuple[str, str, list[str], list[str]]] = [
    ("basic", "基本信息 Project", ["projectType", "status", "applicationDate", "industryCategory"],
     ["projectCode", "industryPositioning"]),
    ("location", "位置 Location", ["district", "withinFifthRing", "inDemoPark"], []),
    ("size", "规模与规划 Size and planning", ["floorArea", "builtYear", "occupancyRate", "annualDistrictTaxPerM2"],
     ["aboveGroundArea", "undergroundArea", "height", "excavationDepth", "auxiliaryFacilityShare",
      "greenRatioBefore", "greenRatioAfter", "constructionPeriodYears", "landLeaseYears", "energySavedTce",
      "energySavingRate", "srdiAreaShare", "singleFunction", "functionMismatch", "wholeBuildingVacant",
      "inUrbanRenewalPlan"]),
    ("money", "资金 Money", ["fixedAssetInvestment", "totalInvestment", "loanAmount"],
     ["financeLeaseAmount", "loanInterestRate", "lprRate", "loanYears", "actualConstructionInput",
      "lowEfficiencyBuildingInvestment", "oldFactoryInvestment", "infrastructureInvestment"]),
    ("declarations", "声明与名录 Declarations and lists",
     ["propertyRightsClear", "operationsMechanism", "inOldFactoryLedger", "inHighTechProjectDatabase"],
     ["greenManufacturingListed", "ownerConsentAreaShare", "ownerConsentHeadcountShare"]),
]
@dataclass
class Field:
    name: str
    kind: str  # a jsonform kind: decimal, share, integer, boolean, string, date, concept:<scheme>
    zh: str = ""
    en: str = ""
    unit: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)

    @property
    def input(self) -> str:
        """number, check, date, select or text: how the template draws it."""
        if self.kind in ("decimal", "share", "integer"):
            return "number"
        if self.kind == "boolean":
            return "check"
        if self.kind.startswith(("concept:", "enum:")):
            return "select"
        return "date" if self.kind == "date" else "text"


@dataclass
class Group:
    key: str
    title: str
    common: list[Field]
    more: list[Field]


def form_fields() -> dict[str, str]:
    """JSON name -> kind of every scalar field of the form (the nested ones are drawn by hand)."""
    return {k: v for k, v in {**COMMON, **RENOVATION}.items() if k not in NESTED_FIELDS}


def _options(kind: str, cat: Any) -> list[dict[str, Any]]:
    if kind.startswith("enum:"):
        return [{"notation": v, "zh": "", "en": v} for v in kind[5:].split("|")]
    scheme = kind.split(":", 1)[1]
    return [cat.concept(c) for c in sorted(cat.concepts) if f"/concept/{scheme}/" in c]


def build_groups(store: Any, cat: Any) -> list[Group]:
    """The form's groups, every field of form_fields() placed exactly once."""
    kinds = form_fields()
    labs = labels(store)

    def make(name: str) -> Field:
        kind, lab = kinds[name], labs.get(name, {})
        opts = _options(kind, cat) if kind.startswith(("concept:", "enum:")) else []
        return Field(name, kind, lab.get("zh", ""), lab.get("en", name), unit(lab.get("comment", ""), kind), opts)

    placed: set[str] = set()
    groups = []
    for key, title, common, more in GROUPS:
        names = [[n for n in part if n in kinds] for part in (common, more)]
        placed.update(names[0] + names[1])
        groups.append(Group(key, title, [make(n) for n in names[0]], [make(n) for n in names[1]]))
    rest = [make(n) for n in kinds if n not in placed]
    if rest:
        groups.append(Group("other", "其他 Other", [], rest))
    return groups


def bool_value(form: dict[str, str], name: str) -> bool | None:
    """A tri-state checkbox: checked -> True, its hidden twin `<name>.no` -> False, neither -> None (left out)."""
    if form.get(name) in ("on", "true", "1"):
        return True
    if form.get(name + ".no") in ("on", "true", "1"):
        return False
    return None
