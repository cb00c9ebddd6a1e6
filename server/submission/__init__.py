"""Untrusted bytes -> an rdflib graph of one submission: the size and syntax checks before parsing,
the JSON form (its fields, its @context) and plain JSON-LD/Turtle/N-Triples/RDF-XML, and the
ontology-range checks of every literal.
"""
from policykg.submission.fields import FieldInfo, catalog, labels, unit
from policykg.submission.jsonform import COMMON, CONTEXT, RENOVATION, TYPES, subject_iri
from policykg.submission.parse import (
    MEDIA_TYPES,
    Limits,
    Parsed,
    batch_items,
    check_bytes,
    load_json,
    media_format,
    parse_submission,
    to_ox,
    to_rdflib,
)
from policykg.submission.schema import component_schemas, examples

__all__ = ["component_schemas", "examples", "FieldInfo", "catalog", "labels", "unit", "COMMON", "CONTEXT", "Limits", "MEDIA_TYPES", "Parsed", "RENOVATION", "TYPES", "subject_iri", "batch_items", "check_bytes", "load_json", "media_format", "parse_submission", "to_ox", "to_rdflib"]
