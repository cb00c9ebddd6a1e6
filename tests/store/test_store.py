from pathlib import Path

import pyoxigraph as ox

from policykg.corpus.files import corpus_version
from policykg.store import OxiStore


def _count(s: OxiStore) -> int:
    return len(list(s.ox.quads_for_pattern(None, None, None)))


def test_loading_the_corpus_twice_gives_the_same_quads(root: Path) -> None:
    s = OxiStore(None)
    assert s.ensure_corpus(root) is True
    first = sorted(map(str, s.ox.quads_for_pattern(None, None, None)))
    assert s.ensure_corpus(root) is False  # same version: nothing to do
    s.ox.remove_graph(ox.NamedNode("https://w3id.org/policykg/graph/meta"))
    assert s.ensure_corpus(root) is True  # forced reload
    assert sorted(map(str, s.ox.quads_for_pattern(None, None, None))) == first


def test_the_store_records_the_corpus_version(root: Path, store: OxiStore) -> None:
    assert store.stored_version() == corpus_version(root)


def test_a_stale_on_disk_store_is_rebuilt_not_served(corpus_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    s = OxiStore(path)
    s.ensure_corpus(corpus_copy)
    n = _count(s)
    s.close()
    onto = corpus_copy / "ontology" / "policykg.ttl"
    onto.write_text(onto.read_text(encoding="utf-8") + "\npkg:Extra a owl:Class .\n", encoding="utf-8")
    s2 = OxiStore(path)
    assert s2.stored_version() != corpus_version(corpus_copy)
    assert s2.ensure_corpus(corpus_copy) is True
    assert s2.stored_version() == corpus_version(corpus_copy)
    assert _count(s2) == n + 1
    s2.close()


def test_the_on_disk_store_keeps_its_data_across_reopening(root: Path, tmp_path: Path) -> None:
    s = OxiStore(tmp_path / "store")
    s.ensure_corpus(root)
    n = _count(s)
    s.close()
    s2 = OxiStore(tmp_path / "store")
    assert _count(s2) == n
    assert s2.ensure_corpus(root) is False
    s2.close()


def test_user_values_are_bound_not_spliced(store: OxiStore) -> None:
    # pyoxigraph substitutes variables of the projection: parameters are always projected
    rows = store.select('SELECT ?x ?v WHERE { BIND(CONCAT(?v, "!") AS ?x) }', {"v": '" } ; DROP ALL #'})
    assert rows[0]["x"].value == '" } ; DROP ALL #!'


def test_every_corpus_file_gets_a_graph_doc_or_a_named_graph_and_older_layouts_are_dropped(tmp_path, root):
    """The gazette issue and the analysis are graph/doc/<stem> like the documents (no graph/policies/…),
    and a store written by an earlier layout loses its graph/policies/… graphs at the next reload."""
    import pyoxigraph as ox

    from policykg.corpus.files import graph_sources

    names = {s.name for s in graph_sources(root)}
    assert "https://w3id.org/policykg/graph/doc/bjgb-2024-25" in names
    assert "https://w3id.org/policykg/graph/organizations" in names
    assert not any("/graph/policies/" in n for n in names)
    store = OxiStore(tmp_path / "store")
    legacy = "https://w3id.org/policykg/graph/policies/bjgb-2024-25"
    store.ox.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o"), ox.NamedNode(legacy)))
    assert store.ensure_corpus(root) is True
    assert legacy not in store.named_graphs()
    assert "https://w3id.org/policykg/graph/doc/bjgb-2024-25" in store.named_graphs()
    store.close()


def test_the_corpus_version_kept_by_the_store_follows_a_reload_and_a_written_meta_graph(corpus_copy: Path,
                                                                                      tmp_path: Path) -> None:
    """corpus.index.store_version keeps the version on the store (asked several times per request); a reload of the
    corpus, or a write of the meta graph, empties what it kept."""
    from policykg.corpus import CORPUS_NODE, META_GRAPH
    from policykg.corpus.index import store_version
    from policykg.store.views import RegistryHidden

    s = OxiStore(tmp_path / "store")
    try:
        s.ensure_corpus(corpus_copy)
        first = store_version(s)
        assert first == corpus_version(corpus_copy) == store_version(RegistryHidden(s)) == s.version_memo[0]
        onto = corpus_copy / "ontology" / "policykg.ttl"
        onto.write_text(onto.read_text(encoding="utf-8") + "\npkg:Extra2 a owl:Class .\n", encoding="utf-8")
        assert s.ensure_corpus(corpus_copy) is True
        assert store_version(s) == corpus_version(corpus_copy) != first
        meta = [q for q in s.graph_quads(str(META_GRAPH)) if q.subject != ox.NamedNode(str(CORPUS_NODE))]
        s.replace_graph(str(META_GRAPH), meta + [ox.Quad(ox.NamedNode(str(CORPUS_NODE)), ox.NamedNode(
            "https://w3id.org/policykg/ontology#corpusVersion"), ox.Literal("v-test"), ox.NamedNode(str(META_GRAPH)))])
        assert store_version(s) == "v-test"
    finally:
        s.close()
