"""The person checking a certificate asks whether it belongs to the person in front of them
(issue 14, "What a reader sees"): they type the holder's ID number or name and are told only
"matches" or "does not match", on the page and through the API, a few times per address, and
what they typed is never shown back, put in an address or logged."""

import logging

import pytest
from django.core.cache import cache

from jineng.certificates import services
from jineng.people.services import decrypt_id_number

MATCHES = "与证书持有人一致"
DIFFERS = "与证书持有人不一致"
API = "/api/v1/certificates/verify/"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(issue):
    return issue()


@pytest.fixture
def id_number(certificate, act):
    with act(None):
        return decrypt_id_number(certificate.person)


def other_id_number(number: str) -> str:
    """A different, well-formed-looking number: the last digit changed."""
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def check(client, certificate, holder, **extra):
    return client.post("/verify/", {"q": certificate.number, "holder": holder}, **extra)


def test_the_page_says_matches_for_the_holders_id_number(client, certificate, id_number):
    page = check(client, certificate, id_number)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-matches="true"' in html and MATCHES in html
    assert id_number not in html  # neither echoed in the field nor anywhere else
    # A lowercase x, spaces and full-width digits are the same number.
    spaced = " ".join([id_number[:6], id_number[6:14], id_number[14:]]).lower()
    assert 'data-matches="true"' in check(client, certificate, spaced).content.decode()


def test_the_page_says_does_not_match_for_another_number(client, certificate, id_number):
    wrong = other_id_number(id_number)
    html = check(client, certificate, wrong).content.decode()
    assert 'data-matches="false"' in html and DIFFERS in html
    assert wrong not in html and id_number not in html


def test_the_full_name_matches_and_a_near_name_does_not(client, certificate):
    name = certificate.person.name
    assert 'data-matches="true"' in check(client, certificate, name).content.decode()
    html = check(client, certificate, name[:-1] + "某").content.decode()
    assert 'data-matches="false"' in html
    assert name not in html  # the page still shows only the masked name


def test_the_check_is_offered_only_on_a_certificate_found_here(client, certificate):
    found = client.post("/verify/", {"q": certificate.number}).content.decode()
    assert 'id="holder-check"' in found and "data-matches" not in found
    missing = client.post("/verify/", {"q": "S023141411001264999999", "holder": "张三"})
    assert 'id="holder-check"' not in missing.content.decode()
    assert "data-matches" not in missing.content.decode()


def test_a_holder_in_the_address_is_ignored(client, certificate, id_number):
    """POST only: a number in a link would end in browser histories and server logs."""
    html = client.get("/verify/", {"q": certificate.number, "holder": id_number}).content
    assert "data-matches" not in html.decode()
    assert f'value="{id_number}"' not in html.decode()  # not put back in the holder's field


def test_the_page_is_rate_limited_per_address(client, settings, certificate, id_number):
    settings.CERT_HOLDER_CHECK_RATE = "3/hour"
    answers = [check(client, certificate, other_id_number(id_number)) for _ in range(3)]
    assert all('data-matches="false"' in a.content.decode() for a in answers)
    refused = check(client, certificate, id_number)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert 'data-matches="refused"' in html and MATCHES not in html and id_number not in html
    # Another address is still answered, and verifying without a holder is not limited.
    other = check(client, certificate, id_number, REMOTE_ADDR="10.9.8.7")
    assert 'data-matches="true"' in other.content.decode()
    assert client.post("/verify/", {"q": certificate.number}).status_code == 200


def test_the_number_is_not_logged(client, certificate, id_number, caplog):
    caplog.set_level(logging.DEBUG)
    check(client, certificate, id_number)
    client.post(API, {"number": certificate.number, "holder": id_number},
                content_type="application/json")  # fmt: skip
    assert id_number not in caplog.text


def test_the_service_answers_only_for_a_recorded_certificate(certificate, id_number):
    assert services.holder_matches(certificate.number, id_number) is True
    assert services.holder_matches(certificate.number, other_id_number(id_number)) is False
    assert services.holder_matches(certificate.number, "   ") is None
    assert services.holder_matches("S023141411001264999999", id_number) is None


def test_the_api_answers_the_same(client, certificate, id_number):
    def ask(**body):
        answer = client.post(API, body, content_type="application/json")
        assert answer.status_code == 200, answer.content
        assert id_number not in answer.content.decode()
        return answer.json()

    assert ask(number=certificate.number, holder=id_number)["holder_matches"] is True
    by_payload = ask(payload=certificate.signed_payload, holder=certificate.person.name)
    assert by_payload["holder_matches"] is True and by_payload["valid"] is True
    wrong = ask(number=certificate.number, holder=other_id_number(id_number))
    assert wrong["holder_matches"] is False
    assert ask(number=certificate.number)["holder_matches"] is None
    assert ask(number="S023141411001264999999", holder=id_number)["holder_matches"] is None


def test_the_api_is_rate_limited_per_address(client, settings, certificate, id_number):
    settings.CERT_HOLDER_CHECK_RATE = "2/hour"
    body = {"number": certificate.number, "holder": id_number}
    codes = [client.post(API, body, content_type="application/json").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    # Verifying without a holder still answers.
    plain = client.post(API, {"number": certificate.number}, content_type="application/json")
    assert plain.status_code == 200


def test_the_page_speaks_plainly(client, certificate):
    html = client.post("/verify/", {"q": certificate.number}).content.decode()
    for jargon in ("JWS", "JOSE", "紧凑", "Ed25519"):
        assert jargon not in html
    assert "防伪签名" in html
