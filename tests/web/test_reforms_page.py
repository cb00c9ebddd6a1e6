"""The /reforms page in Debian Chromium: a reviewer pastes the worked reform of docs/reforms.md and sees the
table, the totals, the changed clauses and the before/after histogram (answers of tests/reforms/test_impact.py,
derived by hand from 京发改规〔2023〕12号). With a token the reform runs as a job whose progress (done/total) the
page shows while it runs, then the result."""
from __future__ import annotations

import pytest

from tests.reforms.test_impact import BASE, PROJECTS

pytestmark = pytest.mark.browser


def test_a_pasted_reform_shows_its_progress_then_its_table_totals_clauses_and_histogram(page, shot, admin_token) -> None:
    auth = {"Authorization": f"Bearer {admin_token}"}
    for name, (area, fai) in PROJECTS.items():
        r = page.request.post("/api/submissions", data={**BASE, "id": f"web-reform-{name}", "floorArea": area,
                                                         "fixedAssetInvestment": fai,
                                                         "applicant": {"name": f"web-{name}",
                                                                       "creditCode": f"9111000000000WEB{ord(name)}"}},
                              headers=auth)
        assert r.status in (200, 201), r.text()
    page.goto("/reforms")
    assert "old-factory-area" in page.locator("textarea[name=reform]").input_value()  # the worked example, prefilled
    page.locator("#reform-form button[type=submit]").click()  # no token: the API's 401, shown
    assert "bearer token" in page.locator(".error-box").inner_text()
    page.fill("input[name=token]", admin_token)
    polls: list[str] = []

    def first_poll(route) -> None:  # the page's first look at the job: the progress bar is on screen
        if not polls:
            progress = page.locator("#job-progress")
            assert progress.is_visible() and "evaluating" in progress.inner_text()
            shot(page, "23-reforms-progress")
        polls.append(route.request.url)
        route.continue_()

    page.route("**/api/reforms/jobs/*", first_poll)
    page.locator("#reform-form button[type=submit]").click()
    page.wait_for_selector("#results")
    assert polls, "the page never followed the job's progress"
    assert page.locator(".error-box").count() == 0
    progress = page.locator("#progress").inner_text()
    assert "submissions evaluated" in progress and "became eligible" in progress
    changed = page.locator("table.reform-rows tbody tr.changed")
    texts = [changed.nth(i).inner_text() for i in range(changed.count())]
    # a (2500 m²) becomes eligible for 2400 万元; b (6000 → cap) goes from 5000 to 3000 万元
    assert any("not-eligible" in t and "2400" in t for t in texts)
    assert any("5000" in t and "3000" in t for t in texts)
    clauses = page.locator("table.reform-clauses").inner_text()
    assert "thresholdValue" in clauses and "2000" in clauses and "cap" in clauses
    before = page.locator("svg#histogram rect.bar.before")
    after = page.locator("svg#histogram rect.bar.after")
    assert before.count() == after.count() == 8
    assert sum(float(b.get_attribute("height")) for b in after.all()) > 0
    shot(page, "24-reforms", full=True)
    page.locator("svg#histogram").scroll_into_view_if_needed()
    shot(page, "25-reforms-histogram")
