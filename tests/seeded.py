"""Data directories of generated submissions (bench/generate.py, seed 15) for the tests that restart a server on
one: made once per module, copied per test, opened as a new process would (nothing kept in memory)."""
from __future__ import annotations

import shutil
from pathlib import Path

from bench.generate import generate, load
from policykg.registry import judged
from policykg.store import OxiStore


def seeded_data_dir(d: Path, root: Path, n: int) -> Path:
    """`d` made a data directory holding the corpus and `n` generated submissions with their awards (closed)."""
    store = OxiStore(d / "store")
    store.ensure_corpus(root)
    subs, awards = generate(n, 15)
    load(store, subs, awards)
    store.close()
    return d


def copied(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def reopened(d: Path, root: Path) -> OxiStore:
    """The data directory's store as a new process opens it: no judgement kept in memory."""
    judged._CACHES.clear()
    store = OxiStore(d / "store")
    store.ensure_corpus(root)
    return store
