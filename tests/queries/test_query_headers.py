"""The `#+ ` header is parsed strictly: bad metadata is an error naming the file and line, never dropped."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.errors import BadInput, CorpusError
from policykg.sparql.library import load_library, parse_query_file

ROOT = Path(__file__).resolve().parents[2]
GOOD = """#+ summary: Documents in force
#+ description: Documents in force on a date.
#+ tags: [validity]
#+ params:
#+   date: {type: date, default: 2025-07-02}
PREFIX eli: <http://data.europa.eu/eli/ontology#>
SELECT ?date ?d WHERE { ?d eli:first_date_entry_in_force ?f FILTER(?f <= ?date) }
"""


def write(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_the_library_has_at_least_twenty_questions_and_its_violation_checks() -> None:
    lib = load_library(ROOT)
    questions = [q for q in lib.values() if not q.is_violation_check]
    assert len(questions) >= 20
    assert all(q.expect_empty for q in lib.values() if q.is_violation_check)
    assert all(q.summary and q.description and q.tags for q in lib.values())


def test_a_good_header_gives_typed_params(tmp_path: Path) -> None:
    q = parse_query_file(write(tmp_path, GOOD))
    (p,) = q.params
    assert (p.name, p.type) == ("date", "date")
    assert q.bindings({}) == {"date": ox.Literal("2025-07-02", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#date"))}


@pytest.mark.parametrize(("change", "message", "line"), [
    (("#+ tags: [validity]\n", "#+ tags: [validity]\n#+ author: me\n"), "unknown header keys ['author']", 4),
    (("#+ summary: Documents in force\n", ""), "non-empty `summary`", 1),
    (("{type: date, default: 2025-07-02}", "{type: datetime}"), "needs a type", 5),
    (("{type: date, default: 2025-07-02}", "{type: date, default: tomorrow}"), "default of param 'date'", 5),
    (("{type: date, default: 2025-07-02}", "{type: date, unit: days}"), "unknown keys ['unit']", 5),
    (("#+   date:", "#+   when:"), "param 'when' is not a variable of the query", 5),
    (("SELECT ?date ?d", "SELECT ?d"), "must be projected", 5),
    (("#+ tags: [validity]", "#+ tags: validity"), "`tags` must be a list", 3),
    (("#+ tags: [validity]", "#+ tags: [validity]\n#+ clauses: [jfgg/2023/12/2/4/1]"), "`clauses` must be", 4),
    (("#+ description: Documents in force on a date.", "#+ description: [unclosed"), "bad YAML", 2),
    (("#+ tags: [validity]", "#+ tags: [validity]\n#+ dataset: registry"),
     "`dataset` must be one of ['corpus', 'corpus+registry']", 4),
    (("#+ tags: [validity]", "#+ tags: [validity]\n#+ reads: awards"), "`reads` must be one of ['awards'], in a query", 4),
    (("#+ tags: [validity]", "#+ tags: [validity]\n#+ dataset: corpus+registry\n#+ reads: submissions"),
     "`reads` must be one of ['awards']", 5),
])
def test_bad_metadata_is_an_error_with_file_and_line(tmp_path: Path, change: tuple[str, str], message: str,
                                                      line: int) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(CorpusError) as e:
        parse_query_file(write(tmp_path, GOOD.replace(old, new)))
    assert message in e.value.message
    assert (e.value.file, e.value.line) == ("q.rq", line)


def test_a_query_without_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="missing `#\\+ ` YAML metadata header"):
        parse_query_file(write(tmp_path, "SELECT * WHERE { ?s ?p ?o }"))


def test_a_library_query_may_not_use_service(tmp_path: Path) -> None:
    text = GOOD.replace("FILTER(?f <= ?date) }", "SERVICE <http://example.org/sparql> { ?d ?p ?o } FILTER(?f <= ?date) }")
    with pytest.raises(CorpusError, match="SERVICE"):
        parse_query_file(write(tmp_path, text))


@pytest.mark.parametrize(("type_", "value", "expected"), [
    ("integer", "12", ox.Literal("12", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
    ("decimal", "0.30", ox.Literal("0.30", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))),
    ("boolean", "TRUE", ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))),
    ("string", '" } ; DROP ALL #', ox.Literal('" } ; DROP ALL #')),
    ("iri", "pkg:floorArea", ox.NamedNode("https://w3id.org/policykg/ontology#floorArea")),
    ("iri", "doc/jfgg/2023/12", ox.NamedNode("https://w3id.org/policykg/doc/jfgg/2023/12")),
])
def test_user_values_become_typed_terms(tmp_path: Path, type_: str, value: str, expected: object) -> None:
    text = GOOD.replace("{type: date, default: 2025-07-02}", f"{{type: {type_}}}")
    q = parse_query_file(write(tmp_path, text))
    assert q.bindings({"date": value}) == {"date": expected}


@pytest.mark.parametrize(("type_", "value"), [
    ("date", "2025-02-30"), ("date", "2025-7-2"), ("integer", "1.5"), ("integer", "1; DROP"),
    ("decimal", "NaN"), ("boolean", "yes"), ("iri", "> } DROP ALL { <"), ("iri", "javascript:alert(1)"),
])
def test_values_not_of_the_param_type_are_400(tmp_path: Path, type_: str, value: str) -> None:
    q = parse_query_file(write(tmp_path, GOOD.replace("{type: date, default: 2025-07-02}", f"{{type: {type_}}}")))
    with pytest.raises(BadInput) as e:
        q.bindings({"date": value})
    assert e.value.detail == {"param": "date", "type": type_, "value": value}


def test_unknown_parameters_are_400(tmp_path: Path) -> None:
    q = parse_query_file(write(tmp_path, GOOD))
    with pytest.raises(BadInput) as e:
        q.bindings({"dat": "2025-01-01"})
    assert e.value.detail == {"unknown": ["dat"], "params": ["date"]}
