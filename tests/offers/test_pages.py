"""The pages and API of published training (003 §三10 统一的报名和项目发布平台, 002 §四(五)
在线查询): the public list and its filters without login, the worker's own sign-ups only, an
ineligible worker told why, the institution's acceptance."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from jineng.catalog.models import Occupation, Region
from jineng.offers import services
from jineng.offers.models import ApplicationState, OfferKind
from tests.actors import act
from tests.offers.conftest import PASSWORD


def signed_in(client, person):
    client.logout()
    response = client.post("/accounts/login/", {"username": person.user.username,
                                                "password": PASSWORD})  # fmt: skip
    assert response.status_code == 302
    return client


@pytest.fixture
def standing(approved_class):
    """A standing electrician offer of 鸿鹄 in 永城市, with no date: opens at 5 sign-ups."""
    with act("institution"):
        return services.publish(
            kind=OfferKind.STANDING, title="电工 常年招生",
            occupation=Occupation.objects.get(code="6-31-01-03"), level=approved_class.level,
            training_type=approved_class.training_type,
            county=Region.objects.get(code="411481"), venue="永城实训基地", places=20,
            min_signups=5,
        )  # fmt: skip


def titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_the_public_list_filters_by_occupation_county_and_date(client, offer, standing):
    page = client.get("/offers/")
    assert page.status_code == 200
    assert offer.title in page.content.decode() and standing.title in page.content.decode()
    api = APIClient()
    assert set(titles(api.get("/api/v1/offers/"))) == {offer.title, standing.title}
    by_occupation = {"occupation": offer.occupation_id}
    assert titles(api.get("/api/v1/offers/", by_occupation)) == [offer.title]
    assert standing.title not in client.get("/offers/", by_occupation).content.decode()
    assert titles(api.get("/api/v1/offers/", {"county": standing.county_id})) == [standing.title]
    later = (offer.start_date + timedelta(days=1)).isoformat()
    # A standing offer has no date: it stays in a search by date.
    assert titles(api.get("/api/v1/offers/", {"starts_after": later})) == [standing.title]
    assert api.get("/api/v1/offers/", {"county": "x"}).status_code == 400


@pytest.mark.django_db
def test_free_for_me_follows_the_worker_s_categories_004_4_5(client, offer, make_worker):
    """A rural migrant worker (六类人员) gets the class as free; a worker of no category does
    not; nobody signed in gets nothing under "free for me"."""
    assert titles(APIClient().get("/api/v1/offers/", {"free": "true"})) == []
    eligible, other = make_worker(), make_worker(categories=())
    page = signed_in(client, eligible).get("/offers/", {"free": "true"})
    assert offer.title in page.content.decode()
    page = signed_in(client, other).get("/offers/", {"free": "true"})
    assert offer.title not in page.content.decode()


@pytest.mark.django_db
def test_an_ineligible_worker_reads_why_on_the_page_004_4_5(client, offer, make_worker):
    person = make_worker(categories=())
    page = signed_in(client, person).get(f"/offers/{offer.pk}/").content.decode()
    assert 'id="eligibility"' in page
    for reason in services.expected_subsidy(offer, person).reasons:
        assert reason in page or reason.replace("“", "&ldquo;") in page


@pytest.mark.django_db
def test_a_worker_never_reaches_another_s_sign_up(client, offer, make_worker):
    """Pages and API: another worker's sign-up does not exist for them (404)."""
    owner, other = make_worker(), make_worker()
    signed_in(client, owner).post(f"/offers/{offer.pk}/apply/")
    application = owner.applications.get()
    assert application.state == ApplicationState.APPLIED
    assert offer.title in client.get("/offers/mine/").content.decode()
    signed_in(client, other)
    assert offer.title not in client.get("/offers/mine/").content.decode()
    assert client.post(f"/offers/sign-ups/{application.pk}/withdraw/").status_code == 404
    assert client.post(f"/offers/sign-ups/{application.pk}/accept/").status_code == 404
    assert client.get(f"/offers/manage/{offer.pk}/").status_code in {403, 404}
    api = APIClient()
    api.force_authenticate(other.user)
    assert api.get("/api/v1/sign-ups/").json()["results"] == []
    assert api.get(f"/api/v1/sign-ups/{application.pk}/").status_code == 404
    api.force_authenticate(owner.user)
    assert [row["id"] for row in api.get("/api/v1/sign-ups/").json()["results"]] == [application.pk]
    application.refresh_from_db()
    assert application.state == ApplicationState.APPLIED


@pytest.mark.django_db
def test_the_institution_accepts_on_its_page(client, login, offer, make_worker):
    person = make_worker()
    signed_in(client, person).post(f"/offers/{offer.pk}/apply/")
    application = person.applications.get()
    login("institution")
    page = client.get(f"/offers/manage/{offer.pk}/").content.decode()
    assert person.id_number_masked in page
    client.post(f"/offers/sign-ups/{application.pk}/accept/")
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED
    page = signed_in(client, person).get("/offers/mine/").content.decode()
    assert 'data-state="accepted"' in page


@pytest.mark.django_db
def test_a_tampered_decline_gets_a_message_not_an_error(client, login, offer, make_worker):
    person = make_worker()
    signed_in(client, person).post(f"/offers/{offer.pk}/apply/")
    application = person.applications.get()
    login("institution")
    response = client.post(f"/offers/sign-ups/{application.pk}/decline/", {"reason": ""},
                           follow=True)  # fmt: skip
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.state == ApplicationState.APPLIED
    assert client.post("/offers/sign-ups/99999999999999999999/accept/").status_code == 404
