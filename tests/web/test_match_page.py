"""The /match page in Debian Chromium: a profile filled in, the table and the chart of the best combination."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_profile_filled_in_shows_every_measure_and_the_best_combination_as_a_chart(page, shot) -> None:
    page.goto("/match")
    page.fill("input[name=applicantName]", "测试科技有限公司")
    page.fill("input[name=creditCode]", "91110000TEST00001X")
    page.fill("input[name=asOf]", "2024-09-01")
    page.check("input[name=listings][value=green-manufacturing]")
    page.locator("details.more summary", has_text="Renovation project").click()
    page.select_option("select[name=projectType]", "energy-saving")
    page.select_option("select[name=status]", "completed")
    for name, value in (("totalInvestment", "4000"), ("fixedAssetInvestment", "4000"),
                        ("energySavedTce", "20000"), ("loanAmount", "10000")):
        page.fill(f"input[name={name}]", value)
    page.locator("#match-form button[type=submit]").click()
    page.wait_for_selector("#results")
    assert page.locator(".error-box").count() == 0
    eligible = page.locator("table.match tbody tr.eligible")
    assert eligible.count() >= 2
    first = eligible.first.inner_text()
    assert "京经信发〔2024〕20号" in first and "1200 万元" in first  # 20号 三（三）: 30% × 4000 for listed enterprises
    bars = page.locator("svg.chart rect.bar:not(.lost)")
    lost = page.locator("svg.chart rect.bar.lost")
    # only eligible measures are combined: the green-credit subsidy (200) needs review (whether the loan is
    # green credit for investment in Beijing), so the best combination is the 30% reward alone
    assert bars.count() == 1 and lost.count() == 0
    assert float(bars.first.get_attribute("width")) > 0
    assert "1200 万元" in page.locator("#results").inner_text()
    shot(page, "18-match", full=True)
    page.locator("#results h3").scroll_into_view_if_needed()
    shot(page, "19-match-chart")
