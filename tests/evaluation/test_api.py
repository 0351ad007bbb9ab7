"""The evaluation API (/api/v1/evaluations/): an institution's system books a completed class,
the organisation's system accepts or declines and posts results in batches (each on its own; the
same result sent again is "unchanged"), the bureau grants exceptions to the deadline of 004
§四(四) (培训结束后7日内), and every read and write follows the data scope and the roles."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from jineng.certificates.models import Certificate
from jineng.institutions.models import Institution
from jineng.people.services import decrypt_id_number
from tests.factories import TrainingClassFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluations/"


@pytest.fixture
def api(users):
    """api(username, method, path, body=None) -> (status, JSON body)."""
    clients: dict[str, Client] = {}

    def do(username, method, path, body=None):
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(users[username])
        send = getattr(clients[username], method.lower())
        if body is None:
            response = send(path)
        else:
            response = send(path, json.dumps(body), content_type="application/json")
        return response.status_code, json.loads(response.content) if response.content else None

    return do


def test_book_accept_and_post_results(api, completed_class, centre, examiner, supervisor):
    """The whole exchange: book within the deadline (004 §四(四)), accept, results by enrollment
    id and by ID number, a resend unchanged, a bad item rejected alone, finish."""
    training_class = completed_class(people=3, missing=1)
    body = {
        "training_class": training_class.pk,
        "evaluation_org": centre.pk,
        "planned_date": str(training_class.end_date + timedelta(days=1)),
    }
    status, booking = api("institution", "POST", API, body)
    assert status == 201, booking
    assert booking["state"] == "requested" and not booking["late"]
    assert booking["due_on"] == str(training_class.end_date + timedelta(days=7))
    assert booking["trainees"] == 2 and booking["results"] == []
    url = f"{API}{booking['id']}/"
    assert api("institution", "POST", f"{url}accept/")[0] == 403
    status, accepted = api("evaluator", "POST", f"{url}accept/")
    assert status == 200 and accepted["state"] == "accepted"

    first, second, missed = training_class.enrollments.select_related("person").order_by("id")
    panel = {"examiners": [examiner.certificate], "supervisor": supervisor.certificate}
    items = [
        {"enrollment": first.pk, "theory_score": "86.5", "practical_score": 91, "passed": True,
         **panel},
        {"id_number": decrypt_id_number(second.person), "theory_score": 40,
         "practical_score": 55, "passed": False, **panel},
        {"enrollment": missed.pk, "theory_score": 70, "practical_score": 70, "passed": True,
         **panel},
    ]  # fmt: skip
    status, outcomes = api("evaluator", "POST", f"{url}results/", items)
    assert status == 200, outcomes
    assert [o["status"] for o in outcomes] == ["created", "created", "rejected"]
    assert outcomes[0]["certificate"] and not outcomes[1]["certificate"]
    assert outcomes[1]["trainee"] == second.person.id_number_masked
    assert outcomes[2]["error"]
    assert Certificate.objects.filter(number=outcomes[0]["certificate"]).exists()

    status, again = api("evaluator", "POST", f"{url}results/", items[:1])
    assert [o["status"] for o in again] == ["unchanged"]
    changed = {**items[0], "theory_score": 60}
    status, again = api("evaluator", "POST", f"{url}results/", [changed])
    assert again[0]["status"] == "rejected"
    status, wrong = api("evaluator", "POST", f"{url}results/", [{**items[1], "supervisor": "X"}])
    assert wrong[0]["status"] == "rejected"

    status, results = api("institution", "GET", f"{url}results/")
    assert status == 200 and len(results) == 2
    assert results[0]["examiners"] == [examiner.certificate]
    status, done = api("evaluator", "POST", f"{url}finish/")
    assert status == 200 and done["state"] == "done" and done["results_recorded"] == 2


def test_a_late_date_needs_a_reason_and_the_bureaus_exception(api, completed_class, centre):
    """004 §四(四): the 8th day after the end is refused without a reason; with one it waits for
    the bureau's exception before the organisation accepts it."""
    training_class = completed_class()
    body = {
        "training_class": training_class.pk,
        "evaluation_org": centre.pk,
        "planned_date": str(training_class.end_date + timedelta(days=8)),
    }
    status, refused = api("institution", "POST", API, body)
    assert status == 400 and "planned_date" in refused
    status, booking = api("institution", "POST", API, {**body, "late_reason": "集中返乡后评价"})
    assert status == 201 and booking["late"] and not booking["exception_granted"]
    url = f"{API}{booking['id']}/"
    assert api("evaluator", "POST", f"{url}accept/")[0] == 400
    assert api("evaluator", "POST", f"{url}exception/", {"reason": "同意"})[0] == 403
    status, excepted = api("city_reviewer", "POST", f"{url}exception/", {"reason": "同意延期"})
    assert status == 200 and excepted["exception_granted"]
    assert excepted["deadline"] == body["planned_date"]
    assert api("evaluator", "POST", f"{url}accept/")[0] == 200


def test_decline_and_the_list_filters(api, booked):
    booking = booked(accept=False)
    url = f"{API}{booking.pk}/"
    assert api("evaluator", "POST", f"{url}decline/", {})[0] == 400
    status, declined = api("evaluator", "POST", f"{url}decline/", {"reason": "当日无考位"})
    assert status == 200 and declined["state"] == "declined" and declined["reason"] == "当日无考位"
    status, listing = api("city_reviewer", "GET", f"{API}?state=declined")
    assert status == 200 and [row["id"] for row in listing["results"]] == [booking.pk]
    status, listing = api("city_reviewer", "GET", f"{API}?state=accepted")
    assert booking.pk not in [row["id"] for row in listing["results"]]


def test_scope_and_roles(api, booked, centre, orgs, users):
    """Outside the scope a booking does not exist (404); a class of another institution cannot be
    booked; the department's staff see no evaluations (403); finance reads only."""
    booking = booked(accept=False)
    assert api("county_reviewer", "GET", f"{API}{booking.pk}/")[0] == 404
    assert api("department", "GET", API)[0] == 403
    assert api("finance", "GET", f"{API}{booking.pk}/")[0] == 200
    assert api("finance", "POST", f"{API}{booking.pk}/accept/")[0] == 403
    status, listing = api("county_reviewer", "GET", API)
    assert status == 200 and booking.pk not in [row["id"] for row in listing["results"]]
    other = TrainingClassFactory(  # a completed class of 永城市技工学校 (no demo login)
        state="completed",
        institution=Institution.objects.get(organisation=orgs["inst_yongcheng"]),
        staff="admin",
        level="4",
    )
    body = {"training_class": other.pk, "evaluation_org": centre.pk,
            "planned_date": str(other.end_date + timedelta(days=1))}  # fmt: skip
    status, refused = api("institution", "POST", API, body)
    assert status == 400 and "training_class" in refused
    # A class outside the scope is refused exactly as an id that does not exist (issue 20, 1).
    missing = {**body, "training_class": other.pk + 10_000}
    status, unknown = api("institution", "POST", API, missing)
    assert status == 400
    assert refused["training_class"] == [
        message.replace(str(other.pk + 10_000), str(other.pk))
        for message in unknown["training_class"]
    ]


def test_the_schema_documents_the_endpoints(users):
    client = Client()
    client.force_login(users["admin"])
    response = client.get("/api/schema/")
    assert response.status_code == 200
    for path in ("/api/v1/evaluations/", "/api/v1/evaluations/{id}/results/",
                 "/api/v1/evaluations/{id}/exception/",
                 "/api/v1/evaluations/{id}/agreements/"):  # fmt: skip
        assert path.encode() in response.content
