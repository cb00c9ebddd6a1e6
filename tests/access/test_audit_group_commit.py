"""The audit trail's group commit: appends from concurrent requests share fsyncs (fewer than the lines), each
append returns only once its line is fsynced, and the chain is whole, across a rotation too."""
from __future__ import annotations

import os
import stat
import threading

from policykg.access import AuditLog, verify


def _counting(monkeypatch, path):
    """The fsyncs of files (not directories)."""
    seen: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            real(fd)
            seen.append(1)
            return
        real(fd)
    monkeypatch.setattr(os, "fsync", fsync)
    return seen


def test_concurrent_appends_share_fsyncs_and_the_chain_is_whole(tmp_path, monkeypatch):
    log = AuditLog(tmp_path / "audit.jsonl")
    fsyncs = _counting(monkeypatch, log.path)
    synced_before_return: list[bool] = []
    gate = threading.Barrier(4)

    def writer(t: int) -> None:
        gate.wait()
        for i in range(40):
            rec = log.append({"who": f"w{t}", "action": f"a{i}", "status": 200})
            synced_before_return.append(log._commit.flushed >= rec["seq"])  # its line (the seq-th) was fsynced
    threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    v = verify(log.path)
    assert v.ok and v.entries == 160
    assert log._commit.flushed == log._commit.written == 160  # every line covered by a finished fsync
    assert len(fsyncs) < 160  # shared: concurrent appends did not each fsync
    assert len(synced_before_return) == 160 and all(synced_before_return)


def test_a_rotation_fsyncs_the_file_it_renames_and_the_chain_goes_on(tmp_path, monkeypatch):
    log = AuditLog(tmp_path / "audit.jsonl", max_bytes=600)
    fsyncs = _counting(monkeypatch, log.path)
    for i in range(12):
        log.append({"who": "w", "action": f"a{i}", "status": 200})
    rotated = sorted(tmp_path.glob("audit.jsonl.0*"))
    assert rotated, "the small max_bytes made it rotate"
    assert len(fsyncs) >= 12 + len(rotated)  # one per lone append, and one per renamed file
    v = verify(log.path)
    assert v.ok and v.entries == 12
