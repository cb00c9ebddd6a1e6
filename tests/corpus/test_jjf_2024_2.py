"""京建法〔2024〕2号 北京市城市更新项目库管理办法(试行): facts checked by hand against
policies/sources/jjf-2024-2.txt (plan-based support, time limits, exits, dates)."""
from __future__ import annotations

from decimal import Decimal

from policykg.store import OxiStore
from tests.corpus.kit import PFX as P
from tests.corpus.kit import clause_text, objs, one

B = "https://w3id.org/policykg/"
DOC = B + "doc/jjf/2024/2"


def test_the_document_number_title_issuer_and_dates_are_as_printed(store: OxiStore) -> None:
    assert one(store, DOC, "eli:id_local") == "京建法〔2024〕2号"
    assert "北京市城市更新项目库管理办法(试行)" in objs(store, DOC, "eli:title")
    assert any("Urban Renewal Project Database" in t for t in objs(store, DOC, "eli:title"))
    assert objs(store, DOC, "eli:passed_by") == [B + "org/bj-hurd"]
    assert one(store, DOC, "eli:date_document") == "2024-03-28"
    assert one(store, DOC, "eli:first_date_entry_in_force") == "2024-05-10"
    assert one(store, DOC, "eli:date_no_longer_in_force") == "2027-05-09"
    clause = one(store, DOC, "pkg:validityDerivedFrom")
    assert clause == DOC + "/4/21"
    assert "自2024年5月10日起施行,有效期3年" in clause_text(store, clause)
    assert objs(store, DOC, "eli:cites") == [B + "doc/title/beijing-urban-renewal-regulations"]
    assert one(store, DOC, "eli:published_in") == B + "pub/bjgb/2024/25"


PLAN_MEASURES = ("plan-project-guidance", "fee-waiver", "priority-municipal-funding", "tax-preferences",
                 "land-price-and-mixed-use-policies", "early-survey-design-tender", "financial-support-encouraged")


def test_the_policy_support_of_article_19_requires_inclusion_in_the_plan(store: OxiStore) -> None:
    crit = f"{DOC}/criterion/in-urban-renewal-plan"
    assert one(store, crit, "pkg:onProperty").endswith("#inUrbanRenewalPlan")
    assert one(store, crit, "pkg:requiredValue") == "true"
    for name in PLAN_MEASURES:
        m = f"{DOC}/measure/{name}"
        assert one(store, m, "pkg:kind") == "non-monetary"
        assert one(store, m, "pkg:slug") == f"jjf-2024-2-{name}"
        assert crit in objs(store, m, "pkg:hasCriterion")
        assert one(store, m, "prov:wasDerivedFrom") == DOC + "/3/19"
    text = clause_text(store, DOC + "/3/19")
    for words in ("依法享受行政事业性收费减免", "优先纳入市级资金支持范围", "依法享受税收优惠政策",
                  "勘察设计招标", "住房公积金支持城市更新项目试点"):
        assert words in text


def test_plan_inclusion_counts_as_the_multi_plan_preliminary_review(store: OxiStore) -> None:
    m = f"{DOC}/measure/deemed-multi-plan-preliminary-review"
    crit = one(store, m, "pkg:hasCriterion")
    assert one(store, crit, "pkg:onProperty").endswith("#inUrbanRenewalPlan")
    assert "视同已完成“多规合一”初审" in clause_text(store, one(store, m, "prov:wasDerivedFrom"))


def test_the_database_services_of_article_14_are_three_measures(store: OxiStore) -> None:
    for name, item, words in (("front-line-service", "1", "靠前服务"), ("expert-consultation", "2", "专家咨询"),
                              ("joint-consultation", "3", "联合会商")):
        m = f"{DOC}/measure/{name}"
        clause = one(store, m, "prov:wasDerivedFrom")
        assert clause == f"{DOC}/2/14/{item}"
        assert words in clause_text(store, clause)


def test_review_and_notice_time_limits_are_10_and_30_working_days(store: OxiStore) -> None:
    for name, n, words in (("joint-review-within-10-working-days", 10, "收到申请之日起10个工作日内"),
                           ("entry-notice-within-30-working-days", 30, "收到入库申请之日起30个工作日内")):
        c = f"{DOC}/constraint/{name}"
        assert (one(store, c, "pkg:comparator"), Decimal(one(store, c, "pkg:thresholdValue")), one(store, c, "pkg:unit")) == \
            ("le", n, "working days")
        assert one(store, c, "pkg:machineCheckable") == "false"
        assert words in clause_text(store, one(store, c, "prov:wasDerivedFrom"))


def test_exit_rules_record_one_year_after_completion_and_two_years_without_a_plan(store: OxiStore) -> None:
    done = f"{DOC}/constraint/exit-completed-one-year"
    assert (one(store, done, "pkg:comparator"), Decimal(one(store, done, "pkg:thresholdValue"))) == ("ge", 1)
    assert "自竣工验收合格之日起满一年" in clause_text(store, one(store, done, "prov:wasDerivedFrom"))
    stale = f"{DOC}/constraint/exit-no-implementation-plan-2-years"
    assert (one(store, stale, "pkg:comparator"), Decimal(one(store, stale, "pkg:thresholdValue"))) == ("le", 2)
    assert "纳入城市更新计划2年内未完成项目实施方案编制" in clause_text(store, one(store, stale, "prov:wasDerivedFrom"))


def test_the_reserve_entry_conditions_of_article_9_are_recorded_as_not_checkable(store: OxiStore) -> None:
    for name, item in (("reserve-entry-project-type-and-plans", "1"), ("reserve-entry-entity-defined", "2"),
                       ("reserve-entry-goals-and-funding-estimate", "3")):
        c = f"{DOC}/constraint/{name}"
        assert one(store, c, "prov:wasDerivedFrom") == f"{DOC}/2/9/{item}"
        assert one(store, c, "pkg:appliesToSubmissionType").endswith("#UrbanRenewalProjectEntry")
        assert one(store, c, "pkg:machineCheckable") == "false"
        assert one(store, c, "pkg:notCheckableReason")


def test_every_provision_derives_from_an_existing_clause_of_this_document(store: OxiStore) -> None:
    rows = store.select(P + f"""SELECT ?x ?c WHERE {{
        ?x pkg:definedIn <{DOC}> ; prov:wasDerivedFrom ?c .
        FILTER NOT EXISTS {{ ?c eli:is_part_of+ <{DOC}> ; prov:value ?t }} }}""")
    assert rows == []
    rows = store.select(P + f"""SELECT ?x WHERE {{
        ?x pkg:definedIn <{DOC}> ; pkg:machineCheckable false .
        FILTER NOT EXISTS {{ ?x pkg:notCheckableReason ?r }} }}""")
    assert rows == []
