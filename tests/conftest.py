"""Shared fixtures: the corpus root, an in-memory store with the corpus, an app client."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from policykg.config import Settings
from policykg.store import OxiStore

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def store() -> OxiStore:
    s = OxiStore(None)
    s.ensure_corpus(ROOT)
    return s


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    app = create_app(Settings(store="memory", corpus_root=ROOT))
    with TestClient(app) as c:
        yield c


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the corpus files, to break on purpose."""
    for d in ("ontology", "policies", "shapes", "queries"):
        if (ROOT / d).exists():
            shutil.copytree(ROOT / d, tmp_path / d)
    return tmp_path
