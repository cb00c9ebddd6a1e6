"""The durability point of a write (OxiStore.sync → _sync_wal) fsyncs the newest write-ahead log every time (an
older one once more after a newer appeared: RocksDB writes only the newest), and the directory only when a log file
is new to it (its entry must reach the disk once): one fsync fewer per write."""
from __future__ import annotations

import os
import stat

import pyoxigraph as ox

from policykg.store import OxiStore


def test_the_directory_is_fsynced_once_per_new_log_file_and_the_log_every_time(tmp_path, monkeypatch):
    store = OxiStore(tmp_path / "store")
    synced = {"dir": 0, "file": 0}
    real = os.fsync

    def fsync(fd: int) -> None:
        synced["dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"] += 1
        real(fd)
    monkeypatch.setattr(os, "fsync", fsync)

    def write(i: int) -> None:
        g = f"https://example.org/g{i}"
        store.replace_graph(g, [ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"),
                                        ox.Literal(str(i)), ox.NamedNode(g))], durable=False)
        store.sync()
    for i in range(5):
        write(i)
    assert synced["file"] >= 5  # the log, at every durability point
    assert synced["dir"] == 1  # its directory entry once
    before = set(store._logs_synced)
    store.ox.flush()  # the memtable goes to a table file: RocksDB starts a new log
    write(99)
    assert store._logs_synced - before, "RocksDB started a new log file"
    assert synced["dir"] == 2  # whose directory entry is synced
    files = synced["file"]
    write(100)
    assert synced["dir"] == 2 and synced["file"] == files + 1  # the newest log only
    store.close()
