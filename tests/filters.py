"""Comparing a list page with its API list: the same parameters must give the same rows.

Each list page marks its rows with `data-id="<pk>"`; both are paginated by 50 and ordered by
the same selector, so the first page of each holds the same ids in the same order."""

import re

ROW_ID = re.compile(r'data-id="(\d+)"')


def page_ids(client, url: str, params: dict) -> list[int]:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    return [int(pk) for pk in ROW_ID.findall(response.content.decode())]


def api_ids(client, url: str, params: dict) -> list[int]:
    response = client.get(url, {**params, "limit": 50}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, (url, params, response.content[:300])
    return [row["id"] for row in response.json()["results"]]


def assert_same_rows(login, username: str, page_url: str, api_url: str, cases: list[dict]):
    """For each parameter set: the page's rows are the API's rows. Returns how many cases had
    rows, so a caller can check the comparison was not between two empty lists only."""
    client = login(username)
    with_rows = 0
    for params in cases:
        on_page = page_ids(client, page_url, params)
        assert on_page == api_ids(client, api_url, params), (username, params)
        with_rows += bool(on_page)
    return with_rows


def assert_refused_cleanly(login, username: str, page_url: str, api_url: str, params: dict):
    """A malformed parameter: the page answers with its form's errors, the API 400 naming it."""
    client = login(username)
    page = client.get(page_url, params)
    assert page.status_code == 200, (params, page.status_code)
    assert "filter-errors" in page.content.decode(), params
    api = client.get(api_url, params, HTTP_ACCEPT="application/json")
    assert api.status_code == 400, (params, api.status_code, api.content[:300])
    assert set(api.json()) & set(params), api.json()
