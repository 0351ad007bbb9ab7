"""Notifications (issue 19): each event tells the worker once, on the site, and by text message
only where the worker agreed (PIPL art. 14), after the change is committed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jineng.claims.models import LineState
from jineng.portal import services, tasks
from jineng.portal.models import Notification, NotificationKind, SmsState
from jineng.training import services as training
from tests.factories import (
    BookingFactory,
    CertificateFactory,
    ClaimFactory,
    TrainingClassFactory,
    pay,
)

pytestmark = pytest.mark.django_db


def kinds(user):
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def agree(act, user):
    with act(user):
        services.set_sms_consent(user, True)


def test_accepted_once_and_texted_only_with_consent(
    make_worker, act, outbox, django_capture_on_commit_callbacks
):
    """Accepted into a class: the worker who agreed gets one text, the other none; both see it."""
    (agreed, agreed_user), (silent, silent_user) = make_worker(), make_worker()
    agree(act, agreed_user)
    with django_capture_on_commit_callbacks(execute=True):
        training_class = TrainingClassFactory(state="approved", trainees=[agreed, silent])
    assert kinds(agreed_user) == [NotificationKind.ACCEPTED]
    assert kinds(silent_user) == [NotificationKind.ACCEPTED]
    assert [m.text for m in outbox if training_class.code in m.text] == [
        m.text for m in outbox
    ] and len(outbox) == 1
    assert Notification.objects.get(user=agreed_user).sms == SmsState.SENT
    assert Notification.objects.get(user=silent_user).sms == SmsState.NOT_SENT
    # The same enrolment told again (a service run twice, a signal sent twice): still once.
    enrollment = training_class.enrollments.get(person=agreed)
    with django_capture_on_commit_callbacks(execute=True):
        services.on_enrolled(enrollment)
    assert Notification.objects.filter(user=agreed_user).count() == 1
    assert len(outbox) == 1


def test_no_text_when_the_change_is_undone(make_worker, act, outbox):
    """A receiver runs in the sender's transaction: an enrolment rolled back leaves neither a
    notification nor a text (the text waits for the commit)."""
    person, user = make_worker()
    agree(act, user)
    training_class = TrainingClassFactory(state="draft", trainees=[])
    with act("institution"), pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            training.enrol(training_class, person)
            raise RuntimeError("undo")
    assert not Notification.objects.filter(user=user).exists()
    assert outbox == []


def test_evaluation_booked_and_certificate_issued(
    make_worker, act, outbox, django_capture_on_commit_callbacks
):
    person, user = make_worker()
    agree(act, user)
    training_class = TrainingClassFactory(state="completed", trainees=[person])
    with django_capture_on_commit_callbacks(execute=True):
        booking = BookingFactory(training_class=training_class)
    booked = Notification.objects.get(user=user, kind=NotificationKind.EVALUATION_BOOKED)
    assert booked.params["date"] == booking.planned_date.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = CertificateFactory(person=person, training_class=training_class, level="5")
    issued = Notification.objects.get(user=user, kind=NotificationKind.CERTIFICATE_ISSUED)
    assert certificate.number in services.text_of(issued.kind, issued.params)
    assert sorted(kinds(user)) == sorted(
        [NotificationKind.ACCEPTED, NotificationKind.EVALUATION_BOOKED,
         NotificationKind.CERTIFICATE_ISSUED]
    )  # fmt: skip
    texts = [m.text for m in outbox]
    assert sum(certificate.number in t for t in texts) == 1
    assert all(m.phone == m.phone.strip() and len(m.phone) == 11 for m in outbox)


def test_subsidy_paid_once_per_line(make_worker, act, outbox, django_capture_on_commit_callbacks):
    claim = ClaimFactory(state="payable")
    lines = list(claim.lines.filter(state=LineState.APPROVED).select_related("person"))
    users = [make_worker(line.person)[1] for line in lines]
    agree(act, users[0])
    with django_capture_on_commit_callbacks(execute=True):
        pay(claim, "city_reviewer", recovery=False)
    for user in users:
        assert kinds(user) == [NotificationKind.SUBSIDY_PAID]
    paid = Notification.objects.get(user=users[0])
    assert paid.params["claim"] == claim.number
    assert len(outbox) == 1 and claim.number in outbox[0].text


def test_class_starts_tomorrow_told_once(make_worker, act, outbox):
    """The daily task: every worker of a class starting tomorrow, once however often it runs."""
    person, user = make_worker()
    tomorrow = timezone.localdate() + timedelta(days=1)
    TrainingClassFactory(state="approved", start=tomorrow, trainees=[person])
    first = tasks.remind_class_starts.call()
    again = tasks.remind_class_starts.call()
    assert first == {"told": 1} and again == {"told": 0}
    assert kinds(user).count(NotificationKind.STARTS_TOMORROW) == 1
    # A class starting in two days is not told yet.
    assert tasks.remind_class_starts.call(
        (timezone.localdate() - timedelta(days=5)).isoformat()
    ) == {"told": 0}


def test_unread_count_in_the_header_and_mark_read(make_worker, signed_in):
    person, user = make_worker()
    TrainingClassFactory(state="approved", trainees=[person])
    client = signed_in(user)
    page = client.get("/me/notifications/").content.decode()
    assert 'id="notifications-link"' in page and "data-count>1<" in page
    assert client.post("/me/notifications/read/").status_code == 302
    assert "data-count>" not in client.get("/").content.decode()
    assert Notification.objects.get(user=user).read_at is not None


def test_withdrawing_consent_stops_texts(
    make_worker, act, outbox, django_capture_on_commit_callbacks
):
    """The consent is the worker's, given and withdrawn, each change recorded with its time."""
    from jineng.core.models import AuditEntry

    person, user = make_worker()
    agree(act, user)
    with act(user):
        settings = services.set_sms_consent(user, False)
    assert settings.consent_changed_at is not None
    assert AuditEntry.objects.filter(object_type="portal.workersettings").count() >= 2
    with django_capture_on_commit_callbacks(execute=True):
        TrainingClassFactory(state="approved", trainees=[person])
    assert kinds(user) == [NotificationKind.ACCEPTED] and outbox == []
