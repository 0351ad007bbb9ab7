"""The API through real HTTP against a running server: tokens, scope, errors, the schema."""

import json
import urllib.error
import urllib.request

from jineng.core.demo import DEMO_PASSWORD


def call(base, path, *, method="GET", token=None, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)  # noqa: S310
    headers = {"Accept": "application/json", **(headers or {})}
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    for key, value in headers.items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def token_for(base, username):
    status, body, _ = call(
        base,
        "/api/v1/auth/token/",
        method="POST",
        body={"username": username, "password": DEMO_PASSWORD, "name": "test"},
    )
    assert status == 201, body
    return json.loads(body)["token"]


def test_token_then_me(live_url):
    token = token_for(live_url, "county_reviewer")
    status, body, headers = call(live_url, "/api/v1/me/", token=token)
    assert status == 200
    me = json.loads(body)
    assert me["username"] == "county_reviewer" and me["roles"] == ["reviewer"]
    assert "organisations.view" in me["capabilities"]
    assert headers["X-Request-ID"]


def test_scope_over_http_answers_404_outside(live_url):
    token = token_for(live_url, "county_reviewer")
    status, body, _ = call(live_url, "/api/v1/organisations/?limit=100", token=token)
    assert status == 200
    codes = {row["code"] for row in json.loads(body)["results"]}
    assert "411402" in codes and "411400" not in codes
    admin = token_for(live_url, "admin")
    _, body, _ = call(live_url, "/api/v1/organisations/?code=411481", token=admin)
    yongcheng = json.loads(body)["results"][0]["id"]
    status, body, _ = call(live_url, f"/api/v1/organisations/{yongcheng}/", token=token)
    assert status == 404 and "detail" in json.loads(body)


def test_errors_are_json_in_the_callers_language(live_url):
    status, body, _ = call(live_url, "/api/v1/me/", token="not-a-real-token")
    assert status in (401, 403)
    assert json.loads(body)["detail"] == "令牌无效。"
    status, body, _ = call(
        live_url, "/api/v1/me/", token="not-a-real-token", headers={"Accept-Language": "en"}
    )
    assert json.loads(body)["detail"] == "Invalid token."
    status, body, _ = call(live_url, "/api/v1/auth/token/", method="POST", body={"username": 3})
    assert status == 400 and "password" in json.loads(body)


def test_schema_and_docs_are_served(live_url):
    status, body, headers = call(live_url, "/api/schema/?format=json")
    assert status == 200
    schema = json.loads(body)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/organisations/" in schema["paths"]
    assert "/api/v1/audit-entries/{id}/" in schema["paths"]
    status, body, _ = call(live_url, "/api/docs/", headers={"Accept": "text/html"})
    assert status == 200 and b"swagger" in body.lower()


def test_static_files_are_served_by_the_production_server(live_url):
    status, body, _ = call(live_url, "/", headers={"Accept": "text/html"})
    assert status == 200
    stylesheet = body.decode().split('href="/static/vendor/bootstrap/css/')[1].split('"')[0]
    status, css, headers = call(live_url, "/static/vendor/bootstrap/css/" + stylesheet)
    assert status == 200 and b"Bootstrap" in css[:400]
    assert "max-age" in headers["Cache-Control"]
