"""The reproducibility receipt of a decision: what it was made with, on what date, from which bytes.

With the receipt and the input, anyone can rerun the decision later: check out
the corpus version, run the same engine version with the same as-of date on
bytes with the same SHA-256.
"""
from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from policykg.corpus import store_version
from policykg.errors import BadInput


@lru_cache
def _version(pkg: str) -> str:
    try:
        return version(pkg)
    except PackageNotFoundError:
        return "unknown"


def corpus_version(store: Any) -> str | None:
    return store_version(store) or None  # kept by the store until its corpus is written (corpus.index)


def parse_as_of(value: str | None, field: str = "asOf") -> date | None:
    """`YYYY-MM-DD` or nothing; anything else is a 400 naming the parameter."""
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{field} must be a date YYYY-MM-DD, got {value!r}", {"field": field, "value": value}) from None


def receipt(store: Any, *, input_sha256: str, as_of: date | None, timestamp: datetime | None = None,
            corpus: str | None = None, mode: str | None = None, registry: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    """The receipt attached to every validation and eligibility response; `registry` says whether the registry
    was consulted and in which state ({consulted, sequence, lastRecord}), so a decision can be replayed."""
    ts = timestamp or datetime.now(UTC)
    return {
        "registry": registry or {"consulted": False},
        "corpusVersion": corpus if corpus is not None else corpus_version(store),
        # mode "fast": pySHACL for core shapes, SHACL-SPARQL on pyoxigraph; "compiled": the shapes compiled once
        # (server/validation/compiled/); both proved equal to pySHACL alone
        "engine": {"name": "pyshacl", "version": _version("pyshacl"), "mode": mode or "pyshacl"},
        "store": _store_name(store),
        "policykg": _version("policykg"),
        "asOf": as_of.isoformat() if as_of else None,
        "timestamp": ts.isoformat().replace("+00:00", "Z"),
        "inputSha256": input_sha256,
    }


def _store_name(store: Any) -> dict[str, str]:
    if type(store).__name__ == "OxiStore":
        return {"name": "pyoxigraph", "version": _version("pyoxigraph")}
    return {"name": type(store).__name__, "version": "sparql-1.1"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
