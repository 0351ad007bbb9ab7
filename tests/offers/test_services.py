"""Sign-up (报名, 004 §四(三) 广泛发动各类劳动者积极报名参加培训; 003 §三10 统一的报名平台):
applying, accepting through enrolment, declining, the waiting list, and the subsidy expected."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jineng.offers import services
from jineng.offers.models import ApplicationState, OfferKind
from jineng.training import services as training
from jineng.training.models import EnrollmentState
from tests.actors import act


def apply(person, offer, **kwargs):
    with act(person.user):
        return services.apply(offer, **kwargs)


@pytest.mark.django_db
def test_waiting_list_moves_up_in_order_when_a_place_frees_003_3_10(offer, make_worker):
    """Two places: the third and fourth sign-ups wait; a declined sign-up moves the third up,
    a trainee leaving the roster moves the fourth up (in the order they signed up)."""
    people = [make_worker() for _ in range(4)]
    first, second, third, fourth = (apply(p, offer) for p in people)
    assert [a.state for a in (first, second)] == [ApplicationState.APPLIED] * 2
    assert [a.state for a in (third, fourth)] == [ApplicationState.WAITING] * 2
    assert services.waiting_position(third) == 1 and services.waiting_position(fourth) == 2
    with act("institution"):
        services.accept(first)
        services.decline(second, "名额已满，请报下一期")
    third.refresh_from_db(), fourth.refresh_from_db()
    assert third.state == ApplicationState.APPLIED
    assert fourth.state == ApplicationState.WAITING
    assert services.waiting_position(fourth) == 1
    first.refresh_from_db()
    assert first.state == ApplicationState.ACCEPTED
    assert first.enrollment.state == EnrollmentState.ENROLLED
    with act("institution"):
        services.accept(third)
        training.withdraw_enrollment(first.enrollment, "本人退出")
    fourth.refresh_from_db()
    assert fourth.state == ApplicationState.APPLIED
    change = fourth.changes.order_by("-at", "-id").first()
    assert "waiting list" in change.reason or "候补" in change.reason


@pytest.mark.django_db
def test_an_ineligible_worker_sees_why_004_4_5(offer, make_worker):
    """A worker of no person category: the engine's reason, in words, before and after the
    acceptance (the roster's decision, as for any enrolment)."""
    person = make_worker(categories=())
    expected = services.expected_subsidy(offer, person)
    assert expected.eligible is False and not expected.free
    assert expected.reasons and all(isinstance(r, str) and r for r in expected.reasons)
    application = apply(person, offer)
    with act("institution"):
        services.accept(application)
    application.refresh_from_db()
    assert application.enrollment.eligible is False


@pytest.mark.django_db
def test_expected_subsidy_comes_from_the_engine_004_4_5(offer, make_worker):
    """The amounts are the claims' standard times the pack's rates by outcome (100/80/50%)."""
    expected = services.expected_subsidy(offer, make_worker())
    assert expected.eligible and expected.free
    amounts = [amount for _label, amount in expected.outcomes]
    standard = expected.standard
    assert amounts == [standard, standard * 8 / 10, standard / 2]


@pytest.mark.django_db
def test_signing_up_twice_is_refused(offer, make_worker):
    person = make_worker()
    apply(person, offer)
    with pytest.raises(ValidationError, match="already signed up|已报名"):
        apply(person, offer)


@pytest.mark.django_db
def test_only_the_institution_decides_and_only_the_worker_withdraws(offer, make_worker):
    person, other = make_worker(), make_worker()
    application = apply(person, offer)
    with act(other.user), pytest.raises(PermissionDenied, match="withdraws their own|本人"):
        services.withdraw(application)
    with act(person.user), pytest.raises(PermissionDenied, match="enrols its trainees|培训机构"):
        services.accept(application)
    with act(person.user):
        services.withdraw(application)
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN


@pytest.mark.django_db
def test_decline_needs_a_reason(offer, make_worker):
    application = apply(make_worker(), offer)
    with act("institution"), pytest.raises(ValidationError) as refused:
        services.decline(application, "  ")
    assert "reason" in refused.value.message_dict


@pytest.mark.django_db
def test_a_standing_offer_takes_its_class_when_opened(make_worker, approved_class):
    with act("institution"):
        offer = services.publish(
            kind=OfferKind.STANDING, title="焊工 常年招生", occupation=approved_class.occupation,
            level=approved_class.level, training_type=approved_class.training_type,
            county=services.county_of(approved_class.institution.organisation),
            venue="实训楼", places=3, min_signups=2,
        )  # fmt: skip
    application = apply(make_worker(), offer)
    with act("institution"), pytest.raises(ValidationError, match="class of this training|开班"):
        services.accept(application)  # no class yet
    with act("institution"):
        services.attach_class(offer, approved_class)
        services.accept(application)
    application.refresh_from_db()
    assert application.state == ApplicationState.ACCEPTED
