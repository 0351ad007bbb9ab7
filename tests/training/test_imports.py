"""A class's timetable (课表) and roster (花名册) imported into it through the shared pipeline:
files as LibreOffice writes them (tests/data/make_spreadsheets.sh) and as openpyxl writes them,
every bad row reported with its column, the class chosen as the job's target and checked
against the importer's scope, and the same file imported again storing nothing new."""

import io
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.core import jobs
from jineng.core.imports import ImportFileError, ImportOptions, run_import
from jineng.core.models import ImportJob, ImportStatus
from jineng.institutions import services as institutions
from jineng.institutions.models import Institution
from jineng.people import services as people
from jineng.people.models import LedgerEvent, Person
from jineng.training import services
from jineng.training.imports import ENROLLMENTS, SESSIONS, cell_date, cell_time
from jineng.training.models import ClassState, Session
from tests.clock import before_start
from tests.data import make_class_files as files
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[1] / "data"


def soon(days: int) -> date:
    """A date `days` from today, but inside the current year (the demo's designations)."""
    today = timezone.localdate()
    return min(today + timedelta(days=days), date(today.year, 12, 31) - timedelta(days=2))


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def rejected(report, spec) -> dict[int, str]:
    """{row: key of the column named} of the rejected rows, whatever the interface language."""
    keys = {str(column.label): column.key for column in spec.columns}
    return {r.row: keys.get(r.column, r.column) for r in report.rejected}


def run(spec, data: bytes, filename: str, user, target, **flags):
    options = ImportOptions(context={"user": user, "target": target, "source": "test"}, **flags)
    return run_import(spec, data, filename, options=options)


def new_class(
    act,
    institution,
    start: date,
    end: date,
    teachers,
    *,
    staff="institution",
    occupation="6-18-02-04",
    level="5",
    capacity=30,
):
    with act(staff):
        training_class = services.create_class(
            institution,
            name="焊工（初级）导入测试班",
            occupation=Occupation.objects.get(code=occupation),
            level=SkillLevel.objects.get(code=level),
            training_type=TrainingType.objects.get(code="employment_skills"),
            fund_channel=FundChannel.objects.order_by("code").first(),
            start_date=start,
            end_date=end,
            venue="实训楼",
            capacity=capacity,
            assessment_plan="理论＋实操",
        )
        if teachers:
            services.set_teachers(training_class, teachers)
    return training_class


@pytest.fixture
def file_teachers(act, institution):
    """The two teachers the LibreOffice timetable names, engaged in the file's year."""
    year = date.fromisoformat(files.CLASS_START).year
    found = []
    with act("institution"):
        for name, number in (files.TEACHER_A, files.TEACHER_B):
            person = people.register_person(
                name=name, id_number=number, organisation=institution.organisation.parent
            )
            teacher = institutions.add_teacher(person)
            institutions.engage(teacher, institution, year=year, full_time=False)
            found.append(teacher)
    return found


@pytest.fixture
def file_class(act, institution, file_teachers):
    """A draft class for the dates of the LibreOffice files (tests/data/make_class_files.py)."""
    start = date.fromisoformat(files.CLASS_START)
    end = date.fromisoformat(files.CLASS_END)
    return new_class(act, institution, start, end, file_teachers)


# --- the timetable --------------------------------------------------------------------------


def test_a_timetable_written_by_libreoffice_goes_into_the_class(
    act, users, file_class, file_teachers
):
    data = (DATA / "class-sessions.xlsx").read_bytes()
    with act("institution"):
        report = run(SESSIONS, data, "class-sessions.xlsx", users["institution"], file_class.pk)
    assert report.counts["created"] == files.SESSIONS_CREATED
    assert report.counts["unchanged"] == files.SESSIONS_UNCHANGED
    assert rejected(report, SESSIONS) == files.SESSIONS_REJECTED
    messages = {r.row: r.message for r in report.rejected}
    assert messages[7] == _("A session lies outside the class's dates.")
    assert messages[8] == _("The session overlaps another session of the class.")
    assert messages[6] == _("A session ends after it starts.")
    sessions = list(file_class.sessions.order_by("starts_at"))
    teacher_a, teacher_b = file_teachers
    assert [(s.starts_at, s.ends_at, s.teacher) for s in sessions] == [
        (local(date(2026, 12, 7), 9), local(date(2026, 12, 7), 12), teacher_a),  # by name
        (local(date(2026, 12, 7), 14), local(date(2026, 12, 7), 17, 30), teacher_b),  # masked
        (local(date(2026, 12, 8), 8, 30), local(date(2026, 12, 8), 11, 30), teacher_a),  # ID
        (local(date(2026, 12, 9), 14), local(date(2026, 12, 9), 17), None),  # 下午2:00
    ]
    with act("institution"):
        again = run(SESSIONS, data, "class-sessions.xlsx", users["institution"], file_class.pk)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 5}
    assert rejected(again, SESSIONS) == files.SESSIONS_REJECTED
    assert file_class.sessions.count() == 4


def test_a_timetable_written_by_openpyxl_with_time_cells_floats_and_serials(
    act, users, institution
):
    """Excel stores a time as a fraction of a day and a date as a day count since 1899-12-30;
    a cell may hold a date and a time together. Every one of them is read as meant."""
    teachers = [e.teacher for e in institution.engagements.filter(year=timezone.localdate().year)]
    start = soon(3)
    training_class = new_class(act, institution, start, start + timedelta(days=2), teachers[:2])
    teacher = teachers[0]
    number = people.decrypt_id_number(teacher.person)
    serial = (start + timedelta(days=1) - date(1899, 12, 30)).days
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["上课日期", "上课时间", "下课时间", "授课内容", "任课教师"])
    sheet.append([start, time(9, 0), 0.5, "理论", teacher.person.name])
    sheet.append([datetime.combine(start, time(0)), "14:00", 17.5 / 24, "实操", number])
    sheet["C3"].number_format = "hh:mm"
    sheet.append([serial, serial + 0.375, serial + 0.5, "实操二", teacher.person.id_number_masked])
    sheet.append([start + timedelta(days=2), "9:00", "12:00", "考核", int(number[:17] + "0")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with act("institution"):
        report = run(
            SESSIONS, buffer.getvalue(), "课表.xlsx", users["institution"], training_class.pk
        )
    assert report.counts["created"] == 3
    assert rejected(report, SESSIONS) == {5: "teacher"}  # an ID number stored as a number
    times = [(s.starts_at, s.ends_at) for s in training_class.sessions.order_by("starts_at")]
    day2 = start + timedelta(days=1)
    assert times == [
        (local(start, 9), local(start, 12)),
        (local(start, 14), local(start, 17, 30)),
        (local(day2, 9), local(day2, 12)),
    ]


@pytest.mark.parametrize(
    ("raw", "text", "expected"),
    [
        (time(9, 30), "09:30:00", time(9, 30)),
        (0.375, "0.375", time(9)),
        (46363.75, "46363.75", time(18)),
        (timedelta(hours=8, minutes=15), "8:15:00", time(8, 15)),
        (datetime(1899, 12, 30, 13, 45), "", time(13, 45)),
        ("9:00", "9:00", time(9)),
        ("09:00:30", "09:00:30", time(9, 0, 30)),
        ("9点30分", "9点30分", time(9, 30)),
        ("14时", "14时", time(14)),
        ("2:00 pm", "2:00 pm", time(14)),
        ("下午3:15", "下午3:15", time(15, 15)),
    ],
)
def test_times_as_spreadsheets_store_them(raw, text, expected):
    assert cell_time(raw, text, "starts_at") == expected


@pytest.mark.parametrize(
    ("raw", "text", "expected"),
    [
        (date(2026, 3, 2), "2026-03-02", date(2026, 3, 2)),
        (datetime(2026, 3, 2, 0, 0), "", date(2026, 3, 2)),
        (46083, "46083", date(2026, 3, 2)),
        (46083.0, "46083", date(2026, 3, 2)),
        ("2026/3/2", "2026/3/2", date(2026, 3, 2)),
        ("2026.3.2", "2026.3.2", date(2026, 3, 2)),
        ("2026年3月2日", "2026年3月2日", date(2026, 3, 2)),
        ("20260302", "20260302", date(2026, 3, 2)),
        (20260302, "20260302", date(2026, 3, 2)),
    ],
)
def test_dates_as_spreadsheets_store_them(raw, text, expected):
    assert cell_date(raw, text, "date") == expected


@pytest.mark.parametrize("text", ["25:00", "9:75", "九点", "morning", "0.375"])
def test_unreadable_times_are_refused(text):
    with pytest.raises(ValidationError, match=text):
        cell_time(text, text, "starts_at")


@pytest.mark.parametrize("text", ["明天", "2026-02-30", "3/2", "2026-13-01"])
def test_unreadable_dates_are_refused(text):
    with pytest.raises(ValidationError, match=text):
        cell_date(text, text, "date")


# --- the roster -----------------------------------------------------------------------------


def test_a_roster_written_by_libreoffice_registers_and_enrols(
    act, users, institution, file_class, make_class
):
    other = make_class(people=0)  # welding 5级, like the file's class
    with act("institution"):
        taken = people.register_person(
            name=files.TAKEN[0],
            id_number=files.TAKEN[1],
            organisation=institution.organisation.parent,
        )
        services.enrol(other, taken)
    data = (DATA / "class-roster.xlsx").read_bytes()
    # The roster comes in before the class starts (the files' dates are fixed): the categories
    # it records hold from that day, and the pack counts them on the class's first day.
    with before_start(file_class.start_date), act("institution"):
        report = run(ENROLLMENTS, data, "class-roster.xlsx", users["institution"], file_class.pk)
    assert report.counts["created"] == len(files.ROSTER_CREATED)
    assert report.counts["unchanged"] == files.ROSTER_UNCHANGED
    assert rejected(report, ENROLLMENTS) == files.ROSTER_REJECTED
    refusal = {r.row: r.message for r in report.rejected}[10]
    assert refusal == _(
        "%(name)s is already trained for this occupation and level in class %(code)s."
    ) % {"name": files.TAKEN[0], "code": other.code}
    enrolled = {e.person.id_number_hash: e for e in file_class.enrollments.all()}
    assert len(enrolled) == 3
    new_a = people.find_by_id_number(files.NEW_A)
    new_b = people.find_by_id_number(files.NEW_B)
    # Registered under the nearest bureau of the institution (鸿鹄: the city's), with categories.
    assert new_a.organisation == institution.organisation.nearest_bureau()
    assert new_a.categories.filter(category__code="rural_migrant").exists()
    assert enrolled[new_a.id_number_hash].eligible is True
    assert enrolled[new_b.id_number_hash].eligible is False  # no category
    assert enrolled[new_b.id_number_hash].eligibility is not None
    for number in (files.WRONG_CHECK, files.BAD_PHONE, files.BAD_CATEGORY):
        assert people.find_by_id_number(number) is None  # a rejected row changes nothing
    persons, ledger = Person.objects.count(), LedgerEvent.objects.count()
    with act("institution"):
        again = run(ENROLLMENTS, data, "class-roster.xlsx", users["institution"], file_class.pk)
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 4}
    assert rejected(again, ENROLLMENTS) == files.ROSTER_REJECTED
    assert (Person.objects.count(), LedgerEvent.objects.count()) == (persons, ledger)
    assert file_class.enrollments.count() == 3


def test_a_roster_written_by_openpyxl(act, users, institution):
    """A registered person is enrolled as they are; an ID number stored as a number is refused;
    a full class refuses the rest with the service's reason."""
    start = soon(40)
    training_class = new_class(
        act, institution, start, start, [], capacity=2, occupation="6-31-01-03"
    )
    known = PersonFactory()
    newcomer = files.valid("41142519910303123")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["学员姓名", "公民身份号码", "联系电话", "人员类别"])
    sheet.append([known.name, people.decrypt_id_number(known), None, None])
    sheet.append(["数字格式", float(newcomer), None, None])
    sheet.append(["新学员", newcomer, "13900000009", "退役军人"])
    sheet.append(["满员后", files.valid("41142519910303124"), None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = Person.objects.count()
    with act("institution"):
        report = run(
            ENROLLMENTS, buffer.getvalue(), "roster.xlsx", users["institution"], training_class.pk
        )
    assert report.counts["created"] == 2
    assert rejected(report, ENROLLMENTS) == {3: "id_number", 5: ""}
    assert {r.row: r.message for r in report.rejected}[5] == _(
        "The class is full (%(capacity)d places)."
    ) % {"capacity": 2}
    assert Person.objects.count() == before + 1  # the newcomer; the known person stays one
    assert training_class.enrollments.filter(person=known).exists()


# --- the target class -----------------------------------------------------------------------


def test_the_class_is_chosen_looked_up_in_scope_and_must_take_the_rows(
    act, users, orgs, make_class
):
    data = (DATA / "class-roster.xlsx").read_bytes()
    user = users["institution"]
    with act("institution"):
        with pytest.raises(ImportFileError, match=_("Choose the class to import into.")):
            run(ENROLLMENTS, data, "r.xlsx", user, None)
        with pytest.raises(ImportFileError, match="您的数据范围内没有编号为999999的培训班"):
            run(ENROLLMENTS, data, "r.xlsx", user, 999_999)
    # Another institution's class is out of the institution's scope: it does not exist for it.
    qihang = Institution.objects.get(organisation=orgs["inst_liangyuan"])
    start = soon(50)
    theirs = new_class(act, qihang, start, start, [], staff="admin", occupation="4-10-01-05")
    before = Person.objects.count()
    with act("institution"), pytest.raises(ImportFileError, match=str(theirs.pk)):
        run(ENROLLMENTS, data, "r.xlsx", user, theirs.pk)
    assert Person.objects.count() == before and not theirs.enrollments.exists()
    # A class under review takes no timetable rows; a running class no more trainees.
    submitted = make_class(state="submitted")
    running = make_class(
        timezone.localdate() - timedelta(days=40), state="in_progress", level="4", people=1
    )
    sessions = (DATA / "class-sessions.xlsx").read_bytes()
    with act("institution"):
        with pytest.raises(ImportFileError, match=submitted.code):
            run(SESSIONS, sessions, "s.xlsx", user, submitted.pk)
        with pytest.raises(ImportFileError, match=running.code):
            run(ENROLLMENTS, data, "r.xlsx", user, running.pk)
    assert running.state == ClassState.IN_PROGRESS and running.enrollments.count() == 1


def test_an_approved_class_still_takes_trainees(act, users, make_class):
    approved = make_class(soon(20), state="approved")
    newcomer = files.valid("41142519910303125")
    rows = f"姓名,身份证号码\n后来者,{newcomer}\n".encode()
    with act("institution"):
        report = run(ENROLLMENTS, rows, "r.csv", users["institution"], approved.pk)
    assert report.counts["created"] == 1
    assert approved.enrollments.count() == 4


def test_a_dry_run_stores_nothing(act, users, file_class):
    data = (DATA / "class-sessions.xlsx").read_bytes()
    with act("institution"):
        report = run(SESSIONS, data, "s.xlsx", users["institution"], file_class.pk, dry_run=True)
    assert report.counts["created"] == files.SESSIONS_CREATED and report.rolled_back
    assert not file_class.sessions.exists()


# --- jobs, the import page and the command ---------------------------------------------------


def test_a_job_keeps_its_target_and_runs_into_the_class(act, users, file_class):
    data = (DATA / "class-sessions.xlsx").read_bytes()
    with act("institution"):
        job = jobs.start_import(
            users["institution"], "sessions", data, "课表.xlsx", target=file_class.pk, dry_run=False
        )
    assert job.options == {
        "dry_run": False,
        "all_or_nothing": False,
        "update": False,
        "target": file_class.pk,
    }
    job = jobs.run_job(job)
    assert job.status == ImportStatus.DONE, job.message
    assert job.report["created"] == files.SESSIONS_CREATED
    assert Session.objects.filter(training_class=file_class).count() == files.SESSIONS_CREATED
    with act("institution"):
        untargeted = jobs.start_import(users["institution"], "sessions", data, "x.xlsx")
    untargeted = jobs.run_job(untargeted)
    assert untargeted.status == ImportStatus.FAILED
    assert untargeted.message == _("Choose the class to import into.")


def test_only_the_institution_imports_into_classes(users):
    for username in ("finance", "city_reviewer"):
        with pytest.raises(PermissionDenied, match="您的角色不能导入此类文件"):
            jobs.start_import(users[username], "enrollments", b"x", "r.csv", target=1)


def test_the_import_page_passes_the_class_as_target(login, file_class):
    client = login("institution")
    url = reverse("core:import-new", args=["sessions"]) + f"?target={file_class.pk}"
    assert client.get(url).status_code == 200
    upload = io.BytesIO((DATA / "class-sessions.xlsx").read_bytes())
    upload.name = "class-sessions.xlsx"
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.latest("id")
    assert job.kind == "sessions" and job.options["target"] == file_class.pk


@pytest.mark.parametrize("target", ["99999999999999999999", "²", "abc"])
def test_a_malformed_target_is_no_target(login, target):
    """A tampered ?target= is no target: the job is stored without one, never a server error."""
    client = login("institution")
    url = reverse("core:import-new", args=["sessions"]) + f"?target={target}"
    assert client.get(url).status_code == 200
    upload = io.BytesIO((DATA / "class-sessions.xlsx").read_bytes())
    upload.name = "class-sessions.xlsx"
    assert client.post(url, {"file": upload}).status_code == 302
    assert "target" not in ImportJob.objects.latest("id").options


def test_the_api_takes_the_target(login, file_class, django_capture_on_commit_callbacks):
    """POST /api/v1/imports/ with "target": the institution's own system sends a timetable into
    its class; the job, run by the worker, follows it; its importer can poll it."""
    client = login("institution")
    upload = io.BytesIO((DATA / "class-sessions.xlsx").read_bytes())
    upload.name = "class-sessions.xlsx"
    body = {"kind": "sessions", "file": upload, "target": file_class.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", body)
    assert response.status_code == 202, response.content
    job = client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert job["options"]["target"] == file_class.pk and job["status"] == "done"
    assert Session.objects.filter(training_class=file_class).count() == files.SESSIONS_CREATED
    bad = io.BytesIO(b"x")
    bad.name = "x.csv"
    refused = client.post("/api/v1/imports/", {"kind": "sessions", "file": bad, "target": "x"})
    assert refused.status_code == 400 and "target" in refused.json()


def test_the_command_takes_the_target(file_class):
    out, err = io.StringIO(), io.StringIO()
    path = str(DATA / "class-sessions.xlsx")
    call_command("import", "sessions", path, "--target", str(file_class.pk), stdout=out, stderr=err)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["created"] == files.SESSIONS_CREATED
    assert summary["rejected"] == len(files.SESSIONS_REJECTED)
    with pytest.raises(SystemExit) as exit_code:
        call_command("import", "sessions", path, stdout=out, stderr=err)
    assert exit_code.value.code == 2
    assert err.getvalue().strip().splitlines()[-1].startswith("jineng import: ")
    assert Session.objects.filter(training_class=file_class).count() == files.SESSIONS_CREATED
