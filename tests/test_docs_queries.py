"""docs/queries.md lists every query of the library (a new .rq without a line there fails)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_query_listing_in_the_docs_names_every_library_query() -> None:
    listing = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert [n for n in names if f"[`{n}`](../queries/{n}.rq)" not in listing] == []
    assert "`asOf`" in listing
