"""Settings: flags, then POLICYKG_* environment variables, then defaults (docs/api.md (CLI))."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYKG_", extra="ignore")

    data_dir: Path = ROOT / "data"
    host: str = "127.0.0.1"
    port: int = 8000
    # Server processes on the one port (server/serving/): the first is the primary (the store, the
    # registry, tokens, audit: every write); the others are replicas holding the public corpus in
    # memory, answering public reads and forwarding the rest to the primary over a private socket.
    processes: int = Field(default=1, ge=1, le=32)
    # "oxigraph": pyoxigraph on disk under data_dir (the default);
    # "memory": pyoxigraph in memory (tests); "remote": any SPARQL 1.1 server.
    store: Literal["oxigraph", "memory", "remote"] = "oxigraph"
    remote_query_url: str | None = None
    remote_update_url: str | None = None
    remote_user: str | None = None
    remote_password: str | None = None
    # Where the corpus files live (ontology/, policies/, shapes/, queries/).
    corpus_root: Path = ROOT
    # Limits on untrusted input (docs/architecture.md (security)).
    max_body_bytes: int = 2 * 1024 * 1024
    query_timeout_s: float = 10.0
    query_workers: int = 2  # processes that run user SPARQL (killable; server/endpoint/executor.py)
    query_workers_extra: int = 4  # more of them while all are busy (~40 MB each with the corpus)
    query_max_per_client: int = 4  # queries of one client address running at once; beyond: 503 + Retry-After
    max_result_rows: int = 10_000  # a longer SELECT/CONSTRUCT answers its first rows (X-Result-Truncated)
    max_result_bytes: int = 8 * 1024 * 1024  # a /sparql answer past this is cut (X-Result-Truncated), to whole rows
    query_cache_bytes: int = 32 * 1024 * 1024  # /sparql answers kept per corpus version (server/endpoint/fastpath.py)
    query_max_waiting: int = 16  # requests waiting for a query worker; beyond: 503 + Retry-After at once
    # Bounded work per request (server/api/work.py, server/submission/raw.py, server/registry/hashing.py).
    work_timeout_s: float = 15.0  # parse + hash + validate of one request (a batch too); then stopped, 503
    work_max_running: int = 4  # requests doing that work at once
    work_max_waiting: int = 32  # more waiting for a place; beyond: 503 + Retry-After at once
    max_triples: int = 5_000  # per submission, once parsed (413)
    max_blank_nodes: int = 500  # per submission (413)
    max_shared_blank_nodes: int = 8  # blank nodes in a submission where some are shared or cyclic (422 beyond)
    max_batch_items: int = 100  # submissions per /api/validate/batch (413)
    # Access control (server/access/): the tokens file (argon2id hashes only) and the audit trail;
    # default <data_dir>/tokens.json and <data_dir>/audit.jsonl. POLICYKG_ADMIN_TOKEN, if set, is one
    # more admin token (hashed in memory, never written). With no token at all, the first start makes an
    # admin token and prints it once.
    tokens_file: Path | None = None
    audit_file: Path | None = None
    admin_token: str | None = Field(default=None, repr=False)
    # the secret of the report permalinks /submissions/{id}?key= (server/access/permalink.py); default: 32 random
    # bytes made once in <data_dir>/permalink.key. Changing it revokes every link given out.
    permalink_secret: str | None = Field(default=None, repr=False)


@lru_cache
def get_settings() -> Settings:
    return Settings()
