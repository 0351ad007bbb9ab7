"""Each person's free-evaluation agreement (004 §四(五): 由考核评价机构与补贴申请人签订免费技能评价
协议书): recorded by the evaluation organisation or the bureau for a booking the organisation has
taken on, for a trainee who completed the class, signed on a sane date (not in the future, not
after the evaluation, not before the class began), once; with a scanned copy kept encrypted; on
the booking's page per trainee, by the `evaluation_agreements` import in bulk, and by the API."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from jineng.core.imports import ImportFileError, ImportOptions, run_import
from jineng.core.models import AuditEntry
from jineng.core.roles import Role
from jineng.evaluation import agreements
from jineng.evaluation.imports import AGREEMENTS
from jineng.evaluation.models import ApplicantAgreement
from jineng.people.models import LedgerEvent
from jineng.people.services import decrypt_id_number
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% scanned agreement 4114 test\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def others(count: int = 3):
    """People not on the fixture's roster, for a second class in the same test."""
    return PersonFactory.create_batch(count, categories=["rural_migrant"])


def trainees_of(booking):
    return list(booking.training_class.enrollments.select_related("person").order_by("id"))


def record(booking, enrollment, *, days_before=0, signatory="王经办", scan=None):
    return agreements.record_agreement(
        booking, enrollment, signed_on=booking.planned_date - timedelta(days=days_before),
        signatory=signatory, scan=scan,
    )  # fmt: skip


# --- the service --------------------------------------------------------------------------------


def test_004_4_5_the_organisation_records_an_agreement_audited_and_on_the_ledger(act, booked):
    """004 §四(五): the evaluation organisation's staff record the agreement signed with a
    trainee: the date, who signed for the organisation; audited, on the person's ledger."""
    booking = booked()
    first = trainees_of(booking)[0]
    with act("evaluator"):
        agreement = record(booking, first, days_before=1, signatory=" 王  经办 ")
    assert (agreement.evaluation_org, agreement.enrollment) == (booking.evaluation_org, first)
    assert agreement.signed_on == booking.planned_date - timedelta(days=1)
    assert agreement.signatory == "王 经办" and not agreement.has_scan
    assert agreement.recorded_by.username == "evaluator"
    assert AuditEntry.objects.filter(
        object_type="evaluation.applicantagreement", object_id=str(agreement.pk)
    ).exists()
    event = LedgerEvent.objects.get(
        person=first.person,
        object_type="evaluation.applicantagreement",
        object_id=str(agreement.pk),
    )
    assert "免费技能评价协议书" in event.title and booking.training_class.code in event.title
    assert agreements.signed_on_by_enrollment(booking.evaluation_org_id, [first.pk]) == {
        first.pk: agreement.signed_on
    }


def test_004_4_5_the_bureau_may_record_and_others_may_not(act, booked, make_user, orgs):
    """Who records: the organisation's staff and the bureau's reviewers, within their scope;
    the class's institution, the worker and another organisation's staff are refused."""
    booking = booked()
    first, second, third = trainees_of(booking)
    with act("city_reviewer"):
        assert record(booking, first).recorded_by.username == "city_reviewer"
    for username in ("institution", "worker", "finance"):
        with act(username), pytest.raises(PermissionDenied, match="只有评价机构或人社部门"):
            record(booking, second)
    station = make_user(orgs["eval_yongcheng"], Role.EVALUATION_STAFF, "station_agreements")
    with act(station), pytest.raises(PermissionDenied, match="不在您的数据范围内"):
        record(booking, second)
    county = make_user(orgs["liangyuan"], Role.REVIEWER, "liangyuan_agreements")
    with act(county), pytest.raises(PermissionDenied, match="不在您的数据范围内"):
        record(booking, third)
    assert ApplicantAgreement.objects.filter(enrollment__in=[second, third]).count() == 0


def test_004_4_5_the_date_is_not_in_the_future_nor_after_the_evaluation(act, booked):
    """004 §四(五): the agreement makes the evaluation free, so it is signed on or before the
    evaluation date; never in the future; not before the class's first day."""
    today = timezone.localdate()
    booking = booked()  # the evaluation was the day before yesterday
    later = booked(planned=today + timedelta(days=1), end=today - timedelta(days=1),
                   persons=others())  # fmt: skip
    first = trainees_of(booking)[0]
    with act("evaluator"):
        with pytest.raises(ValidationError, match="评价日期当日或之前签订") as after:
            agreements.record_agreement(
                booking, first, signed_on=booking.planned_date + timedelta(days=1),
                signatory="王经办",
            )  # fmt: skip
        assert "signed_on" in after.value.message_dict
        with pytest.raises(ValidationError, match="不能晚于今天"):
            agreements.record_agreement(
                later, trainees_of(later)[0], signed_on=today + timedelta(days=1),
                signatory="王经办",
            )  # fmt: skip
        start = booking.training_class.start_date
        with pytest.raises(ValidationError, match="不能早于培训班开班首日"):
            agreements.record_agreement(
                booking, first, signed_on=start - timedelta(days=1), signatory="王经办"
            )
        with pytest.raises(ValidationError, match="代表评价机构签订协议的人员"):
            agreements.record_agreement(booking, first, signed_on=start, signatory="  ")
        agreement = agreements.record_agreement(booking, first, signed_on=start, signatory="王")
        # on a booking whose evaluation is tomorrow, today is the last day allowed
        ahead = record(later, trainees_of(later)[0], days_before=1)
    assert agreement.signed_on == start and ahead.signed_on == today
    assert ApplicantAgreement.objects.filter(enrollment=first).count() == 1


def test_004_4_5_only_for_a_booking_taken_on_and_a_trainee_who_completed(
    act, booked, completed_class
):
    """Agreements are recorded once the organisation accepted the booking (or finished it), for
    those who completed the class (those evaluated); once per organisation and trainee."""
    requested = booked(accept=False, persons=others())
    with act("evaluator"), pytest.raises(ValidationError, match="评价机构受理预约后"):
        record(requested, trainees_of(requested)[0])
    booking = booked(missing=1)
    first, second, dropped = trainees_of(booking)
    with act("evaluator"):
        with pytest.raises(ValidationError, match="未结业"):
            record(booking, dropped)
        other = completed_class(persons=others(1))
        with pytest.raises(ValidationError, match="不是所预约培训班的学员"):
            record(booking, other.enrollments.first())
        record(booking, first)
        with pytest.raises(ValidationError, match="已登记") as twice:
            record(booking, first, days_before=1)
    assert first.person.name in " ".join(twice.value.messages)
    assert ApplicantAgreement.objects.filter(enrollment__in=[first, second, dropped]).count() == 1


def test_004_4_5_the_scan_is_a_pdf_or_image_kept_encrypted(act, booked):
    """The scanned copy: a PDF, JPEG or PNG of at most 10 MB, kept encrypted in the database
    (it shows the ID number and the signature); added later to an agreement without one, once;
    each view is audited as a view of personal data."""
    booking = booked()
    first, second, third = trainees_of(booking)
    with act("evaluator"):
        with pytest.raises(ValidationError, match="PDF、JPEG或PNG"):
            record(booking, first, scan=agreements.Scan("a.txt", b"plain text"))
        with_scan = record(booking, first, scan=agreements.Scan("协议-甲.pdf", PDF))
        without = record(booking, second)
        agreements.attach_scan(without, agreements.Scan("协议-乙.png", PNG))
        with pytest.raises(ValidationError, match="已保存"):
            agreements.attach_scan(without, agreements.Scan("again.pdf", PDF))
    stored = ApplicantAgreement.objects.get(pk=with_scan.pk)
    assert PDF not in bytes(stored.scan) and stored.scan_type == "application/pdf"
    assert not ApplicantAgreement.objects.filter(enrollment=third).exists()
    with act("city_reviewer"):
        assert agreements.read_scan(stored) == PDF
    assert AuditEntry.objects.filter(
        action="view_personal",
        object_type="evaluation.applicantagreement",
        object_id=str(stored.pk),
        message="agreement scan",
    ).exists()
    with act("institution"), pytest.raises(PermissionDenied, match="只有评价机构或人社部门"):
        agreements.read_scan(stored)
    snapshot = AuditEntry.objects.filter(
        object_type="evaluation.applicantagreement", object_id=str(stored.pk), action="create"
    ).get()
    assert "scan" not in (snapshot.after or {})


# --- the booking's page -------------------------------------------------------------------------


def test_004_4_5_the_booking_page_records_each_trainees_agreement(login, booked):
    """The booking's page lists every trainee with their agreement; the organisation records
    one per row (with the scan), a refusal comes back as a message in Chinese and changes
    nothing; the scan downloads for those who record agreements."""
    booking = booked()
    first, second, _third = trainees_of(booking)
    url = f"/evaluations/{booking.pk}/"
    client = login("evaluator")
    page = client.get(url).content.decode()
    assert 'id="agreements"' in page and f'id="record-agreement-{first.pk}"' in page
    assert 'id="agreements-count">0 / 3' in page and 'id="import-agreements"' in page
    late = (booking.planned_date + timedelta(days=1)).isoformat()
    answer = client.post(
        f"{url}agreements/",
        {"enrollment": first.pk, "signed_on": late, "signatory": "王经办"},
        follow=True,
    )
    assert "免费技能评价协议书应在评价日期当日或之前签订" in answer.content.decode()
    assert not ApplicantAgreement.objects.filter(enrollment=first).exists()
    scan = SimpleUploadedFile("协议.pdf", PDF, content_type="application/pdf")
    answer = client.post(
        f"{url}agreements/",
        {"enrollment": first.pk, "signed_on": booking.planned_date.isoformat(),
         "signatory": "王经办", "scan": scan},
        follow=True,
    )  # fmt: skip
    assert f"已登记与{first.person.name}签订的免费技能评价协议书" in answer.content.decode()
    agreement = ApplicantAgreement.objects.get(enrollment=first)
    assert agreement.has_scan
    page = client.get(url).content.decode()
    assert 'id="agreements-count">1 / 3' in page and f'id="scan-{first.pk}"' in page
    assert f'id="record-agreement-{first.pk}"' not in page
    download = client.get(f"{url}agreements/{agreement.pk}/scan/")
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    no_scan = client.post(
        f"{url}agreements/",
        {"enrollment": second.pk, "signed_on": booking.planned_date.isoformat(),
         "signatory": "王经办"},
    )  # fmt: skip
    assert no_scan.status_code == 302
    later = ApplicantAgreement.objects.get(enrollment=second)
    image = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    client.post(f"{url}agreements/{later.pk}/scan/upload/", {"scan": image})
    later.refresh_from_db()
    assert later.has_scan and later.scan_type == "image/png"


def test_who_sees_what_of_the_agreements_on_the_page(login, act, booked):
    """The institution sees the agreements of its trainees but records none and cannot read the
    scans; a requested booking says when agreements are recorded; a trainee already with an
    agreement or of another class is not a valid choice."""
    booking = booked()
    first = trainees_of(booking)[0]
    with act("evaluator"):
        agreement = record(booking, first, scan=agreements.Scan("s.pdf", PDF))
    url = f"/evaluations/{booking.pk}/"
    institution = login("institution")
    page = institution.get(url).content.decode()
    assert f'data-signed-on="{booking.planned_date:%Y-%m-%d}"' in page
    assert "record-agreement-" not in page and 'id="import-agreements"' not in page
    assert institution.get(f"{url}agreements/{agreement.pk}/scan/").status_code == 404
    assert institution.post(f"{url}agreements/", {"enrollment": first.pk}).status_code == 404
    requested = booked(accept=False, persons=others())
    page = login("evaluator").get(f"/evaluations/{requested.pk}/").content.decode()
    assert 'id="agreements-blocked"' in page and "record-agreement-" not in page
    client = login("evaluator")
    answer = client.post(
        f"{url}agreements/",
        {"enrollment": first.pk, "signed_on": booking.planned_date.isoformat(),
         "signatory": "王经办"},
        follow=True,
    )  # fmt: skip
    assert "请选择本次评价中尚未登记协议的学员" in answer.content.decode()
    assert ApplicantAgreement.objects.filter(enrollment=first).count() == 1


# --- the import -----------------------------------------------------------------------------------


def agreements_file(rows) -> bytes:
    lines = ["身份证号码,姓名,签订日期,评价机构签订人", *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_agreements(user, target, content: bytes):
    options = ImportOptions(context={"user": user, "target": target, "source": "test"})
    return run_import(AGREEMENTS, content, "agreements.csv", options=options)


def test_004_4_5_the_organisation_imports_dozens_of_agreements_at_once(act, users, booked):
    """An evaluation organisation signs with every trainee at once: a file of rows (ID number,
    name, date in any common form, signatory) goes into the booking; a bad row is reported with
    its column and stores nothing; the same file again stores nothing new."""
    booking = booked()
    first, second, third = trainees_of(booking)
    day = booking.planned_date
    rows = [
        (decrypt_id_number(first.person), first.person.name, day.isoformat(), "王经办"),
        (decrypt_id_number(second.person), second.person.name, f"{day:%Y年%m月%d日}", "王经办"),
        (decrypt_id_number(third.person), third.person.name,
         (day + timedelta(days=1)).isoformat(), "王经办"),
        (decrypt_id_number(third.person), "别人", day.isoformat(), "王经办"),
    ]  # fmt: skip
    content = agreements_file(rows)
    with act("evaluator"):
        report = import_agreements(users["evaluator"], booking.pk, content)
    assert report.counts["created"] == 2 and report.rejected_total == 2
    by_row = {rejection.row: rejection for rejection in report.rejected}
    assert "评价日期当日或之前" in by_row[4].message and by_row[4].column == "签订日期"
    assert "登记的姓名与此不同" in by_row[5].message
    assert set(ApplicantAgreement.objects.filter(enrollment__in=[first, second, third])
               .values_list("enrollment", flat=True)) == {first.pk, second.pk}  # fmt: skip
    with act("evaluator"):
        again = import_agreements(users["evaluator"], booking.pk, content)
    assert (again.counts["created"], again.counts["unchanged"]) == (0, 2)
    changed = agreements_file([(rows[0][0], rows[0][1], rows[0][2], "李经办")])
    with act("evaluator"):
        refused = import_agreements(users["evaluator"], booking.pk, changed)
    assert "不予更改" in refused.rejected[0].message


def test_the_agreements_import_checks_its_booking_and_who_imports(act, users, booked):
    requested = booked(accept=False)
    first = trainees_of(requested)[0]
    content = agreements_file(
        [(decrypt_id_number(first.person), first.person.name, "2026-01-01", "王经办")]
    )
    with act("evaluator"), pytest.raises(ImportFileError, match="评价机构受理预约后"):
        import_agreements(users["evaluator"], requested.pk, content)
    with act("evaluator"), pytest.raises(ImportFileError, match="请选择要导入的预约评价"):
        import_agreements(users["evaluator"], None, content)
    client = Client()
    client.force_login(users["institution"])
    assert client.get(f"/imports/new/evaluation_agreements/?target={requested.pk}").status_code in (
        403,
        404,
    )
    client.force_login(users["evaluator"])
    page = client.get(f"/imports/new/evaluation_agreements/?target={requested.pk}")
    assert page.status_code == 200 and requested.training_class.code in page.content.decode()


# --- the API ------------------------------------------------------------------------------------


def test_004_4_5_the_api_posts_and_lists_agreements(users, booked):
    """POST /api/v1/evaluations/<id>/agreements/ with a list: each created, unchanged (sent
    again) or rejected with its reason; GET lists them (ID numbers masked)."""
    booking = booked()
    first, second, _third = trainees_of(booking)
    client = Client()
    client.force_login(users["evaluator"])
    url = f"/api/v1/evaluations/{booking.pk}/agreements/"
    day = booking.planned_date.isoformat()
    items = [
        {"enrollment": first.pk, "signed_on": day, "signatory": "王经办"},
        {"id_number": decrypt_id_number(second.person), "signed_on": str(timezone.localdate()
         + timedelta(days=3)), "signatory": "王经办"},
    ]  # fmt: skip
    response = client.post(url, json.dumps(items), content_type="application/json")
    assert response.status_code == 200, response.content
    created, refused = response.json()
    assert created["status"] == "created" and created["agreement"]
    assert refused["status"] == "rejected" and "今天" in refused["error"]
    assert refused["trainee"] == second.person.id_number_masked
    again = client.post(url, json.dumps(items[:1]), content_type="application/json").json()
    assert again[0]["status"] == "unchanged"
    listed = client.get(url).json()
    assert [row["enrollment"] for row in listed] == [first.pk]
    assert listed[0]["id_number_masked"] == first.person.id_number_masked
    assert listed[0]["signed_on"] == day and listed[0]["has_scan"] is False
    institution = Client()
    institution.force_login(users["institution"])
    assert institution.get(url).status_code == 200
    denied = institution.post(url, json.dumps(items[:1]), content_type="application/json")
    assert denied.status_code == 403


def test_the_admin_lists_the_agreements_read_only(login, act, booked):
    booking = booked()
    with act("evaluator"):
        agreement = record(booking, trainees_of(booking)[0], scan=agreements.Scan("s.pdf", PDF))
    client = login("admin")
    assert client.get("/admin/evaluation/applicantagreement/").status_code == 200
    detail = client.get(f"/admin/evaluation/applicantagreement/{agreement.pk}/change/")
    assert detail.status_code == 200 and PDF.decode("latin-1") not in detail.content.decode()
    assert client.get("/admin/evaluation/applicantagreement/add/").status_code == 403
