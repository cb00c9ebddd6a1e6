"""A newcomer's first run: plain one-line errors, no tracebacks, no build warnings of ours."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from policykg.store import OxiStore

ROOT = Path(__file__).resolve().parents[2]
ENV = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}


def test_a_second_server_on_the_same_data_directory_exits_2_with_one_line_and_no_traceback(tmp_path):
    holder = OxiStore(tmp_path / "store")  # the "first server" holds the RocksDB lock
    try:
        done = subprocess.run([sys.executable, "-m", "policykg.cli", "serve", "--data-dir", str(tmp_path),
                               "--port", "1"], capture_output=True, text=True, timeout=60, env=ENV)
    finally:
        holder.close()
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"policykg serve: the data directory {tmp_path / 'store'} is in use by another process (one policykg "
        "server per data directory: stop the other one, or give --data-dir another directory)"]


def test_a_reader_that_closes_the_pipe_early_gets_no_traceback():
    proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "export", "--format", "ntriples"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)  # like `| head -c 100`: read a little, then leave
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipeError" not in err


@pytest.mark.slow
def test_pip_install_of_the_checkout_gives_policykg_no_server_package_and_a_working_command(tmp_path):
    # an isolated build, as `pip install .` does it (setuptools as pyproject.toml asks for it)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=300, env=ENV)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout + done.stderr
    assert "Warning" not in out and "deprecated" not in out, out[-3000:]
    (wheel,) = tmp_path.glob("policykg-*.whl")
    with zipfile.ZipFile(wheel) as z:
        tops = {n.split("/", 1)[0] for n in z.namelist() if not n.startswith("policykg-")}
        assert tops == {"policykg"}  # nothing named `server` lands in site-packages
        assert "policykg/web/templates/base.html" in z.namelist() and "policykg/web/static/style.css" in z.namelist()
        entry = next(n for n in z.namelist() if n.endswith("entry_points.txt"))
        assert "policykg = policykg.cli:main" in z.read(entry).decode()
    # installed from the wheel (not the checkout): `import policykg` and `policykg --help` work
    target = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                          capture_output=True, text=True, timeout=300, env=ENV)
    assert done.returncode == 0, done.stderr[-2000:]
    env = {**ENV, "PYTHONPATH": str(target)}
    code = "import policykg, sys; print(policykg.__file__); from policykg.cli import main; sys.exit(main(['--help']))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines()[0] == str(target / "policykg" / "__init__.py")
    assert "usage: policykg" in run.stdout
    # the console script pip wrote, as a user types it; and no top-level `server` to import
    script = subprocess.run([str(target / "bin" / "policykg"), "--help"], capture_output=True, text=True, timeout=120,
                            env=env, cwd=tmp_path)
    assert script.returncode == 0, script.stderr[-2000:]
    assert script.stdout.startswith("usage: policykg")
    assert sorted(p.name for p in target.iterdir() if not p.name.endswith(".dist-info")) == ["bin", "policykg"]
    code = "import importlib.util, policykg; print(importlib.util.find_spec('server'), policykg.__file__)"
    spec = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert spec.stdout.split() == ["None", str(target / "policykg" / "__init__.py")], spec.stderr[-2000:]
