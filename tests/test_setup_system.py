"""scripts/setup-system.sh installs Virtuoso when any of the three pieces the tests use is missing (dry run)."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "setup-system.sh"
PIECES = ("virtuoso-t", "isql-vt", "virtuoso.ini")


def _host(tmp_path: Path, present: set[str]) -> dict[str, str]:
    """A PATH with only the named Virtuoso commands (fakes), java, and what the script itself runs."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for tool in ("virtuoso-t", "isql-vt", "java"):
        if tool in present or tool == "java":
            (bin_ / tool).write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
            (bin_ / tool).chmod(0o755)
    for tool in ("id",):
        os.symlink(shutil.which(tool) or f"/usr/bin/{tool}", bin_ / tool)
    ini = tmp_path / "virtuoso.ini"
    if "virtuoso.ini" in present:
        ini.write_text("[Parameters]\n", encoding="utf-8")
    return {"PATH": str(bin_), "VIRTUOSO_INI": str(ini), "SETUP_SYSTEM_DRY_RUN": "1"}


def _wants(tmp_path: Path, present: set[str]) -> list[str]:
    done = subprocess.run(["/bin/bash", str(SCRIPT)], capture_output=True, text=True, timeout=60,
                          env=_host(tmp_path, present))
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    return line.removeprefix("setup-system: would install ").split() if line else []


@pytest.mark.parametrize("missing", PIECES)
def test_virtuoso_is_installed_when_any_one_of_its_three_pieces_is_missing(tmp_path, missing):
    assert "virtuoso-opensource" in _wants(tmp_path, set(PIECES) - {missing})


def test_virtuoso_is_not_reinstalled_when_all_three_pieces_are_there(tmp_path):
    assert "virtuoso-opensource" not in _wants(tmp_path, set(PIECES))
