"""The lexical checks run before any engine sees a query, and parameter binding for a remote store."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from policykg.errors import BadInput, Forbidden
from policykg.sparql.formats import negotiate
from policykg.sparql.guard import MAX_NESTING, bind_with_values, inspect

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(("text", "form", "dataset"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT", False),
    ("# a comment\nPREFIX x: <urn:x#>\nBASE <urn:b/>\nask { ?s ?p ?o }", "ASK", False),
    ("CONSTRUCT { ?s ?p ?o } FROM <urn:g> WHERE { ?s ?p ?o }", "CONSTRUCT", True),
    ("DESCRIBE <urn:x>", "DESCRIBE", False),
    ("SELECT * FROM NAMED <urn:g> { GRAPH ?g { ?s ?p ?o } }", "SELECT", True),
    ("SELECT ?from WHERE { ?s <urn:from> ?from }", "SELECT", False),
])
def test_the_form_and_the_dataset_of_a_query_are_read(text: str, form: str, dataset: bool) -> None:
    info = inspect(text)
    assert (info.form, info.has_dataset) == (form, dataset)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o . sErViCe SILENT ?x { ?s ?p ?o } }",
    "PREFIX : <urn:x#> SELECT * WHERE { { SELECT * WHERE { SERVICE <http://x/> { } } } }",
])
def test_service_anywhere_is_refused(text: str) -> None:
    with pytest.raises(Forbidden, match="SERVICE"):
        inspect(text)


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> {}" }',
    "SELECT * WHERE { ?s <urn:SERVICE> ?o }",
    "PREFIX ex: <urn:ex#> SELECT * WHERE { ?s ex:SERVICE ?o }",
    "SELECT ?SERVICE WHERE { ?SERVICE ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/>",
    "SELECT * WHERE { ?s ?p '''multi\nline SERVICE''' }",
])
def test_service_in_strings_iris_names_and_comments_is_not_the_keyword(text: str) -> None:
    assert inspect(text).form == "SELECT"


@pytest.mark.parametrize("text", ["INSERT DATA { <a:a> <a:b> <a:c> }", "PREFIX a: <a:> delete where { ?s ?p ?o }",
                                  "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "load <http://x/>",
                                  "CLEAR ALL", "CREATE GRAPH <urn:g>", "COPY <urn:a> TO <urn:b>"])
def test_updates_are_refused(text: str) -> None:
    with pytest.raises(Forbidden, match="read-only"):
        inspect(text)


def test_an_rdf_collection_after_a_predicate_is_not_a_function_call() -> None:
    assert inspect("PREFIX ex: <urn:ex#> SELECT * WHERE { ?s ex:p (1 2) ; ex:q (3) }").form == "SELECT"
    with pytest.raises(Forbidden, match="extension functions"):
        inspect("PREFIX ex: <urn:ex#> SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ex:f(?o)")


def test_parameters_are_bound_by_a_values_block_opening_the_where_group() -> None:
    text = "PREFIX e: <urn:e#>\nCONSTRUCT { ?s e:p ?o } WHERE { ?s e:p ?o FILTER(?o > ?min) }"
    bound = bind_with_values(text, {"min": ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),
                                    "s": ox.NamedNode("urn:x")})
    assert bound == ("PREFIX e: <urn:e#>\nCONSTRUCT { ?s e:p ?o } WHERE { VALUES (?min ?s) "
                     "{ (\"3\"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:x>) }  ?s e:p ?o FILTER(?o > ?min) }")
    store = ox.Store()
    for v in (2, 5):
        store.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:e#p"), ox.Literal(v), ox.DefaultGraph()))
    assert [t.object.value for t in store.query(bound)] == ["5"]


def test_a_value_with_quotes_stays_one_literal_when_bound_by_values() -> None:
    evil = '" } } DROP ALL ; SELECT * { ?s ?p "'
    bound = bind_with_values("SELECT ?x WHERE { BIND(?x AS ?y) }", {"x": ox.Literal(evil)})
    rows = list(ox.Store().query(bound))
    assert [r["x"].value for r in rows] == [evil]


@pytest.mark.parametrize(("accept", "form", "expected"), [
    (None, "SELECT", "json"), ("*/*", "CONSTRUCT", "turtle"),
    ("application/json", "SELECT", "json"), ("application/json", "CONSTRUCT", "jsonld"),
    ("text/plain", "DESCRIBE", "ntriples"), ("application/xml;q=0.5, text/csv", "ASK", "csv"),
    ("text/*", "SELECT", "csv"), ("text/html, application/xml;q=0.9, */*;q=0.8", "SELECT", "xml"),
])
def test_content_negotiation(accept: str | None, form: str, expected: str) -> None:
    assert negotiate(form, accept).key == expected


DEEP_BRACES = "ASK { " + "{" * 3000 + "}" * 3000 + " }"


@pytest.mark.parametrize(("text", "column"), [
    (DEEP_BRACES, 6 + 64),  # the 65th bracket: `{` of ASK, then 63 more, then the one past the limit
    ("ASK { ?s ?p " + "[ ?p " * 1000 + "1" + " ]" * 1000 + " }", 13 + 5 * 63),
    ("SELECT * WHERE {\n  FILTER(" + "(" * 200 + "1" + ")" * 200 + ") }", 9 + 63),
])
def test_brackets_nested_past_the_limit_are_400_naming_the_limit_and_position(text: str, column: int) -> None:
    with pytest.raises(BadInput) as e:
        inspect(text)
    assert e.value.status == 400
    line = 2 if text.startswith("SELECT * WHERE {\n") else 1
    assert e.value.detail == {"maxNesting": MAX_NESTING, "line": line, "column": column,
                              "offset": e.value.detail["offset"]}
    assert e.value.message == (f"the query nests brackets more than {MAX_NESTING} levels deep "
                               f"(at line {line}, column {column})")


def test_brackets_inside_strings_iris_and_comments_do_not_count_as_nesting() -> None:
    deep = "{" * 500
    text = f'SELECT ?x WHERE {{ BIND("{deep}" AS ?x) ?s <urn:x:{"("* 3}> ?o }} # {deep}'
    assert inspect(text).form == "SELECT"
    assert inspect("ASK " + "{" * MAX_NESTING + "}" * MAX_NESTING).form == "ASK"  # at the limit: accepted
