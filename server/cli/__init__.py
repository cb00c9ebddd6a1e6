"""The `policykg` command line: one module per sub-command, wired in `main.build_parser`.

Exit codes: 0 ok / conforms, 1 problems / does not conform, 2 bad input.
"""
from policykg.cli.main import main

__all__ = ["main"]
