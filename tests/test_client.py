"""policykg.Client against the real server (`policykg serve` on 127.0.0.1), and the notebook example."""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import policykg
from policykg.client import BadRequest, NotFound, Rows, Unprocessable
from tests.sparql.support import serve

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(tmp_path_factory.mktemp("client")) as url:
        yield url


def test_a_library_query_comes_back_as_rows_of_python_values(base):
    kg = policykg.Client(base)
    rows = kg.query("highest-cap-per-project-type", projectType="old-factory")
    assert isinstance(rows, Rows) and rows.columns[:2] == ["projectType", "maxCap"]
    assert rows and all(isinstance(r["maxCap"], Decimal) for r in rows)
    assert {r["maxCap"] for r in rows} == {Decimal(5000)}  # 京发改规〔2023〕12号: 最高不超过 5000万元


def test_sparql_gives_rows_for_select_and_a_bool_for_ask(base):
    kg = policykg.Client(base)
    n = kg.sparql("PREFIX eli: <http://data.europa.eu/eli/ontology#> PREFIX pkg: <https://w3id.org/policykg/ontology#>"
                  " SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a eli:LegalResource ; pkg:inCorpus true }")
    assert n[0]["n"] == 11
    assert kg.sparql("ASK { ?s ?p ?o }") is True



def test_an_answer_over_the_row_cap_comes_back_as_its_first_rows_marked_truncated(base):
    kg = policykg.Client(base)
    many = kg.sparql("SELECT ?a ?b WHERE { VALUES ?a { " + " ".join(map(str, range(101))) + " } VALUES ?b { "
                     + " ".join(map(str, range(100))) + " } }")  # 10,100 solutions; the server's cap is 10,000
    assert len(many) == 10_000 and many.truncated is True
    assert kg.sparql("SELECT ?a WHERE { VALUES ?a { 1 2 } }").truncated is False

def test_errors_are_typed_with_the_servers_detail(base):
    kg = policykg.Client(base)
    with pytest.raises(BadRequest, match="400") as bad:
        kg.sparql("SELEC ?x")
    assert bad.value.detail and "line" in bad.value.detail
    with pytest.raises(NotFound, match="404"):
        kg.query("no-such-query")
    with pytest.raises(Unprocessable, match="422") as e:
        kg.validate({"id": "p", "type": "RenovationProject", "floorArea": "big"})
    assert "floorArea" in str(e.value.detail)


def test_validate_and_eligibility_answer_the_json_form(base):
    kg = policykg.Client(base)
    sub = {"id": "p1", "type": "RenovationProject", "projectType": "old-factory", "floorArea": 3500,
           "fixedAssetInvestment": 4000, "applicationDate": "2024-05-01", "status": "under-construction"}
    assert kg.validate(sub)["conforms"] in (True, False)
    assert kg.eligibility(sub)["measures"]


def test_the_notebook_example_in_docs_runs_against_the_server(base, capsys):
    pytest.importorskip("pandas")
    text = (ROOT / "docs" / "notebook.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)  # not the ```python chart block
    assert len(blocks) == 4
    env: dict = {}
    for code in blocks:
        exec(code.replace("http://127.0.0.1:8000", base), env)  # noqa: S102 - our own documentation
    table = env["table"]
    assert table.loc["old-factory", "京发改规〔2023〕12号"] == 5000.0
    assert "old-factory" in capsys.readouterr().out
