"""Store load: the corpus into a fresh on-disk pyoxigraph store, and the no-op when the version is unchanged.

    .venv/bin/python bench/store_load.py [--repeat N]

What start-up costs: `OxiStore(path).ensure_corpus(root)` on an empty directory (hash the corpus
files, parse them with pyoxigraph, write every named graph and the version in one transaction,
flush), then the staleness check on the loaded store (hash the files, compare the stored version:
nothing to load), in the same process and on a store reopened from disk as a restarted server
does. Baseline: parsing the same files with rdflib (Turtle into one rdflib Graph).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rdflib  # noqa: E402

from bench.common import ROOT, Row, faster, timed_row  # noqa: E402

BENCH = "store load"


def snapshot(dest: Path) -> Path:
    """A copy of the corpus files, so that edits made meanwhile in the checkout do not change the version mid-run."""
    from policykg.corpus.files import CORPUS_DIRS

    for d in CORPUS_DIRS:
        if (ROOT / d).is_dir():
            shutil.copytree(ROOT / d, dest / d, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def measure(repeat: int = 5) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="policykg-bench-corpus-") as tmp:
        return _measure(snapshot(Path(tmp)), repeat)


def _measure(root: Path, repeat: int) -> list[Row]:
    from policykg.corpus.files import corpus_files, corpus_version
    from policykg.store import OxiStore

    ttl = [f for f in corpus_files(root) if f.suffix == ".ttl"]
    fresh, noop, reopen, hashing, parse = [], [], [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="policykg-bench-store-") as tmp:
            t = time.perf_counter()
            s = OxiStore(Path(tmp) / "store")
            loaded = s.ensure_corpus(root)
            fresh.append((time.perf_counter() - t) * 1000)
            assert loaded, "a fresh store must load the corpus"
            t = time.perf_counter()
            again = s.ensure_corpus(root)
            noop.append((time.perf_counter() - t) * 1000)
            assert not again, "an unchanged corpus must not be reloaded"
            s.close()
            t = time.perf_counter()
            s = OxiStore(Path(tmp) / "store")
            again = s.ensure_corpus(root)
            reopen.append((time.perf_counter() - t) * 1000)
            assert not again
            s.close()
        t = time.perf_counter()
        corpus_version(root)
        hashing.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        g = rdflib.Graph()
        for f in ttl:
            g.parse(f, format="turtle")
        parse.append((time.perf_counter() - t) * 1000)
    base = timed_row(BENCH, "rdflib parse of the corpus .ttl", parse, note=f"{len(ttl)} files, {len(g)} triples",
                     key="rdflib parse")
    rows = [base]
    for name, ms in (("fresh on-disk store: load + flush", fresh), ("unchanged version: no-op check", noop),
                     ("reopen from disk + no-op check", reopen), ("corpus_version() hash alone", hashing)):
        r = timed_row(BENCH, name, ms)
        r.vs = [faster(base, r)]
        rows.append(r)
    return rows


def main() -> int:
    from bench.run import print_rows

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="repetitions (default 5)")
    print_rows(measure(ap.parse_args().repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
