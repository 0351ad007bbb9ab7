"""Past training recorded as history (历史导入), never through approval (004 §四(三): 开班申请
经当地人力资源社会保障部门审核后组织开展培训; a late class is refused, test_application_timing).

The bureau stores a finished class of another system as completed, marked as history, with one
history entry; it is never claimed for, waits in no queue, and counts in its trainees' training
history (their ledger; the once per occupation and level of 004 §四(五) when subsidised)."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jineng.catalog.models import Occupation, SkillLevel, TrainingType
from jineng.claims import selectors as claim_selectors
from jineng.claims import services as claims
from jineng.core import jobs
from jineng.core.imports import ImportOptions, run_import
from jineng.evaluation import services as evaluation
from jineng.institutions.models import EvaluationOrg, Institution
from jineng.people.models import LedgerEvent
from jineng.people.services import decrypt_id_number
from jineng.training import selectors, services
from jineng.training.history import PastTrainee, record_history_class
from jineng.training.imports import PAST_CLASSES
from jineng.training.models import (
    CheckIn,
    ClassSource,
    ClassState,
    EnrollmentState,
    TrainingClass,
)
from tests.data import make_past_classes as files
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[1] / "data"
PAST_START, PAST_END = date(2024, 5, 6), date(2024, 5, 17)


def past_values(**changes) -> dict:
    values = {
        "occupation": Occupation.objects.get(code="6-18-02-04"),
        "level": SkillLevel.objects.get(code="5"),
        "training_type": TrainingType.objects.get(code="employment_skills"),
        "start_date": PAST_START,
        "end_date": PAST_END,
        "venue": "鸿鹄培训学校实训楼",
    }
    return {**values, **changes}


def as_trainees(people, completed=(True, False, True)) -> list[PastTrainee]:
    return [
        PastTrainee(decrypt_id_number(person), person.name, done)
        for person, done in zip(people, completed, strict=False)
    ]


@pytest.fixture
def institution(orgs):
    return Institution.objects.get(organisation=orgs["inst_city"])


@pytest.fixture
def people(db):
    return PersonFactory.create_batch(3)


@pytest.fixture
def record(act, institution, people):
    """record(**changes): a past class of the demo institution, recorded by the city's bureau."""

    def do(who="city_reviewer", trainees=None, **changes):
        with act(who):
            return record_history_class(
                institution, trainees=trainees or as_trainees(people), **past_values(**changes)
            )

    return do


def test_history_class_is_stored_completed_marked_with_one_history_entry(record, people):
    """004 §四(三): training done elsewhere is recorded as history, not approved after the fact:
    completed at once, marked 历史导入, one history entry, no sessions or attendance."""
    training_class = record(hours=80)
    assert training_class.state == ClassState.COMPLETED
    assert training_class.source == ClassSource.HISTORY
    assert training_class.fund_channel is None and training_class.hours == 80
    changes = list(training_class.changes.all())
    assert len(changes) == 1
    assert (changes[0].from_state, changes[0].to_state) == ("", ClassState.COMPLETED)
    assert "历史导入" in changes[0].reason
    assert not training_class.sessions.exists()
    assert not CheckIn.objects.filter(session__training_class=training_class).exists()
    outcomes = dict(training_class.enrollments.values_list("person_id", "state"))
    assert outcomes == {
        people[0].pk: EnrollmentState.COMPLETED,
        people[1].pk: EnrollmentState.NOT_COMPLETED,
        people[2].pk: EnrollmentState.COMPLETED,
    }
    for person in people:
        titles = LedgerEvent.objects.filter(person=person).values_list("title", flat=True)
        assert any(title.startswith("历史培训记录") for title in titles)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"end_date": timezone.localdate()}, "只有已结束的培训才能作为历史记录"),
        ({"start_date": timezone.localdate() + timedelta(days=3),
          "end_date": timezone.localdate() + timedelta(days=9)}, "只有已结束的培训"),
        ({"end_date": PAST_START - timedelta(days=1)}, "终止日期早于开始日期"),
        ({"venue": " "}, "请填写培训地点"),
    ],
)  # fmt: skip
def test_history_refuses_dates_not_entirely_past(record, changes, match):
    """004 §四(三): a class still running or to come goes through the opening application."""
    with pytest.raises(ValidationError, match=match):
        record(**changes)
    assert not TrainingClass.objects.filter(source=ClassSource.HISTORY).exists()


def test_history_refuses_a_person_not_in_the_registry(record, people):
    stranger = PastTrainee("110101199003074518", "无名氏", True)
    with pytest.raises(ValidationError, match="不在实名库中"):
        record(trainees=[*as_trainees(people), stranger])
    wrong_name = PastTrainee(decrypt_id_number(people[0]), "别人", True)
    with pytest.raises(ValidationError, match="登记的姓名与此不同"):
        record(trainees=[wrong_name])
    assert not TrainingClass.objects.filter(source=ClassSource.HISTORY).exists()


def test_history_refuses_an_institution_outside_the_callers_region(act, orgs, people):
    yongcheng = Institution.objects.get(organisation=orgs["inst_yongcheng"])
    with act("county_reviewer"), pytest.raises(ValidationError, match="不在您的辖区内"):
        record_history_class(yongcheng, trainees=as_trainees(people), **past_values())


def test_history_refuses_the_same_training_twice(record):
    first = record()
    with pytest.raises(ValidationError, match=f"班级 {first.code} 已记录"):
        record()
    assert TrainingClass.objects.filter(source=ClassSource.HISTORY).count() == 1


def test_history_is_the_bureaus_alone(record):
    """Fail closed: an institution's staff, or nobody signed in, records no history."""
    with pytest.raises(PermissionDenied, match="只有人社部门可以将既往培训记录为历史"):
        record(who="institution")
    with pytest.raises(PermissionDenied, match="请先登录|Sign in first"):
        record_history_class(None, trainees=[], **past_values())
    assert not TrainingClass.objects.filter(source=ClassSource.HISTORY).exists()


def test_history_class_takes_no_step_of_the_workflow(act, record):
    training_class = record()
    with act("city_reviewer"), pytest.raises(ValidationError, match="状态不再变更"):
        services.change_state(training_class, ClassState.CLOSED)


def test_history_class_is_never_claimed_nor_queued(act, record, users):
    """004 §四(三): never approved here, so never claimed for; it waits in no queue."""
    training_class = record()
    with act("institution"), pytest.raises(ValidationError, match="不能申请补贴"):
        claims.create_training_claim(training_class)
    assert not claim_selectors.claimable_classes(users["institution"]).filter(pk=training_class.pk)
    assert not selectors.review_queue(users["city_reviewer"]).filter(pk=training_class.pk)


def test_history_class_is_not_booked_for_evaluation(act, record, orgs):
    """Its evaluation, if any, was the other system's: nothing here is booked for it."""
    training_class = record()
    centre = EvaluationOrg.objects.get(organisation=orgs["eval_city"])
    with act("institution"), pytest.raises(ValidationError, match="不在本平台预约评价"):
        evaluation.book(training_class, centre, timezone.localdate() + timedelta(days=3))


def test_subsidised_history_counts_once_per_occupation_and_level(act, record, people, make_class):
    """004 §四(五) 同一职业（工种）同一等级只能享受一次: a subsidised past class of welding 5级
    blocks a new enrolment of the same; one the person paid for does not."""
    record(trainees=as_trainees(people[:1], [True]), subsidised=True)
    earlier = {"start_date": PAST_START - timedelta(days=60),
               "end_date": PAST_END - timedelta(days=60)}  # fmt: skip
    record(trainees=as_trainees(people[1:2], [True]), subsidised=False, **earlier)
    training_class = make_class(people=0)
    with act("institution"):
        with pytest.raises(ValidationError, match="参加同一职业（工种）同一等级的培训"):
            services.enrol(training_class, people[0])
        services.enrol(training_class, people[1])


# --- the import ---------------------------------------------------------------------------------


@pytest.fixture
def file_people(db):
    """The people of tests/data/past-classes.xlsx, registered as the file expects them."""
    return [PersonFactory(name=name, id_number=number) for name, number in files.PEOPLE]


def import_past(act, users, data: bytes, who="city_reviewer"):
    options = ImportOptions(context={"user": users[who], "source": "test"})
    with act(who):
        return run_import(PAST_CLASSES, data, "past-classes.xlsx", options=options)


def xlsx(rows) -> bytes:
    buffer = io.BytesIO()
    files.workbook(rows).save(buffer)
    return buffer.getvalue()


def test_the_import_stores_a_file_of_two_classes(act, users, file_people):
    """004 §四(三): the bureau's file of past training becomes two history classes, each
    completed with its trainees' results; the same file again stores nothing new."""
    data = (DATA / "past-classes.xlsx").read_bytes()
    report = import_past(act, users, data)
    assert report.ok and report.counts["created"] == 5, report.rejected
    stored = TrainingClass.objects.filter(source=ClassSource.HISTORY).order_by("start_date")
    assert [(c.level.code, c.state, c.enrollments.count()) for c in stored] == [
        ("5", ClassState.COMPLETED, 3),
        ("4", ClassState.COMPLETED, 2),
    ]
    first, second = stored
    assert first.hours == 80 and first.history_subsidised is True
    assert second.training_type.code == "employment_skills" and second.history_subsidised is False
    assert first.enrollments.get(person=file_people[2]).state == EnrollmentState.NOT_COMPLETED
    assert all(c.changes.count() == 1 for c in stored)
    again = import_past(act, users, data)
    assert again.ok and again.counts["unchanged"] == 5 and again.counts["created"] == 0
    assert TrainingClass.objects.filter(source=ClassSource.HISTORY).count() == 2


def test_a_bad_row_rejects_its_class_with_the_row_number(act, users, file_people):
    """A class is stored whole or not at all: the bad row is named with its row number and
    column, the other rows of its class say why they were not stored; the other class is."""
    rows = files.rows()
    rows[2][7] = "110101199003074518"  # spreadsheet row 4, class A: nobody in the registry
    rows[3][9] = "良好"  # row 5, class B: not a result
    report = import_past(act, users, xlsx(rows))
    by_row = {r.row: (r.column, r.message) for r in report.rejected}
    assert set(by_row) == {2, 3, 4, 5, 6}
    assert by_row[4][0] == "公民身份号码" and "不在实名库中" in by_row[4][1]
    assert by_row[5][0] == "结果" and "良好" in by_row[5][1]
    assert "第 4 行被拒绝" in by_row[2][1] and "第 4 行被拒绝" in by_row[6][1]
    assert "第 5 行被拒绝" in by_row[3][1]
    assert not TrainingClass.objects.filter(source=ClassSource.HISTORY).exists()
    rows = files.rows()
    rows[1][0] = None  # row 3: no institution, so no class to tell: nothing is stored
    report = import_past(act, users, xlsx(rows))
    assert report.counts["created"] == 0 and len(report.rejected) == 5
    assert all("第 3 行无法读取" in r.message for r in report.rejected if r.row != 3)
    rows = files.rows()
    rows[2][4:6] = ["2099-01-04", "2099-01-08"]  # row 4: in the future: its own class, refused
    report = import_past(act, users, xlsx(rows))
    assert {r.row for r in report.rejected} == {4}, report.rejected
    assert "只有已结束的培训" in report.rejected[0].message
    assert report.counts["created"] == 4  # class A with its two good rows, class B


def test_the_import_is_the_bureaus_alone(users, login):
    """Fail closed: the kind is offered to the bureau only, on the page and in the jobs."""
    with pytest.raises(PermissionDenied, match="您的角色不能导入此类文件"):
        jobs.check_may_import(users["institution"], "past_classes")
    jobs.check_may_import(users["city_reviewer"], "past_classes")
    reviewer = login("city_reviewer")
    assert "历史导入" in reviewer.get("/imports/new/past_classes/").content.decode()
    template = reviewer.get("/imports/template/past_classes.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    institution = login("institution")
    assert institution.get("/imports/new/past_classes/").status_code in {403, 404}


# --- pages and API ------------------------------------------------------------------------------


def test_pages_and_api_show_the_history_badge(record, login, client):
    training_class = record()
    page = login("city_reviewer").get(f"/classes/{training_class.pk}/").content.decode()
    assert 'id="history-badge"' in page and "历史导入" in page
    assert 'id="action-closed"' not in page  # no step of the workflow is offered
    listing = client.get("/classes/").content.decode()
    assert 'data-source="history"' in listing and "历史导入" in listing
    answer = client.get(f"/api/v1/classes/{training_class.pk}/").json()
    assert answer["source"] == "history" and answer["source_label"] == "历史导入"
    assert answer["fund_channel"] is None


def test_anonymous_visitors_see_no_history_class(record, client):
    training_class = record()
    client.logout()
    response = client.get(f"/classes/{training_class.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/api/v1/classes/{training_class.pk}/").status_code in {401, 403}
