"""Shared fixtures: the corpus root, an in-memory store with the corpus, an app client, access tokens;
the skip guard.

Tests configure access explicitly: `auth` (or `Auth(role_tokens, directory)` in a fixture of
wider scope) gives a data directory holding a tokens file with one token per role, Settings
that use it, and the `Authorization` headers of each role. So that no test ever writes a
tokens file or an audit trail into the checkout, every test runs with POLICYKG_DATA_DIR set to
a temporary directory of the session (and no other POLICYKG_* variable of the developer's).
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from policykg.access import ROLES, TokenStore
from policykg.app import create_app
from policykg.config import Settings
from policykg.store import OxiStore

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
TOKENS_FILE = "tokens.json"
pytest_plugins = ["tests.skipguard"]  # under CI=true / POLICYKG_STRICT_SKIPS=1 a skip not in its allow-list fails
KEEP = {"POLICYKG_STRICT_SKIPS"}  # the one POLICYKG_* variable of the environment the tests read: make test sets it


def pytest_configure(config: pytest.Config) -> None:
    """Before any fixture (session-scoped ones too, which read Settings() or start servers): the developer's
    POLICYKG_* variables are gone for the whole run."""
    for k in [k for k in os.environ if k.startswith("POLICYKG_") and k not in KEEP]:
        del os.environ[k]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a subprocess: os.environ (whose POLICYKG_* are only those the tests set, such as
    the session's POLICYKG_DATA_DIR) plus `extra`; never a POLICYKG_* of the developer's."""
    return {**os.environ, **extra}


@pytest.fixture(scope="session", autouse=True)
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The data directory of every app of the session that is not given one (never the checkout's data/),
    set before any fixture of wider scope than a test builds an app; the developer's POLICYKG_* are put
    aside for the session (and restored after)."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("POLICYKG_") and k not in KEEP}
    for k in saved:
        del os.environ[k]
    d = tmp_path_factory.mktemp("policykg-data")
    os.environ["POLICYKG_DATA_DIR"] = str(d)
    yield d
    os.environ.pop("POLICYKG_DATA_DIR", None)
    os.environ.update(saved)


@pytest.fixture(scope="session")
def role_tokens(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A tokens file with one token per role (hashing once per session), and the tokens."""
    d = tmp_path_factory.mktemp("tokens")
    store = TokenStore(d / TOKENS_FILE)
    return d / TOKENS_FILE, {role: store.add(role, f"test {role}")[1] for role in ROLES}


@dataclass
class Auth:
    """A data directory with a token per role: its Settings, and each role's headers."""

    tokens: dict[str, str]
    data_dir: Path

    def __init__(self, role_tokens: tuple[Path, dict[str, str]], data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(role_tokens[0], data_dir / TOKENS_FILE)
        self.tokens, self.data_dir = role_tokens[1], data_dir

    def settings(self, **kw: Any) -> Settings:
        return Settings(**{"store": "memory", "corpus_root": ROOT, "data_dir": self.data_dir, **kw})

    def headers(self, role: str = "admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    @property
    def audit_file(self) -> Path:
        return self.data_dir / "audit.jsonl"


@pytest.fixture
def auth(role_tokens: tuple[Path, dict[str, str]], tmp_path: Path) -> Auth:
    return Auth(role_tokens, tmp_path / "data")


def missing_tool(message: str) -> None:
    """A test that needs Debian's Virtuoso or Chromium: skipped on a developer's machine without it, a
    failure under CI (or strict skips), where scripts/setup-system.sh must have installed it."""
    from tests.skipguard import strict  # (imported here: pytest_plugins loads it, with assertion rewriting)

    if strict():
        pytest.fail(message + " — required under CI=true / POLICYKG_STRICT_SKIPS=1", pytrace=False)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _no_developer_settings(monkeypatch: pytest.MonkeyPatch, session_data_dir: Path) -> None:
    """Tests never read the developer's POLICYKG_* variables (subprocesses inherit the cleaned environment),
    and an app given no data directory writes its tokens file and audit trail into a temporary one."""
    for k in [k for k in os.environ if k.startswith("POLICYKG_") and k not in KEEP]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("POLICYKG_DATA_DIR", str(session_data_dir))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def store() -> OxiStore:
    s = OxiStore(None)
    s.ensure_corpus(ROOT)
    return s


@pytest.fixture(scope="session")
def client(role_tokens: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """An anonymous client (public views); its app has a token per role (`Auth(role_tokens, …)`)."""
    app = create_app(Auth(role_tokens, tmp_path_factory.mktemp("client")).settings())
    with TestClient(app) as c:
        yield c


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the corpus files, to break on purpose."""
    for d in ("ontology", "policies", "shapes", "queries"):
        if (ROOT / d).exists():
            shutil.copytree(ROOT / d, tmp_path / d)
    return tmp_path
