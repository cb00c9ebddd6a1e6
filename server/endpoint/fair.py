"""A fair share of the query workers (docs/architecture.md (security)): who runs next, and who is told to come back.

`FairGate` lets at most `capacity` queries run (the size the worker pool may grow to). A
client (by address) may have at most `per_client` queries running or waiting; past that, 503
at once. When every place is taken a request waits in a queue of at most `max_waiting`
(past that, 503 at once) for up to the query time limit (then 503); a place that frees goes
to the waiting request whose client has the fewest queries running (the oldest first among
equals), so two busy clients cannot keep a third one waiting behind their own queue. And the
last `reserve` places (default 1) are kept for a client with no query running, so that
busy clients holding every worker with slow queries cannot make a newcomer wait for one of
them to end (measured by bench/health_load.py: 8 slow queries from 4 addresses, a fifth
address's quick query waited 13.9 s without the reserve). Every
refusal is `Busy`: 503 with Retry-After. It runs on the event loop: waiting takes no thread.
"""
from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from policykg.endpoint.pool import Busy


class FairGate:
    def __init__(self, capacity: int, per_client: int, max_waiting: int, reserve: int = 1) -> None:
        self.capacity, self.per_client, self.max_waiting = max(1, capacity), per_client, max(0, max_waiting)
        self.reserve = min(max(0, reserve), self.capacity - 1)
        self.running: Counter[str] = Counter()
        self.total = 0
        self.waiters: list[tuple[int, str, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def _waiting(self, client: str) -> int:
        return sum(1 for _n, c, _f in self.waiters if c == client)

    def _may_run(self, client: str) -> bool:
        """A free place that is not reserved, or a reserved one for a client with nothing running."""
        return self.total < self.capacity - self.reserve or (self.total < self.capacity and self.running[client] == 0)

    def _grant(self, client: str) -> None:
        self.total += 1
        self.running[client] += 1

    def _release(self, client: str) -> None:
        self.total -= 1
        self.running[client] -= 1
        if self.running[client] <= 0:
            del self.running[client]
        while self.waiters:
            nxt = min(self.waiters, key=lambda w: (self.running[w[1]], w[0]))
            if not self._may_run(nxt[1]):
                break  # the fewest-running waiter may not run: no other may
            self.waiters.remove(nxt)
            if not nxt[2].done():
                self._grant(nxt[1])
                nxt[2].set_result(None)

    def _forget(self, entry: tuple[int, str, asyncio.Future[None]]) -> None:
        entry[2].cancel()
        if entry in self.waiters:
            self.waiters.remove(entry)

    @asynccontextmanager
    async def hold(self, client: str, timeout_s: float, retry_after: int) -> AsyncIterator[None]:
        """A place for one query of `client`, or Busy (503 + Retry-After)."""
        if self.per_client > 0 and self.running[client] + self._waiting(client) >= self.per_client:
            raise Busy(f"this client already has {self.per_client} queries running or waiting; "
                       "wait for one to finish", {"maxQueriesPerClient": self.per_client}, retry_after=retry_after)
        if self._may_run(client):  # every waiter that may run has been let in already (_release)
            self._grant(client)
        else:
            if len(self.waiters) >= self.max_waiting:
                raise Busy("every query worker is busy and the queue is full; try again shortly",
                           {"maxWaiting": self.max_waiting, "workers": self.capacity}, retry_after=retry_after)
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            entry = (next(self._seq), client, fut)
            self.waiters.append(entry)
            try:
                await asyncio.wait_for(asyncio.shield(fut), timeout_s)
            except TimeoutError:
                if not (fut.done() and not fut.cancelled()):  # not granted as the wait ended
                    self._forget(entry)
                    raise Busy("every query worker stayed busy; try again shortly",
                               {"timeoutSeconds": timeout_s, "workers": self.capacity},
                               retry_after=retry_after) from None
            except BaseException:  # the request was cancelled (the client left)
                if fut.done() and not fut.cancelled():
                    self._release(client)
                else:
                    self._forget(entry)
                raise
        try:
            yield
        finally:
            self._release(client)

