"""Issue 12 (item 6): schemathesis against our own OpenAPI document, bounded (~30-60 s on 2 cores).

Every operation is called with cases generated from the document (hypothesis, a few examples
each) on the real app (in-memory store, real query workers) and must answer: no 5xx, only
documented status codes, documented content types and headers, bodies matching the declared
schema (errors are `{error, detail}`: policykg.api.openapi), and 405 with `Allow` for a
method the route does not have. Not checked: "positive data acceptance" – a JSON body the
schema allows is often a 422 by design (an unknown measure slug, a submission with no
submission type), which JSON Schema cannot say.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import checks

from policykg.app import create_app
from policykg.config import Settings

ROOT = Path(__file__).resolve().parents[2]
APP = create_app(Settings(store="memory", corpus_root=ROOT, query_workers=1, query_workers_extra=1))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_headers_conformance, checks.response_schema_conformance, checks.unsupported_method]


@pytest.fixture(scope="module", autouse=True)
def running_app() -> Iterator[None]:
    with TestClient(APP):  # the lifespan: store opened and loaded, query workers closed at the end
        yield


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_the_openapi_document_says(case) -> None:
    case.call_and_validate(checks=CHECKS)
