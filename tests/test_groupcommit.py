"""policykg.groupcommit: a caller returns only once a flush that started after its write has ended; callers that
arrive together share flushes; a failed flush covers nobody (the next caller flushes again)."""
from __future__ import annotations

import threading
import time

import pytest

from policykg.groupcommit import GroupCommit


def test_each_write_is_covered_by_a_flush_that_started_after_it_and_concurrent_writers_share_flushes():
    starts: list[int] = []
    commit: GroupCommit

    def flush() -> None:
        starts.append(commit.written)  # the writes this flush covers
        time.sleep(0.02)

    commit = GroupCommit(flush)
    returned: dict[int, int] = {}
    go = threading.Barrier(8)

    def writer() -> None:
        go.wait()
        n = commit.wrote()
        commit.wait_durable(n)
        returned[n] = len(starts)  # flushes begun by the time this write was acknowledged

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(returned) == list(range(1, 9))
    assert len(starts) < 8  # shared
    for n, flushes in returned.items():  # some flush begun before the acknowledgement covered write n
        assert any(covered >= n for covered in starts[:flushes])


def test_a_failed_flush_covers_nobody():
    calls = []

    def flush() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")

    commit = GroupCommit(flush)
    commit.wrote()
    with pytest.raises(OSError):
        commit.wait_durable()
    commit.wait_durable()  # not covered by the failed one: flushed again
    assert len(calls) == 2
    commit.wait_durable()  # covered now: no flush
    assert len(calls) == 2
