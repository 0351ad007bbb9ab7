"""Evaluation results (评价结果) imported into a booking through the shared pipeline: a file as
LibreOffice writes it (tests/data/make_spreadsheets.sh) and as openpyxl writes it, every bad row
reported with its column, the booking chosen as the job's target and checked against the
importer's scope and state, a pass issuing its certificate (004 §四(四): the evaluation after the
class, a certificate after a pass), and the same file imported again storing nothing new."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from python_calamine import CalamineWorkbook

from jineng.certificates.models import Certificate
from jineng.core import jobs
from jineng.core.imports import ImportFileError, ImportOptions, run_import
from jineng.core.models import ImportJob, ImportStatus
from jineng.core.roles import Role
from jineng.evaluation import services
from jineng.evaluation.imports import RESULTS
from jineng.evaluation.models import EvaluationResult
from jineng.institutions import services as institutions
from jineng.people import services as people
from tests.data import make_evaluation_files as files
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[1] / "data"
LIBREOFFICE = DATA / "evaluation-results.xlsx"
OPENPYXL = DATA / "evaluation-results-openpyxl.xlsx"


def rejected(report) -> dict[int, str]:
    """{row: key of the column named} of the rejected rows, whatever the interface language."""
    keys = {str(column.label): column.key for column in RESULTS.columns}
    return {r.row: keys.get(r.column, r.column) for r in report.rejected}


def run(path: Path, user, target, **flags):
    options = ImportOptions(context={"user": user, "target": target, "source": "test"}, **flags)
    return run_import(RESULTS, path.read_bytes(), path.name, options=options)


@pytest.fixture
def file_people(act, institution):
    """The persons of the file, registered under the institution's bureau."""
    bureau = institution.organisation.parent
    found = {}
    with act("institution"):
        for name, number in [*files.TRAINEES, files.NOT_COMPLETED, files.STRANGER]:
            found[number] = people.register_person(name=name, id_number=number,
                                                   organisation=bureau)  # fmt: skip
    return found


@pytest.fixture
def panel(act, centre):
    """The examiners and the supervisor the file names, of the centre."""
    persons = PersonFactory.create_batch(3)
    roles = [("examiner", files.EXAMINER_1), ("examiner", files.EXAMINER_2),
             ("supervisor", files.SUPERVISOR)]  # fmt: skip
    with act("admin"):
        return [
            institutions.add_examiner(centre, person, role=role, certificate=number)
            for person, (role, number) in zip(persons, roles, strict=True)
        ]


@pytest.fixture
def file_booking(act, completed_class, centre, file_people, panel):
    """The file's trainees in a completed class (the last one attended nothing), booked with the
    centre on the day after its end and accepted."""
    order = [*files.TRAINEES, files.NOT_COMPLETED]
    training_class = completed_class(persons=[file_people[n] for _, n in order], missing=1)
    with act("institution"):
        booking = services.book(training_class, centre, training_class.end_date + timedelta(days=1))
    with act("evaluator"):
        return services.accept(booking)


@pytest.mark.parametrize("path", [LIBREOFFICE, OPENPYXL], ids=["libreoffice", "openpyxl"])
def test_results_go_into_the_booking_and_a_second_import_stores_nothing(
    act, users, file_booking, file_people, path
):
    with act("evaluator"):
        report = run(path, users["evaluator"], file_booking.pk)
    assert report.counts["created"] == files.CREATED
    assert report.counts["unchanged"] == files.UNCHANGED
    assert rejected(report) == files.REJECTED
    results = {
        r.enrollment.person.id_number_masked: r
        for r in EvaluationResult.objects.filter(booking=file_booking).select_related(
            "enrollment__person", "certificate"
        )
    }
    assert len(results) == 3
    a, b, c = (file_people[n] for _, n in files.TRAINEES)
    by_person = {r.enrollment.person_id: r for r in results.values()}
    assert by_person[a.pk].passed and by_person[a.pk].certificate is not None
    assert str(by_person[a.pk].theory_score) == "86.50"
    assert {e.certificate for e in by_person[a.pk].examiners.all()} == {
        files.EXAMINER_1,
        files.EXAMINER_2,
    }
    assert str(by_person[b.pk].theory_score) == "88.00"  # ８８, full-width
    assert str(by_person[b.pk].practical_score) == "90.00"  # 90分
    assert by_person[b.pk].certificate is not None
    assert not by_person[c.pk].passed and by_person[c.pk].certificate is None
    assert Certificate.objects.filter(person__in=[a, b, c]).count() == 2

    with act("evaluator"):
        again = run(path, users["evaluator"], file_booking.pk)
    assert again.counts["created"] == 0
    assert again.counts["unchanged"] == files.CREATED + files.UNCHANGED
    assert rejected(again) == files.REJECTED
    assert EvaluationResult.objects.filter(booking=file_booking).count() == 3
    assert Certificate.objects.filter(person__in=[a, b, c]).count() == 2


def test_the_target_booking_is_checked_before_any_row(
    act, users, booked, make_user, orgs, trainees, file_booking
):
    """No booking chosen, one outside the importer's scope, one not accepted, one whose
    evaluation date has not come: the whole file is refused with one line."""
    with act("evaluator"), pytest.raises(ImportFileError, match="请选择要导入的预约评价"):
        run(LIBREOFFICE, users["evaluator"], None)
    outsider = make_user(orgs["eval_yongcheng"], Role.EVALUATION_STAFF, "station_staff")
    with act("evaluator"), pytest.raises(ImportFileError, match="您的权限范围内没有编号为"):
        run(LIBREOFFICE, outsider, file_booking.pk)
    requested = booked(accept=False, persons=trainees[:1])
    with act("evaluator"), pytest.raises(ImportFileError) as refused:
        run(LIBREOFFICE, users["evaluator"], requested.pk)
    assert requested.get_state_display() in str(refused.value)
    assert not EvaluationResult.objects.filter(booking__in=[file_booking, requested]).exists()


def test_an_import_job_from_the_page_fills_the_booking(
    login, users, file_booking, django_capture_on_commit_callbacks
):
    """The booking's page links to /imports/new/evaluation_results/?target=<id>; the job runs the
    pipeline with the booking as its target."""
    client = login("evaluator")
    url = f"/imports/new/evaluation_results/?target={file_booking.pk}"
    assert client.get(url).status_code == 200
    with LIBREOFFICE.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": handle})
    assert response.status_code == 302
    job = ImportJob.objects.get(kind="evaluation_results")
    job.refresh_from_db()
    assert job.options["target"] == file_booking.pk
    assert job.status == ImportStatus.DONE, job.message
    assert job.report["created"] == files.CREATED
    assert EvaluationResult.objects.filter(booking=file_booking).count() == 3


def test_only_evaluation_staff_import_results(users, file_booking):
    with pytest.raises(PermissionDenied, match="您的角色不能导入此类文件"):
        jobs.check_may_import(users["institution"], "evaluation_results")
    jobs.check_may_import(users["evaluator"], "evaluation_results")


def test_the_template_names_every_column(login):
    response = login("evaluator").get("/imports/template/evaluation_results.xlsx")
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    header = sheet.to_python()[0]
    assert header == [str(column.label) for column in RESULTS.columns]


def test_the_importer_follows_their_job(login, file_booking, django_capture_on_commit_callbacks):
    """After the upload the importer lands on the job's page and follows its progress."""
    client = login("evaluator")
    url = f"/imports/new/evaluation_results/?target={file_booking.pk}"
    with LIBREOFFICE.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": handle})
    assert client.get(response.url).status_code == 200
