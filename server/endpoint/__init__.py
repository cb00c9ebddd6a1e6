"""Running untrusted SPARQL: killable worker processes that hold a copy of the public dataset,
a pool with per-client limits and time-outs, and the executor /sparql calls.

Separate from sparql/ because it sits above store/ (it copies the corpus out of a store), while
store/remote.py itself uses sparql/'s formats and guard.
"""
from policykg.endpoint.executor import Busy, Executor, make_executor
from policykg.endpoint.fair import FairGate
from policykg.endpoint.fastpath import RawAnswer

__all__ = ["Busy", "Executor", "FairGate", "RawAnswer", "make_executor"]
