"""Reform impacts run as background jobs, so that a page can show their progress (done/total) while they run.

Bounded: one running job per user (a second start is refused until the first is done), at most MAX_JOBS
kept in all, and a finished job is forgotten EXPIRE_S seconds after it ended (its result with it). A job is
read only by the user who started it. The computation is reforms.impact, the same as POST
/api/reforms/impact; its `progress` callback moves the job's counters.
"""
from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_JOBS = 32
EXPIRE_S = 600.0


class Busy(Exception):
    """The user already has a running job (its id), or too many jobs are kept."""

    def __init__(self, message: str, running: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.running = running


@dataclass
class Job:
    id: str
    owner: str
    name: str
    started: float
    state: str = "running"  # running | done | failed
    done: int = 0
    total: int = 0
    ended: float | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def view(self, with_result: bool = True) -> dict[str, Any]:
        with self.lock:
            out: dict[str, Any] = {"id": self.id, "name": self.name, "state": self.state, "done": self.done,
                                   "total": self.total, "elapsedSeconds": round((self.ended or time.time()) - self.started, 2)}
            if self.error is not None:
                out["error"] = self.error
            if with_result and self.result is not None:
                out["result"] = self.result
            return out


class Jobs:
    """The jobs of one app (app.state.reform_jobs)."""

    def __init__(self, max_jobs: int = MAX_JOBS, expire_s: float = EXPIRE_S) -> None:
        self.max_jobs, self.expire_s = max_jobs, expire_s
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        for jid in [j.id for j in self._jobs.values() if j.ended is not None and now - j.ended > self.expire_s]:
            del self._jobs[jid]

    def start(self, owner: str, name: str, work: Callable[[Callable[[int, int], None]], dict[str, Any]],
              on_error: Callable[[BaseException], dict[str, Any]]) -> Job:
        """Run work(progress) in a thread as a new job of `owner`; Busy if one of its jobs is still running."""
        now = time.time()
        with self._lock:
            self._expire(now)
            running = next((j for j in self._jobs.values() if j.owner == owner and j.state == "running"), None)
            if running is not None:
                raise Busy("a reform of this user is still being evaluated: wait for it (GET its url) first",
                           running.id)
            if len(self._jobs) >= self.max_jobs:
                raise Busy(f"{self.max_jobs} reform jobs are kept already; try again when one expires "
                           f"({int(self.expire_s)} s after it ends)")
            jid = secrets.token_urlsafe(12)
            job = self._jobs[jid] = Job(id=jid, owner=owner, name=name, started=now)

        def progress(done: int, total: int) -> None:
            with job.lock:
                job.done, job.total = done, total

        def run() -> None:
            try:
                result, error, state = work(progress), None, "done"
            except BaseException as e:  # noqa: BLE001 - reported on the job, never lost in a thread
                result, error, state = None, on_error(e), "failed"
            with job.lock:
                job.result, job.error, job.state, job.ended = result, error, state, time.time()

        threading.Thread(target=run, name=f"reform-job-{job.id}", daemon=True).start()
        return job

    def get(self, owner: str, jid: str) -> Job | None:
        """The job if it exists and belongs to `owner` (someone else's job is as if it did not exist)."""
        with self._lock:
            self._expire(time.time())
            job = self._jobs.get(jid)
        return job if job is not None and job.owner == owner else None
