"""京建法〔2024〕3号 北京市城市更新专家委员会管理办法(试行): facts checked by hand against
policies/sources/jjf-2024-3.txt (nomination criteria, age exception, term, dates, the missing 第十一条)."""
from __future__ import annotations

from decimal import Decimal

from policykg.store import OxiStore
from tests.corpus.kit import PFX as P
from tests.corpus.kit import clause_text, objs, one

B = "https://w3id.org/policykg/"
DOC = B + "doc/jjf/2024/3"


def test_the_document_number_title_issuer_and_dates_are_as_printed(store: OxiStore) -> None:
    assert one(store, DOC, "eli:id_local") == "京建法〔2024〕3号"
    assert "北京市城市更新专家委员会管理办法(试行)" in objs(store, DOC, "eli:title")
    assert any("Urban Renewal Expert Committee" in t for t in objs(store, DOC, "eli:title"))
    assert objs(store, DOC, "eli:passed_by") == [B + "org/bj-hurd"]
    assert one(store, DOC, "eli:date_document") == "2024-03-28"
    assert one(store, DOC, "eli:first_date_entry_in_force") == "2024-05-10"
    assert one(store, DOC, "eli:date_no_longer_in_force") == "2027-05-09"
    assert objs(store, DOC, "eli:cites") == [B + "doc/title/beijing-urban-renewal-regulations"]
    assert one(store, DOC, "eli:published_in") == B + "pub/bjgb/2024/25"


def test_validity_comes_from_the_article_printed_as_14_since_11_is_missing(store: OxiStore) -> None:
    clause = one(store, DOC, "pkg:validityDerivedFrom")
    assert clause == DOC + "/14"
    assert one(store, clause, "eli:number") == "第十四条"
    assert "自2024年5月10日起施行,有效期3年" in clause_text(store, clause)
    assert objs(store, DOC + "/11", "prov:value") == []


def test_nominees_must_declare_familiarity_ethics_and_health(store: OxiStore) -> None:
    con = f"{DOC}/constraint/nomination-criteria"
    assert one(store, con, "pkg:appliesToSubmissionType").endswith("#ExpertNomination")
    crits = objs(store, con, "pkg:hasCriterion")
    for name, prop, item in (("policy-familiarity", "policyFamiliarity", "1"),
                             ("professional-ethics", "professionalEthics", "2"), ("healthy", "healthy", "2")):
        c = f"{DOC}/criterion/{name}"
        assert c in crits
        assert one(store, c, "pkg:onProperty").endswith("#" + prop)
        assert one(store, c, "pkg:requiredValue") == "true"
        assert one(store, c, "prov:wasDerivedFrom") == f"{DOC}/5/{item}"
    assert "熟悉国家及本市城市更新相关法规政策" in clause_text(store, f"{DOC}/5/1")
    assert "具备良好的职业道德" in clause_text(store, f"{DOC}/5/2") and "身体健康" in clause_text(store, f"{DOC}/5/2")


def test_the_age_limit_is_70_in_principle_unless_academician_or_shortage_field(store: OxiStore) -> None:
    alt = f"{DOC}/criterion/age-limit-or-exception"
    assert alt in objs(store, f"{DOC}/constraint/nomination-criteria", "pkg:hasCriterion")
    assert set(objs(store, alt, "pkg:alternative")) == {
        f"{DOC}/criterion/{n}" for n in ("age-at-most-70", "academician", "shortage-field")}
    assert one(store, alt, "pkg:softened") == "true"
    age = f"{DOC}/criterion/age-at-most-70"
    assert one(store, age, "pkg:onProperty").endswith("#age")
    assert (one(store, age, "pkg:comparator"), Decimal(one(store, age, "pkg:thresholdValue"))) == ("le", 70)
    assert one(store, f"{DOC}/criterion/academician", "pkg:onProperty").endswith("#academician")
    assert one(store, f"{DOC}/criterion/shortage-field", "pkg:onProperty").endswith("#shortageField")
    text = clause_text(store, one(store, age, "prov:wasDerivedFrom"))
    assert "申请时年龄原则上不超过70周岁,院士或特别紧缺行业(学科)专家可不受年龄限制" in text


def test_the_term_of_office_is_three_years(store: OxiStore) -> None:
    c = f"{DOC}/constraint/term-of-office-3-years"
    assert Decimal(one(store, c, "pkg:durationYears")) == 3
    assert one(store, c, "pkg:machineCheckable") == "false"
    assert "每届任期3年,可以连聘连任" in clause_text(store, one(store, c, "prov:wasDerivedFrom"))


def test_at_least_one_special_report_a_year_is_recorded(store: OxiStore) -> None:
    c = f"{DOC}/constraint/annual-special-report"
    assert (one(store, c, "pkg:comparator"), Decimal(one(store, c, "pkg:thresholdValue"))) == ("ge", 1)
    assert set(objs(store, c, "prov:wasDerivedFrom")) == {f"{DOC}/4/4", f"{DOC}/8/3"}
    assert "每位专家每年至少完成一份专项报告" in clause_text(store, f"{DOC}/4/4")


def test_the_document_creates_no_support_measure(store: OxiStore) -> None:
    rows = store.select(P + f"SELECT ?m WHERE {{ ?m a ?k ; pkg:definedIn <{DOC}> ; pkg:kind ?kind }}")
    assert rows == []


def test_every_provision_derives_from_an_existing_clause_of_this_document(store: OxiStore) -> None:
    rows = store.select(P + f"""SELECT ?x ?c WHERE {{
        ?x pkg:definedIn <{DOC}> ; prov:wasDerivedFrom ?c .
        FILTER NOT EXISTS {{ ?c eli:is_part_of+ <{DOC}> ; prov:value ?t }} }}""")
    assert rows == []
    rows = store.select(P + f"""SELECT ?x WHERE {{
        ?x pkg:definedIn <{DOC}> ; pkg:machineCheckable false .
        FILTER NOT EXISTS {{ ?x pkg:notCheckableReason ?r }} }}""")
    assert rows == []
