"""Which store a setting names: pyoxigraph on disk (the default), in memory, or a remote SPARQL 1.1 server."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from policykg.config import Settings
from policykg.store.base import Store
from policykg.store.embedded import OxiStore


def open_store(settings: Settings) -> Store:
    from policykg.store.remote import RemoteStore  # SPARQLWrapper only when it is used

    if settings.store == "memory":
        return OxiStore(None)
    if settings.store == "remote":
        return RemoteStore(settings)
    return OxiStore(settings.data_dir / "store")


def corpus_store(root: Path) -> Any:
    """An in-memory store holding the corpus at `root` (for the CLI and tests without a server)."""
    store = OxiStore(None)
    store.ensure_corpus(root)
    return store
