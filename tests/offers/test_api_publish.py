"""The publish API of published training (issue 19: institutions publish training through the
API too): an institution lists, publishes, changes and withdraws its own offers; another
institution, a worker and an anonymous caller are refused; the public list needs no login and is
rated per address."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from jineng.catalog.models import Occupation, Region
from jineng.core.roles import Role
from jineng.offers.models import Offer, OfferKind, OfferState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/offers/published/"


@pytest.fixture(autouse=True)
def no_rates_left_over():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(users):
    """api(user or username or None, method, path, body=None) -> (status, JSON body)."""

    def do(who, method, path, body=None):
        client = Client()
        if who is not None:
            client.force_login(users[who] if isinstance(who, str) else who)
        send = getattr(client, method.lower())
        if body is None:
            response = send(path)
        else:
            response = send(path, json.dumps(body), content_type="application/json")
        return response.status_code, (json.loads(response.content) if response.content else None)

    return do


@pytest.fixture
def other_institution(orgs):
    return UserFactory(organisation=orgs["inst_yongcheng"], roles=[Role.INSTITUTION_STAFF])


def standing_body(approved_class, **values) -> dict:
    return {
        "kind": "standing", "title": "电工 常年招生",
        "occupation": Occupation.objects.get(code="6-31-01-03").pk,
        "level": approved_class.level_id, "training_type": approved_class.training_type_id,
        "county": Region.objects.get(code="411481").pk, "venue": "永城实训基地",
        "places": 20, "min_signups": 5, **values,
    }  # fmt: skip


def test_an_institution_publishes_changes_and_withdraws_its_training(api, approved_class):
    status, created = api("institution", "POST", BASE, standing_body(approved_class))
    assert status == 201, created
    assert created["state"] == "published" and created["title"] == "电工 常年招生"
    offer = Offer.objects.get(pk=created["id"])
    assert offer.kind == OfferKind.STANDING and offer.published_by.username == "institution"
    status, changed = api("institution", "PATCH", f"{BASE}{offer.pk}/",
                          {"title": "电工 常年招生（夜班）", "places": 25})  # fmt: skip
    assert status == 200, changed
    assert changed["title"] == "电工 常年招生（夜班）" and changed["places"] == 25
    assert changed["venue"] == "永城实训基地"  # what was not sent stays
    status, listed = api("institution", "GET", BASE)
    assert status == 200 and offer.pk in [row["id"] for row in listed["results"]]
    status, withdrawn = api("institution", "POST", f"{BASE}{offer.pk}/withdraw/")
    assert status == 200 and withdrawn["state"] == "closed"
    assert Offer.objects.get(pk=offer.pk).state == OfferState.CLOSED
    status, again = api("institution", "POST", f"{BASE}{offer.pk}/withdraw/")
    assert status == 400 and "停止报名" in json.dumps(again, ensure_ascii=False)
    status, refused = api("institution", "PATCH", f"{BASE}{offer.pk}/", {"title": "x"})
    assert status == 400  # a withdrawn training is not changed
    # Withdrawn, it is gone from the public list but still in the publisher's.
    assert offer.pk not in [row["id"] for row in api(None, "GET", "/api/v1/offers/")[1]["results"]]
    assert offer.pk in [row["id"] for row in api("institution", "GET", BASE)[1]["results"]]


def test_an_approved_class_is_published_with_its_own_dates_and_places(api, approved_class):
    body = {"kind": "class", "training_class": approved_class.pk, "title": "焊工（初级）"}
    status, created = api("institution", "POST", BASE, body)
    assert status == 201, created
    assert created["training_class_id"] == approved_class.pk
    assert created["places"] == approved_class.capacity
    status, refused = api("institution", "PATCH", f"{BASE}{created['id']}/", {"places": 99})
    assert status == 400 and "places" in refused  # the class's places change in the class


def test_refusals_name_the_field_in_the_user_s_language(api, approved_class):
    status, body = api("institution", "POST", BASE, standing_body(approved_class, min_signups=None,
                                                                  title="  "))  # fmt: skip
    assert status == 400 and "title" in body
    status, body = api("institution", "POST", BASE, standing_body(approved_class, min_signups=None))
    assert status == 400 and "min_signups" in body
    status, body = api("institution", "POST", BASE, standing_body(approved_class, kind="spaceship"))
    assert status == 400 and "kind" in body
    status, body = api("institution", "POST", BASE, standing_body(approved_class, places="💥"))
    assert status == 400 and "places" in body
    status, created = api("institution", "POST", BASE, standing_body(approved_class))
    status, body = api("institution", "PATCH", f"{BASE}{created['id']}/",
                       {"end_date": "2020-01-01", "start_date": "2027-01-01"})  # fmt: skip
    assert status == 400, body
    status, body = api("institution", "PATCH", f"{BASE}{created['id']}/", {"places": 0})
    assert status == 400 and "places" in body
    assert Offer.objects.get(pk=created["id"]).places == 20  # nothing changed half-way


def test_a_user_out_of_scope_is_refused(api, offer, other_institution):
    path = f"{BASE}{offer.pk}/"
    # Another institution: none of it is theirs (404, as a row that does not exist).
    assert api(other_institution, "GET", BASE)[1]["results"] == []
    assert api(other_institution, "GET", path)[0] == 404
    assert api(other_institution, "PATCH", path, {"title": "改"})[0] == 404
    assert api(other_institution, "POST", f"{path}withdraw/")[0] == 404
    # Another institution's class is not theirs to publish.
    body = {"kind": "class", "training_class": offer.training_class_id, "title": "冒名"}
    status, refused = api(other_institution, "POST", BASE, body)
    assert status == 400 and "training_class" in refused
    # A worker holds no such capability; nobody signed in is refused.
    assert api("worker", "GET", BASE)[0] == 403
    assert api("worker", "POST", BASE, body)[0] == 403
    assert api("worker", "PATCH", path, {"title": "改"})[0] == 404
    assert api(None, "GET", BASE)[0] in (401, 403)
    assert api(None, "POST", f"{path}withdraw/")[0] in (401, 403)
    offer.refresh_from_db()
    assert offer.state == OfferState.PUBLISHED and offer.title == "焊工（初级）免费培训"


def test_the_public_list_needs_no_login_and_is_rated_per_address(api, offer, settings):
    status, body = api(None, "GET", "/api/v1/offers/")
    assert status == 200 and [row["title"] for row in body["results"]] == [offer.title]
    assert "state" not in body["results"][0]  # the public fields only
    settings.OFFERS_PUBLIC_RATE = "2/minute"
    cache.clear()
    assert api(None, "GET", "/api/v1/offers/")[0] == 200
    assert api(None, "GET", f"/api/v1/offers/{offer.pk}/")[0] == 200
    assert api(None, "GET", "/api/v1/offers/")[0] == 429


def test_places_never_fall_below_the_sign_ups_and_more_move_the_waiting_list_up(
    api, approved_class, make_worker
):
    from jineng.offers import services
    from jineng.offers.models import ApplicationState
    from tests.actors import act

    body = standing_body(approved_class, occupation=approved_class.occupation_id, places=1)
    status, created = api("institution", "POST", BASE, body)
    assert status == 201, created
    offer = Offer.objects.get(pk=created["id"])
    first, second = make_worker(), make_worker()
    for person in (first, second):
        with act(person.user):
            services.apply(offer)
    waiting = offer.applications.get(person=second)
    assert waiting.state == ApplicationState.WAITING
    same = {"places": 1, "title": "改名"}
    assert api("institution", "PATCH", f"{BASE}{offer.pk}/", same)[0] == 200  # as many as held
    status, changed = api("institution", "PATCH", f"{BASE}{offer.pk}/", {"places": 2})
    assert status == 200, changed
    waiting.refresh_from_db()
    assert waiting.state == ApplicationState.APPLIED  # moved up into the new place
    status, refused = api("institution", "PATCH", f"{BASE}{offer.pk}/", {"places": 1})
    assert status == 400 and "2" in refused["places"][0]
    assert Offer.objects.get(pk=offer.pk).places == 2
