"""`policykg query NAME|FILE.rq [--param k=v] [--format …]`."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.cli.main import main
from tests.conftest import clean_env


def test_query_by_name_with_a_param_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "documents-in-force", "--param", "date=2025-07-03"]) == 0
    out = capsys.readouterr().out
    assert "京发改规〔2023〕12号" in out and "京发改规〔2023〕7号" not in out
    assert out.rstrip().endswith("(10 rows)")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_query_in_every_results_format(capsysbinary: pytest.CaptureFixture[bytes], fmt: str) -> None:
    assert main(["query", "source-anomalies", "--format", fmt]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert out.count("missing-number") == 2  # 67号 and 京建法3号 skip 第十一条


def test_a_query_file_runs_with_or_without_a_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "mine.rq"
    f.write_text('PREFIX eli: <http://data.europa.eu/eli/ontology#>\nSELECT ?d WHERE { ?d eli:id_local "京建法〔2024〕2号" }\n',
                 encoding="utf-8")
    assert main(["query", str(f), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [["d"], ["https://w3id.org/policykg/doc/jjf/2024/2"]]


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "no-such-question"]) == 2
    assert main(["query", "documents-in-force", "--param", "date=yesterday"]) == 2
    assert "must be a date" in capsys.readouterr().err
    assert main(["query", "documents-in-force", "--param", "date"]) == 2
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s WHERE { ?s ?p }", encoding="utf-8")
    assert main(["query", str(bad)]) == 2
    assert "syntax error" in capsys.readouterr().err


def test_a_violation_check_that_finds_rows_exits_1(corpus_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "share-out-of-range-violation", "--root", str(corpus_copy)]) == 0
    ttl = corpus_copy / "policies" / "jfgg-2023-12.ttl"
    ttl.write_text(ttl.read_text(encoding="utf-8").replace("pkg:rate 0.30 ;", "pkg:rate 30 ;", 1), encoding="utf-8")
    assert main(["query", "share-out-of-range-violation", "--root", str(corpus_copy), "--format", "csv"]) == 1
    assert "investment-subsidy-old-factory-and-infrastructure" in capsys.readouterr().out


def test_the_list_shows_names_and_params(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--list"]) == 0
    assert "documents-expiring" in capsys.readouterr().out


def test_a_deeply_nested_query_file_exits_2_with_the_limit_not_a_crash(tmp_path: Path) -> None:
    deep = tmp_path / "deep.rq"
    deep.write_text("ASK { " + "{" * 3000 + "}" * 3000 + " }", encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "policykg.cli", "query", str(deep)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=clean_env(PYTHONPATH=str(root)))
    assert done.returncode == 2  # was 139: the engine's stack overflowed (SIGSEGV)
    assert done.stderr.strip() == ("policykg query: the query nests brackets more than 64 levels deep "
                                   "(at line 1, column 70)")


def test_an_answer_over_the_row_cap_prints_its_first_rows_and_says_so_on_stderr(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # issue 14 (item 4): was "the answer has more rows than max_result_rows" and exit status 2
    monkeypatch.setenv("POLICYKG_MAX_RESULT_ROWS", "3")
    f = tmp_path / "many.rq"
    f.write_text("SELECT ?i WHERE { VALUES ?i { 1 2 3 4 } }\n", encoding="utf-8")
    assert main(["query", str(f), "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert len(list(csv.reader(io.StringIO(out)))) == 1 + 3
    assert "truncated to the first 3 rows" in err
    f.write_text("SELECT ?i WHERE { VALUES ?i { 1 2 3 } }\n", encoding="utf-8")
    assert main(["query", str(f), "--format", "csv"]) == 0
    assert "truncated" not in capsys.readouterr().err
