"""pySHACL evaluating the sh:SPARQLTarget selects itself (SHACL-AF, advanced=True, every shape) gives the same
results as the validation path that evaluates those targets on pyoxigraph: checked on one case per directory
(the full comparison of every case is the slow `bench/validate.py --differential`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.validation.engine import validate

from .caseload import CASES, load, registry_graph
from .test_cases import _graph, _key

SAMPLE = sorted(next(iter(sorted(p for p in d.glob("*.yaml") if not p.name.startswith("_") and
                                 "base-conforms" not in p.name)), None) or d for d in CASES.iterdir() if d.is_dir())


@pytest.mark.parametrize("path", SAMPLE, ids=[f"{p.parent.name}/{p.stem}" for p in SAMPLE])
def test_native_sparql_targets_give_the_same_results(path: Path, store) -> None:
    from policykg.corpus.index import build_index

    case = load(path)
    data = _graph(case, store)
    registry = registry_graph(case.registry, build_index(store))
    native = validate(store, data, as_of=case.as_of, registry_context=registry, engine="pyshacl-native")
    ref = validate(store, data, as_of=case.as_of, registry_context=registry, engine="pyshacl")
    assert sorted(map(_key, native.results)) == sorted(map(_key, ref.results))
    assert native.conforms is ref.conforms
