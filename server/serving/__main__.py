"""A replica process: `python -m policykg.serving --primary SOCKET --index I` (started by processes.py)."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time

import uvicorn

from policykg.app import create_app
from policykg.config import Settings
from policykg.serving.forward import ForwardToPrimary
from policykg.serving.processes import SETTINGS_ENV, port_socket
from policykg.serving.replica_state import no_access, open_corpus_only


def _die_with_parent(parent: int) -> None:
    """A replica never outlives the primary that started it (killed with SIGKILL, it cannot stop us)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m policykg.serving")
    ap.add_argument("--primary", required=True, help="the primary's Unix socket")
    ap.add_argument("--index", type=int, default=1)
    args = ap.parse_args(argv)
    settings = Settings.model_validate_json(os.environ[SETTINGS_ENV])
    threading.Thread(target=_die_with_parent, args=(os.getppid(),), daemon=True).start()
    app = create_app(settings, store_opener=open_corpus_only, access_opener=no_access)
    sock = port_socket(settings.host, settings.port)
    server = uvicorn.Server(uvicorn.Config(ForwardToPrimary(app, args.primary, settings.max_body_bytes,
                                                            f"replica-{args.index}"),
                                           log_level="warning"))
    asyncio.run(server.serve(sockets=[sock]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
