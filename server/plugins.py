"""The feature modules that add routers and sub-commands, by name.

A module listed here that does not exist (yet) is skipped; any other import
error is raised. Each feature lives in its own module so that the app and the
CLI stay small (design.md §4.6).
"""
from __future__ import annotations

import importlib
from types import ModuleType

ROUTER_MODULES = [
    "server.api.health",
    "server.api.documents",
    "server.api.provenance",
    "server.api.validate",
    "server.api.eligibility",
    "server.api.registry",
    "server.api.sparql",
    "server.api.queries",
    "server.api.context",
    "server.web.pages",
    "server.web.pages_more",
]

CLI_MODULES = [
    "server.cli_validate",
    "server.cli_eligibility",
    "server.cli_query",
    "server.cli_trace",
]

CHECK_MODULES = [
    "server.checks_corpus",
    "server.checks_clauses",
    "server.checks_shapes",
    "server.checks_queries",
]


def load(names: list[str]) -> list[ModuleType]:
    out = []
    for name in names:
        try:
            out.append(importlib.import_module(name))
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
    return out
