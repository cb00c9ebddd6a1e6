"""How a CLI command reports bad input: one line on stderr naming the command, and exit code 2."""
from __future__ import annotations

import json
import sys

from policykg.errors import PolicyKGError


def bad_input(command: str, e: Exception) -> int:
    """Print `e` (a PolicyKGError with its detail as JSON, or an OSError/ValueError as it reads) and return 2."""
    if isinstance(e, PolicyKGError):
        text = e.message + (f" {json.dumps(e.detail, ensure_ascii=False)}" if e.detail else "")
    else:
        text = str(e)
    print(f"policykg {command}: {text}", file=sys.stderr)
    return 2
