"""Evaluation pages: the list with its tabs (bookings, classes waiting for a booking, the overdue
queue), the booking form with the deadline of 004 §四(四) (培训结束后7日内) shown and enforced, a
booking's page with the organisation's accept and decline, the reviewer's exception, the
institution's cancellation, and the results grid (htmx) with its import link."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jineng.certificates.models import Certificate
from jineng.evaluation import services
from jineng.evaluation.models import BookingState, EvaluationBooking, EvaluationResult

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}


def test_the_list_and_its_navigation(login, booked):
    booking = booked()
    page = login("evaluator").get("/evaluations/")
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("evaluation:list") in html  # the navigation entry
    assert booking.training_class.code in html
    search = login("city_reviewer").get(
        "/evaluations/", {"q": booking.training_class.code, "state": "accepted"}, **HTMX
    )
    assert booking.training_class.code in search.content.decode()
    assert "<html" not in search.content.decode()  # the rows only, for htmx
    assert login("department").get("/evaluations/").status_code == 403
    assert login("worker").get("/evaluations/").status_code == 403


def test_the_class_page_links_its_bookings(login, booked):
    """Evaluation's part of the training class page, added through training.hooks: the class's
    bookings, and the booking button for the institution of a completed class only."""
    booking = booked()
    class_url = reverse("training:detail", args=[booking.training_class.pk])
    page = login("institution").get(class_url).content.decode()
    assert reverse("evaluation:detail", args=[booking.pk]) in page
    assert 'id="book-evaluation"' in page
    reviewer_page = login("city_reviewer").get(class_url).content.decode()
    assert reverse("evaluation:detail", args=[booking.pk]) in reviewer_page
    assert 'id="book-evaluation"' not in reviewer_page


def test_a_completed_class_waits_for_a_booking_and_is_booked_on_its_form(
    login, completed_class, centre
):
    """The institution sees its completed class under "waiting", opens the form, sees the due
    date (004 §四(四)) and books within it."""
    training_class = completed_class()
    client = login("institution")
    waiting = client.get("/evaluations/?tab=waiting").content.decode()
    book_url = reverse("evaluation:book", args=[training_class.pk])
    assert book_url in waiting
    form = client.get(book_url)
    due = training_class.end_date + timedelta(days=7)
    assert form.status_code == 200 and due.isoformat() in form.content.decode()
    assert f'value="{centre.pk}"' in form.content.decode()
    late_day = (due + timedelta(days=1)).isoformat()
    late = client.post(book_url, {"evaluation_org": centre.pk, "planned_date": late_day})
    assert late.status_code == 200 and "004 §四(四)" in late.content.decode()
    assert not EvaluationBooking.objects.filter(training_class=training_class).exists()
    response = client.post(book_url, {"evaluation_org": centre.pk, "planned_date": due})
    booking = EvaluationBooking.objects.get(training_class=training_class)
    assert response.status_code == 302 and response.url == f"/evaluations/{booking.pk}/"
    assert booking.planned_date == due and booking.created_by.username == "institution"
    assert book_url not in client.get("/evaluations/?tab=waiting").content.decode()


def test_the_booking_form_is_for_the_institution_and_its_classes(login, completed_class):
    training_class = completed_class()
    url = reverse("evaluation:book", args=[training_class.pk])
    assert login("evaluator").get(url).status_code == 404
    assert login("county_reviewer").get(url).status_code == 404


def test_accept_and_decline_on_the_page(login, booked):
    booking = booked(accept=False)
    url = f"/evaluations/{booking.pk}/"
    assert 'id="action-accept"' not in login("institution").get(url).content.decode()
    assert login("institution").post(f"{url}accept/").status_code == 403
    client = login("evaluator")
    page = client.get(url).content.decode()
    assert 'id="action-accept"' in page and 'id="action-decline"' in page
    client.post(f"{url}decline/", {"reason": ""})
    booking.refresh_from_db()
    assert booking.state == BookingState.REQUESTED
    client.post(f"{url}accept/")
    booking.refresh_from_db()
    assert booking.state == BookingState.ACCEPTED


def test_the_reviewer_grants_an_exception_on_the_page(login, act, completed_class, centre):
    """004 §四(四): a date after the deadline shows as waiting for the bureau; the reviewer grants
    the exception with a reason; the organisation may then accept."""
    training_class = completed_class()
    with act("institution"):
        booking = services.book(training_class, centre, training_class.end_date + timedelta(days=9),
                                late_reason="企业生产旺季")  # fmt: skip
    url = f"/evaluations/{booking.pk}/"
    evaluator_page = login("evaluator").get(url).content.decode()
    assert 'id="needs-exception"' in evaluator_page and 'id="action-accept"' not in evaluator_page
    reviewer = login("city_reviewer")
    assert 'id="action-exception"' in reviewer.get(url).content.decode()
    reviewer.post(f"{url}exception/", {"reason": "同意延期至企业生产任务结束后"})
    booking.refresh_from_db()
    assert booking.exception_granted
    assert "同意延期" in reviewer.get(url).content.decode()
    assert 'id="action-accept"' in login("evaluator").get(url).content.decode()


def test_the_institution_cancels_on_the_page(login, booked):
    booking = booked()
    client = login("institution")
    client.post(f"/evaluations/{booking.pk}/cancel/", {"reason": "改约"})
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.reason == "改约"


def test_the_results_grid(login, booked, examiner, supervisor):
    """One row saved by its button (htmx answers the grid), a row refused keeps what was typed,
    then every filled row at once; a pass shows its certificate number; then finish."""
    booking = booked(people=3)
    first, second, third = booking.training_class.enrollments.order_by("id")
    url = f"/evaluations/{booking.pk}/"
    client = login("evaluator")
    page = client.get(url).content.decode()
    assert 'id="results-form"' in page and f"?target={booking.pk}" in page
    panel = {"examiners": [examiner.pk], "supervisor": supervisor.pk}
    answer = client.post(
        f"{url}results/",
        {**panel, "enrollment": first.pk, f"theory-{first.pk}": "86.5",
         f"practical-{first.pk}": "91", f"passed-{first.pk}": "1",
         f"theory-{second.pk}": "150", f"practical-{second.pk}": "80",
         f"passed-{second.pk}": "1"},
        **HTMX,
    )  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 200 and html.startswith('<section id="results"')
    result = EvaluationResult.objects.get(enrollment=first)
    assert result.certificate.number in html
    assert reverse("certificates:detail", args=[result.certificate.pk]) in html  # a link
    assert 'value="150"' in html  # the second row was not saved: its typed values stay

    answer = client.post(
        f"{url}results/",
        {**panel, "enrollment": "all", f"theory-{second.pk}": "150",
         f"practical-{second.pk}": "80", f"passed-{second.pk}": "1",
         f"theory-{third.pk}": "40", f"practical-{third.pk}": "50", f"passed-{third.pk}": "0"},
        **HTMX,
    )  # fmt: skip
    assert EvaluationResult.objects.filter(enrollment=third, passed=False).exists()
    assert not EvaluationResult.objects.filter(enrollment=second).exists()
    assert second.person.name in answer.content.decode()  # the message names who was refused

    response = client.post(
        f"{url}results/",
        {**panel, "enrollment": second.pk, f"theory-{second.pk}": "70",
         f"practical-{second.pk}": "80", f"passed-{second.pk}": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Certificate.objects.filter(person=second.person).exists()
    client.post(f"{url}finish/")
    booking.refresh_from_db()
    assert booking.state == BookingState.DONE
    assert login("institution").post(f"{url}results/").status_code == 404


def test_the_overdue_tab(login, completed_class, trainees):
    """004 §四(四): the queue lists a completed class past its due date with no booking."""
    old = completed_class(timezone.localdate() - timedelta(days=10), persons=trainees[:1])
    page = login("city_reviewer").get("/evaluations/?tab=overdue").content.decode()
    assert old.code in page


def test_the_class_page_offers_a_booking_then_links_it(login, act, completed_class, centre):
    """A completed class's page offers the institution a booking (评价 within 7 days, 004 §四(四));
    once booked, the class page links the booking."""
    training_class = completed_class()
    class_url = reverse("training:detail", args=[training_class.pk])
    page = login("institution").get(class_url).content.decode()
    assert reverse("evaluation:book", args=[training_class.pk]) in page
    with act("institution"):
        booking = services.book(training_class, centre, training_class.end_date + timedelta(days=1))
    page = login("institution").get(class_url).content.decode()
    assert reverse("evaluation:detail", args=[booking.pk]) in page
