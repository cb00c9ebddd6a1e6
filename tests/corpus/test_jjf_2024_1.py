"""京建法〔2024〕1号 北京市城市更新实施单元统筹主体确定管理办法(试行): facts checked by hand
against policies/sources/jjf-2024-1.txt (term limits, extensions, public notice, dates)."""
from __future__ import annotations

from decimal import Decimal

from policykg.store import OxiStore
from tests.corpus.kit import PFX as P
from tests.corpus.kit import clause_text, objs, one

B = "https://w3id.org/policykg/"
DOC = B + "doc/jjf/2024/1"


def test_the_document_is_issued_by_the_housing_commission_on_28_march_2024(store: OxiStore) -> None:
    assert one(store, DOC, "eli:id_local") == "京建法〔2024〕1号"
    assert "北京市城市更新实施单元统筹主体确定管理办法(试行)" in objs(store, DOC, "eli:title")
    assert any("Coordinator Entities" in t for t in objs(store, DOC, "eli:title"))
    assert objs(store, DOC, "eli:passed_by") == [B + "org/bj-hurd"]
    assert one(store, DOC, "eli:date_document") == "2024-03-28"
    assert one(store, DOC, "eli:published_in") == B + "pub/bjgb/2024/25"


def test_it_is_in_force_three_years_from_10_may_2024(store: OxiStore) -> None:
    assert one(store, DOC, "eli:first_date_entry_in_force") == "2024-05-10"
    assert one(store, DOC, "eli:date_no_longer_in_force") == "2027-05-09"
    clause = one(store, DOC, "pkg:validityDerivedFrom")
    assert clause == DOC + "/13"
    assert "自2024年5月10日起施行,有效期3年" in clause_text(store, clause)


def test_it_cites_the_bidding_law_and_the_urban_renewal_regulations(store: OxiStore) -> None:
    assert set(objs(store, DOC, "eli:cites")) == {
        B + "doc/title/bidding-law-of-the-peoples-republic-of-china", B + "doc/title/beijing-urban-renewal-regulations"}
    assert "中华人民共和国招标投标法" in objs(store, B + "doc/title/bidding-law-of-the-peoples-republic-of-china", "eli:title")


def test_the_coordinator_term_is_in_principle_at_most_three_years(store: OxiStore) -> None:
    c = f"{DOC}/criterion/term-max-3-years"
    assert one(store, c, "pkg:onProperty").endswith("#validUntil")
    assert one(store, c, "pkg:relativeTo") == "validFrom"
    assert (one(store, c, "pkg:comparator"), Decimal(one(store, c, "pkg:thresholdValue")), one(store, c, "pkg:unit")) == \
        ("le", 3, "years")
    assert one(store, c, "pkg:softened") == "true"  # 原则上
    assert objs(store, c, "pkg:ambiguity") and objs(store, c, "pkg:chosenReading")
    assert c in objs(store, f"{DOC}/constraint/term-of-validity", "pkg:hasCriterion")
    assert "统筹主体有效期原则上不超过3年" in clause_text(store, one(store, c, "prov:wasDerivedFrom"))


def test_each_extension_is_in_principle_at_most_one_year(store: OxiStore) -> None:
    c = f"{DOC}/criterion/extension-max-1-year"
    assert one(store, c, "pkg:onProperty").endswith("#periodUntil")
    assert one(store, c, "pkg:relativeTo") == "periodFrom"
    assert (one(store, c, "pkg:comparator"), Decimal(one(store, c, "pkg:thresholdValue"))) == ("le", 1)
    assert one(store, c, "pkg:softened") == "true"
    assert "原则上每次延期不超过1年" in clause_text(store, one(store, c, "prov:wasDerivedFrom"))


def test_the_public_notice_lasts_at_least_seven_days(store: OxiStore) -> None:
    c = f"{DOC}/criterion/public-notice-at-least-7-days"
    assert one(store, c, "pkg:onProperty").endswith("#publicNoticeDays")
    assert (one(store, c, "pkg:comparator"), Decimal(one(store, c, "pkg:thresholdValue")), one(store, c, "pkg:unit")) == \
        ("ge", 7, "days")
    assert objs(store, c, "pkg:softened") == []  # 不少于7日 is binding
    assert "公示期不少于7日" in clause_text(store, one(store, c, "prov:wasDerivedFrom"))
    exc = f"{DOC}/rule/public-notice-exception"
    assert one(store, exc, "pkg:machineCheckable") == "false"


def test_all_constraints_apply_to_coordinator_entities(store: OxiStore) -> None:
    rows = store.select(P + f"""SELECT ?c WHERE {{
        ?c a pkg:Constraint ; pkg:definedIn <{DOC}> .
        FILTER NOT EXISTS {{ ?c pkg:appliesToSubmissionType pkg:CoordinatorEntity }} }}""")
    assert rows == []


def test_the_two_support_measures_are_non_monetary_and_derived_from_their_clauses(store: OxiStore) -> None:
    lookup = f"{DOC}/measure/information-system-lookup"
    assert one(store, lookup, "pkg:slug") == "jjf-2024-1-information-system-lookup"
    assert one(store, lookup, "pkg:kind") == "non-monetary"
    assert "无需审查书面确认文件" in clause_text(store, one(store, lookup, "prov:wasDerivedFrom"))
    service = f"{DOC}/measure/district-service-mechanism"
    assert "专项服务保障机制" in clause_text(store, one(store, service, "prov:wasDerivedFrom"))


def test_every_provision_derives_from_an_existing_clause_of_this_document(store: OxiStore) -> None:
    rows = store.select(P + f"""SELECT ?x ?c WHERE {{
        ?x pkg:definedIn <{DOC}> ; prov:wasDerivedFrom ?c .
        FILTER NOT EXISTS {{ ?c eli:is_part_of+ <{DOC}> ; prov:value ?t }} }}""")
    assert rows == []
    rows = store.select(P + f"""SELECT ?x WHERE {{
        ?x pkg:definedIn <{DOC}> ; pkg:machineCheckable false .
        FILTER NOT EXISTS {{ ?x pkg:notCheckableReason ?r }} }}""")
    assert rows == []
