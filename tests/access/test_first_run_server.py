"""A fresh `policykg serve` (the real server on 127.0.0.1) prints one admin token and refuses anonymous writes."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
POLICYKG = [sys.executable, "-m", "policykg.cli"]  # the checkout under test, not whatever is on PATH
ENV = {**{k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}, "POLICYKG_CORPUS_ROOT": str(ROOT)}
AWARD = {"project": "91110000000000001X/P-1", "measure": "jfgg-2023-12-loan-interest-subsidy", "amount": 10,
         "date": "2024-01-02", "external": True}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with log.open("ab") as fh:
        proc = subprocess.Popen([*POLICYKG, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir",
                                 str(data)], stdout=fh, stderr=subprocess.STDOUT, env=ENV)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text(errors="replace")[-2000:]
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("the server did not come up in 90 s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def test_a_fresh_server_prints_one_admin_token_once_and_refuses_anonymous_writes(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    proc, base = serve(data, log)
    try:
        tokens = re.findall(r"pkg_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", log.read_text())
        assert len(tokens) == 1
        anon = httpx.post(base + "/api/awards", json=AWARD, timeout=30)
        assert anon.status_code == 401 and anon.headers["www-authenticate"].startswith("Bearer")
        ok = httpx.post(base + "/api/awards", json=AWARD, headers={"Authorization": f"Bearer {tokens[0]}"}, timeout=30)
        assert ok.status_code == 201, ok.text
    finally:
        stop(proc)
    proc, base = serve(data, log)  # the second start: the same token works, no new one is printed
    try:
        assert len(re.findall(r"pkg_[0-9a-f]{12}_", log.read_text())) == 1
        again = httpx.post(base + "/api/awards", json=AWARD, headers={"Authorization": f"Bearer {tokens[0]}"},
                           timeout=30)
        assert again.status_code == 200
    finally:
        stop(proc)
    assert tokens[0] not in (data / "tokens.json").read_text() and tokens[0] not in (data / "audit.jsonl").read_text()
    assert log.read_text().count(tokens[0]) == 1  # printed once; never in the access log or anywhere else


def test_a_short_admin_token_in_the_environment_is_refused_in_one_line_that_does_not_repeat_it(tmp_path) -> None:
    done = subprocess.run([*POLICYKG, "serve", "--data-dir", str(tmp_path), "--port", "1"], capture_output=True,
                          text=True, timeout=60, env={**ENV, "POLICYKG_ADMIN_TOKEN": "admin123"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("policykg serve: POLICYKG_ADMIN_TOKEN must be at least 20 characters")
    assert "admin123" not in done.stderr + done.stdout and not (tmp_path / "tokens.json").exists()
