import pytest
from policykg.store import OxiStore
from policykg.sparql.library import load_library
from tests.sparql.support import ROOT
pytestmark = pytest.mark.virtuoso
LIB = load_library(ROOT)
def test_probe(remote_store):
    emb = OxiStore(None); emb.ensure_corpus(ROOT)
    for name, params in [("measures-for-project-type", {}), ("measures-for-project-type", {"asOf": "2023-07-03"}),
                         ("highest-cap-per-project-type", {}), ("measure-combinations", {}),
                         ("measures-requiring-certification-or-listing", {}), ("document-changes-for-project-type", {})]:
        q = LIB[name]; b = q.bindings(params)
        r = remote_store.select(q.text, b, registry=True); e = emb.select(q.text, b)
        key = lambda row: tuple(sorted((k, getattr(v, "value", v)) for k, v in row.items() if k in ("measure", "link", "measure1", "measure2", "criterion", "item", "change", "allowedValue", "projectType")))
        R = {key(x) for x in r}; E = {key(x) for x in e}
        from tests.sparql.support import answer_set
        A, B = answer_set(r), answer_set(e)
        if A != B:
            a = dict(sorted(A - B)[0]); bb = {}
            for cand in B - A:
                c = dict(cand)
                if key({k: type("x", (), {"value": v[1]})() for k, v in c.items()}) == key({k: type("x", (), {"value": v[1]})() for k, v in a.items()}):
                    bb = c
            print("##", name, params, "DIFF", {k: (a.get(k), bb.get(k)) for k in set(a) | set(bb) if a.get(k) != bb.get(k)})
