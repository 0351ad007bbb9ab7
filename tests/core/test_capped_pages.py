"""Issue 21: a list counts its rows up to core.views.COUNT_CAP and pages no further, so that a
province's registry is neither counted whole nor read through a deep OFFSET on every page."""

import pytest
from django.test import RequestFactory

from jineng.core import views
from jineng.core.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureaus(monkeypatch, orgs):
    """The demo's organisations (more than four), pages of two, a cap of four."""
    monkeypatch.setattr(views, "COUNT_CAP", 4)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    rows = Organisation.objects.order_by("id")
    assert rows.count() > 4
    return rows


def page(rows, number: str | None = None):
    request = RequestFactory().get("/", {"page": number} if number else {})
    return views.page_of(request, rows)


def test_a_list_within_the_cap_is_counted_exactly(bureaus):
    first = page(bureaus[:3])
    assert first.paginator.count == 3 and not first.paginator.capped
    assert first.paginator.num_pages == 2


def test_a_list_beyond_the_cap_says_more_than_and_pages_no_further(bureaus):
    first = page(bureaus)
    assert first.paginator.capped and first.paginator.count == 4
    assert first.paginator.num_pages == 2
    beyond = page(bureaus, "3")  # past the cap: the last page within it, as past any end
    assert beyond.number == 2 and list(beyond) == list(bureaus[2:4])
