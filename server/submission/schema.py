"""The JSON form as JSON Schema (issue 14, item 6), generated from the same field catalogue as GET /api/fields
and docs/submission.md (policykg.submission.fields.catalog): one schema per submission type, each field with
its zh/en label and unit, its JSON type, its bounds (money and areas >= 0, shares in 0..1) and its allowed
values (concept slugs, enum values, the measure slugs of the corpus). Nothing here is written twice: a field
added to server/submission/jsonform.py appears in the schema, the field list and the docs at once.

`examples(root)` reads docs/examples/<Type>.json, the one example per submission type that the docs show.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from policykg.submission.fields import FieldInfo
from policykg.submission.jsonform import CONTEXT_URL

REF = "#/components/schemas/"
SCALAR: dict[str, dict[str, Any]] = {
    "decimal": {"type": "number", "minimum": 0},
    "share": {"type": "number", "minimum": 0, "maximum": 1},
    "integer": {"type": "integer", "minimum": 0},
    "boolean": {"type": "boolean"},
    "string": {"type": "string", "maxLength": 2000},
    "date": {"type": "string", "format": "date"},
}
REQUIRED = {"requests": ["measure"], "prior": ["measure", "amount"], "applicant": [], "extensions": []}


def schema_name(submission_type: str) -> str:
    return f"Submission{submission_type}"


def _describe(f: FieldInfo) -> dict[str, Any]:
    text = " / ".join(x for x in (f.labelZh, f.labelEn) if x)
    return {"title": f.labelEn or f.name, "description": text + (f" ({f.unit})" if f.unit else "")}


def field_schema(f: FieldInfo, measures: list[str]) -> dict[str, Any]:
    """The JSON Schema of one field of the catalogue."""
    kind = f.kind
    if kind in SCALAR:
        out = dict(SCALAR[kind])
    elif kind.startswith(("concept:", "enum:")):
        out = {"type": "string", "enum": [a["value"] for a in f.allowed or []]}
    elif kind.startswith("concepts:"):
        out = {"type": "array", "uniqueItems": True,
               "items": {"type": "string", "enum": [a["value"] for a in f.allowed or []]}}
    elif kind == "measure":
        out = {"type": "string", "enum": measures}
    elif f.fields:  # requests, prior, extensions (lists of objects), applicant (one object)
        obj = {"type": "object", "additionalProperties": False,
               "properties": {n.name: field_schema(n, measures) for n in f.fields}}
        if REQUIRED.get(kind):
            obj["required"] = REQUIRED[kind]
        out = {"type": "array", "items": obj, "maxItems": 50} if kind != "applicant" else obj
    else:  # pragma: no cover - the catalogue names every kind above
        raise AssertionError(kind)
    return {**_describe(f), **out}


def type_schema(submission_type: str, fields: list[FieldInfo], measures: list[str]) -> dict[str, Any]:
    """One submission type's JSON form: `id` and `type` required, no field the form does not know."""
    props: dict[str, Any] = {
        "@context": {"type": "string", "enum": [CONTEXT_URL], "description": "optional: our own @context only"},
        "id": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"^\S+$",
               "description": "the submission's own id, unique within it (its subject IRI is made from it)"},
        "type": {"type": "string", "enum": [submission_type]},
    }
    props.update({f.name: field_schema(f, measures) for f in fields})
    return {"type": "object", "title": submission_type, "required": ["id", "type"], "additionalProperties": False,
            "description": f"A {submission_type} in the JSON form (docs/submission.md; GET /api/fields?type="
                           f"{submission_type})", "properties": props}


def component_schemas(cat: dict[str, list[FieldInfo]], measures: list[str]) -> dict[str, Any]:
    """`components.schemas` of the OpenAPI document: one schema per type and `Submission`, any of them."""
    out = {schema_name(t): type_schema(t, fs, measures) for t, fs in cat.items()}
    out["Submission"] = {
        "description": "A submission in the JSON form: one object of a submission type (docs/submission.md)",
        "oneOf": [{"$ref": REF + schema_name(t)} for t in cat],
        "discriminator": {"propertyName": "type", "mapping": {t: REF + schema_name(t) for t in cat}},
    }
    return out


def examples(root: Path) -> dict[str, Any]:
    """Submission type -> its example, docs/examples/<Type>.json under the corpus root (what the docs show)."""
    folder = Path(root) / "docs" / "examples"
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}
