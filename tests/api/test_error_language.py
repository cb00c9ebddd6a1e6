"""Issue 14 (item 8): input errors in the request's language: English unless Accept-Language prefers Chinese; the
status, the `{error, detail}` shape and the field names are the same in both."""
from __future__ import annotations

import pytest

from policykg.api.i18n import error_lang

BAD_FORM = {"id": "p1", "type": "RenovationProject", "floorArea": "big", "occupancyRate": 1.5}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}


def test_the_json_forms_field_errors_are_in_english_by_default_and_in_chinese_for_zh(client):
    en = client.post("/api/validate", json=BAD_FORM)
    zh = client.post("/api/validate", json=BAD_FORM, headers=ZH)
    assert en.status_code == zh.status_code == 422
    assert en.headers["content-language"] == "en" and zh.headers["content-language"] == "zh"
    assert en.json() == {"error": 'floorArea: must be a number, got "big"', "detail": [
        {"field": "floorArea", "message": 'must be a number, got "big"'},
        {"field": "occupancyRate", "message": "is a share, a decimal in 0..1 (30% = 0.3), got 1.5"}]}
    assert zh.json() == {"error": 'floorArea：必须是数字，收到 "big"', "detail": [
        {"field": "floorArea", "message": '必须是数字，收到 "big"'},
        {"field": "occupancyRate", "message": "是比例，取 0 到 1 之间的小数（30% 写作 0.3），收到 1.5"}]}


def test_an_unknown_field_and_an_unknown_type_are_named_in_chinese(client):
    r = client.post("/api/validate", json={"id": "p1", "type": "RenovationProject", "colour": "red"}, headers=ZH)
    assert r.status_code == 422 and r.json()["detail"] == [{"field": "colour", "message": "RenovationProject 没有此字段"}]
    r = client.post("/api/validate", json={"id": "p1", "type": "Spaceship"}, headers=ZH)
    assert r.json()["detail"][0]["message"].startswith("未知的申报类型 \"Spaceship\"（可选：RenovationProject")


def test_a_turtle_syntax_error_keeps_its_line_and_column_in_both_languages(client):
    body, headers = b"<a> <b> .\n", {"Content-Type": "text/turtle"}
    en = client.post("/api/validate", content=body, headers=headers)
    zh = client.post("/api/validate", content=body, headers={**headers, **ZH})
    assert en.status_code == zh.status_code == 400
    assert en.json()["detail"] == zh.json()["detail"]  # format, line, column: data, not words
    assert en.json()["error"].startswith("malformed turtle at line 1, column")
    assert zh.json()["error"].startswith("turtle 格式错误（第 1 行第 ")


def test_not_found_and_no_token_are_worded_in_chinese_with_the_same_status_and_headers(client):
    r = client.get("/api/fields", params={"type": "Spaceship"}, headers=ZH)
    assert r.status_code == 404 and r.json() == {"error": "没有申报类型 'Spaceship'", "detail": {
        "type": "Spaceship", "known": r.json()["detail"]["known"]}}
    r = client.post("/api/awards", json={}, headers=ZH)
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert r.json()["error"] == "需要访问令牌：请发送 `Authorization: Bearer <token>`"
    en = client.post("/api/awards", json={})
    assert en.json()["error"] == "this needs a bearer token: send `Authorization: Bearer <token>`"


@pytest.mark.parametrize(("header", "lang"), [
    (None, "en"), ("zh", "zh"), ("zh-CN,zh;q=0.9", "zh"), ("en-US,en;q=0.9,zh;q=0.8", "en"),
    ("en;q=0.5, zh-TW;q=0.9", "zh"), ("zh;q=0, en", "en"), ("fr", "en"), ("*", "en")])
def test_the_language_is_the_best_ranked_of_zh_and_en_and_english_otherwise(header, lang):
    assert error_lang(header) == lang


def test_a_batch_items_error_is_in_the_requests_language_too(client):
    batch = [BAD_FORM]
    en = client.post("/api/validate/batch", json=batch).json()["reports"][0]
    zh = client.post("/api/validate/batch", json=batch, headers=ZH).json()["reports"][0]
    assert (en["status"], en["detail"][0]["field"]) == (zh["status"], zh["detail"][0]["field"]) == (422, "floorArea")
    assert en["detail"][0]["message"] == 'must be a number, got "big"'
    assert zh["detail"][0]["message"] == '必须是数字，收到 "big"'
