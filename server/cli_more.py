"""Sub-commands added by later work (validate, eligibility, query, trace) register here."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    return None
