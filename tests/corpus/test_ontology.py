from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from policykg.namespaces import PKG

P = "https://w3id.org/policykg/ontology#"


def _onto(root: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(root / "ontology" / "policykg.ttl")


def test_the_python_namespace_lists_exactly_the_ontology_terms(root: Path) -> None:
    import tools.gen_namespaces as gen

    assert (root / "server" / "namespaces.py").read_text(encoding="utf-8") == gen.render()


def test_a_typo_in_a_pkg_term_is_an_error() -> None:
    import pytest

    with pytest.raises(AttributeError):
        _ = PKG.floorAera


def test_every_own_term_has_chinese_and_english_labels_and_a_comment(root: Path) -> None:
    g = _onto(root)
    for s in set(g.subjects(RDF.type, None)):
        if not str(s).startswith(P) or g.value(s, RDF.type) == SKOS.ConceptScheme:
            continue
        langs = {lbl.language for lbl in g.objects(s, RDFS.label)}
        assert {"zh", "en"} <= langs, s
        assert g.value(s, RDFS.comment) is not None, s


def test_the_concept_schemes_carry_the_json_slugs(root: Path) -> None:
    g = rdflib.Graph().parse(root / "ontology" / "concepts.ttl")
    slugs = {str(n) for n in g.objects(None, SKOS.notation)}
    assert {"old-factory", "low-efficiency-building", "district-bundle", "advanced-manufacturing", "pilot-line",
            "srdi-park", "service-platform", "energy-saving", "green-retrofit", "env-rating-upgrade",
            "data-center-retrofit"} <= slugs
    assert {"strategic-emerging", "high-tech", "modern-service", "mfg-service-fusion", "digital-real-fusion"} <= slugs
    assert {"national-high-tech", "little-giant", "beijing-srdi"} <= slugs
    for c in g.subjects(RDF.type, SKOS.Concept):
        assert {lbl.language for lbl in g.objects(c, SKOS.prefLabel)} == {"zh", "en"}


def test_the_ontology_reuses_eli_and_prov_for_documents_and_clauses(root: Path) -> None:
    g = _onto(root)
    eli = rdflib.Namespace("http://data.europa.eu/eli/ontology#")
    assert (eli.LegalResourceSubdivision, RDFS.subClassOf, eli.LegalResource) in g
    assert (PKG.validityDerivedFrom, RDFS.subPropertyOf, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) in g
    assert (PKG.exclusiveWith, RDF.type, OWL.SymmetricProperty) in g
