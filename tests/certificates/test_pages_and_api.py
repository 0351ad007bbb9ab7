"""The public verification page and API (no login), the keys, and the pages and API in scope."""

import pytest
from django.core.cache import cache

from jineng.certificates import services, signing
from jineng.certificates.models import Certificate
from jineng.core.personal import mask_name
from jineng.institutions.models import EvaluationOrg


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_public_page_by_number_and_by_payload(client, issue):
    certificate = issue()
    page = client.get("/verify/", {"q": certificate.number})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-valid="true"' in html and certificate.number in html and "焊工" in html
    assert certificate.person.name not in html  # only the masked name
    assert mask_name(certificate.person.name) in html
    posted = client.post("/verify/", {"q": certificate.signed_payload})
    assert 'data-valid="true"' in posted.content.decode()
    assert client.get("/verify/").status_code == 200


def test_public_page_in_english_says_why(client, issue, act):
    certificate = issue()
    with act("city_reviewer"):
        services.revoke(certificate, "替考")
    client.cookies["django_language"] = "en"
    html = client.get("/verify/", {"q": certificate.number}, HTTP_ACCEPT_LANGUAGE="en").content
    html = html.decode()
    assert 'data-reason="revoked"' in html and "替考" in html
    assert "Revoked" in html
    zh = client.get("/verify/", {"q": "garbage"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'data-reason="malformed"' in zh.content.decode()


def test_api_verify_without_login(client, issue):
    certificate = issue()
    answer = client.post("/api/v1/certificates/verify/", {"payload": certificate.signed_payload},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["valid"] is True and body["number"] == certificate.number
    assert body["holder"] == mask_name(certificate.person.name)
    assert body["kind_label"] and body["reason_text"]
    by_number = client.post("/api/v1/certificates/verify/", {"number": certificate.number},
                            content_type="application/json")  # fmt: skip
    assert by_number.json()["valid"] is True
    empty = client.post("/api/v1/certificates/verify/", {}, content_type="application/json")
    assert empty.status_code == 400
    forged = certificate.signed_payload[:-4] + "AAAA"
    bad = client.post("/api/v1/certificates/verify/", {"payload": forged},
                      content_type="application/json").json()  # fmt: skip
    assert bad["valid"] is False and bad["reason"] == "bad_signature"


def test_api_verify_works_for_a_signed_in_browser_without_csrf(login, issue, users):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["worker"])
    answer = browser.post("/api/v1/certificates/verify/", {"number": issue().number},
                          content_type="application/json")  # fmt: skip
    assert answer.status_code == 200 and answer.json()["valid"] is True


def test_api_verify_is_throttled(client, settings, db):
    settings.CERT_VERIFY_RATE = "3/minute"
    codes = [
        client.post("/api/v1/certificates/verify/", {"number": "S023141411001264000001"},
                    content_type="application/json").status_code
        for _ in range(5)
    ]  # fmt: skip
    assert codes[:3] == [200, 200, 200] and codes[3] == 429


def test_keys_endpoints(client, db):
    well_known = client.get("/.well-known/jineng-cert-keys.json")
    assert well_known.status_code == 200
    assert well_known["Access-Control-Allow-Origin"] == "*"
    keys = well_known.json()["keys"]
    assert [key["kid"] for key in keys] == ["test-1"]
    assert all(set(key) == {"kty", "crv", "kid", "use", "alg", "x"} for key in keys)
    api = client.get("/api/v1/certificates/keys/")
    assert api.status_code == 200 and api.json() == well_known.json()


def test_offline_verification_with_the_published_keys(client, issue):
    """What a verifier without the platform does: the JWKS and the QR text, nothing else."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    token = issue().signed_payload
    jwks = client.get("/.well-known/jineng-cert-keys.json").json()
    header = signing.unb64url(token.split(".")[0])
    kid = __import__("json").loads(header)["kid"]
    (jwk,) = [key for key in jwks["keys"] if key["kid"] == kid]
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(jwk["x"] + "=="))
    signed, signature = token.rsplit(".", 1)
    public.verify(signing.unb64url(signature), signed.encode())  # raises if not valid


@pytest.mark.usefixtures("worker_certificates")
def test_api_list_and_scope(login, issue, yongcheng_person):
    certificate = issue()  # a 永城 person, issued by the city's centre
    for username in ("city_reviewer", "evaluator", "admin", "finance"):
        numbers = [row["number"] for row in login(username).get("/api/v1/certificates/",
                   {"limit": 500}).json()["results"]]  # fmt: skip
        assert certificate.number in numbers, username
    county = login("county_reviewer")
    numbers = [row["number"] for row in county.get("/api/v1/certificates/").json()["results"]]
    assert certificate.number not in numbers
    assert county.get(f"/api/v1/certificates/{certificate.pk}/").status_code == 404
    worker = login("worker")
    mine = worker.get("/api/v1/certificates/").json()["results"]
    assert mine and all(row["holder"] == mine[0]["holder"] for row in mine)
    assert worker.get(f"/api/v1/certificates/{certificate.pk}/").status_code == 404
    assert login("department").get("/api/v1/certificates/").status_code == 403


def test_api_revoke_only_by_reviewers(login, issue):
    certificate = issue()
    evaluator = login("evaluator")
    refused = evaluator.post(f"/api/v1/certificates/{certificate.pk}/revoke/",
                             {"reason": "x"}, content_type="application/json")  # fmt: skip
    assert refused.status_code == 403
    county = login("county_reviewer")  # not in its region: the certificate does not exist
    assert county.post(f"/api/v1/certificates/{certificate.pk}/revoke/", {"reason": "x"},
                       content_type="application/json").status_code == 404  # fmt: skip
    city = login("city_reviewer")
    assert city.post(f"/api/v1/certificates/{certificate.pk}/revoke/", {},
                     content_type="application/json").status_code == 400  # fmt: skip
    done = city.post(f"/api/v1/certificates/{certificate.pk}/revoke/", {"reason": "冒名顶替"},
                     content_type="application/json")  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    assert done.json()["revoked_reason"] == "冒名顶替"


@pytest.mark.usefixtures("worker_certificates")
def test_pdf_download_for_holder_issuer_and_reviewers(login, issue, users):
    from jineng.people.models import Person

    worker_person = Person.objects.get(user=users["worker"])
    certificate = issue(worker_person, level="5", occupation="4-10-01-05")
    for username in ("worker", "evaluator", "city_reviewer", "county_reviewer"):
        client = login(username)
        page = client.get(f"/certificates/{certificate.pk}/pdf/")
        assert page.status_code == 200, username
        assert page["Content-Type"] == "application/pdf" and page.content.startswith(b"%PDF")
        api = client.get(f"/api/v1/certificates/{certificate.pk}/pdf/")
        assert api.status_code == 200 and api.content.startswith(b"%PDF"), username
    assert login("finance").get(f"/certificates/{certificate.pk}/pdf/").status_code == 404
    external = Certificate.objects.filter(issued_here=False, person=worker_person).first()
    assert login("worker").get(f"/certificates/{external.pk}/pdf/").status_code == 404


def test_pages_list_detail_and_revoke_form(login, issue):
    certificate = issue()
    city = login("city_reviewer")
    listing = city.get("/certificates/", {"q": certificate.number})
    assert listing.status_code == 200 and certificate.number in listing.content.decode()
    detail = city.get(f"/certificates/{certificate.pk}/").content.decode()
    assert 'id="revoke-form"' in detail and 'data-valid="true"' in detail
    evaluator_detail = login("evaluator").get(f"/certificates/{certificate.pk}/").content.decode()
    assert 'id="revoke-form"' not in evaluator_detail
    assert login("evaluator").post(f"/certificates/{certificate.pk}/revoke/",
                                   {"reason": "x"}).status_code == 404  # fmt: skip
    assert login("county_reviewer").get(f"/certificates/{certificate.pk}/").status_code == 404
    city = login("city_reviewer")
    city.post(f"/certificates/{certificate.pk}/revoke/", {"reason": "证书信息与档案不符"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_reason == "证书信息与档案不符"
    detail = city.get(f"/certificates/{certificate.pk}/").content.decode()
    assert 'data-reason="revoked"' in detail and 'id="revoke-form"' not in detail


def test_navigation_shows_certificates(login, db):
    assert "/certificates/" in login("worker").get("/").content.decode()
    assert 'href="/certificates/"' not in login("department").get("/").content.decode()


def test_anyone_finds_the_verification_page_from_the_public_pages(client, db):
    """Without an account, the public pages link the certificate verification and the directory."""
    for url in ("/directory/", "/verify/", "/accounts/login/"):
        html = client.get(url).content.decode()
        assert 'href="/verify/"' in html and 'href="/directory/"' in html, url


def test_the_reviewer_records_the_numbering_codes_on_the_organisation_page(login, orgs):
    """The register and station codes number 职业技能等级证书: the bureau records them on the
    organisation's page; bad codes are refused with a reason and change nothing."""
    org = EvaluationOrg.objects.get(organisation=orgs["eval_yongcheng"])
    url = f"/evaluation-orgs/{org.pk}/"
    client = login("city_reviewer")
    assert 'id="codes-form"' in client.get(url).content.decode()
    page = client.post(f"{url}codes/", {"register_code": "12a", "station_code": "411481"},
                       follow=True).content.decode()  # fmt: skip
    assert "应为4位数字" in page
    assert org.register_code == EvaluationOrg.objects.get(pk=org.pk).register_code
    client.post(f"{url}codes/", {"register_code": "0777", "station_code": "411481"})
    org.refresh_from_db()
    assert (org.register_code, org.station_code) == ("0777", "411481")
    assert login("evaluator").post(f"{url}codes/", {"register_code": "0001"}).status_code == 404
    own_page = login("evaluator").get(f"/evaluation-orgs/{orgs_eval_city(orgs).pk}/")
    assert own_page.status_code == 200 and 'id="codes-form"' not in own_page.content.decode()


def orgs_eval_city(orgs):
    return EvaluationOrg.objects.get(organisation=orgs["eval_city"])
