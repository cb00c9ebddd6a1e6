"""Tests that can fail: under CI=true a missing Virtuoso or Chromium fails, and so does any skip beyond the
documented fixed ones (tests/skipguard.py ALLOWED_SKIPS). Each runs a real pytest in a subprocess."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import clean_env
from tests.skipguard import ALLOWED_SKIPS, unexpected_skips

ROOT = Path(__file__).resolve().parent.parent
W3C = "tests/shapes/test_w3c_sparql.py"
VIRTUOSO_TEST = "tests/sparql/test_remote_store.py::test_the_corpus_is_loaded_into_virtuoso_with_its_version"
BROWSER_TEST = ("tests/web/test_validate_form.py::"
                "test_a_loan_amount_filled_in_the_form_reaches_the_submission_and_the_loan_row")
# a host with virtuoso-t but without the packaged virtuoso.ini, and without Chromium (issue 10's audit)
HIDE_TOOLS = '''
from pathlib import Path

def pytest_sessionstart(session):
    import tests.virtuoso as vt
    import tests.web.conftest as web
    vt.PACKAGED_INI = Path("/nonexistent/virtuoso-opensource-7/virtuoso.ini")
    web.CHROMIUM = "/nonexistent/chromium"
'''


def _pytest(args: list[str], cwd: Path, pythonpath: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env=clean_env(PYTHONPATH=pythonpath, **{"CI": "", "POLICYKG_STRICT_SKIPS": "", **env}))


def test_the_documented_skips_are_allowed_and_one_more_of_a_kind_is_not():
    w3c = [(W3C, "SPARQL-based constraint components are not supported")] * 5
    assert unexpected_skips(w3c) == []
    assert unexpected_skips(w3c + w3c[:1]) == w3c[:1]  # a sixth is one too many
    assert unexpected_skips([(W3C, "Debian chromium is not installed")]) == [(W3C, "Debian chromium is not installed")]
    # an allowed reason in another file is not allowed there
    assert unexpected_skips([("tests/web/test_x.py", "the article is not available here")]) != []
    assert sum(n for f, _, n in ALLOWED_SKIPS if f == W3C) == 10


def test_a_surprise_skip_fails_a_strict_run_and_passes_a_developers_run(tmp_path):
    (tmp_path / "test_surprise.py").write_text(
        "import pytest\n\ndef test_needs_something():\n    pytest.skip('the route is gone')\n", encoding="utf-8")
    args = ["-p", "tests.skipguard", "--rootdir", str(tmp_path), "test_surprise.py"]
    strict = _pytest(args, tmp_path, str(ROOT), POLICYKG_STRICT_SKIPS="1")
    assert strict.returncode == 1, strict.stdout[-2000:]
    assert "test_surprise.py: the route is gone" in strict.stdout
    ci = _pytest(args, tmp_path, str(ROOT), CI="true")
    assert ci.returncode == 1, ci.stdout[-2000:]
    relaxed = _pytest(args, tmp_path, str(ROOT))
    assert relaxed.returncode == 0, relaxed.stdout[-2000:]
    assert "1 skipped" in relaxed.stdout


def test_under_ci_a_missing_virtuoso_ini_or_chromium_fails_the_tests_that_need_them(tmp_path):
    (tmp_path / "hide_tools.py").write_text(HIDE_TOOLS, encoding="utf-8")
    args = ["-p", "hide_tools", VIRTUOSO_TEST, BROWSER_TEST]
    ci = _pytest(args, ROOT, f"{tmp_path}:{ROOT}", CI="true")
    assert ci.returncode == 1, ci.stdout[-3000:]
    assert "2 errors" in ci.stdout, ci.stdout[-3000:]
    assert "virtuoso-opensource" in ci.stdout and "Debian chromium is not installed" in ci.stdout
    assert ci.stdout.count("required under CI=true") >= 2
    developer = _pytest(args, ROOT, f"{tmp_path}:{ROOT}")
    assert developer.returncode == 0, developer.stdout[-3000:]
    assert "2 skipped" in developer.stdout


def test_a_developers_policykg_variables_reach_no_fixture_not_even_a_session_scoped_one(tmp_path):
    # the session-scoped `client` is built before any function-scoped fixture could clean the environment
    body = "tests/sparql/test_endpoint.py::test_post_form_encoded_and_post_sparql_query_give_the_same_answer"
    rows = "tests/sparql/test_endpoint.py::test_the_default_graph_is_the_union_of_the_graphs"
    done = _pytest([body, rows], ROOT, str(ROOT), POLICYKG_MAX_BODY_BYTES="10", POLICYKG_MAX_RESULT_ROWS="1",
                   POLICYKG_STORE="remote", POLICYKG_REMOTE_QUERY_URL="http://127.0.0.1:9/sparql")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 passed" in done.stdout


def test_the_documented_fixed_skips_pass_a_strict_run():
    done = _pytest(["-rs", W3C, "tests/corpus/test_secondary.py"], ROOT, str(ROOT), POLICYKG_STRICT_SKIPS="1")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "not in tests/skipguard.py ALLOWED_SKIPS" not in done.stdout
    assert done.stdout.count("SKIPPED [") >= 5  # the W3C reasons (and the article check without ../shared)


def test_make_test_runs_pytest_with_strict_skips_and_fails_when_nothing_is_collected():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "POLICYKG_STRICT_SKIPS=1 $(VENV)/bin/pytest" in recipe
    assert "if [ $$rc -eq 5 ]" in recipe and "exit 1" in recipe
