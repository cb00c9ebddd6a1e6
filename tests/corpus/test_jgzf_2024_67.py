"""京规自发〔2024〕67号 老旧厂房更新改造工作实施细则(试行): facts checked by hand against
policies/sources/jgzf-2024-67.txt (numbers, boundaries, dates, citations, provenance)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from policykg.store import OxiStore
from tests.corpus.kit import PFX as P
from tests.corpus.kit import clause_text, objs, one

B = "https://w3id.org/policykg/"
DOC = B + "doc/jgzf/2024/67"
ONT = B + "ontology#"


def threshold(store: OxiStore, name: str) -> tuple[str, str, Decimal, str]:
    c = f"{DOC}/criterion/{name}"
    return (one(store, c, "pkg:onProperty").rsplit("#", 1)[1], one(store, c, "pkg:comparator"),
            Decimal(one(store, c, "pkg:thresholdValue")), one(store, c, "pkg:unit"))


def test_the_document_number_title_and_issuers_are_as_printed(store: OxiStore) -> None:
    assert one(store, DOC, "eli:id_local") == "京规自发〔2024〕67号"
    assert "老旧厂房更新改造工作实施细则(试行)" in objs(store, DOC, "eli:title")
    assert any("Renovation and Transformation of Old Industrial Buildings (Trial)" in t for t in objs(store, DOC, "eli:title"))
    assert set(objs(store, DOC, "eli:passed_by")) == {B + "org/" + o for o in ("bj-pnr", "bj-drc", "bj-hurd", "bj-eit", "bj-stc-zgc")}
    assert one(store, DOC, "eli:published_in") == B + "pub/bjgb/2024/25"


def test_the_rules_run_five_years_from_the_date_of_issue(store: OxiStore) -> None:
    assert one(store, DOC, "eli:date_document") == "2024-03-14"
    assert one(store, DOC, "eli:first_date_entry_in_force") == "2024-03-14"
    assert one(store, DOC, "eli:date_no_longer_in_force") == "2029-03-13"
    clause = one(store, DOC, "pkg:validityDerivedFrom")
    assert clause == DOC + "/5/29"
    assert "自印发之日起试行，有效期为五年" in clause_text(store, clause)


def test_the_document_cites_its_legal_bases_and_referenced_documents(store: OxiStore) -> None:
    cited = set(objs(store, DOC, "eli:cites"))
    assert cited == {B + p for p in (
        "doc/title/beijing-urban-renewal-regulations", "doc/jzf/2021/10", "doc/jgzf/2021/139",
        "doc/title/civil-code-of-the-peoples-republic-of-china", "doc/jgzf/2021/79", "doc/jgzf/2022/118",
        "doc/title/urban-rural-planning-land-classification-standard")}
    assert one(store, B + "doc/jgzf/2021/139", "eli:id_local") == "京规自发〔2021〕139号"
    assert one(store, B + "doc/jgzf/2021/79", "eli:id_local") == "京规自发〔2021〕79号"
    assert one(store, B + "doc/jgzf/2022/118", "eli:id_local") == "京规自发〔2022〕118号"
    for c in cited:
        assert "false" in objs(store, c, "pkg:inCorpus")


def test_the_small_project_procedure_has_the_five_limits_of_article_21(store: OxiStore) -> None:
    m = f"{DOC}/measure/simplified-procedure-small-project"
    assert one(store, m, "pkg:kind") == "non-monetary"
    # 改造后地上建筑规模不超过 10000 平方米, 建筑高度不超过 24 米, 地下规模不大于 2000 平方米, 开挖深度不大于 3 米
    assert threshold(store, "small-project-above-ground-area") == ("aboveGroundArea", "le", Decimal(10000), "m²")
    assert threshold(store, "small-project-height") == ("height", "le", Decimal(24), "m")
    assert threshold(store, "small-project-underground-area") == ("undergroundArea", "le", Decimal(2000), "m²")
    assert threshold(store, "small-project-excavation-depth") == ("excavationDepth", "le", Decimal(3), "m")
    single = f"{DOC}/criterion/small-project-single-function"
    assert one(store, single, "pkg:onProperty").endswith("#singleFunction")
    assert one(store, single, "pkg:requiredValue") == "true"
    assert len(objs(store, m, "pkg:hasCriterion")) == 5
    text = clause_text(store, one(store, m, "prov:wasDerivedFrom"))
    for n in ("10000平方米", "24米", "2000平方米", "3米", "功能单一"):
        assert n in text


def test_the_three_procedure_paths_of_article_21_exclude_each_other(store: OxiStore) -> None:
    group = f"{DOC}/rule/one-procedure-path"
    members = set(objs(store, group, "pkg:member"))
    assert members == {f"{DOC}/measure/{n}" for n in (
        "simplified-procedure-small-project", "simplified-procedure-ancillary-or-interior",
        "direct-permit-after-joint-review")}
    assert f"{DOC}/measure/direct-permit-after-joint-review" in objs(
        store, f"{DOC}/measure/simplified-procedure-small-project", "pkg:exclusiveWith")


def test_auxiliary_facilities_are_capped_at_15_percent_inclusive(store: OxiStore) -> None:
    assert threshold(store, "auxiliary-facility-share-max-15") == ("auxiliaryFacilityShare", "le", Decimal("0.15"), "share")
    crit = f"{DOC}/criterion/auxiliary-facility-share-max-15"
    assert crit in objs(store, f"{DOC}/constraint/auxiliary-facility-share", "pkg:hasCriterion")
    assert crit in objs(store, f"{DOC}/measure/auxiliary-facilities-land-use-unchanged", "pkg:hasCriterion")
    assert "不超过更新改造后地上总建筑面积的15%" in clause_text(store, one(store, crit, "prov:wasDerivedFrom"))


def test_green_ratio_below_20_percent_must_reach_20_percent_in_principle(store: OxiStore) -> None:
    alt = f"{DOC}/criterion/green-ratio-min-20"
    assert set(objs(store, alt, "pkg:alternative")) == {
        f"{DOC}/criterion/green-ratio-before-above-20", f"{DOC}/criterion/green-ratio-after-at-least-20"}
    assert one(store, alt, "pkg:softened") == "true"
    assert objs(store, alt, "pkg:ambiguity") and objs(store, alt, "pkg:chosenReading")
    assert threshold(store, "green-ratio-after-at-least-20") == ("greenRatioAfter", "ge", Decimal("0.20"), "share")
    assert threshold(store, "green-ratio-before-above-20") == ("greenRatioBefore", "gt", Decimal("0.20"), "share")
    text = clause_text(store, one(store, alt, "prov:wasDerivedFrom"))
    assert "改造前绿地率低于20%的,改造后绿地率原则上不应低于20%" in text
    # the no-reduction rule compares two properties, and applies only above 20% (超过: strict)
    nr = f"{DOC}/constraint/green-ratio-no-reduction"
    assert objs(store, nr, "pkg:machineCheckable") == []
    assert objs(store, nr, "pkg:appliesWhen") == [f"{DOC}/criterion/green-ratio-before-above-20"]
    crit = one(store, nr, "pkg:hasCriterion")
    assert (one(store, crit, "pkg:onProperty"), one(store, crit, "pkg:comparator"),
            one(store, crit, "pkg:thresholdProperty")) == (ONT + "greenRatioAfter", "ge", ONT + "greenRatioBefore")
    assert objs(store, nr, "pkg:ambiguity") and objs(store, nr, "pkg:chosenReading")
    assert "超过20%的,改造后绿地率不应低于原绿地率" in clause_text(store, one(store, nr, "prov:wasDerivedFrom"))


def test_the_transition_period_lasts_five_years(store: OxiStore) -> None:
    m = f"{DOC}/measure/transition-period"
    assert one(store, m, "pkg:kind") == "non-monetary"
    assert Decimal(one(store, m, "pkg:durationYears")) == 5
    clause = one(store, m, "prov:wasDerivedFrom")
    assert clause == DOC + "/2/16"
    assert "可在五年内实行继续按原用途和土地权利类型使用土地的过渡期政策" in clause_text(store, clause)


def test_the_land_lease_term_of_at_most_twenty_years_is_a_checkable_threshold(store: OxiStore) -> None:
    c = f"{DOC}/criterion/land-lease-term-max-20-years"
    assert one(store, c, "pkg:onProperty") == "https://w3id.org/policykg/ontology#landLeaseYears"
    assert one(store, c, "pkg:comparator") == "le"
    assert Decimal(one(store, c, "pkg:thresholdValue")) == 20
    assert one(store, c, "pkg:unit") == "years"
    assert "最长不得超过二十年" in clause_text(store, one(store, c, "prov:wasDerivedFrom"))
    rent = f"{DOC}/constraint/land-rent-review-interval"
    assert (one(store, rent, "pkg:comparator"), Decimal(one(store, rent, "pkg:thresholdValue"))) == ("le", 5)


def test_the_public_notice_after_joint_review_lasts_at_least_15_working_days(store: OxiStore) -> None:
    c = f"{DOC}/constraint/public-notice-15-working-days"
    assert (one(store, c, "pkg:comparator"), Decimal(one(store, c, "pkg:thresholdValue")), one(store, c, "pkg:unit")) == \
        ("ge", 15, "working days")
    assert "公示时间不得少于十五个工作日" in clause_text(store, one(store, c, "prov:wasDerivedFrom"))


def test_owner_consent_needs_three_quarters_of_area_and_of_owners(store: OxiStore) -> None:
    c = f"{DOC}/constraint/implementing-entity-owner-consent"
    shares = {}
    for crit in objs(store, c, "pkg:hasCriterion"):
        shares[one(store, crit, "pkg:onProperty")] = (one(store, crit, "pkg:comparator"),
                                                      Decimal(one(store, crit, "pkg:thresholdValue")))
    assert shares == {ONT + "ownerConsentAreaShare": ("ge", Decimal("0.75")),  # 四分之三以上: inclusive
                      ONT + "ownerConsentHeadcountShare": ("ge", Decimal("0.75"))}
    assert objs(store, c, "pkg:machineCheckable") == []
    text = clause_text(store, one(store, c, "prov:wasDerivedFrom"))
    assert "专有部分面积四分之三以上的业主且参与表决人数四分之三以上的业主同意" in text


def test_both_clauses_printed_as_article_14_are_encoded_from_their_own_clause(store: OxiStore) -> None:
    fire = one(store, f"{DOC}/measure/fire-review-existing-building-guideline", "prov:wasDerivedFrom")
    unreg = one(store, f"{DOC}/measure/unregistered-buildings-regularisation", "prov:wasDerivedFrom")
    assert (fire, unreg) == (DOC + "/2/14", DOC + "/2/14-2")
    assert one(store, fire, "eli:number") == one(store, unreg, "eli:number") == "第十四条"
    assert "【消防审核】" in clause_text(store, fire)
    assert "【未登记建筑物】" in clause_text(store, unreg)
    assert objs(store, fire, "pkg:hasAnomaly") and objs(store, unreg, "pkg:hasAnomaly")


def test_every_provision_derives_from_an_existing_clause_of_this_document(store: OxiStore) -> None:
    rows = store.select(P + f"""SELECT ?x ?c WHERE {{
        ?x pkg:definedIn <{DOC}> ; prov:wasDerivedFrom ?c .
        FILTER NOT EXISTS {{ ?c eli:is_part_of+ <{DOC}> ; prov:value ?t }}
    }}""")
    assert rows == []
    n = store.select(P + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x pkg:definedIn <{DOC}> }}")
    assert int(n[0]["n"].value) >= 40


def test_every_measure_has_a_slug_kind_and_labels_in_both_languages(store: OxiStore) -> None:
    rows = store.select(P + f"""SELECT ?m ?slug ?kind (COUNT(DISTINCT LANG(?l)) AS ?langs) WHERE {{
        ?m a pkg:NonMonetarySupport ; pkg:definedIn <{DOC}> ; pkg:slug ?slug ; pkg:kind ?kind ; rdfs:label ?l .
    }} GROUP BY ?m ?slug ?kind""")
    assert len(rows) == 12
    for r in rows:
        assert r["slug"].value == "jgzf-2024-67-" + r["m"].value.rsplit("/", 1)[1]
        assert r["kind"].value == "non-monetary"
        assert int(r["langs"].value) == 2


@pytest.mark.parametrize("kind", ["pkg:Constraint", "pkg:Provision", "pkg:NonMonetarySupport", "pkg:PostDeliveryTarget"])
def test_every_provision_marked_not_checkable_says_why(store: OxiStore, kind: str) -> None:
    rows = store.select(P + f"""SELECT ?x WHERE {{
        ?x a {kind} ; pkg:definedIn <{DOC}> ; pkg:machineCheckable false .
        FILTER NOT EXISTS {{ ?x pkg:notCheckableReason ?r }}
    }}""")
    assert rows == []
