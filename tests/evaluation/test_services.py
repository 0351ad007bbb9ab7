"""Evaluation (评价) through the services: the booking of a completed class with a listed
organisation, the deadline of 004 §四(四) (考核评价机构要在培训结束后7日内完成考核评价工作: the 7th
day after the end allowed, the 8th refused unless a reviewer grants an exception with a reason), the
organisation's accept and decline, results with their examiners and quality supervisor, and the
certificate a pass issues (none on a fail)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from jineng.catalog.models import SkillLevel
from jineng.certificates.models import Certificate, CertificateKind
from jineng.certificates.numbers import parse
from jineng.core.models import AuditEntry
from jineng.evaluation import services
from jineng.evaluation.models import BookingState, EvaluationBooking, EvaluationResult
from jineng.institutions.models import Examiner, ExaminerRole, Listing
from jineng.people.models import LedgerEvent
from jineng.training.models import EnrollmentState
from tests.factories import TrainingClassFactory

pytestmark = pytest.mark.django_db


def messages_of(problem) -> str:
    return " ".join(problem.value.messages)


@pytest.fixture
def english():
    """Messages read in English: the assertions name words of the source."""
    with translation.override("en"):
        yield


def record(booking, enrollment, examiner, supervisor, *, passed=True, theory="86.5",
           practical="91"):  # fmt: skip
    return services.record_result(
        booking, enrollment, theory=theory, practical=practical, passed=passed,
        examiners=[examiner], supervisor=supervisor,
    )  # fmt: skip


# --- the deadline (004 §四(四)) -----------------------------------------------------------------


def test_the_deadline_is_the_packs_seven_days_after_the_end(completed_class):
    """004 §四(四): 培训结束后7日内 - the pack's procedure.evaluation_deadline_days, with its
    citation, counted in calendar days from the class's last day."""
    training_class = completed_class()
    deadline = services.deadline_for(training_class)
    assert deadline.days == 7
    assert deadline.due == training_class.end_date + timedelta(days=7)
    check = deadline.check(training_class.end_date, deadline.due)
    assert check.passed and check.evidence["cite"] == "004 §四(四)"


def test_the_seventh_day_after_the_end_is_allowed_the_eighth_refused(act, completed_class, centre):
    """004 §四(四): a booking for the 7th day after the end is taken; the 8th is refused without
    a reason for the bureau, and nothing is stored."""
    training_class = completed_class()
    end = training_class.end_date
    with act("institution"), pytest.raises(ValidationError) as refused:
        services.book(training_class, centre, end + timedelta(days=8))
    assert "004 §四(四)" in messages_of(refused)
    assert not EvaluationBooking.objects.filter(training_class=training_class).exists()
    with act("institution"):
        booking = services.book(training_class, centre, end + timedelta(days=7))
    assert booking.state == BookingState.REQUESTED
    assert booking.due_on == end + timedelta(days=7) and not booking.late
    assert booking.pack is not None
    with act("evaluator"):
        services.accept(booking)
    booking.refresh_from_db()
    assert booking.state == BookingState.ACCEPTED and booking.decided_by.username == "evaluator"


def test_a_late_date_waits_for_a_reviewers_exception_with_a_reason(
    act, completed_class, centre, english
):
    """004 §四(四): the 8th day, with the institution's reason, is booked but cannot be accepted
    until a reviewer grants an exception, with a reason of their own."""
    training_class = completed_class()
    late_day = training_class.end_date + timedelta(days=8)
    with act("institution"):
        booking = services.book(training_class, centre, late_day, late_reason="学员返乡后统一评价")
    assert booking.late and booking.needs_exception and booking.late_reason == "学员返乡后统一评价"
    with act("evaluator"), pytest.raises(ValidationError) as refused:
        services.accept(booking)
    assert "exception" in messages_of(refused)
    with (
        act("institution"),
        pytest.raises(PermissionDenied, match="Only the bureau grants exceptions to the deadline"),
    ):
        services.grant_exception(booking, "同意")
    with act("city_reviewer"), pytest.raises(ValidationError, match="Give the reason") as refused:
        services.grant_exception(booking, "  ")
    assert "reason" in refused.value.message_dict
    with act("city_reviewer"):
        services.grant_exception(booking, "企业生产任务集中，同意延期评价。")
    booking.refresh_from_db()
    assert booking.exception_granted and booking.exception_by.username == "city_reviewer"
    assert booking.deadline == late_day
    with (
        act("city_reviewer"),
        pytest.raises(ValidationError, match="The exception was already granted"),
    ):
        services.grant_exception(booking, "again")
    with act("evaluator"):
        services.accept(booking)
    entry = AuditEntry.objects.filter(object_id=str(booking.pk), message="deadline exception")
    assert entry.get().after["exception_reason"] == "企业生产任务集中，同意延期评价。"


def test_no_exception_for_a_date_within_the_deadline(act, booked):
    booking = booked(accept=False)
    with act("city_reviewer"), pytest.raises(ValidationError, match="无需批准例外"):
        services.grant_exception(booking, "不需要")


# --- what may be booked -------------------------------------------------------------------------


def test_only_a_completed_class_is_booked_after_its_last_day(act, completed_class, centre,
                                                             institution, english):  # fmt: skip
    training_class = completed_class()
    with act("institution"), pytest.raises(ValidationError) as refused:
        services.book(training_class, centre, training_class.end_date)
    assert "planned_date" in refused.value.message_dict
    with (
        act("evaluator"),
        pytest.raises(PermissionDenied, match="Only the training institution books the evaluation"),
    ):
        services.book(training_class, centre, training_class.end_date + timedelta(days=1))
    running = TrainingClassFactory(state="in_progress", institution=institution)
    with act("institution"), pytest.raises(ValidationError) as refused:
        services.book(running, centre, timezone.localdate() + timedelta(days=30))
    assert "completed" in messages_of(refused)


def test_the_organisation_must_be_listed_for_the_year_and_have_filed_the_occupation_and_level(
    act, completed_class, centre, station
):
    """004 §四(四): from the published list (从全省公布的考核评价机构中筛选确定): listed for the
    evaluation's year, with a filing (备案) for the class's occupation and level."""
    training_class = completed_class(level="4")
    day = training_class.end_date + timedelta(days=2)
    with act("institution"), pytest.raises(ValidationError) as refused:
        services.book(training_class, station, day)  # files welding 三级 only
    assert "evaluation_org" in refused.value.message_dict
    Listing.objects.filter(evaluation_org=centre, year=day.year).delete()
    with act("institution"), pytest.raises(ValidationError) as refused:
        services.book(training_class, centre, day)
    assert str(day.year) in messages_of(refused)


def test_one_active_booking_per_class_and_a_declined_class_books_again(act, booked, centre):
    booking = booked(accept=False)
    training_class = booking.training_class
    with act("institution"), pytest.raises(ValidationError, match="本班已预约评价"):
        services.book(training_class, centre, booking.planned_date)
    with act("evaluator"), pytest.raises(ValidationError, match="请填写理由") as refused:
        services.decline(booking, "")
    assert "reason" in refused.value.message_dict
    with (
        act("institution"),
        pytest.raises(PermissionDenied, match="只有评价机构可以受理、拒绝预约"),
    ):
        services.decline(booking, "不接")
    with act("evaluator"):
        services.decline(booking, "考评员当日另有评价任务，请改约。")
    booking.refresh_from_db()
    assert booking.state == BookingState.DECLINED and booking.reason.startswith("考评员")
    with act("evaluator"), pytest.raises(ValidationError, match="“已拒绝”的预约不能变为“已受理”"):
        services.accept(booking)
    with act("institution"):
        again = services.book(training_class, centre, booking.planned_date + timedelta(days=1))
    assert again.state == BookingState.REQUESTED


def test_the_institution_cancels_a_booking_without_results(act, booked, examiner, supervisor,
                                                           trainees):  # fmt: skip
    booking = booked(persons=trainees[:2])
    with act("institution"):
        services.cancel(booking, "改约其他评价机构")
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
    other = booked(persons=trainees[3:5])
    enrollment = other.training_class.enrollments.first()
    with act("evaluator"):
        record(other, enrollment, examiner, supervisor)
    with act("institution"), pytest.raises(ValidationError, match="已录入评价结果，不能再取消预约"):
        services.cancel(other, "不评了")


# --- results and certificates -------------------------------------------------------------------


def test_a_pass_issues_a_skill_level_certificate_and_a_fail_none(
    act, booked, examiner, supervisor, centre
):
    """A pass issues the 职业技能等级证书 of the class's level, numbered with the organisation's
    register and station codes; a fail issues nothing. Both go on the trainee's ledger."""
    booking = booked(people=2)
    first, second = booking.training_class.enrollments.order_by("id")
    with act("evaluator"):
        passed = record(booking, first, examiner, supervisor, theory="86.5", practical=91)
        failed = record(booking, second, examiner, supervisor, passed=False, theory=Decimal("52"))
    certificate = passed.certificate
    assert certificate is not None and certificate.kind == CertificateKind.SKILL_LEVEL
    assert (
        certificate.person == first.person and certificate.training_class == booking.training_class
    )
    assert certificate.level.code == "5" and certificate.evaluation_org == centre
    number = parse(certificate.number)
    assert (number.register_code, number.station_code) == (
        centre.register_code,
        centre.station_code,
    )
    assert certificate.signed_payload
    assert passed.theory_score == Decimal("86.50") and list(passed.examiners.all()) == [examiner]
    assert passed.supervisor == supervisor and passed.entered_by.username == "evaluator"
    assert failed.certificate is None
    assert not Certificate.objects.filter(person=second.person).exists()
    events = LedgerEvent.objects.filter(kind="evaluation", person=first.person)
    assert events.get().detail["certificate"] == certificate.number
    assert (
        LedgerEvent.objects.filter(kind="evaluation", person=second.person).get().detail["passed"]
        is False
    )


def test_a_trainee_has_one_result(act, booked, examiner, supervisor):
    booking = booked(people=1)
    enrollment = booking.training_class.enrollments.get()
    with act("evaluator"):
        record(booking, enrollment, examiner, supervisor)
        with pytest.raises(ValidationError) as refused:
            record(booking, enrollment, examiner, supervisor, passed=False)
    assert enrollment.person.name in messages_of(refused)
    assert EvaluationResult.objects.filter(enrollment=enrollment).count() == 1
    assert Certificate.objects.filter(person=enrollment.person).count() == 1


def test_results_wait_for_acceptance_and_the_evaluation_date(act, booked, examiner, supervisor,
                                                             trainees):  # fmt: skip
    waiting = booked(accept=False, persons=trainees[:2])
    enrollment = waiting.training_class.enrollments.first()
    with (
        act("evaluator"),
        pytest.raises(ValidationError, match="只能录入已受理的预约；本预约为“已预约”"),
    ):
        record(waiting, enrollment, examiner, supervisor)
    today = timezone.localdate()
    future = booked(
        end=today - timedelta(days=1), planned=today + timedelta(days=2), persons=trainees[3:4]
    )
    with act("evaluator"), pytest.raises(ValidationError) as refused:
        record(future, future.training_class.enrollments.get(), examiner, supervisor)
    assert str(future.planned_date) in messages_of(refused)


def test_only_trainees_who_completed_are_evaluated(act, booked, examiner, supervisor):
    booking = booked(people=3, missing=1)
    missed = booking.training_class.enrollments.get(state=EnrollmentState.NOT_COMPLETED)
    with act("evaluator"), pytest.raises(ValidationError, match="未结业：只有结业学员参加评价"):
        record(booking, missed, examiner, supervisor)


@pytest.mark.parametrize(
    ("theory", "practical", "field"),
    [("101", "90", "theory_score"), ("-1", "90", "theory_score"), ("80", "abc", "practical_score"),
     ("80.125", "90", "theory_score")],
)  # fmt: skip
def test_scores_are_from_0_to_100_with_two_decimals(act, booked, examiner, supervisor, theory,
                                                    practical, field):  # fmt: skip
    booking = booked(people=1)
    with act("evaluator"), pytest.raises(ValidationError) as refused:
        record(booking, booking.training_class.enrollments.get(), examiner, supervisor,
               theory=theory, practical=practical)  # fmt: skip
    assert field in refused.value.message_dict


def test_the_examiners_and_supervisor_are_the_organisations(act, booked, examiner, supervisor,
                                                            station):  # fmt: skip
    """003 §五16 keeps credit files of examiners and supervisors: each result names who examined
    (考评员, at least one, of the organisation, certified on the day) and who supervised
    (质量督导员, not also an examiner)."""
    booking = booked(people=1)
    enrollment = booking.training_class.enrollments.get()
    elsewhere = station.examiners.get(role=ExaminerRole.EXAMINER)
    cases = [
        ([], supervisor, "examiners"),
        ([elsewhere], supervisor, "examiners"),
        ([supervisor], supervisor, "examiners"),
        ([examiner], None, "supervisor"),
        ([examiner], examiner, "supervisor"),
    ]
    with act("evaluator"):
        for examiners, chosen, field in cases:
            with pytest.raises(ValidationError) as refused:
                services.record_result(booking, enrollment, theory=80, practical=80, passed=True,
                                       examiners=examiners, supervisor=chosen)  # fmt: skip
            assert field in refused.value.message_dict
        both = Examiner.objects.create(
            evaluation_org=booking.evaluation_org, person=supervisor.person,
            role=ExaminerRole.EXAMINER, certificate="KPY-BOTH",
        )  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            record(booking, enrollment, both, supervisor)
        assert "supervisor" in refused.value.message_dict
        expired = Examiner.objects.create(
            evaluation_org=booking.evaluation_org, person=enrollment.person,
            role=ExaminerRole.EXAMINER, certificate="KPY-OLD",
            valid_to=booking.planned_date - timedelta(days=1),
        )  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            record(booking, enrollment, expired, supervisor)
        assert "examiners" in refused.value.message_dict
    assert not EvaluationResult.objects.filter(enrollment=enrollment).exists()


def test_a_pass_needs_the_organisations_numbering_codes(act, booked, examiner, supervisor,
                                                        centre, english):  # fmt: skip
    """A 职业技能等级证书 number carries the register and station codes: without them a pass is
    refused (and stores nothing); a fail is recorded."""
    booking = booked(people=2)
    first, second = booking.training_class.enrollments.order_by("id")
    type(centre).objects.filter(pk=centre.pk).update(register_code="", station_code="")
    with act("evaluator"), pytest.raises(ValidationError) as refused:
        record(booking, first, examiner, supervisor)
    assert "register and station codes" in messages_of(refused)
    assert not EvaluationResult.objects.filter(enrollment=first).exists()
    with act("evaluator"):
        record(booking, second, examiner, supervisor, passed=False)


def test_the_certificate_kind_follows_the_level():
    """Levels 五级 to 一级 lead to 职业技能等级证书, 专项职业能力 to 专项职业能力证书."""
    kinds = {level.code: level for level in SkillLevel.objects.all()}
    assert services.certificate_kind(kinds["4"]) == CertificateKind.SKILL_LEVEL
    assert services.certificate_kind(kinds["1"]) == CertificateKind.SKILL_LEVEL
    assert services.certificate_kind(kinds["special"]) == CertificateKind.SPECIAL_ABILITY
    with pytest.raises(ValidationError, match="不颁发学徒工等级的证书"):
        services.certificate_kind(kinds["apprentice"])


def test_finish_once_every_completed_trainee_has_a_result(act, booked, examiner, supervisor):
    booking = booked(people=3, missing=1)
    done, other, _missed = booking.training_class.enrollments.order_by("id")
    with act("evaluator"):
        record(booking, done, examiner, supervisor)
        with pytest.raises(ValidationError) as refused:
            services.finish(booking)
        assert other.person.name in messages_of(refused)
        record(booking, other, examiner, supervisor, passed=False)
        services.finish(booking)
    booking.refresh_from_db()
    assert booking.state == BookingState.DONE and booking.finished_at is not None
    with (
        act("evaluator"),
        pytest.raises(ValidationError, match="只能录入已受理的预约；本预约为“已完成”"),
    ):
        record(booking, _missed, examiner, supervisor)


def test_finance_reads_and_never_writes(act, booked):
    booking = booked(accept=False)
    with act("finance"), pytest.raises(PermissionDenied, match="只有评价机构可以受理、拒绝预约"):
        services.accept(booking)
