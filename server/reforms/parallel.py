"""A reform's impact over a data directory no server has open, on several processes (`policykg reform --jobs N`).

The parent reads what the reform touches and the ids of the stored submissions of those types (reforms/impact.py's
Run), then closes its store; each worker opens the same store read-only (pyoxigraph allows several read-only
handles on a store nobody writes), builds its own reformed corpus once, and evaluates contiguous chunks of the
sorted ids as impact() does (batches, bulk registry reads). The rows come back in the ids' order, so the
answer is impact()'s (tests/reforms/test_parallel.py). A server never runs this: it writes its store, and a
process forked from its threads could inherit their locks; its jobs run impact() in one process.
"""
from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from pathlib import Path
from typing import Any

from policykg.reforms.impact import Run, answer
from policykg.reforms.model import Reform
from policykg.store import OxiStore

CHUNK = 500  # ids per task: the progress bar moves a chunk at a time
_RUN: list[Run] = []  # the worker's own (one per process)


def _start(path: str, root: str, reform: Reform) -> None:
    _RUN.append(Run(OxiStore.read_only(Path(path)), Path(root), reform))


def _rows(ids: list[str]) -> tuple[list[dict[str, Any]], int]:
    return _RUN[0].rows(ids)


def impact_jobs(store: OxiStore, root: Path, reform: Reform, jobs: int,
                progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """impact() on `jobs` processes. `store`: an OxiStore on disk, its corpus loaded; it is CLOSED here (the workers
    open it read-only, which is defined only while nobody writes it)."""
    if store.path is None:
        raise ValueError("impact_jobs reads a store on disk")
    run = Run(store, root, reform)
    total, ids = run.stored()
    changed = run.changed
    store.corpus_graphs()  # its list of corpus graphs written, if it was not (a read-only handle cannot)
    path = store.path
    store.close()
    del run
    chunks = [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]
    rows: list[dict[str, Any]] = []
    evaluated = 0
    done = total - len(ids)
    with mp.get_context("fork").Pool(jobs, initializer=_start, initargs=(str(path), str(root), reform)) as pool:
        for chunk, (part, n) in zip(chunks, pool.imap(_rows, chunks), strict=True):
            rows += part
            evaluated += n
            done += len(chunk)
            if progress:
                progress(done, total)
    if progress:
        progress(total, total)
    return answer(reform, changed, total, rows, evaluated)
