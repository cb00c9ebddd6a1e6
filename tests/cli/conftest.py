"""CLI tests run with a data directory of their own (empty unless a test fills it), never the checkout's ./data."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKG_DATA_DIR", str(tmp_path_factory.mktemp("cli-data")))
