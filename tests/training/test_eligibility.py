"""One answer on eligibility (issue 14): the class roster and the training subsidy claim decide a
trainee's categories on the same day, the one the pack names (`eligibility.category_date`, the
class's first day in the packs, read from 004 §二 and §四(三), assumed), and give the same reason
in the same words; a category added, ended or corrected in the registry decides the roster of
the person's classes not completed yet again."""

import html
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from jineng.catalog.packs import decision_of, pack_for
from jineng.claims import services as claims
from jineng.people import services as people
from jineng.people.models import LedgerEvent
from jineng.policy.pack import parse_pack
from jineng.training import eligibility, services
from jineng.training.models import ClassState, Enrollment, EnrollmentState, TrainingClass
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def category_check(record) -> tuple[bool, str]:
    """The engine's category check of a stored decision: passed, and its words (zh)."""
    found = [c for c in decision_of(record).checks if c.code == "training.category"]
    assert len(found) == 1
    return found[0].passed, found[0].message_zh


def completed(training_class: TrainingClass) -> TrainingClass:
    """The class as it stands once run and completed (the class services are tested on their
    own; here only the claim's reading of the roster matters)."""
    TrainingClass.objects.filter(pk=training_class.pk).update(state=ClassState.COMPLETED)
    training_class.enrollments.update(state=EnrollmentState.COMPLETED, assessment_passed=True)
    training_class.refresh_from_db()
    return training_class


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_packs_count_categories_on_the_first_day_of_the_class(make_class):
    """004 §二 names the 培训对象 (e.g. 毕业年度高校毕业生) but not the day; the packs read it as
    the class's first day, marked assumed, whichever the roster or the claim asks."""
    training_class = make_class(people=0)
    _version, pack = pack_for("411400", TODAY)
    assert pack.value("eligibility.category_date") == "class_start"
    assert pack.rule("eligibility.category_date").assumed
    later = TODAY + timedelta(days=30)
    assert eligibility.category_day(pack, training_class, later) == training_class.start_date


def test_roster_and_claim_agree_on_a_category_that_changed_after_the_class(make_class, act, login):
    """The bug of issue 14: a trainee whose category starts only after the class (registered
    today) was shown 符合 on the roster and then got 0 on the claim for 人员类别（无）; one whose
    category ended after the class the other way round. 004 §二: both now read the categories of
    the class's first day, and the roster and the claim give the same reason in the same words,
    on the pages too."""
    training_class = make_class(people=0)
    late = PersonFactory(categories=["rural_migrant"], category_since=TODAY)
    ended = PersonFactory()
    with act(None):
        people.add_category(ended, "registered_unemployed", valid_from=date(2020, 1, 1),
                            valid_to=TODAY - timedelta(days=1))  # fmt: skip
    with act("institution"):
        for person in (late, ended):
            services.enrol(training_class, person)
    roster = {e.person_id: e for e in training_class.enrollments.all()}
    assert (roster[late.pk].eligible, roster[ended.pk].eligible) == (False, True)

    with act("institution"):
        claim = claims.create_training_claim(completed(training_class))
    for person in (late, ended):
        line = claim.lines.get(person=person)
        assert category_check(line.decision) == category_check(roster[person.pk].eligibility)
    passed, reason = category_check(roster[late.pk].eligibility)
    assert not passed and "人员类别（无）" in reason
    assert reason in claims.line_reasons(claim.lines.get(person=late))
    assert category_check(claim.lines.get(person=ended).decision)[0]

    client = login("institution")
    page = text_of(client.get(reverse("training:detail", args=[training_class.pk])))
    assert reason in page
    assert reason in text_of(client.get(reverse("claims:detail", args=[claim.pk])))


def test_the_claim_reads_the_day_the_pack_names_for_every_trainee(make_class, act):
    """The claim's facts come from training.eligibility: its lines carry the categories of the
    class's first day, not of the last day (which main read) nor of today (the roster's)."""
    training_class = make_class(people=0, days=5)
    last_days = PersonFactory()
    with act(None):  # a category from the class's third day on: valid on its last day only
        people.add_category(last_days, "rural_migrant",
                            valid_from=training_class.start_date + timedelta(days=2))  # fmt: skip
    with act("institution"):
        enrollment = services.enrol(training_class, last_days)
        claim = claims.create_training_claim(completed(training_class))
    assert not enrollment.eligible
    assert not category_check(claim.lines.get().decision)[0]


def test_a_pack_naming_no_day_refuses_to_decide(make_class):
    """No value is invented: a pack without eligibility.category_date refuses with a reason."""
    training_class = make_class(people=0)
    text = (settings.POLICIES_DIR / "henan-shangqiu-2022.toml").read_text("utf-8")
    start = text.index("\n[eligibility]") + 1
    silent = parse_pack(text[:start] + text[text.index("\n[", start) + 1 :],
                        "henan-shangqiu-2022.toml")  # fmt: skip
    with pytest.raises(ValidationError, match="未规定学员人员类别按哪一天认定"):
        eligibility.category_day(silent, training_class, TODAY)


# --- a category change decides the roster again -----------------------------------------------


def test_a_category_added_or_ended_decides_the_open_rosters_again(make_class, act):
    """002 §三(二) (the Shangqiu pack's training.eligible): the bureau records a category the
    person had at the class's start, and the roster turns eligible with a new decision (the old
    one kept); the category then ended before the class started: not eligible again. Each turn
    is on the person's ledger."""
    training_class = make_class(people=0)
    person = PersonFactory()
    with act("institution"):
        enrollment = services.enrol(training_class, person)
    first = enrollment.eligibility
    assert not enrollment.eligible

    with act("city_reviewer"):
        since = training_class.start_date - timedelta(days=30)
        record = people.add_category(person, "rural_migrant", valid_from=since)
    enrollment.refresh_from_db()
    assert enrollment.eligible and enrollment.eligibility_id != first.pk
    assert category_check(enrollment.eligibility)[0]
    assert decision_of(first).outcome == "refused"  # the earlier decision stays on record

    with act("city_reviewer"):
        people.change_category(record, valid_from=record.valid_from,
                               valid_to=training_class.start_date - timedelta(days=1),
                               evidence="核查：已于开班前就业")  # fmt: skip
    enrollment.refresh_from_db()
    assert not enrollment.eligible
    assert not category_check(enrollment.eligibility)[0]
    titles = LedgerEvent.objects.filter(person=person, object_id=enrollment.pk)
    titles = list(titles.order_by("id").values_list("title", flat=True))
    assert any("符合培训班" in title and "不再" not in title for title in titles)
    assert any("不再符合培训班" in title for title in titles)


def test_a_completed_class_keeps_its_roster_when_a_category_changes(make_class, act):
    """Only classes not completed yet are decided again: a completed class was claimed (or will
    be) on its own facts, which the claim reads itself."""
    done = make_class(people=0)
    running = make_class(people=0, level="4", start=TODAY - timedelta(days=15))
    person = PersonFactory()
    with act("institution"):
        kept = services.enrol(done, person)
        redecided = services.enrol(running, person)
    completed(done)
    kept_record = Enrollment.objects.get(pk=kept.pk).eligibility_id
    with act("city_reviewer"):
        people.add_category(person, "rural_migrant", valid_from=date(2020, 1, 1))
    assert Enrollment.objects.get(pk=kept.pk).eligibility_id == kept_record
    assert Enrollment.objects.get(pk=redecided.pk).eligible


def test_only_the_bureau_ends_or_corrects_a_category(make_class, act):
    person = PersonFactory(categories=["rural_migrant"])
    record = person.categories.get()
    with act("institution"), pytest.raises(PermissionDenied, match="只有人社部门"):
        people.change_category(record, valid_from=record.valid_from, valid_to=TODAY)
    with act("city_reviewer"), pytest.raises(ValidationError, match="终止日期不能早于起始日期"):
        people.change_category(record, valid_from=TODAY, valid_to=TODAY - timedelta(days=1))
    record.refresh_from_db()
    assert record.valid_to is None
