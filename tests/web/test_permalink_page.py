"""The printable report of a stored submission in Debian Chromium (issue 14, item 8): the link the submitter gets
from POST /api/submissions opens the report without a token; without its key the page is 404."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def test_the_permalink_opens_the_printable_report_with_its_verdict_and_without_the_key_it_is_404(page, admin_token):
    example = json.loads((ROOT / "docs" / "examples" / "RenovationProject.json").read_text(encoding="utf-8"))
    example["id"] = "web-permalink"
    r = page.request.post("/api/submissions", data=example, headers={"Authorization": f"Bearer {admin_token}"})
    assert r.status in (200, 201), r.text()
    stored = r.json()
    page.goto(stored["permalink"])
    assert page.locator("#submission-id").inner_text() == stored["id"]
    assert page.locator(".verdict").first.inner_text().startswith("✔ 符合 Conforms")
    assert page.locator("#permalink").get_attribute("href") == stored["permalink"]
    page.emulate_media(media="print")  # the printed page: no navigation, no print button
    assert not page.locator("header nav").is_visible() and not page.locator("button", has_text="Print").is_visible()
    assert page.request.get(f"/submissions/{stored['id']}").status == 404
