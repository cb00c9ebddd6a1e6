"""Shared fixtures: the corpus root, an in-memory store with the corpus, an app client, access tokens.

Tests configure access explicitly: `auth` (or `Auth(role_tokens, directory)` in a fixture of
wider scope) gives a data directory holding a tokens file with one token per role, Settings
that use it, and the `Authorization` headers of each role. So that no test ever writes a
tokens file or an audit trail into the checkout, the default data directory of the whole
session is a temporary one (POLICYKG_DATA_DIR), and POLICYKG_ADMIN_TOKEN is unset.
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


@pytest.fixture(scope="session", autouse=True)
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every app of the session that is not given a data directory gets this temporary one."""
    saved = {k: os.environ.get(k) for k in ("POLICYKG_DATA_DIR", "POLICYKG_ADMIN_TOKEN")}
    d = tmp_path_factory.mktemp("policykg-data")
    os.environ["POLICYKG_DATA_DIR"] = str(d)
    os.environ.pop("POLICYKG_ADMIN_TOKEN", None)
    yield d
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


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
