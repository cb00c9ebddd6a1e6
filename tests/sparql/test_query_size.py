"""A SPARQL query text has a length limit (issue 12, item 4: no small request can stall the server).

The query guard's lexer is Python (~5 µs a token): a 2 MB POST body of a FILTER IN list held the
event loop (and so /health) for 15 s before this limit. Now a text over `max_query_bytes` (64 KiB)
is a 413 naming the limit before it is read, and the guard runs in a thread, not on the event loop.
"""
from __future__ import annotations

from fastapi.testclient import TestClient

LIMIT = 64 * 1024


def padded(size: int) -> str:
    """`ASK {}` padded with a comment to exactly `size` bytes."""
    head = "ASK {}\n#"
    return head + "x" * (size - len(head))


def test_a_query_text_over_the_limit_is_a_413_naming_it_in_either_kind_of_body(client: TestClient) -> None:
    q = padded(LIMIT + 1)  # (a URL this long is refused by the HTTP client itself)
    for r in (client.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query"}),
              client.post("/sparql", data={"query": q})):
        assert r.status_code == 413, r.text[:300]
        assert r.json()["detail"] == {"maxQueryBytes": LIMIT, "bytes": LIMIT + 1}


def test_a_query_text_at_the_limit_is_answered(client: TestClient) -> None:
    r = client.post("/sparql", content=padded(LIMIT), headers={"Content-Type": "application/sparql-query",
                                                               "Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.json()["boolean"] is True
