"""The skip guard: under CI=true or POLICYKG_STRICT_SKIPS=1 (`make test` sets it) a skip whose reason is not
in ALLOWED_SKIPS below fails the run, so a missing server, browser or route can never turn the suite green.

Loaded by tests/conftest.py (`pytest_plugins`); tests/test_skipguard.py runs it on a throw-away suite.
"""
from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest

# The documented fixed skips (README, "Tests"): (file, start of the skip reason, at most this many).
# The SHACL-SPARQL features of the W3C suite that the fast engine does not claim (reasons in
# tests/shapes/test_w3c_sparql.py UNSUPPORTED) and the copyright check that needs ../shared beside the checkout.
ALLOWED_SKIPS: list[tuple[str, str, int]] = [
    ("tests/shapes/test_w3c_sparql.py", "$PATH substitution in property shapes", 1),
    ("tests/shapes/test_w3c_sparql.py", "$shapesGraph and $currentShape are not bound", 1),
    ("tests/shapes/test_w3c_sparql.py", "$this used in a group before any pattern binds it", 3),
    ("tests/shapes/test_w3c_sparql.py", "SPARQL-based constraint components", 5),
    ("tests/corpus/test_secondary.py", "the article is not available here", 1),
]


def strict() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("POLICYKG_STRICT_SKIPS") == "1"


def skip_reason(rep: Any) -> str:
    """The reason a skipped report gives (`pytest.skip(reason)`), without pytest's 'Skipped: ' prefix."""
    lr = rep.longrepr
    text = lr[2] if isinstance(lr, tuple) and len(lr) == 3 else str(lr)
    return text.removeprefix("Skipped: ")


def unexpected_skips(skips: list[tuple[str, str]],
                     allowed: list[tuple[str, str, int]] = ALLOWED_SKIPS) -> list[tuple[str, str]]:
    """The (file, reason) skips the allow-list does not cover (by reason, then by count)."""
    used: Counter[int] = Counter()
    out = []
    for path, reason in skips:
        slot = next((i for i, (f, r, n) in enumerate(allowed)
                     if f == path and reason.startswith(r) and used[i] < n), None)
        if slot is None:
            out.append((path, reason))
        else:
            used[slot] += 1
    return out


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    tr = session.config.pluginmanager.get_plugin("terminalreporter")
    if not strict() or tr is None or exitstatus != 0:
        return
    skips = [(str(rep.location[0]), skip_reason(rep)) for rep in tr.stats.get("skipped", [])]
    extra = unexpected_skips(skips)
    if extra:
        tr.write_line(f"policykg: {len(extra)} skip(s) not in tests/skipguard.py ALLOWED_SKIPS "
                      "(CI=true / POLICYKG_STRICT_SKIPS=1):", red=True)
        for path, reason in extra:
            tr.write_line(f"  {path}: {reason}", red=True)
        session.exitstatus = 1
