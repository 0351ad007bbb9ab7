"""Every catalog's page and API list run one selector with one FilterSet (catalog.selectors,
catalog.filters): `q` gives the same rows in the same order on both."""

import pytest

from tests.filters import assert_refused_cleanly, assert_same_rows

pytestmark = pytest.mark.django_db

CASES = {
    "regions": [{}, {"q": "商丘"}, {"q": "4114"}, {"q": "412301"}],
    "occupations": [{}, {"q": "焊"}, {"q": "4-10-01"}],
    "standards": [{}, {"q": "焊工"}, {"q": "411400"}],
    "levels": [{}, {"q": "高级"}],
}


@pytest.mark.parametrize("slug", sorted(CASES))
@pytest.mark.parametrize("username", ["admin", "county_reviewer", "worker"])
def test_catalog_page_and_api_list_the_same_rows(login, slug, username):
    page, api = f"/catalogs/{slug}/", f"/api/v1/catalogs/{slug}/"
    assert assert_same_rows(login, username, page, api, CASES[slug]) >= 2


def test_catalog_malformed_search_is_refused_cleanly(login):
    params = {"q": "焊\x00"}  # a NUL character: refused by the form, never sent to the database
    assert_refused_cleanly(
        login, "admin", "/catalogs/regions/", "/api/v1/catalogs/regions/", params
    )
