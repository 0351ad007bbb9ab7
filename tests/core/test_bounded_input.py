"""Issue 20, finding 5: no input makes a server error. Page sizes are capped, every whole number
a request carries is bounded by the database's range (an id of 20 digits is a refusal, not an
overflow in the driver), a search term has a length limit; the answer is a 400 with a message (a
page: its filter form's error), never a 500."""

import json

import pytest
from django.test import Client

from jineng.catalog.models import FundChannel
from jineng.core.filters import MAX_ID

pytestmark = pytest.mark.django_db
HUGE = "9" * 25
BEYOND = str(MAX_ID + 1)  # 9223372036854775808
LONG = "4" * 60_000


@pytest.fixture
def client_of(users):
    clients: dict[str, Client] = {}

    def of(username):
        if username not in clients:
            clients[username] = Client(raise_request_exception=False)
            clients[username].force_login(users[username])
        return clients[username]

    return of


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("city_reviewer", f"/api/v1/evaluations/?evaluation_org={HUGE}"),
        ("city_reviewer", f"/api/v1/evaluations/?org={HUGE}"),
        ("city_reviewer", f"/api/v1/classes/?occupation={HUGE}"),
        ("city_reviewer", f"/api/v1/classes/?institution={HUGE}"),
        ("city_reviewer", f"/api/v1/vouchers/?occupation={HUGE}"),
        ("admin", f"/api/v1/people/?offset={BEYOND}"),
        ("admin", f"/api/v1/organisations/?q={LONG}"),
        ("admin", f"/api/v1/institutions/?q={LONG}"),
        ("admin", f"/api/v1/classes/?q={LONG}"),
    ],
)
def test_the_api_answers_a_huge_number_or_term_without_a_server_error(client_of, username, url):
    """An id filter or a long term is refused (400, by name); a code that is only digits (an
    occupation) finds nothing; `org` is no parameter of the list and changes nothing."""
    response = client_of(username).get(url)
    assert response.status_code in (200, 400), (url[:100], response.content[:300])
    if "q=" in url or "evaluation_org=" in url or "institution=" in url or "offset=" in url:
        assert response.status_code == 400
        assert list(response.json()) == [url.split("?")[1].split("=")[0].split("&")[-1]]


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("city_reviewer", f"/classes/?occupation={HUGE}"),
        ("city_reviewer", f"/classes/review/?institution={HUGE}"),
        ("city_reviewer", f"/vouchers/?occupation={HUGE}"),
        ("city_reviewer", f"/evaluations/?org={HUGE}"),
        ("city_reviewer", f"/evaluations/?evaluation_org={HUGE}"),
        ("admin", f"/organisations/?q={LONG}"),
        ("admin", f"/people/?q={LONG}"),
        ("admin", f"/organisations/?page={HUGE}"),
    ],
)
def test_a_page_answers_a_huge_number_or_term_without_a_server_error(client_of, username, url):
    response = client_of(username).get(url)
    assert response.status_code in (200, 400, 404), (url[:100], response.status_code)


def test_a_page_size_is_capped(client_of, settings):
    settings.API_MAX_PAGE_SIZE = 3
    for limit in ("9223372036854775807", BEYOND, "4"):
        response = client_of("admin").get(f"/api/v1/organisations/?limit={limit}")
        assert response.status_code == 200, response.content[:300]
        assert len(response.json()["results"]) == 3


def send(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_huge_ids_in_posted_bodies_are_refused_with_a_message(client_of):
    finance, reviewer = client_of("city_reviewer"), client_of("city_reviewer")
    channel = FundChannel.objects.order_by("code").first().code
    for client, url, body in [
        (finance, "/api/v1/claims/batches/", {"fund_channel": channel, "lines": [int(HUGE)]}),
        (finance, "/api/v1/claims/batches/1/outcomes/",
         {"outcomes": [{"line": int(HUGE), "paid": True}]}),
        (reviewer, "/api/v1/claims/1/review/", {"approve": [int(HUGE)]}),
        (reviewer, "/api/v1/claims/1/review/", {"reject": [int(BEYOND)], "reason": "x"}),
        (client_of("institution"), "/api/v1/claims/", {"training_class": int(HUGE)}),
    ]:  # fmt: skip
        response = send(client, url, body)
        assert response.status_code in (400, 403, 404), (url, response.content[:300])


def test_every_whole_number_a_request_carries_is_bounded(client_of):
    """The schema's request bodies: every integer property has a maximum (core.api.IdField or
    its own max_value), so no value reaches the database beyond its range."""
    schema = client_of("admin").get("/api/schema/?format=json").json()
    unbounded = []

    def walk(name, node):
        if isinstance(node, dict):
            if node.get("type") == "integer" and "maximum" not in node and not node.get("readOnly"):
                unbounded.append(name)
            for key, value in node.items():
                walk(f"{name}.{key}", value)
        elif isinstance(node, list):
            for value in node:
                walk(name, value)

    for component, body in schema["components"]["schemas"].items():
        if component.endswith("Request"):
            walk(component, body)
    # Rows chosen by id (PrimaryKeyRelatedField): an exact lookup beyond the column's range finds
    # no row in Django 5, so the field answers "does not exist" (checked below over HTTP).
    chosen_rows = {
        "BookRequestRequest.properties.training_class",
        "BookRequestRequest.properties.evaluation_org",
        "DeviceCreateRequest.properties.institution",
        "PatchedTrainingClassWriteRequest.properties.institution",
        "PatchedTrainingClassWriteRequest.properties.funding_department",
        "SessionRequest.properties.teacher",
        "TeacherIdsRequest.properties.teachers.items",
        "TrainingClassWriteRequest.properties.institution",
        "TrainingClassWriteRequest.properties.funding_department",
    }
    assert set(unbounded) - chosen_rows == set()
    booking = {
        "training_class": int(HUGE),
        "evaluation_org": int(HUGE),
        "planned_date": "2026-01-01",
    }
    response = send(client_of("institution"), "/api/v1/evaluations/", booking)
    assert response.status_code == 400 and set(response.json()) == {
        "training_class",
        "evaluation_org",
    }
