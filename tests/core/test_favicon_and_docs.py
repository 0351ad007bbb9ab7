"""A favicon on every page and /favicon.ico (no 404 in the console), and a way back to the site
from the API docs (issue 14, "What a reader sees")."""

from django.contrib.staticfiles import finders


def test_favicon_ico_leads_to_the_icon(client, db):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 302
    assert answer["Location"].endswith("core/favicon.png")
    assert finders.find("core/favicon.png") and finders.find("core/favicon.svg")


def test_pages_link_the_icon(client, db):
    html = client.get("/verify/").content.decode()
    assert 'rel="icon"' in html and "core/favicon.svg" in html


def test_the_api_docs_lead_back_to_the_site(client, db):
    html = client.get("/api/docs/").content.decode()
    assert 'id="site-bar"' in html and 'href="/"' in html and "返回平台首页" in html
