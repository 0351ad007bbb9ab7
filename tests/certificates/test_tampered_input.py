"""Tampered values posted to the certificate pages: a message on the page, never a server
error, and nothing changed."""

import pytest
from django.core.cache import cache

from jineng.certificates.models import Certificate, CertificateStatus
from tests.tampered import ABSURD, refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_an_overlong_verification_is_refused(client):
    refused(client.post("/verify/", {"q": "S" * 5001}))
    for value in ABSURD:
        assert client.post("/verify/", {"q": value}).status_code == 200


def test_an_overlong_revocation_reason_is_refused(login, issue):
    certificate = issue()
    response = login("city_reviewer").post(
        f"/certificates/{certificate.pk}/revoke/", {"reason": "x" * 301}, follow=True
    )
    refused(response)
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.VALID
