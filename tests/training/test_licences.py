"""Enrolment in a class of an occupation that needs a practising licence (004 §五(一)): 对保安员、
电工、焊工等有从业资格要求的职业(工种),人力资源社会保障部门可依规定对已取得从业资格的符合条件劳动者
开展补贴性职业技能培训.

Every class on the platform is subsidised, so the person must already hold the licence the pack
names for the class's occupation, valid on the day the pack counts categories on (the class's
first day): else the enrolment is refused with the licence and the day. The roster shows the
licence held; the roster's decision and the claim line's carry the same licence check, read from
the same facts; a licence ended in the registry decides the open roster again.

The demo region's pack (Shangqiu) lists no such occupation (002 has no such rule); these tests
store a version of it that lists Hebei's (保安员、电工、焊工), as a bureau adopting the rule would.
"""

import html
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from jineng.catalog.models import PolicyPackVersion
from jineng.catalog.packs import decision_of, pack_for, parsed_pack
from jineng.claims import services as claims
from jineng.core.imports import ImportOptions, run_import
from jineng.people import services as people
from jineng.people.models import LedgerEvent
from jineng.policy.pack import parse_pack
from jineng.training import services
from jineng.training.imports import ENROLLMENTS
from jineng.training.models import ClassState, Enrollment, EnrollmentState, TrainingClass
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
HEBEI = Path(__file__).parents[2] / "policies" / "hebei-2024.toml"
HEBEI_LINE = next(
    line for line in HEBEI.read_text("utf-8").splitlines() if line.startswith("licence_required")
)


@pytest.fixture
def licence_pack(db):
    """The demo region's pack as a bureau adopting 004 §五(一) would publish it: Shangqiu's
    with Hebei's list of occupations and licences, stored as a newer version."""
    version, _pack = pack_for("411400", TODAY)
    text = "\n".join(
        HEBEI_LINE if line.startswith("licence_required") else line
        for line in version.source_text.splitlines()
    ).replace(f"version = {version.version}\n", "version = 999\n", 1)
    pack = parse_pack(text, f"{version.pack_id}.toml")
    assert pack.licence_required("6-18-02-04") == "welding_work"
    stored = PolicyPackVersion.objects.create(
        pack_id=version.pack_id, version=999, title=version.title,
        region_code=version.region_code, effective_from=version.effective_from,
        effective_to=version.effective_to, source_text=text, content_hash=pack.content_hash,
    )  # fmt: skip
    return parsed_pack(stored)


def welder(act, since: date | None, until: date | None = None, **person):
    """A rural migrant worker (eligible) holding a welder's special operation certificate
    valid from `since` (None: no licence)."""
    found = PersonFactory(categories=["rural_migrant"], **person)
    if since is not None:
        with act("city_reviewer"):
            people.add_licence(
                found, licence_type="welding_work", number=f"T{found.id_number_masked[:4]}"
                f"{found.pk:08d}", valid_from=since, valid_to=until, evidence="证书原件",
            )  # fmt: skip
    return found


def licence_check(record) -> tuple[bool, str]:
    found = [c for c in decision_of(record).checks if c.code == "training.licence"]
    assert len(found) == 1
    return found[0].passed, found[0].message_zh


def test_enrolment_needs_the_licence_valid_on_the_first_day(licence_pack, make_class, act):
    """004 §五(一): 焊工 trains with a subsidy only people who already hold the welder's
    licence: without one, or with one valid only from after the class's first day, the
    enrolment is refused naming the licence and the day, and nothing is stored."""
    training_class = make_class(people=0)
    start = training_class.start_date
    nobody = welder(act, None)
    too_late = welder(act, start + timedelta(days=1))
    expired = welder(act, start - timedelta(days=400), start - timedelta(days=1))
    for person in (nobody, too_late, expired):
        with act("institution"), pytest.raises(ValidationError) as refusal:
            services.enrol(training_class, person)
        message = refusal.value.messages[0]
        assert (
            f"{person.name}未登记{start.isoformat()}有效的特种作业操作证（焊接与热切割作业）"
            in message
        )
        assert "焊工属于有从业资格要求的职业（工种）" in message and "004 §五(一)" in message
    assert not training_class.enrollments.exists()
    assert not LedgerEvent.objects.filter(person=nobody, kind="class").exists()

    holder = welder(act, start - timedelta(days=30))
    with act("institution"):
        enrollment = services.enrol(training_class, holder)
    assert enrollment.eligible
    passed, words = licence_check(enrollment.eligibility)
    assert (
        passed and f"本人持有{start.isoformat()}有效的特种作业操作证（焊接与热切割作业）" in words
    )


def test_the_refusal_reads_in_english_too(licence_pack, make_class, act):
    """004 §五(一): the message in the reader's language."""
    training_class = make_class(people=0)
    with translation.override("en"), act("institution"), pytest.raises(ValidationError) as refusal:
        services.enrol(training_class, welder(act, None))
    assert "holds no Special operation certificate, welding and thermal cutting" in str(
        refusal.value
    )
    assert "needs a practising licence" in str(refusal.value) and "004 §五(一)" in str(
        refusal.value
    )


def test_the_shipped_demo_pack_needs_no_licence(make_class, act):
    """004 §五(一) is Hebei's; Shangqiu's pack lists no occupation, so a welder without a
    licence is enrolled and eligible there, with no licence check."""
    training_class = make_class(people=0)
    with act("institution"):
        enrollment = services.enrol(training_class, welder(act, None))
    assert enrollment.eligible
    codes = {c.code for c in decision_of(enrollment.eligibility).checks}
    assert "training.licence" not in codes


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_class_page_refuses_and_the_roster_shows_the_licence(licence_pack, make_class, act,
                                                                   login):  # fmt: skip
    """004 §五(一): on the class page the institution reads which licence is needed before it
    enrols; a person without it is refused with the message; the roster shows each trainee's
    licence, number masked."""
    training_class = make_class(people=0)
    holder, nobody = welder(act, training_class.start_date - timedelta(days=30)), welder(act, None)
    client = login("institution")
    url = reverse("training:detail", args=[training_class.pk])
    page = text_of(client.get(url))
    assert (f"焊工有从业资格要求：只招收持有{training_class.start_date.isoformat()}"
            "有效的特种作业操作证（焊接与热切割作业）的人员（004 §五(一)）") in page  # fmt: skip
    enrol = reverse("training:enrol", args=[training_class.pk])
    refused = text_of(client.post(enrol, {"id_number": people.decrypt_id_number(nobody)},
                                  follow=True))  # fmt: skip
    assert "未登记" in refused and "特种作业操作证（焊接与热切割作业）" in refused
    assert not training_class.enrollments.filter(person=nobody).exists()
    done = text_of(client.post(enrol, {"id_number": people.decrypt_id_number(holder)},
                               follow=True))  # fmt: skip
    record = holder.licences.get()
    assert "从业资格证：特种作业操作证（焊接与热切割作业）" in done and record.number_masked in done
    assert people.decrypt_id_number(holder) not in done


def completed(training_class: TrainingClass) -> TrainingClass:
    TrainingClass.objects.filter(pk=training_class.pk).update(state=ClassState.COMPLETED)
    training_class.enrollments.update(state=EnrollmentState.COMPLETED, assessment_passed=True)
    training_class.refresh_from_db()
    return training_class


def test_roster_and_claim_agree_after_the_licence_is_ended(licence_pack, make_class, act, login):
    """004 §五(一): the bureau ends a licence (revoked before the class began): the roster
    turns not eligible at once, with the reason and a ledger line, and the claim's line is
    refused for the same reason in the same words; the roster page shows it."""
    training_class = make_class(people=0)
    start = training_class.start_date
    holder = welder(act, start - timedelta(days=30))
    with act("institution"):
        enrollment = services.enrol(training_class, holder)
    record = holder.licences.get()
    with act("city_reviewer"):
        people.change_licence(
            record, valid_from=record.valid_from, valid_to=start - timedelta(days=1),
            evidence="吊销决定书",
        )  # fmt: skip
    enrollment.refresh_from_db()
    assert not enrollment.eligible
    passed, reason = licence_check(enrollment.eligibility)
    assert not passed and "未登记" in reason
    assert LedgerEvent.objects.filter(
        person=holder, kind="class", title__contains="从业资格证变更"
    ).exists()
    page = text_of(login("institution").get(reverse("training:detail", args=[training_class.pk])))
    assert reason in page and "无有效的特种作业操作证（焊接与热切割作业）" in page

    with act("institution"):
        claim = claims.create_training_claim(completed(training_class))
    line = claim.lines.get(person=holder)
    assert line.amount == 0
    assert licence_check(line.decision) == (False, reason)
    assert reason in claims.line_reasons(line)


def test_a_licence_recorded_later_makes_the_roster_eligible(licence_pack, make_class, act):
    """004 §五(一): a trainee enrolled before the pack asked for the licence (the roster says
    not eligible) becomes eligible once the bureau records a licence valid on the first day."""
    training_class = make_class(people=0)
    person = welder(act, None)
    Enrollment.objects.create(training_class=training_class, person=person, eligible=False)
    with act("city_reviewer"):
        people.add_licence(person, licence_type="welding_work", number="T2026000001",
                           valid_from=training_class.start_date - timedelta(days=3))  # fmt: skip
    enrollment = training_class.enrollments.get(person=person)
    assert enrollment.eligible and licence_check(enrollment.eligibility)[0]


def test_the_roster_import_refuses_each_person_without_the_licence(
    licence_pack, make_class, act, users
):
    """004 §五(一): a class roster (花名册) imported into a welders' class enrols the licence
    holder and reports the other row with the licence it lacks, the number never repeated."""
    training_class = make_class(people=0)
    holder = welder(act, training_class.start_date - timedelta(days=30))
    nobody = welder(act, None)
    rows = "姓名,身份证号码\n" + "".join(
        f"{person.name},{people.decrypt_id_number(person)}\n" for person in (holder, nobody)
    )
    options = ImportOptions(context={"user": users["institution"], "source": "test",
                                     "target": training_class.pk})  # fmt: skip
    with act("institution"):
        report = run_import(ENROLLMENTS, rows.encode(), "roster.csv", options=options)
    assert [r.row for r in report.rejected] == [3]
    message = report.rejected[0].message
    assert "未登记" in message and "特种作业操作证（焊接与热切割作业）" in message
    assert people.decrypt_id_number(nobody) not in message
    assert list(training_class.enrollments.values_list("person", flat=True)) == [holder.pk]
