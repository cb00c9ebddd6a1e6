"""Shared fixtures: the corpus root, an in-memory store with the corpus, an app client; the skip guard."""
from __future__ import annotations

import os
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
pytest_plugins = ["tests.skipguard"]  # under CI=true / POLICYKG_STRICT_SKIPS=1 a skip not in its allow-list fails
KEEP = {"POLICYKG_STRICT_SKIPS"}  # the one POLICYKG_* variable the tests read: make test sets it


def clean_env(**extra: str) -> dict[str, str]:
    """os.environ without the developer's POLICYKG_* variables, plus `extra`: the environment of a subprocess."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_") or k in KEEP}, **extra}


def pytest_configure(config: pytest.Config) -> None:
    """Before any fixture (session-scoped ones too, which read Settings() or start servers): the developer's
    POLICYKG_* variables are gone for the whole run."""
    for k in [k for k in os.environ if k.startswith("POLICYKG_") and k not in KEEP]:
        del os.environ[k]


def missing_tool(message: str) -> None:
    """A test that needs Debian's Virtuoso or Chromium: skipped on a developer's machine without it, a
    failure under CI (or strict skips), where scripts/setup-system.sh must have installed it."""
    from tests.skipguard import strict  # (imported here: pytest_plugins loads it, with assertion rewriting)

    if strict():
        pytest.fail(message + " — required under CI=true / POLICYKG_STRICT_SKIPS=1", pytrace=False)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _no_developer_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's POLICYKG_* variables (subprocesses inherit the cleaned environment)."""
    for k in [k for k in os.environ if k.startswith("POLICYKG_") and k not in KEEP]:
        monkeypatch.delenv(k)


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
