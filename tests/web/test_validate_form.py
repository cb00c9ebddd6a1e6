"""The validation page's form is built from the JSON form's own field list (server/web/formspec.py)."""
from __future__ import annotations

import json
from typing import Any

import pytest

from policykg.web.formspec import form_fields

pytestmark = pytest.mark.browser


def _needs(api: Any, path: str) -> None:
    status, spec = api("/openapi.json")
    if status != 200 or not any(p == path or p.startswith(path + "/") for p in spec.get("paths", {})):
        pytest.fail(f"{path} is missing from /openapi.json: the route this page test needs is gone")


def test_a_loan_amount_filled_in_the_form_reaches_the_submission_and_the_loan_row(page, api, shot) -> None:
    _needs(api, "/api/eligibility")
    page.goto("/validate")
    page.get_by_role("link", name="填写表单 Fill in a form").click()
    form = page.locator("form#form")
    for name in form_fields():  # every scalar field the JSON form accepts has an input
        assert form.locator(f"[name={name}]").count() >= 1, name
    form.locator("select[name=projectType]").select_option("old-factory")
    form.locator("input[name=fixedAssetInvestment]").fill("1000")
    form.locator("input[name=applicationDate]").fill("2024-06-01")
    form.locator("input[name=loanAmount]").fill("800")
    more = form.locator("#group-money details.more")
    assert not more.locator("input[name=financeLeaseAmount]").is_visible()
    more.locator("summary").click()
    more.locator("input[name=financeLeaseAmount]").fill("50")
    box = form.locator("input[name=propertyRightsClear][type=checkbox]")
    box.click()
    box.click()  # unset → yes → no
    assert form.locator("label.tri:has(input[name=propertyRightsClear])").get_attribute("data-state") == "false"
    shot(page, "18-validation-form-fields", full=True)
    form.get_by_role("button", name="校验 Validate").click()
    page.wait_for_selector("#eligibility")
    sent = json.loads(page.locator("form#paste textarea[name=text]").input_value())
    assert sent["loanAmount"] == 800 and sent["financeLeaseAmount"] == 50
    assert sent["propertyRightsClear"] is False
    assert "operationsMechanism" not in sent and "inDemoPark" not in sent  # untouched: absent, not false
    row = page.locator("table.monetary tbody tr", has_text="绿色信贷固定资产投资贷款贴息")
    assert row.count() == 1
    assert "缺少贷款金额" not in row.inner_text()
    assert "2% × 800万元" in row.locator("td.computation").inner_text()
    assert form.locator("#group-money details.more").get_attribute("open") is not None  # kept open: it holds a value
    assert page.dialogs == []
