"""A registry's worth of named graphs in the remote store: bulk-loaded (bench/virtuoso_load.py), then listed."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.virtuoso_load import bulk_load
from policykg.config import Settings
from policykg.namespaces import BASE
from policykg.store.remote import RemoteStore
from tests import virtuoso as vt
from tests.conftest import missing_tool

pytestmark = pytest.mark.virtuoso
GRAPHS = 12_000


def test_the_remote_store_lists_twelve_thousand_bulk_loaded_graphs_within_its_timeout(tmp_path: Path) -> None:
    if not vt.available():
        missing_tool("Debian's virtuoso-opensource (virtuoso-t, isql-vt) is not installed")
    lines = [f"<{BASE}s/{i}> <{BASE}p> \"{i}\" <{BASE}graph/submission/t-{i}> .\n" for i in range(GRAPHS)]
    (tmp_path / "many.nq").write_text("".join(lines), encoding="utf-8")
    server = vt.start(tmp_path)
    try:
        loaded = bulk_load(server, tmp_path)
        assert loaded["errors"] == []
        store = RemoteStore(Settings(store="remote", remote_query_url=server.sparql_url, query_timeout_s=5))
        names = store.named_graphs()  # the bare SELECT DISTINCT ?g ran into Virtuoso's limit here
        assert len(names) == GRAPHS
        assert names[0] == f"{BASE}graph/submission/t-0"
    finally:
        server.stop()
