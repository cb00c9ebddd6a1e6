"""A batch's reads of the registry (registry/prefetch.py, registry.load_data) give exactly what the per-submission
reads give, on a seeded registry with awards, reports and pending conforming requests (tests/registry/reported.py)."""
from __future__ import annotations

import pytest

from policykg.registry import Prefetched, load_data, load_submission
from policykg.registry.history import pending
from policykg.registry.records import awards_for_project
from tests.registry.reported import reported


@pytest.fixture(scope="module")
def registry():
    return reported()


def _keys(store) -> list[str]:
    rows = store.select("SELECT DISTINCT ?k WHERE { GRAPH ?g { ?r <https://w3id.org/policykg/ontology#projectKey> ?k } }",
                        registry=True)
    return sorted(r["k"].value for r in rows)


def test_prefetched_awards_and_pending_requests_are_the_stores_own_for_every_project(registry):
    store, _ = registry
    keys = _keys(store) + ["91110000NOBODY/none", 'a "quoted" key']
    view = Prefetched(store)
    view.prefetch(keys)
    reads = view.reads
    awarded = waiting = 0
    for k in keys:
        want_awards, want_pending = awards_for_project(store, k), pending(store, k, set())
        assert awards_for_project(view, k) == want_awards
        assert sorted(pending(view, k, set())) == sorted(want_pending)
        awarded += bool(want_awards)
        waiting += bool(want_pending)
    assert view.reads == reads, "every per-project read was answered from the bulk reads"
    assert awarded > 5 and waiting >= 3  # not a pass on nothing: awards and pending conforming requests exist


def test_a_batch_reads_the_data_graph_and_record_load_submission_reads(registry):
    store, written = registry
    sids = sorted(set(written["ids"].values()) | set(written["again"]))
    terms: dict = {}
    reports = 0
    for sid in sids:
        want = load_submission(store, sid)
        data, record = load_data(store, sid, terms)
        assert set(data) == set(want["data"]), sid
        assert (record["projectKey"], record["submittedAt"]) == (want["projectKey"], want["submittedAt"])
        reports += len(want["report"]) > 0
    assert reports == len(written["again"])  # the report graph was there, and left out
    assert load_data(store, "0" * 32) is None and load_data(store, "../x") is None


def test_the_view_refuses_writes(registry):
    store, _ = registry
    with pytest.raises(PermissionError):
        Prefetched(store).replace_graph("https://w3id.org/policykg/graph/x", [])
