"""Sub-commands of feature modules (server.plugins.CLI_MODULES), each with register(sub)."""
from __future__ import annotations

import argparse

from . import plugins


def register(sub: argparse._SubParsersAction) -> None:
    for mod in plugins.load(plugins.CLI_MODULES):
        mod.register(sub)
