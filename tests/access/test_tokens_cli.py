"""`policykg tokens add|list|revoke` and `policykg audit show`: the token is printed once, never listed."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ENV = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}


def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policykg.cli", args[0], "--data-dir", str(data), *args[1:]],
                          capture_output=True, text=True, timeout=60, env=ENV)


def test_tokens_are_added_listed_without_their_secret_and_revoked_and_each_step_is_audited(tmp_path: Path) -> None:
    added = cli(tmp_path, "tokens", "add", "--role", "auditor", "--name", "审计员 Zhao")
    assert added.returncode == 0
    token = added.stdout.strip()
    assert token.startswith("pkg_") and "shown this once" in added.stderr
    tid = token.split("_")[1]
    listed = cli(tmp_path, "tokens", "list", "--json")
    assert listed.returncode == 0 and token not in listed.stdout and "$argon2" not in listed.stdout
    assert [(t["id"], t["role"], t["name"], t["revoked"]) for t in json.loads(listed.stdout)] == \
        [(tid, "auditor", "审计员 Zhao", None)]
    revoked = cli(tmp_path, "tokens", "revoke", tid)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    assert json.loads(cli(tmp_path, "tokens", "list", "--json").stdout)[0]["revoked"]
    assert "revoked" in cli(tmp_path, "tokens", "list").stdout
    unknown = cli(tmp_path, "tokens", "revoke", "000000000000")
    assert unknown.returncode == 2 and "no token" in unknown.stderr and "Traceback" not in unknown.stderr
    bad = cli(tmp_path, "tokens", "add", "--role", "superuser", "--name", "x")
    assert bad.returncode == 2
    shown = [json.loads(x) for x in cli(tmp_path, "audit", "show").stdout.splitlines()]
    assert [(e["action"], e["target"]) for e in shown] == [("tokens add", tid), ("tokens revoke", tid)]
    assert cli(tmp_path, "audit", "verify").returncode == 0
