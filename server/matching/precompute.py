"""Every measure's candidates judged beforehand (`policykg judge`), kept in data_dir/judgements.sqlite
(registry/judgement_file.py), so that the server's first GET /api/measures/{id}/candidates of the day reads them
instead of evaluating thousands of stored submissions (at 100,000 submissions one measure's first request takes
~80 s: the sieve leaves ~24,000, each ~3 ms).

Run over a stopped server's data directory, like a nightly batch of a 免申即享 service: the judgements hold for one
day (the as-of date decides which documents are in force, which awards count, the year of a per-year cap), and a
server drops those of the projects and enterprises written to since, evaluating only those again. With `jobs` > 1
the measures are shared among worker processes that open the store read-only (pyoxigraph allows several read-only
handles on a store nobody writes); the parent writes what they judged to the file.
"""
from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from policykg.eligibility import catalogue
from policykg.matching.candidates import candidates
from policykg.registry import cache_for
from policykg.store import OxiStore
from policykg.validation import get_bundle

Done = Callable[[dict[str, Any]], None]  # called after each measure with its summary
_WORKER: list[tuple[OxiStore, Path]] = []


def measures_in_force(store: Any, day: date, only: list[str] | None = None) -> list[str]:
    """The IRIs of the measures in force on `day` (those of `only`, by IRI or slug, when given), sorted."""
    cat = catalogue(store, get_bundle(store)).values()
    wanted = set(only or ())
    return sorted(str(m.iri) for m in cat if m.in_force(day) and (not wanted or str(m.iri) in wanted or m.slug in wanted))


def summary(answer: dict[str, Any], seconds: float) -> dict[str, Any]:
    """What `policykg judge` says of one measure, from its candidates answer (here or a server's)."""
    c = answer["counts"]
    return {"measure": answer["measure"], "slug": answer["slug"], "sieved": c["sieved"],
            "candidates": c["candidates"], "judgedBefore": c.get("judgedBefore", 0), "seconds": round(seconds, 2)}


def _one(store: Any, root: Path, iri: str, day: date, lang: str) -> dict[str, Any]:
    t = time.perf_counter()
    out = candidates(store, root, iri, day, lang)
    return summary(out, time.perf_counter() - t)


def judge_all(store: OxiStore, root: Path, day: date, lang: str = "zh", only: list[str] | None = None,
              jobs: int = 1, done: Done | None = None) -> list[dict[str, Any]]:
    """Judge the candidates of every measure in force on `day` (or `only`), keep them beside `store` (on disk), and
    return a summary per measure. With jobs > 1 `store` is closed here: the workers open it read-only."""
    iris = measures_in_force(store, day, only)
    if jobs <= 1:
        out = []
        for iri in iris:
            out.append(_one(store, root, iri, day, lang))
            if done:
                done(out[-1])
        return out
    if store.path is None:
        raise ValueError("judge_all with jobs > 1 reads a store on disk")
    cache = cache_for(store)  # the file's state: the registry's now, which the workers read unchanged
    store.corpus_graphs()  # its list of corpus graphs written, if it was not (a read-only handle cannot)
    path = store.path
    store.close()  # nobody writes it while the workers read it
    out = []
    with mp.get_context("fork").Pool(jobs, initializer=_start, initargs=(str(path), str(root))) as pool:
        for summary, rows in pool.imap_unordered(_work, [(iri, day, lang) for iri in iris]):
            cache.pending.extend(rows)
            cache.persist()
            out.append(summary)
            if done:
                done(summary)
    return sorted(out, key=lambda s: s["measure"])


def _start(path: str, root: str) -> None:
    _WORKER.append((OxiStore.read_only(Path(path)), Path(root)))


def _work(task: tuple[str, date, str]) -> tuple[dict[str, Any], list[Any]]:
    store, root = _WORKER[0]
    iri, day, lang = task
    summary = _one(store, root, iri, day, lang)
    group = (day.isoformat(), lang)
    kept = cache_for(store).entries
    rows = [(k, v) for k, v in kept.items() if k[1] == iri and k[2:] == group]
    for k, _v in rows:  # the parent keeps them: a worker's memory holds one measure's at a time
        del kept[k]
    return summary, rows
