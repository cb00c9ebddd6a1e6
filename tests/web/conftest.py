"""The real server (`policykg serve` on 127.0.0.1, on-disk store in a temp data dir) and Debian's
Chromium driven by Playwright (never a downloaded browser). Both are stopped by their PID.

The server runs on a copy of the corpus plus one extra file that the XSS test needs: a
document outside the corpus whose clause text and label are markup (it is not listed on the
home page, which shows the corpus documents only).
"""
from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import clean_env, missing_tool

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
XSS_CLAUSE_TEXT = "<script>window.__xss=1;alert('xss')</script>条款<img src=x onerror=\"window.__xss=2;alert(2)\">"
XSS_TTL = """@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/policykg/doc/test/xss> a eli:LegalResource ; pkg:inCorpus false ;
    eli:id_local "测试〔2099〕1号<script>window.__xss=3;alert(3)</script>" ;
    eli:title "<img src=x onerror=\\"window.__xss=4;alert(4)\\">标题"@zh .
<https://w3id.org/policykg/doc/test/xss/1> a eli:LegalResourceSubdivision ;
    eli:is_part_of <https://w3id.org/policykg/doc/test/xss> ; pkg:position 1 ; pkg:clauseLevel "point" ;
    eli:number "<b>1.</b>" ; pkg:heading "<i onmouseover=alert(5)>标题</i>"@zh ;
    prov:value XSS_TEXT@zh .
""".replace("XSS_TEXT", json.dumps(XSS_CLAUSE_TEXT, ensure_ascii=False))

pytestmark = pytest.mark.browser
ADMIN_TOKEN = secrets.token_urlsafe(32)  # the web server's admin token (POLICYKG_ADMIN_TOKEN), new each session


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        missing_tool("Debian chromium is not installed (scripts/setup-system.sh installs it)")
    base = tmp_path_factory.mktemp("web")
    corpus = base / "corpus"
    for d in ("ontology", "policies", "shapes", "queries"):
        if (ROOT / d).exists():
            shutil.copytree(ROOT / d, corpus / d)
    (corpus / "policies" / "zz-xss-fixture.ttl").write_text(XSS_TTL, encoding="utf-8")
    port = _free_port()
    env = clean_env(POLICYKG_CORPUS_ROOT=str(corpus), POLICYKG_STORE="oxigraph",
                    POLICYKG_ADMIN_TOKEN=ADMIN_TOKEN)  # the `admin_token` fixture: pages that read the registry
    log = (base / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "policykg.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--data-dir", str(base / "data")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail("server exited: " + (base / "server.log").read_text(errors="replace")[-3000:])
            try:
                if _get(url + "/health", 2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not come up in 120 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser(web_server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, web_server: str) -> Iterator[Any]:
    """A fresh page; every JavaScript dialog it opens is recorded in page.dialogs (and dismissed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=web_server)
    pg = context.new_page()
    pg.dialogs = []

    def on_dialog(d: Any) -> None:
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def api(web_server: str) -> Any:
    """GET a JSON answer of the running server: (status, parsed body)."""

    def get(path: str) -> tuple[int, Any]:
        status, body = _get(web_server + path, 30)
        return status, (json.loads(body) if body[:1] in (b"{", b"[") else None)

    return get


@pytest.fixture(scope="session")
def admin_token(web_server: str) -> str:
    """A token of the web server that may do everything (pages that read the registry send it)."""
    return ADMIN_TOKEN


@pytest.fixture(scope="session")
def xss_clause_text() -> str:
    """The verbatim text of the fixture clause doc/test/xss/1 (markup that must never run)."""
    return XSS_CLAUSE_TEXT


@pytest.fixture(scope="session")
def shot() -> Any:
    """Save a screenshot to tests/artifacts/<name>.png (gitignored)."""

    def save(pg: Any, name: str, full: bool = False) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)

    return save
