"""A `next` or `back` address is followed only to a page of this site (core.security.local_url,
used by the login's second step, the password change, the worker's registration and the what-if
replay): every spelling of another host is dropped, never redirected to."""

import pytest
from django.test import RequestFactory

from jineng.core.security import local_url


@pytest.mark.parametrize(
    "url",
    ["/me/", "/offers/?q=焊工", "/classes/12/#attendance"],
)
def test_a_page_of_this_site_is_kept(url):
    assert local_url(RequestFactory().get("/"), url) == url


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example",
     "https:evil.example", "javascript:alert(1)", " //evil.example", "", None],
)  # fmt: skip
def test_another_host_or_no_address_gives_nothing(url):
    assert local_url(RequestFactory().get("/"), url) == ""


def test_an_address_of_this_host_is_kept_and_of_another_dropped():
    request = RequestFactory().get("/")  # host "testserver"
    assert local_url(request, "http://testserver/me/") == "http://testserver/me/"
    assert local_url(request, "http://other.example/me/") == ""
