"""Helpers of the SPARQL tests: typed-value comparison of answers, a live server on a free port."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from tests import virtuoso as vt
from tests.conftest import clean_env

ROOT = Path(__file__).resolve().parents[2]
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("decimal", "integer", "double", "float", "int", "long")}


def typed_value(t: Any) -> tuple:
    """A term as a comparable typed value: numbers by value (5000.0 == 5000), the rest exactly."""
    if isinstance(t, ox.Literal):
        if t.datatype.value in NUMERIC:
            return ("number", Decimal(t.value))
        return ("literal", t.value, t.language or t.datatype.value)
    if isinstance(t, ox.BlankNode):
        return ("bnode",)
    return ("iri", t.value)


# Columns that are a boolean expression over an aggregate (registry-awards-*: `SUM(?amount) > ?cap AS ?overCap`):
# Virtuoso 7.2 answers such an expression as xsd:integer 1/0, and cannot compile the aggregate inside IF or
# COALESCE to make it a typed boolean (error SQ156 "Bad dfe in sqlo_place_exp"); pyoxigraph answers
# xsd:boolean. Compared by truth value; docs/queries.md says so.
BOOLEAN_COLUMNS = ("overCap",)


def _truth(k: str, v: tuple) -> tuple:
    if k in BOOLEAN_COLUMNS and v[0] == "number" and v[1] in (0, 1):
        return ("literal", "true" if v[1] == 1 else "false", XSD + "boolean")
    return v


def answer_set(rows: list[dict[str, Any]]) -> set[tuple]:
    return {tuple(sorted((k, _truth(k, typed_value(v))) for k, v in row.items())) for row in rows}


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0


@contextlib.contextmanager
def serve(data_dir: Path, **settings: str) -> Iterator[str]:
    """`policykg serve` (uvicorn) on 127.0.0.1 and a free port, in-memory store; stopped by its pid."""
    port = vt.free_port()
    env = {**clean_env(), "POLICYKG_STORE": "memory", "POLICYKG_CORPUS_ROOT": str(ROOT),
           "POLICYKG_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT),
           **{f"POLICYKG_{k.upper()}": v for k, v in settings.items()}}
    proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _get(base + "/health") != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start (exit code {proc.poll()})")
            time.sleep(0.2)
        yield base
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Stop a server started by a test: SIGTERM (its replicas and query workers stop with it), then SIGKILL."""
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
