"""The JSON form's field tables: each field's kind per submission type, the nested objects' fields, the
ontology property of each, and the JSON-LD @context built from them (served at GET /context.jsonld).

jsonform.py checks and normalises a submission with these tables; triples.py writes its triples from them;
fields.py labels them for people. One table, so that the three cannot disagree.
"""
from __future__ import annotations

from typing import Any

from policykg.namespaces import BASE

DATA = BASE + "data/"
CONTEXT_URL = BASE + "context.jsonld"
PKG = "https://w3id.org/policykg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# kind of each field: decimal, share (decimal in 0..1), integer, boolean, string, date,
# concept:<scheme>, concepts:<scheme> (a list), enum:<a|b>, requests, prior, applicant, extensions
COMMON = {
    "applicationDate": "date", "applicant": "applicant", "projectCode": "string", "district": "string",
    "requests": "requests", "priorMunicipalFunding": "prior",
}
RENOVATION = {
    "projectType": "concept:project-type", "withinFifthRing": "boolean", "inDemoPark": "boolean",
    "floorArea": "decimal", "aboveGroundArea": "decimal", "undergroundArea": "decimal", "height": "decimal",
    "excavationDepth": "decimal", "singleFunction": "boolean", "auxiliaryFacilityShare": "share",
    "greenRatioBefore": "share", "greenRatioAfter": "share", "fixedAssetInvestment": "decimal",
    "totalInvestment": "decimal", "actualConstructionInput": "decimal", "status": "concept:status",
    "builtYear": "integer", "annualDistrictTaxPerM2": "decimal", "occupancyRate": "share",
    "wholeBuildingVacant": "boolean", "functionMismatch": "boolean", "constructionPeriodYears": "decimal",
    "inOldFactoryLedger": "boolean", "inHighTechProjectDatabase": "boolean", "inUrbanRenewalPlan": "boolean",
    "propertyRightsClear": "boolean", "operationsMechanism": "boolean", "industryPositioning": "string",
    "industryCategory": "concept:industry-category", "energySavedTce": "decimal",
    "greenManufacturingListed": "boolean", "srdiAreaShare": "share", "landLeaseYears": "decimal",
    "energySavingRate": "share", "ownerConsentAreaShare": "share", "ownerConsentHeadcountShare": "share",
    "financeLeaseAmount": "decimal", "loanAmount": "decimal", "loanInterestRate": "share", "lprRate": "share",
    "loanYears": "decimal",
    # a district bundle's fixed-asset investment by part (京发改规〔2023〕12号 二、（四）1: 10% / 30% / 30%), 万元
    "lowEfficiencyBuildingInvestment": "decimal", "oldFactoryInvestment": "decimal",
    "infrastructureInvestment": "decimal",
}
TYPES: dict[str, dict[str, str]] = {
    "RenovationProject": RENOVATION,
    "UrbanRenewalProjectEntry": RENOVATION,
    "DemoParkApplication": {
        "annualRevenue": "decimal", "manufacturingRevenueShare": "share", "serviceRevenueShare": "share",
        "revenuePerM2": "decimal", "keyFieldRevenueShare": "share", "newParkCommitment": "boolean",
        "landLegallyAcquired": "boolean", "boundariesDefined": "boolean", "operationsMechanism": "boolean",
        "managementEntity": "string",
    },
    "PilotEnterpriseApplication": {
        "category": "enum:leading|growth", "annualRevenue": "decimal", "marketShareRank": "integer",
        "serviceInputShare": "share", "certifications": "concepts:certification", "avgRevenueGrowth3y": "decimal",
        "avgProfitGrowth3y": "decimal",
    },
    "ComputingCenter": {"stage": "enum:new|expanded|existing", "pue": "decimal", "annualEnergyTce": "decimal",
                        "greenPowerShare": "share"},
    "CoordinatorEntity": {
        "validFrom": "date", "validUntil": "date", "extensions": "extensions", "publicNoticeDays": "integer",
    },
    "ExpertNomination": {
        "age": "integer", "academician": "boolean", "shortageField": "boolean", "policyFamiliarity": "boolean",
        "professionalEthics": "boolean", "healthy": "boolean",
    },
}
# JSON name -> ontology property where they differ
PROPERTY = {"certifications": "certification"}
NESTED = {  # fields of the nested objects
    "requests": {"measure": "measure", "amount": "decimal"},
    "prior": {"measure": "measure", "source": "string", "amount": "decimal"},
    "applicant": {"name": "string", "creditCode": "string"},
    "extensions": {"from": "date", "until": "date"},
}
NESTED_PROPERTY = {"from": "periodFrom", "until": "periodUntil", "source": "fundingSource"}
NESTED_CLASS = {"requests": "FundingRequest", "prior": "PriorFunding", "applicant": "Applicant",
                "extensions": "Period"}
DATATYPE = {"decimal": "xsd:decimal", "share": "xsd:decimal", "integer": "xsd:integer",
            "boolean": "xsd:boolean", "date": "xsd:date"}


def _term(name: str, kind: str, prop: str) -> dict[str, Any] | str:
    if kind in DATATYPE:
        return {"@id": f"pkg:{prop}", "@type": DATATYPE[kind]}
    if kind.startswith(("concept:", "concepts:")):
        scheme = kind.split(":", 1)[1]
        term: dict[str, Any] = {"@id": f"pkg:{prop}", "@type": "@vocab",
                                "@context": {"@vocab": f"{BASE}concept/{scheme}/"}}
        if kind.startswith("concepts:"):
            term["@container"] = "@set"
        return term
    if kind == "measure":
        return {"@id": f"pkg:{prop}", "@type": "@id"}
    if kind in ("requests", "prior", "extensions"):
        return {"@id": f"pkg:{prop}", "@container": "@set"}
    return f"pkg:{prop}"


def _build_context() -> dict[str, Any]:
    ctx: dict[str, Any] = {"@version": 1.1, "@base": DATA, "pkg": PKG, "xsd": XSD, "id": "@id", "type": "@type"}
    for t in TYPES:
        ctx[t] = f"pkg:{t}"
    for cls in NESTED_CLASS.values():
        ctx[cls] = f"pkg:{cls}"
    fields = dict(COMMON)
    for fs in TYPES.values():
        fields.update(fs)
    for name, kind in sorted(fields.items()):
        ctx[name] = _term(name, kind, PROPERTY.get(name, name))
    for sub in NESTED.values():
        for name, kind in sub.items():
            ctx.setdefault(name, _term(name, kind, NESTED_PROPERTY.get(name, name)))
    return {"@context": ctx}


CONTEXT: dict[str, Any] = _build_context()
