"""The audit trail rotates by size, its hash chain goes on through the rotated files, and it is read
from the end (or from a line found by binary search), never whole (issue 12, item 2)."""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policykg.access import AuditLog, verify
from policykg.access.audit_files import GENESIS, canonical, line_hash, rotated, trail_files
from policykg.app import create_app
from tests.conftest import Auth


def entry(i: int) -> dict:
    return {"who": f"person {i}", "tokenId": "t1", "role": "reviewer", "action": "POST /api/awards", "query": "",
            "target": f"award-{i}", "requestId": f"r{i}", "status": 201, "outcome": "ok"}


def rchar() -> int:
    """Bytes this process has read through read() calls so far (Linux /proc/self/io)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar")


@pytest.fixture
def rotated_log(tmp_path: Path) -> AuditLog:
    log = AuditLog(tmp_path / "audit.jsonl", max_bytes=1000)  # ~3 lines a file
    for i in range(1, 21):
        log.append(entry(i))
    return log


def test_the_trail_rotates_by_size_and_its_chain_and_numbers_go_on_through_every_file(rotated_log: AuditLog) -> None:
    files = trail_files(rotated_log.path)
    assert len(files) >= 5 and files[-1] == rotated_log.path
    assert [p.name for p in files[:2]] == ["audit.jsonl.000001", "audit.jsonl.000002"]
    assert all(p.stat().st_size < 1000 + 600 for p in files)  # rotated once it reached the size (+ one line)
    lines = [json.loads(x) for p in files for x in p.read_text().splitlines()]
    assert [e["seq"] for e in lines] == list(range(1, 21))
    assert [e["prev"] for e in lines] == [GENESIS] + [e["hash"] for e in lines[:-1]]  # across files too
    v = verify(rotated_log.path)
    assert (v.ok, v.entries, v.head, v.files) == (True, 20, lines[-1]["hash"], len(files))
    assert rotated_log.checked().ok and rotated_log.checked().entries == 20
    again = AuditLog(rotated_log.path, max_bytes=1000)  # a restart (or the CLI) goes on from the last line
    assert again.append(entry(21))["seq"] == 21 and verify(rotated_log.path).ok


def test_a_fresh_active_file_after_a_rotation_links_to_the_last_rotated_line(rotated_log: AuditLog) -> None:
    rotated_log._rotate()  # as if the server stopped right after rotating
    assert not rotated_log.path.exists()
    assert rotated_log.append(entry(21))["prev"] == json.loads(rotated(rotated_log.path)[-1].read_text()
                                                               .splitlines()[-1])["hash"]
    assert verify(rotated_log.path).ok


def test_a_tampered_line_in_an_old_file_is_found_by_file_and_line_by_verify_the_cli_and_the_api(
        auth: Auth) -> None:
    with TestClient(create_app(auth.settings(audit_max_bytes=1000))) as client:
        for i in range(8):
            assert client.post("/api/awards", json=_award(i), headers=auth.headers("reviewer")).status_code == 201
        body = client.get("/api/audit", headers=auth.headers("auditor")).json()
        assert body["verified"] is True and body["files"] >= 3 and body["entries"] == 8
        old = rotated(auth.audit_file)[1]
        rows = old.read_text().splitlines()
        rows[1] = rows[1].replace('"amount"', '"amount"').replace('"who":"test reviewer"', '"who":"someone else"')
        old.write_text("\n".join(rows) + "\n")
        v = verify(auth.audit_file)
        assert (v.ok, v.file, v.line) == (False, str(old), 2) and "changed" in v.problem
        cli = subprocess.run([sys.executable, "-m", "policykg.cli", "audit", "--data-dir", str(auth.data_dir),
                              "verify"], capture_output=True, text=True, timeout=60)
        assert cli.returncode == 1 and f"{old}: line 2:" in cli.stderr
        body = client.get("/api/audit", headers=auth.headers("auditor")).json()
        assert body["verified"] is False and (body["brokenFile"], body["brokenAt"]) == (str(old), 2)


def test_a_removed_rotated_file_breaks_the_chain_at_the_first_line_of_the_next(rotated_log: AuditLog) -> None:
    files = rotated(rotated_log.path)
    files[1].unlink()
    v = verify(rotated_log.path)
    assert (v.ok, v.file, v.line) == (False, str(files[2]), 1) and "removed" in v.problem


def _award(i: int) -> dict:
    from tests.access.test_tokens import AWARD

    return {**AWARD, "amount": 10 + i}


@pytest.fixture
def big_trail(tmp_path: Path) -> Iterator[AuditLog]:
    """One file of 20,000 chained lines (~5 MB), written directly (the appends would fsync each line)."""
    path, prev, out = tmp_path / "audit.jsonl", GENESIS, []
    for i in range(1, 20_001):
        e = {**entry(i), "seq": i, "time": "2026-01-01T00:00:00.000Z", "prev": prev}
        e["hash"] = prev = line_hash(e)
        out.append(canonical(e))
    path.write_bytes(b"\n".join(out) + b"\n")
    yield AuditLog(path, max_bytes=1 << 30)


def test_the_newest_entries_and_a_page_after_a_sequence_number_are_read_without_reading_the_file(
        big_trail: AuditLog) -> None:
    size = big_trail.path.stat().st_size
    assert size > 4_000_000
    r0 = rchar()
    assert [e["seq"] for e in big_trail.tail(5)] == [19_996, 19_997, 19_998, 19_999, 20_000]
    r1 = rchar()
    assert [e["seq"] for e in big_trail.tail(3, after=12_345)] == [12_346, 12_347, 12_348]
    r2 = rchar()
    assert [e["seq"] for e in big_trail.tail(3, after=0)] == [19_998, 19_999, 20_000]
    assert [e["seq"] for e in big_trail.tail(2, after=19_999)] == [20_000]
    assert big_trail.tail(2, after=20_000) == []
    assert r1 - r0 < 200_000 and r2 - r1 < 300_000, (r1 - r0, r2 - r1)  # not the 5 MB
    big_trail.checked()  # the first check reads the file once; the next ones only what was appended
    big_trail.append(entry(20_001))
    r3 = rchar()
    v = big_trail.checked()
    assert (v.ok, v.entries) == (True, 20_001) and rchar() - r3 < 200_000


def test_the_cli_shows_the_last_entries_across_a_rotation(rotated_log: AuditLog, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "policykg.cli", "audit", "--data-dir", str(tmp_path), "show", "-n",
                          "7"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert [json.loads(x)["seq"] for x in out.stdout.splitlines()] == list(range(14, 21))
