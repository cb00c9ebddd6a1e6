def test_health_reports_the_corpus_version(client) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert len(r.json()["corpusVersion"]) == 64


def test_unknown_routes_answer_json_errors(client) -> None:
    r = client.get("/api/nope")
    assert r.status_code == 404
    assert set(r.json()) == {"error", "detail"}


def test_the_home_page_is_html(client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
