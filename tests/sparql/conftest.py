"""Fixtures of the SPARQL tests: a private Virtuoso, the remote store on it, a live server."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from policykg.config import Settings
from tests import virtuoso as vt
from tests.conftest import missing_tool
from tests.sparql.support import ROOT, serve


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[vt.Virtuoso]:
    if not vt.available():
        missing_tool("Debian's virtuoso-opensource (virtuoso-t, isql-vt) is not installed")
    server = vt.start(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def remote_settings(virtuoso: vt.Virtuoso) -> Settings:
    return Settings(store="remote", remote_query_url=virtuoso.sparql_url, corpus_root=ROOT, query_timeout_s=30)


@pytest.fixture(scope="session")
def remote_store(remote_settings: Settings) -> Any:
    from policykg.store.remote import RemoteStore

    store = RemoteStore(remote_settings)
    store.ensure_corpus(ROOT)
    return store


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("data")) as base:
        yield base
