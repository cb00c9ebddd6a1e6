"""The verbatim sources, the manifest and the deterministic clause segmenter (server/corpus/segment.py)."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from policykg.corpus.manifest import load_entries, load_gazette
from policykg.corpus.segment import (
    build_all,
    clauses_graph,
    find_anomalies,
    join_text,
    normalise_for_match,
    segment_document,
    serialise,
)
from policykg.namespaces import BASE, ELI, PKG, PROV

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "policies" / "sources"
ENTRIES = {e.slug: e for e in load_entries(ROOT)}
SLUGS = list(ENTRIES)
CLAUSES = {slug: segment_document(e) for slug, e in ENTRIES.items()}


def clause(rel: str):
    """A clause by its IRI path under https://w3id.org/policykg/ (e.g. doc/jfgg/2023/12/2/1/2)."""
    for clauses in CLAUSES.values():
        for c in clauses:
            if c.iri == BASE + rel:
                return c
    raise AssertionError(f"no clause {rel}")


def test_the_manifest_lists_the_eleven_documents_in_corpus_order():
    assert SLUGS == [
        "jjxj-2022-old-factory", "jfgg-2023-12", "jfgg-2023-7", "jjxf-2024-14", "jjxf-2024-20",
        "jjxf-2024-22", "jjxf-2024-25", "jgzf-2024-67", "jjf-2024-1", "jjf-2024-2", "jjf-2024-3",
    ]
    assert load_gazette(ROOT).iri == "pub/bjgb/2024/25"
    assert all(e.source == f"{e.slug}.txt" and e.source_path.is_file() for e in ENTRIES.values())


@pytest.mark.parametrize("slug", SLUGS)
def test_the_manifest_number_is_the_number_printed_in_the_body(slug):
    e = ENTRIES[slug]
    printed = [re.sub(r"\s+", "", ln.replace("#", "")) for ln in e.source_path.read_text("utf-8").splitlines()
               if re.fullmatch(r"\s*#*\s*京\S*〔\d{4}〕\s*\d+\s*号\s*", ln)]
    assert printed[:1] == ([e.number] if e.number else [])


def test_the_gazette_slices_are_exactly_the_lines_of_the_gazette_given_in_the_manifest():
    gazette = load_gazette(ROOT).source_path.read_text("utf-8").split("\n")
    slices = [e for e in ENTRIES.values() if e.gazette]
    assert len(slices) == 8
    for e in slices:
        assert e.gazette.file == "bjgb-2024-25.txt"
        lines = gazette[e.gazette.start_line - 1: e.gazette.end_line]
        assert e.source_path.read_text("utf-8") == "\n".join(lines) + "\n", e.slug
        assert e.number and e.number.replace("号", "") in re.sub(r"\s", "", "".join(lines[:30]))
    for a, b in zip(slices, slices[1:], strict=False):  # one document ends where the next begins
        assert b.gazette.start_line == a.gazette.end_line + 1
    assert slices[0].gazette.start_line == 71 and gazette[70] == "# 北京市经济和信息化局"
    assert gazette[slices[-1].gazette.end_line].startswith("## 政府公报查询方式")


def test_the_copyrighted_newspaper_analysis_is_not_copied_into_the_project():
    assert not any("Yicai" in p.read_text("utf-8") or "第一财经" in p.read_text("utf-8")
                   for p in SOURCES.glob("*.txt"))


@pytest.mark.parametrize("slug", SLUGS)
def test_every_clause_text_appears_in_its_source(slug):
    e = ENTRIES[slug]
    lines = e.source_path.read_text("utf-8").split("\n")
    whole = normalise_for_match(e.source_path.read_text("utf-8"))
    for c in CLAUSES[slug]:
        assert c.source_file == e.source
        span = normalise_for_match("\n".join(lines[c.source_line - 1: c.source_end_line]))
        assert normalise_for_match(c.text) == span, c.iri
        assert normalise_for_match(c.text) in whole, c.iri
        assert lines[c.source_line - 1].strip() and lines[c.source_end_line - 1].strip(), c.iri


@pytest.mark.parametrize("slug", SLUGS)
def test_a_clause_text_includes_its_label_and_all_its_children(slug):
    for c in CLAUSES[slug]:
        assert c.text == c.text.strip() and "  " not in c.text and "**" not in c.text and "\n" not in c.text
        if c.label:
            assert c.text.startswith(c.label), c.iri
        for child in (k for k in CLAUSES[slug] if k.parent == c.iri):
            assert child.text in c.text, child.iri
            assert c.source_line <= child.source_line <= child.source_end_line <= c.source_end_line


def test_spaces_between_two_cjk_characters_are_removed_and_others_kept():
    assert join_text(["## 第一章 总则", "", "**第一条** 为规范", "本市 2024 年"]) == "第一章总则第一条为规范本市 2024 年"
    assert join_text(["- 1.《条例》", "(试行)"]) == "1.《条例》 (试行)"
    assert normalise_for_match("## 一、 总体\n- 1. **创新**引领") == "一、总体1.创新引领"


def test_clause_iris_are_unique_and_positions_count_siblings_from_one():
    iris = [c.iri for cs in CLAUSES.values() for c in cs]
    assert len(iris) == len(set(iris))
    for cs in CLAUSES.values():
        siblings = Counter(c.parent for c in cs)
        for parent, n in siblings.items():
            assert sorted(c.position for c in cs if c.parent == parent) == list(range(1, n + 1))
        for c in cs:
            assert re.fullmatch(r"(notice|p\d+|\d+(-\d+)?)", c.iri[len(c.parent) + 1:]), c.iri


def test_clause_counts_per_document_are_stable():
    assert {slug: len(cs) for slug, cs in CLAUSES.items()} == {
        "jjxj-2022-old-factory": 17, "jfgg-2023-12": 40, "jfgg-2023-7": 48, "jjxf-2024-14": 59,
        "jjxf-2024-20": 23, "jjxf-2024-22": 30, "jjxf-2024-25": 22, "jgzf-2024-67": 38,
        "jjf-2024-1": 23, "jjf-2024-2": 46, "jjf-2024-3": 34,
    }


def test_the_12_old_factory_project_type_is_clause_2_1_2_with_its_area_threshold():
    c = clause("doc/jfgg/2023/12/2/1/2")
    assert (c.label, c.level, c.heading, c.position) == ("2.", "point", "老旧厂房改造项目", 2)
    assert c.text.startswith("2.老旧厂房改造项目。重点支持由于疏解腾退、产业转型、功能调整")
    assert c.text.endswith("改造面积需超过 3000平方米。")
    assert c.parent == BASE + "doc/jfgg/2023/12/2/1"
    assert clause("doc/jfgg/2023/12/2/1").heading == "支持类型"


def test_the_12_one_of_two_support_modes_paragraph_is_its_own_clause():
    c = clause("doc/jfgg/2023/12/2/4/p1")
    assert c.level == "paragraph" and c.label is None and c.position == 1
    assert c.text == "分为投资补助和贷款贴息两种，符合条件的改造项目可以申请其中一种支持方式。"
    assert clause("doc/jfgg/2023/12/2/4/1").heading == "投资补助"
    assert clause("doc/jfgg/2023/12/2/4/2").heading == "贷款贴息"


def test_the_old_factory_measures_item_5_is_clause_3_5():
    c = clause("doc/jjxj/2022/old-factory/3/5")
    assert (c.label, c.level, c.heading) == ("（五）", "item", "积极鼓励发展先进制造业")
    assert c.text.startswith("（五）积极鼓励发展先进制造业。鼓励在京企业在不改变工业用地性质的前提下")
    assert "单个项目奖励最高不超过 3000 万元" in c.text
    assert clause("doc/jjxj/2022/old-factory/3").heading == "引导利用老旧厂房支持高精尖产业发展"
    assert clause("doc/jjxj/2022/old-factory/3/8").label == "（八）"  # printed indented


def test_the_old_factory_measures_unnumbered_paragraphs_are_clauses():
    p2 = clause("doc/jjxj/2022/old-factory/p2")
    assert p2.text.startswith("本措施所指老旧厂房指全市范围")
    assert p2.text.endswith("对已获得市级其他财政资金支持的项目，不再重复支持。")
    p3 = clause("doc/jjxj/2022/old-factory/p3")
    assert p3.text == "本措施自发布之日起实施，在 2022-2025 年内有效。"
    assert (p3.parent, p3.position) == (BASE + "doc/jjxj/2022/old-factory", 7)
    assert clause("doc/jjxj/2022/old-factory/p1").text.startswith("为全面落实《北京市人民政府办公厅")


def test_the_7_article_5_item_2_nests_under_chapter_2():
    c = clause("doc/jfgg/2023/7/2/5/2")
    assert (c.label, c.level, c.text) == ("（二）", "item", "（二）园区年营业收入不低于 100 亿元；")
    assert clause("doc/jfgg/2023/7/2/5").label == "第五条"
    assert clause("doc/jfgg/2023/7/2").heading == "试点示范领域及标准"
    after = clause("doc/jfgg/2023/7/2/5/p1")  # the paragraph after the last item belongs to the article
    assert after.text.startswith("此外，两业融合特征鲜明") and after.parent == BASE + "doc/jfgg/2023/7/2/5"


def test_documents_printed_as_a_notice_carry_the_notice_with_date_and_signer():
    for slug, cs in CLAUSES.items():
        notices = [c for c in cs if c.level == "notice"]
        if slug == "jjxj-2022-old-factory":
            assert not notices
            continue
        (n,) = notices
        assert n.iri == ENTRIES[slug].doc_iri + "/notice" and n.position == 1
        assert re.search(r"\d{4} ?年 ?\d{1,2} ?月 ?\d{1,2} ?日$", n.text), slug
        assert normalise_for_match(ENTRIES[slug].number) in normalise_for_match(n.text)
    assert clause("doc/jfgg/2023/12/notice").text.endswith("特此通知。北京市发展和改革委员会 2023 年 8月 31 日")


def test_gazette_markdown_forms_are_segmented_by_their_printed_numbers():
    assert clause("doc/jjxf/2024/14/1/1").heading == "编制依据"
    assert clause("doc/jjxf/2024/14/1/1/8").text == "8.《老旧厂房更新改造工作实施细则(试行)》(京规自发〔2024〕67号)"
    assert clause("doc/jjxf/2024/14/4/3/1/2").label == "(2)"
    assert clause("doc/jjxf/2024/22/3/6/15").heading == "推动京津冀协同发展"  # points run on across items
    assert clause("doc/jjxf/2024/20/p2").text.startswith("本政策执行期至 2027 年底")


def test_the_67_duplicate_article_14_survives_as_two_clauses_with_a_duplicate_label_anomaly():
    first, second = clause("doc/jgzf/2024/67/2/14"), clause("doc/jgzf/2024/67/2/14-2")
    assert first.label == second.label == "第十四条"
    assert (first.heading, second.heading) == ("【消防审核】", "【未登记建筑物】")
    assert second.position == first.position + 1
    g = clauses_graph(ENTRIES["jgzf-2024-67"])
    anomaly = URIRef(first.iri + "/anomaly/duplicate-label")
    assert set(g.subjects(PKG.hasAnomaly, anomaly)) == {URIRef(first.iri), URIRef(second.iri)}
    assert (anomaly, RDF.type, PKG.SourceAnomaly) in g
    assert (anomaly, PKG.anomalyKind, Literal("duplicate-label")) in g
    assert {c.language for c in g.objects(anomaly, RDFS.comment)} == {"zh", "en"}


@pytest.mark.parametrize("slug,parent", [("jgzf-2024-67", "doc/jgzf/2024/67/2"), ("jjf-2024-3", "doc/jjf/2024/3")])
def test_the_missing_article_11_is_recorded_on_its_parent(slug, parent):
    g = clauses_graph(ENTRIES[slug])
    anomaly = URIRef(BASE + parent + "/anomaly/missing-11")
    assert (URIRef(BASE + parent), PKG.hasAnomaly, anomaly) in g
    assert (anomaly, PKG.anomalyKind, Literal("missing-number")) in g
    assert (anomaly, PKG.missingLabel, Literal("第十一条")) in g
    assert any("第十一条" in str(c) for c in g.objects(anomaly, RDFS.comment))
    assert not [c for c in CLAUSES[slug] if c.label == "第十一条"]


def test_no_other_numbering_anomaly_exists_in_the_corpus():
    found = sorted(a.iri[len(BASE):] for e in ENTRIES.values() for a in find_anomalies(CLAUSES[e.slug], e.doc_iri))
    assert found == [
        "doc/jgzf/2024/67/2/14/anomaly/duplicate-label",
        "doc/jgzf/2024/67/2/anomaly/missing-11",
        "doc/jjf/2024/3/anomaly/missing-11",
    ]


def test_every_clause_node_has_the_required_properties():
    for slug, g in build_all(ROOT).items():
        for s in g.subjects(RDF.type, ELI.LegalResourceSubdivision):
            values = list(g.objects(s, PROV.value))
            assert len(values) == 1 and values[0].language == "zh", s
            assert len(list(g.objects(s, ELI.is_part_of))) == 1
            for p in (PKG.position, PKG.clauseLevel, PKG.sourceFile, PKG.sourceLine, PKG.sourceEndLine):
                assert len(list(g.objects(s, p))) == 1, (s, p)
            assert str(g.value(s, PKG.clauseLevel)) in {"chapter", "article", "item", "point", "paragraph", "notice"}
            assert str(g.value(s, PKG.sourceFile)) == ENTRIES[slug].source


def test_two_runs_give_identical_graphs_and_bytes():
    first, second = build_all(ROOT), build_all(ROOT)
    for slug in SLUGS:
        assert isomorphic(first[slug], second[slug])
        assert serialise(first[slug], ENTRIES[slug].source) == serialise(second[slug], ENTRIES[slug].source)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_committed_clause_file_equals_a_fresh_build(slug):
    committed = ROOT / "policies" / "clauses" / f"{slug}.ttl"
    fresh = serialise(clauses_graph(ENTRIES[slug]), ENTRIES[slug].source)
    assert committed.read_bytes() == fresh, "run `python -m policykg.corpus` and commit the result"
    assert isomorphic(Graph().parse(data=fresh, format="turtle"), clauses_graph(ENTRIES[slug]))
