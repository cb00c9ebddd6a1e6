"""The registry's state kept in memory on the embedded store (registry/records.py): read again only after a write
through the store, whichever kind (a record, the bulk loader), and never kept when a write came during its read."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from policykg.registry import records
from policykg.registry.bulk import BulkWriter, oxigraph_sink
from policykg.store import OxiStore, RemoteStore


def _award(store, n: int) -> None:
    records.record_award(store, project_key=f"91110000STATE0001X/P-{n}", measure="https://w3id.org/policykg/x",
                         amount=Decimal(n), when=date(2024, 1, n), credit_code="91110000STATE0001X", body_sha="0" * 64)


def test_the_state_is_read_from_the_store_once_until_the_next_write(monkeypatch):
    store, reads = OxiStore(None), []
    orig = OxiStore.select
    monkeypatch.setattr(OxiStore, "select", lambda self, q, *a, **k: reads.append(q) or orig(self, q, *a, **k))
    assert records.registry_state(store)["sequence"] == 0
    assert records.registry_state(store)["sequence"] == 0
    assert len(reads) == 1
    _award(store, 1)
    reads.clear()
    assert records.registry_state(store)["sequence"] == 1  # the write is seen, not the kept state
    assert records.registry_state(store)["sequence"] == 1
    assert len(reads) == 1


def test_a_bulk_load_is_a_write_too():
    store = OxiStore(None)
    assert records.registry_state(store)["sequence"] == 0
    w = BulkWriter(oxigraph_sink(store), at="2024-01-01T00:00:00Z")
    w.award(project_key="91110000STATE0001X/P-9", measure="https://w3id.org/policykg/x", amount=Decimal(1),
            when=date(2024, 1, 9), credit_code="91110000STATE0001X")
    w.finish()
    assert records.registry_state(store)["sequence"] == 1


def test_a_state_read_while_a_write_lands_is_not_kept(monkeypatch):
    store = OxiStore(None)
    orig, wrote = OxiStore.select, []

    def racing(self, q, *a, **k):  # the read answers the old state; a write lands before it returns
        rows = orig(self, q, *a, **k)
        if not wrote:
            wrote.append(True)
            _award(self, 2)
        return rows
    monkeypatch.setattr(OxiStore, "select", racing)
    assert records.registry_state(store)["sequence"] == 0
    monkeypatch.setattr(OxiStore, "select", orig)
    assert records.registry_state(store)["sequence"] == 1  # not the state read during the write


def test_a_remote_store_is_asked_every_time():
    assert not getattr(RemoteStore, "single_writer", False)  # other processes may write it
