"""Issue 12 (item 6): schemathesis against our own OpenAPI document, bounded (~30-60 s on 2 cores).

Every operation is called with cases generated from the document (hypothesis, a few examples
each) on the real app (in-memory store, real query workers) and must answer: no 5xx, only
documented status codes, documented content types and headers, bodies matching the declared
schema (errors are `{error, detail}`: policykg.api.openapi), 405 with `Allow` for a
method the route does not have, and "positive data acceptance": a request the document allows is
not refused as bad input (no 400/413/415/422). The JSON form has its full schema (generated from the
field catalogue: policykg.submission.schema), so that check holds for JSON bodies and parameters; it is
not applied to Turtle, N-Triples, RDF/XML, N-Quads and free JSON-LD bodies, whose syntax JSON Schema
cannot say (any string is an instance of `{"type": "string"}`).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from policykg.app import create_app
from policykg.config import Settings

ROOT = Path(__file__).resolve().parents[2]
APP = create_app(Settings(store="memory", corpus_root=ROOT, query_workers=1, query_workers_extra=1))
RDF_BODIES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/n-quads",
              "application/ld+json", "application/sparql-query", "application/x-yaml",
              "application/x-www-form-urlencoded"}
# SPARQL and the line-based RDF syntaxes are text: sent as text/plain bodies are
schemathesis.serializer.alias(["application/sparql-query", "application/n-triples", "application/n-quads"],
                              "text/plain")
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance, checks.unsupported_method,
]


with TestClient(APP) as _first:  # the document is made once the store is open (the JSON form's schema comes from
    _first.get("/openapi.json")  # the store's field catalogue), then kept by the app
# the bodies made of JSON-form submissions: no coverage phase (it enumerates every allowed value of every field,
# ~3,700 cases per route), their examples (docs/examples/) and generated cases instead
SUBMISSION_BODIES = {"include-path-regex": "^/api/(validate|validate/batch|eligibility|submissions|match)$",
                     "include-method": "POST", "phases": {"coverage": {"enabled": False}}}
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=SchemathesisConfig.from_dict(
    {"operations": [SUBMISSION_BODIES]}))


@pytest.fixture(scope="module", autouse=True)
def running_app() -> Iterator[None]:
    with TestClient(APP):  # the lifespan: store opened and loaded, query workers closed at the end
        yield


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_the_openapi_document_says(case) -> None:
    described = case.media_type is None or case.media_type not in RDF_BODIES
    case.call_and_validate(checks=CHECKS + ([checks.positive_data_acceptance] if described else []))
