"""engine="compiled" says what was checked from plain data (checked_json.checked_data), and writes its report graph
only when it is read: the `checked` object, the status and the results are those its graph says, and those of the
engine that writes a graph (engine="fast"), on every case of tests/cases/."""
from __future__ import annotations

import pytest

from policykg.corpus.index import build_index
from policykg.validation.checked_json import checked_json
from policykg.validation.engine import LazyReportOutcome, top_level_count, validate
from tests.shapes.caseload import case_files, load, registry_graph
from tests.shapes.test_cases import _graph, full_key

FILES = case_files()


@pytest.mark.parametrize("chunk", range(4))
def test_the_checked_account_from_data_is_the_one_its_report_graph_says_on_every_case(store, chunk: int) -> None:
    index = build_index(store)
    for i, path in enumerate(FILES[chunk::4]):
        case = load(path)
        data, registry = _graph(case, store), registry_graph(case.registry, index)
        got = validate(store, data, as_of=case.as_of, registry_context=registry, engine="compiled")
        assert isinstance(got, LazyReportOutcome) and got._graph is None, path  # nothing written yet
        answer = {lang: got.to_json(lang) for lang in ("zh", "en")}
        assert got._graph is None, path  # a JSON answer never writes the graph
        for lang in ("zh", "en"):
            assert answer[lang]["checked"] == checked_json(got.report_graph, lang), (path, lang)
        assert top_level_count(got.report_graph) == len(got.results), path
        if i % 8 == 0:  # beside the engine that writes its graph as it goes
            fast = validate(store, data, as_of=case.as_of, registry_context=registry, engine="fast")
            assert (fast.status, fast.checked("en")) == (got.status, answer["en"]["checked"]), path
            assert sorted(map(full_key, fast.results)) == sorted(map(full_key, got.results)), path


def test_a_submission_nothing_applies_to_is_not_evaluated_without_a_report_graph(store) -> None:
    from rdflib import RDF, Graph, URIRef

    from policykg.namespaces import PKG

    g = Graph()
    g.add((URIRef("https://example.org/s"), RDF.type, PKG.RenovationProject))
    got = validate(store, g, engine="compiled")
    assert got.status == "not-evaluated" and got.conforms is False and got._graph is None  # type: ignore[attr-defined]
    assert any(r["sourceConstraintComponent"].endswith("NotEvaluatedConstraintComponent") for r in got.results)
    assert checked_json(got.report_graph)["status"] == "not-evaluated"  # type: ignore[index]
