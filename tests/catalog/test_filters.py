"""Every catalog's page and API list run one selector with one FilterSet (catalog.selectors,
catalog.filters): `q` gives the same rows in the same order on both."""

import pytest

from jineng.catalog.models import PolicyPackVersion
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


@pytest.mark.parametrize("username", ["admin", "county_reviewer", "institution"])
def test_pack_page_and_api_list_the_same_versions(login, username):
    some = PolicyPackVersion.objects.order_by("id").first()
    cases = [{}, {"pack_id": some.pack_id}, {"region_code": some.region_code}, {"pack_id": "x"}]
    with_rows = assert_same_rows(login, username, "/policies/", "/api/v1/policy-packs/", cases)
    assert with_rows >= 2


def test_pack_list_malformed_filter_is_refused_cleanly(login):
    params = {"region_code": "41\x00"}
    assert_refused_cleanly(login, "admin", "/policies/", "/api/v1/policy-packs/", params)
