"""Error answers: pages for people, JSON under /api/."""

from __future__ import annotations


def test_an_unknown_page_is_a_page_and_an_unknown_api_address_is_json(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Page not found" in page.get_data(as_text=True)
    api = client.get("/api/v1/no/such/thing")
    assert api.status_code == 404 and api.mimetype == "application/json"
    assert api.get_json()["error"]["status"] == 404
    assert api.get_json()["error"]["message"]


def test_a_wrong_method_on_the_api_is_json(client):
    response = client.delete("/api/v1/")
    assert response.status_code in (404, 405) and response.mimetype == "application/json"
