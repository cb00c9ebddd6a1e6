"""A query worker process: `python -m policykg.endpoint FD` (started by endpoint/workers.py)."""
import sys
from multiprocessing.connection import Connection

from policykg.endpoint.workers import _worker_main

_worker_main(Connection(int(sys.argv[1])))
