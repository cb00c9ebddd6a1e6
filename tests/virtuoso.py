"""Start and stop a private Virtuoso (Debian's virtuoso-opensource) on 127.0.0.1 for the remote-store tests.

The recipe of docs/architecture.md (machine notes): the packaged virtuoso.ini is copied into a temp dir, its
database, log, lock and transaction files are pointed into that dir, both ports are
bound to 127.0.0.1 on free ports, and `virtuoso-t +foreground` is started there. The
SPARQL user is granted SPARQL_UPDATE through isql-vt. The server is stopped by its pid.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
# Our own limits: Virtuoso's default 10,000-row cap would truncate silently (our cap reports it).
OVERRIDES = {
    "Database": {
        "DatabaseFile": "virtuoso.db", "ErrorLogFile": "virtuoso.log", "LockFile": "virtuoso.lck",
        "TransactionFile": "virtuoso.trx", "xa_persistent_file": "virtuoso.pxa",
    },
    "TempDatabase": {"DatabaseFile": "virtuoso-temp.db", "TransactionFile": "virtuoso-temp.trx"},
    "SPARQL": {"ResultSetMaxRows": "1000000", "MaxQueryExecutionTime": "30"},
}


def available() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None and PACKAGED_INI.exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_ini(workdir: Path, sql_port: int, http_port: int) -> Path:
    """The packaged ini with every file in `workdir` and both servers on 127.0.0.1."""
    overrides = {sec: dict(keys) for sec, keys in OVERRIDES.items()}
    for sec in ("Database", "TempDatabase"):
        overrides[sec] = {k: str(workdir / v) for k, v in overrides[sec].items()}
    overrides["Parameters"] = {"ServerPort": f"127.0.0.1:{sql_port}", "DirsAllowed": f"., {workdir}"}
    overrides["HTTPServer"] = {"ServerPort": f"127.0.0.1:{http_port}"}
    section, out, seen = "", [], set()
    for line in PACKAGED_INI.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s*\[([^\]]+)\]", line)
        if m:
            section = m.group(1).strip()
        key = re.match(r"^\s*([A-Za-z_]+)\s*=", line)
        if key and key.group(1) in overrides.get(section, {}):
            out.append(f"{key.group(1)} = {overrides[section][key.group(1)]}")
            seen.add((section, key.group(1)))
            continue
        out.append(line)
    missing = {(s, k) for s, keys in overrides.items() for k in keys} - seen
    assert not missing, f"packaged virtuoso.ini lacks {sorted(missing)}"
    ini = workdir / "virtuoso.ini"
    ini.write_text("\n".join(out) + "\n", encoding="utf-8")
    return ini


@dataclass
class Virtuoso:
    workdir: Path
    sql_port: int
    http_port: int
    proc: subprocess.Popen | None = None
    started_in_s: float = 0.0

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def sparql_auth_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-auth"

    def start(self, timeout_s: float = 90.0) -> None:
        ini = write_ini(self.workdir, self.sql_port, self.http_port)
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            ["virtuoso-t", "+configfile", str(ini), "+foreground"], cwd=self.workdir,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        while time.monotonic() - t0 < timeout_s:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited with {self.proc.returncode}: {self.log_tail()}")
            if self._answers():
                break
            time.sleep(0.25)
        else:
            self.stop()
            raise RuntimeError(f"Virtuoso did not answer within {timeout_s} s: {self.log_tail()}")
        self.started_in_s = time.monotonic() - t0
        self.isql('grant SPARQL_UPDATE to "SPARQL";')

    def _answers(self) -> bool:
        url = self.sparql_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+xml"})
        try:
            with urllib.request.urlopen(req, timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def isql(self, sql: str) -> str:
        r = subprocess.run(["isql-vt", str(self.sql_port), "dba", "dba", f"exec={sql}"],
                           capture_output=True, text=True, timeout=60, cwd=self.workdir)
        if r.returncode != 0 or "*** Error" in r.stdout + r.stderr:
            raise RuntimeError(f"isql-vt failed: {r.stdout}{r.stderr}")
        return r.stdout

    def log_tail(self) -> str:
        log = self.workdir / "virtuoso.log"
        return log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else "(no log)"

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def start(workdir: Path) -> Virtuoso:
    v = Virtuoso(workdir, free_port(), free_port())
    v.start()
    return v
