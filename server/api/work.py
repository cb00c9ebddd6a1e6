"""The CPU work of a request (parse, hash, validate) in its own thread, with a deadline (docs/architecture.md (security)).

`run_bounded(request, fn)` runs `fn` in a new thread and waits for it at most
`work_timeout_s`. When the time is up, or the client has gone, the work is *stopped*:
`WorkCancelled` is raised inside the thread at its next Python instruction
(`PyThreadState_SetAsyncExc`; rdflib, pySHACL and our checks are Python, and the C calls
between two instructions, such as a pyoxigraph parse, are bounded by the size limits), and
the request gets 503 with `Retry-After` (or nothing, if the client has gone). At most
`work_max_running` of these threads run at once; up to `work_max_waiting` more requests
wait for a place (within their own deadline), and any further one gets 503 at once.

A write must be whole or absent: `commit_point()`, called by the work before it writes,
makes the rest of it unstoppable (it runs to the end and is answered as usual, however long
the write takes); a stop requested before it raises there, before anything is written.
"""
from __future__ import annotations

import asyncio
import ctypes
import math
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request

from policykg.errors import QueryTimeout

T = TypeVar("T")
_CURRENT = threading.local()
_LOCK = threading.Lock()


class WorkCancelled(BaseException):
    """Raised inside a work thread to stop it (BaseException: `except Exception` in a library does not swallow it)."""


class Overloaded(QueryTimeout):
    """503 with Retry-After: the work ran past its time limit, or too many requests are waiting."""

    def __init__(self, message: str, detail: Any = None, retry_after: int = 1) -> None:
        super().__init__(message, detail)
        self.retry_after = retry_after


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Schedule `exc` in the thread (None: clear a scheduled one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


class _Job:
    def __init__(self, fn: Callable[[], Any], loop: asyncio.AbstractEventLoop, on_end: Callable[[], None]) -> None:
        self.fn, self.loop, self.on_end = fn, loop, on_end
        self.future: asyncio.Future[Any] = loop.create_future()
        self.future.add_done_callback(lambda f: f.exception())  # a stopped work's error is never awaited
        self.lock = threading.Lock()
        self.thread_id: int | None = None
        self.cancellable, self.fired, self.ended = True, False, False

    def run(self) -> None:
        outcome: tuple[bool, Any] = (False, WorkCancelled())
        try:
            try:
                with self.lock:
                    self.thread_id = threading.get_ident()
                _CURRENT.job = self
                outcome = (True, self.fn())
            except WorkCancelled:
                outcome = (False, WorkCancelled())
            except BaseException as e:  # noqa: BLE001 - handed to the awaiting request
                outcome = (False, e)
            with self.lock:  # from here on, nothing is raised in this thread
                self.ended = True
                if self.fired:
                    _raise_in(threading.get_ident(), None)
        except WorkCancelled:  # raised late, between fn's end and the lock: the answer was 503 already
            with self.lock:
                self.ended = True
        finally:
            _CURRENT.job = None
            try:
                self.loop.call_soon_threadsafe(self._finish, outcome)
            except RuntimeError:  # the event loop has closed (shutdown): nobody is waiting
                pass

    def _finish(self, outcome: tuple[bool, Any]) -> None:
        self.on_end()  # the place is free
        if self.future.done():
            return
        if outcome[0]:
            self.future.set_result(outcome[1])
        else:
            self.future.set_exception(outcome[1])

    def cancel(self) -> bool:
        """Stop the work (again) if it may still be stopped; True if a stop has been requested."""
        with self.lock:
            if self.ended or not self.cancellable or self.thread_id is None:
                return self.fired
            _raise_in(self.thread_id, WorkCancelled)
            self.fired = True
            return True


def commit_point() -> None:
    """Called by the work before it writes: from here on it is not stopped (a stop already requested raises here)."""
    job: _Job | None = getattr(_CURRENT, "job", None)
    if job is None:
        return
    with job.lock:
        job.cancellable = False
        fired = job.fired
        if fired:
            _raise_in(threading.get_ident(), None)
    if fired:
        raise WorkCancelled


class unstoppable:
    """`with unstoppable():` the block runs to its end (a cache built once for every request, say);
    a stop requested meanwhile raises when it ends."""

    def __enter__(self) -> None:
        self.job: _Job | None = getattr(_CURRENT, "job", None)
        if self.job is not None:
            with self.job.lock:
                self.was = self.job.cancellable
                self.job.cancellable = False

    def __exit__(self, *exc: object) -> None:
        if self.job is not None and self.was:
            with self.job.lock:
                self.job.cancellable = True
                fired = self.job.fired
            if fired and exc[0] is None:
                raise WorkCancelled


class _Places:
    """At most `running` works at once, `waiting` more queued; beyond that, 503 at once."""

    def __init__(self, running: int, waiting: int) -> None:
        self.sem = asyncio.Semaphore(max(1, running))
        self.waiting, self.max_waiting = 0, max(0, waiting)


def _places(app: FastAPI) -> _Places:
    places = getattr(app.state, "work_places", None)
    if places is None:
        with _LOCK:
            places = getattr(app.state, "work_places", None)
            if places is None:
                s = app.state.settings
                places = _Places(s.work_max_running, s.work_max_waiting)
                app.state.work_places = places
    return places


async def run_bounded(request: Request, fn: Callable[[], T], timeout_s: float | None = None) -> T:
    """`fn()` in a thread of its own, stopped at the deadline or when the client leaves (503 + Retry-After)."""
    settings = request.app.state.settings
    timeout_s = timeout_s or settings.work_timeout_s
    retry = max(1, math.ceil(timeout_s / 4))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    places = _places(request.app)
    if places.sem.locked() and places.waiting >= places.max_waiting:
        raise Overloaded("the server is busy with other validations; try again shortly",
                         {"maxRunning": settings.work_max_running, "maxWaiting": places.max_waiting}, retry)
    places.waiting += 1
    try:
        await asyncio.wait_for(places.sem.acquire(), timeout=max(0.01, deadline - loop.time()))
    except TimeoutError:
        raise Overloaded(f"no place to run this request within {timeout_s:g} s; try again shortly",
                         {"timeoutSeconds": timeout_s}, retry) from None
    finally:
        places.waiting -= 1
    job = _Job(fn, loop, places.sem.release)  # the place is freed when the thread really ends
    threading.Thread(target=job.run, name="policykg-work", daemon=True).start()
    while not job.future.done():
        left = deadline - loop.time()
        await asyncio.wait({job.future}, timeout=min(0.2, left) if left > 0 else 0.2)
        if job.future.done():
            break
        gone = await request.is_disconnected()
        if (gone or loop.time() >= deadline) and job.cancel():
            asyncio.get_running_loop().create_task(_reap(job))
            if gone:
                raise Overloaded("the client went away; the work was stopped", None, retry)
            raise Overloaded(f"the work on this request ran past the limit of {timeout_s:g} s and was stopped; "
                             "send a smaller submission or try again later", {"timeoutSeconds": timeout_s}, retry)
    return job.future.result()


async def _reap(job: _Job) -> None:
    """Until the stopped thread has ended, stop it again (in case a library caught the first stop)."""
    while not job.future.done():
        await asyncio.sleep(0.5)
        if not job.future.done():
            job.cancel()
