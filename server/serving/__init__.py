"""Serving: how `policykg serve` runs, in one process or several on one port (docs/architecture.md).

One process (the default) is uvicorn over the app. With `processes` > 1 (`--processes N`,
`POLICYKG_PROCESSES`) the first process is the primary (the store, every write, tokens, audit)
and the others are replicas holding the public corpus in memory: they answer public reads and
forward everything else to the primary over a private Unix socket (processes.py, forward.py,
replica_state.py, primary.py).
"""
from __future__ import annotations

from typing import Any

from policykg.config import Settings


def serve(app: Any, settings: Settings) -> None:
    """Serve `app` (the primary's) as the settings say: one process, or a primary and its replicas."""
    if settings.processes > 1:
        from policykg.serving.processes import serve_processes

        serve_processes(app, settings)
        return
    import uvicorn

    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")


__all__ = ["serve"]
