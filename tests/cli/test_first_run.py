"""A newcomer's first run: plain one-line errors, no tracebacks, no build warnings of ours."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_building_the_distribution_prints_no_warning_of_ours(tmp_path):
    # an isolated build, as `pip install .` does it (setuptools as pyproject.toml asks for it)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=300, env=ENV)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout + done.stderr
    assert "Warning" not in out and "deprecated" not in out, out[-3000:]
    assert len(list(tmp_path.glob("policykg-*.whl"))) == 1
