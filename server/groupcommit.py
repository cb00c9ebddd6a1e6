"""Group commit: every write made before `wait_durable()` is on disk when it returns, one flush for the writes of
callers that arrive together.

One flush runs at a time; a caller that arrives while one runs waits for it to end, then either finds its writes
covered (the flush started after them) or becomes the one that flushes for everyone waiting. Used by the store's
write-ahead log (store/embedded.py: OxiStore.sync) and the audit trail (access/audit.py), which both acknowledge a
request only once what it wrote is durable.
"""
from __future__ import annotations

import threading
from collections.abc import Callable


class GroupCommit:
    def __init__(self, flush: Callable[[], None]) -> None:
        self._flush = flush
        self._cond = threading.Condition()
        self._written = self._flushed = 0
        self._flushing = False

    def wrote(self) -> int:
        """Count one write (call it once the write is made); its number, for `wait_durable`."""
        with self._cond:
            self._written += 1
            return self._written

    @property
    def written(self) -> int:
        return self._written

    @property
    def flushed(self) -> int:
        """How many of the writes a finished flush covers."""
        return self._flushed

    def wait_durable(self, upto: int | None = None) -> None:
        """Return once the writes up to the `upto`-th (every write so far by default) are flushed."""
        with self._cond:
            mine = self._written if upto is None else upto
            while self._flushed < mine:
                if not self._flushing:
                    break
                self._cond.wait()
            else:
                return  # a flush that started after our writes covered them
            self._flushing, covered = True, self._written
        done = False
        try:
            self._flush()
            done = True
        finally:
            with self._cond:
                self._flushing = False
                if done:
                    self._flushed = max(self._flushed, covered)
                self._cond.notify_all()
