"""The checks of the data comparison (004 §五(六): 大数据分析、数据比对、现场核查), each on a small
hand-made dataset (tests/supervision/builders.py) with planted cases and near-misses that must
not be flagged. Each test names the seed section and the fraud pattern of shared/DOMAIN.md
("Fraud patterns") it plants."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from jineng.catalog import packs
from jineng.catalog.models import PolicyPackVersion
from jineng.certificates.models import Certificate, CertificateKind
from jineng.evaluation.models import BookingState, EvaluationBooking, EvaluationResult
from jineng.institutions.models import Examiner, ExaminerRole
from jineng.people.models import EmploymentRecord
from jineng.policy.pack import parse_pack
from jineng.supervision import services
from jineng.supervision.models import Finding, FindingState, Run
from jineng.training.models import CheckIn, Device, ManualMark
from tests.actors import act
from tests.factories import InstitutionFactory, OrganisationFactory, bureau, demo_centre
from tests.supervision.builders import DAY, world

pytestmark = pytest.mark.django_db

PERIOD = (date(2026, 1, 1), date(2026, 12, 31))


def run(w, code: str) -> Run:
    with act(w.reviewer):
        return services.run_checks(w.bureau, *PERIOD, codes={code})


def flagged(run_: Run, code: str) -> list[Finding]:
    return list(Finding.objects.filter(run=run_, check_code=code).order_by("id"))


def test_same_person_in_overlapping_classes():
    """004 §五(六); pattern: the same person in overlapping classes. P is in two classes meeting
    9-12 and 11-14 the same days (flagged, once for the pair); Q is in a 9-12 class and a 12-15
    class (they touch, do not overlap: not flagged); R is in one class only."""
    w = world()
    p, q, r = w.person(), w.person(), w.person()
    morning = w.training_class(trainees=[p, q, r])
    w.training_class(w.institutions[1], hours=(11, 14), trainees=[p])
    w.training_class(w.institutions[1], hours=(12, 15), trainees=[q])
    result = run(w, "overlapping_classes")
    found = flagged(result, "overlapping_classes")
    assert [f.person for f in found] == [p]
    assert found[0].training_class == morning and found[0].severity == "high"
    assert len(found[0].evidence["rows"]) == 3  # three pairs of sessions, one a day
    assert p.id_number_masked in found[0].evidence["rows"][0]
    assert result.counts["overlapping_classes"] == {"found": 1, "new": 1}


def test_a_run_again_adds_no_finding_already_made():
    """004 §五(六): a finding is the same finding in the next run (by check and subjects)."""
    w = world()
    p = w.person()
    w.training_class(trainees=[p])
    w.training_class(w.institutions[1], hours=(10, 13), trainees=[p])
    run(w, "overlapping_classes")
    again = run(w, "overlapping_classes")
    assert again.counts["overlapping_classes"] == {"found": 1, "new": 0}
    assert Finding.objects.filter(check_code="overlapping_classes").count() == 1


def test_teacher_in_two_sessions_at_once():
    """004 §五(六); pattern: rented teachers. Teacher T has sessions 9-12 in one class and
    10-13 in another (flagged); teacher U has 9-12 and 12-15 (touching: not flagged)."""
    w = world()
    t, u = w.teacher(w.institutions[0]), w.teacher(w.institutions[0])
    first = w.training_class(teacher=t)
    w.training_class(teacher=t, hours=(10, 13))
    w.training_class(teacher=u)
    w.training_class(teacher=u, hours=(12, 15))
    found = flagged(run(w, "teacher_double_booked"), "teacher_double_booked")
    assert [(f.teacher, f.training_class) for f in found] == [(t, first)]


def test_teacher_at_more_institutions_than_the_pack_allows():
    """000 §三(七) (at most 3 institutions a year, teachers.part_time_max_institutions);
    pattern: a teacher in too many institutions. T teaches at 4 institutions in 2026 (flagged),
    U at 3 (the limit: not flagged)."""
    w = world()
    more = w.institutions + [
        InstitutionFactory(organisation=OrganisationFactory(parent_code="410300")) for _ in range(2)
    ]
    t, u = w.teacher(more[0]), w.teacher(more[0])
    for number, institution in enumerate(more):
        start = DAY + timedelta(days=7 * number)
        w.training_class(institution, start=start, teacher=t)
        if number < 3:
            w.training_class(institution, start=start, hours=(14, 17), teacher=u)
    found = flagged(run(w, "teacher_many_institutions"), "teacher_many_institutions")
    assert [f.teacher for f in found] == [t]
    assert len(found[0].evidence["rows"]) == 4


def test_attendance_mostly_entered_by_hand():
    """000 §三(八) 人脸识别考勤, 003 §三10 过程留痕 (supervision.manual_attendance_share 50%);
    pattern: courses shortened or skipped. Class A: every cell a hand mark (flagged); class B:
    2 of 6 cells by hand, 4 by a device (not flagged); class C: half by hand (at the limit, not
    above: not flagged)."""
    w = world()
    device = Device.objects.create(institution=w.institutions[0], name="考勤机",
                                   token_hash="x" * 64, token_hint="x")  # fmt: skip
    people = [w.person(), w.person()]
    a = w.training_class(trainees=people)
    w.hand_marks(a, people)
    b = w.training_class(trainees=people, start=DAY + timedelta(days=7))
    sessions = list(b.sessions.all())
    w.hand_marks(b, people, sessions[:1])
    w.device_checkins(b, people, device, sessions[1:])
    c = w.training_class(trainees=people, start=DAY + timedelta(days=14), days=2)
    sessions = list(c.sessions.all())
    w.hand_marks(c, people, sessions[:1])
    w.device_checkins(c, people, device, sessions[1:])
    found = flagged(run(w, "hand_entered_attendance"), "hand_entered_attendance")
    assert [f.training_class for f in found] == [a]
    assert found[0].evidence["rows"][0][1:3] == [6, 0]


def test_identical_attendance_for_everyone():
    """003 §三10 (supervision.identical_attendance_min_trainees 10); pattern: courses shortened
    or skipped. Class A: 10 trainees each present at the same 3 sessions (flagged); class B: 10
    trainees, one present at 2 sessions only (not flagged); class C: 9 trainees alike (below the
    threshold: not flagged)."""
    w = world()
    ten = [w.person() for _ in range(10)]
    a = w.training_class(trainees=ten)
    w.hand_marks(a, ten)
    b = w.training_class(trainees=ten, start=DAY + timedelta(days=7))
    w.hand_marks(b, ten[:9])
    w.hand_marks(b, ten[9:], list(b.sessions.all())[:2])
    c = w.training_class(trainees=ten[:9], start=DAY + timedelta(days=14))
    w.hand_marks(c, ten[:9])
    found = flagged(run(w, "identical_attendance"), "identical_attendance")
    assert [f.training_class for f in found] == [a]


def test_identical_attendance_counts_devices_and_the_hand_marks_over_them():
    """003 §三10, 000 §三(八) (supervision.identical_attendance_min_trainees 10); pattern:
    courses shortened or skipped. A session attended counts once, by a present hand mark (the
    current one, not a superseded one), else by an in-window device check-in. Class D: 10
    trainees checked in by a device at sessions 1-2 and marked present by hand at session 3,
    one of them checked in at 3 too (flagged: 3 each). Class E: the same, but one trainee's
    device check-in at session 3 is overridden by a hand mark "absent" (a correction: 2
    sessions; not flagged). Class F: one trainee's present mark at session 3 superseded by an
    absent one (2 sessions; not flagged)."""
    w = world()
    device = Device.objects.create(institution=w.institutions[0], name="考勤机",
                                   token_hash="i" * 64, token_hint="i")  # fmt: skip
    ten = [w.person() for _ in range(10)]
    classes = []
    for week in range(3):
        training_class = w.training_class(trainees=ten, start=DAY + timedelta(days=7 * week))
        sessions = list(training_class.sessions.order_by("starts_at"))
        w.device_checkins(training_class, ten, device, sessions[:2])
        classes.append((training_class, sessions))
    (d, d_sessions), (e, e_sessions), (f, f_sessions) = classes
    w.hand_marks(d, ten, d_sessions[2:])
    w.device_checkins(d, ten[:1], device, d_sessions[2:])
    w.hand_marks(e, ten[1:], e_sessions[2:])
    w.device_checkins(e, ten[:1], device, e_sessions[2:])
    ManualMark.objects.create(session=e_sessions[2], person=ten[0], present=False,
                              reason="更正：未到", correction=True)  # fmt: skip
    w.hand_marks(f, ten, f_sessions[2:])
    first = ManualMark.objects.get(session=f_sessions[2], person=ten[0])
    ManualMark.objects.create(session=f_sessions[2], person=ten[0], present=False,
                              reason="更正：未到", correction=True, supersedes=first)  # fmt: skip
    found = flagged(run(w, "identical_attendance"), "identical_attendance")
    assert [f.training_class for f in found] == [d]
    assert found[0].evidence["rows"][0][1:] == [10, 3]


def _evaluate(w, training_class, scores, examiner_person=None):
    """A finished booking of the demo centre with one result per trainee: (theory, practical,
    passed) in `scores`, in enrolment order."""
    centre = demo_centre()
    booking = EvaluationBooking.objects.create(
        training_class=training_class, evaluation_org=centre,
        planned_date=training_class.end_date + timedelta(days=2),
        due_on=training_class.end_date + timedelta(days=7), state=BookingState.DONE,
    )  # fmt: skip
    supervisor = Examiner.objects.create(
        evaluation_org=centre, person=w.person(), role=ExaminerRole.SUPERVISOR, certificate="DD-1"
    )
    examiner = None
    if examiner_person is not None:
        examiner = Examiner.objects.create(
            evaluation_org=centre, person=examiner_person, role=ExaminerRole.EXAMINER,
            certificate="KP-1",
        )  # fmt: skip
    for enrollment, (theory, practical, passed) in zip(
        training_class.enrollments.order_by("id"), scores, strict=True
    ):
        result = EvaluationResult.objects.create(
            booking=booking, enrollment=enrollment, theory_score=theory,
            practical_score=practical, passed=passed, supervisor=supervisor,
        )  # fmt: skip
        if examiner:
            result.examiners.add(examiner)
    return booking


def test_everyone_passes_with_near_identical_scores():
    """004 §五(六) (supervision.uniform_scores_min_trainees 5, uniform_scores_max_spread 2);
    pattern: evaluation organisations that pass everyone. Class A: 5 pass with totals 160-162
    (flagged); class B: 5 pass with totals 150-170 (not flagged); class C: 5 alike but one
    failed (not flagged)."""
    w = world()
    five = [w.person() for _ in range(5)]
    a = w.training_class(trainees=five)
    _evaluate(w, a, [(80, 80, True), (80, 81, True), (81, 81, True), (80, 82, True),
                     (81, 80, True)])  # fmt: skip
    b = w.training_class(trainees=five, start=DAY + timedelta(days=7))
    _evaluate(w, b, [(75, 75, True), (80, 80, True), (85, 85, True), (80, 82, True),
                     (81, 80, True)])  # fmt: skip
    c = w.training_class(trainees=five, start=DAY + timedelta(days=14))
    _evaluate(w, c, [(80, 80, True), (80, 81, True), (81, 81, True), (80, 82, True),
                     (81, 80, False)])  # fmt: skip
    found = flagged(run(w, "uniform_scores"), "uniform_scores")
    assert [f.training_class for f in found] == [a]


def test_examiner_who_taught_the_class():
    """004 §五(六); pattern: evaluation organisations that pass everyone (the same examiner on
    both sides). Class A's teacher examines it (flagged); class B is examined by a teacher of
    another class (not flagged)."""
    w = world()
    t, other = w.teacher(w.institutions[0]), w.teacher(w.institutions[0])
    trainee = w.person()
    a = w.training_class(trainees=[trainee], teacher=t)
    _evaluate(w, a, [(80, 80, True)], examiner_person=t.person)
    b = w.training_class(trainees=[trainee], teacher=t, start=DAY + timedelta(days=7))
    w.training_class(teacher=other, start=DAY + timedelta(days=14))
    _evaluate(w, b, [(80, 80, True)], examiner_person=other.person)
    found = flagged(run(w, "examiner_taught"), "examiner_taught")
    assert [f.training_class for f in found] == [a]


def _certificate(person, training_class, issued_on, number):
    return Certificate.objects.create(
        person=person, kind=CertificateKind.SKILL_LEVEL, number=number,
        occupation=training_class.occupation, level=training_class.level, issued_on=issued_on,
        training_class=training_class, issued_here=False,
    )  # fmt: skip


def test_certificate_before_the_class_ended():
    """004 §五(六); pattern: certificates before the training ended. P's certificate is dated
    the class's second day (flagged); Q's its last day (not flagged)."""
    w = world()
    p, q = w.person(), w.person()
    a = w.training_class(trainees=[p, q])
    early = _certificate(p, a, DAY + timedelta(days=1), "T-EARLY-1")
    _certificate(q, a, a.end_date, "T-ONTIME-1")
    found = flagged(run(w, "certificate_too_early"), "certificate_too_early")
    assert [(f.certificate, f.person) for f in found] == [(early, p)]


def test_many_trainees_on_one_phone():
    """004 §五(六) (supervision.shared_phone_min_trainees 3); pattern: fake trainees. Three
    trainees registered with one phone (each flagged, compared by the keyed hash); two others
    share another (a couple: not flagged)."""
    w = world()
    three = [w.person(phone="19912340001") for _ in range(3)]
    two = [w.person(phone="19912340002") for _ in range(2)]
    w.training_class(trainees=three + two)
    found = flagged(run(w, "shared_phone"), "shared_phone")
    assert sorted(f.person_id for f in found) == sorted(p.pk for p in three)
    assert "199****0001" in found[0].evidence["rows"][0]
    assert "19912340001" not in str(found[0].evidence)


def test_outside_working_age_in_a_class_for_the_unemployed():
    """004 §五(六) (supervision.working_age_from 16, working_age_to 60); pattern: fake trainees
    (retirees). A trainee born 1960 (66) in an employment skills class (flagged); the same
    person in a job skills upgrade class (not flagged); a trainee of 20 (not flagged)."""
    w = world()
    old, young = w.person(born=date(1960, 5, 1)), w.person()
    w.training_class(trainees=[old, young])
    w.training_class(trainees=[old], training_type="job_skills_upgrade",
                     start=DAY + timedelta(days=7))  # fmt: skip
    found = flagged(run(w, "outside_working_age"), "outside_working_age")
    assert [f.person for f in found] == [old]
    assert found[0].evidence["rows"][0][2] == 65


def test_training_beyond_the_designation():
    """004 §四(二), 004 §五(六); pattern: rented premises (training what the institution is not
    designated for). A class of 焊工 三级 at an institution designated for 五级 only (flagged);
    its 五级 class (not flagged)."""
    w = world()
    beyond = w.training_class(level="3")
    w.training_class(start=DAY + timedelta(days=7))
    found = flagged(run(w, "beyond_designation"), "beyond_designation")
    assert [f.training_class for f in found] == [beyond]


def test_a_run_is_the_bureaus_and_stays_in_its_region():
    """004 §五(六): runs fail closed (supervision.manage) and a reviewer runs their own region."""
    w = world()
    with act("institution"), pytest.raises(PermissionDenied, match="审核人员|数据比对"):
        services.run_checks(w.bureau, *PERIOD)
    with act(w.reviewer), pytest.raises(PermissionDenied, match="不在"):
        services.run_checks(bureau("411400"), *PERIOD)


def test_a_whole_run_stores_counts_per_check_and_the_pack():
    """004 §五(六): every check runs and the run keeps its counts and the pack version."""
    w = world()
    result = run(w, "overlapping_classes")
    with act(w.reviewer):
        result = services.run_checks(w.bureau, *PERIOD)
    assert result.pack.pack_id == "test-410300" and result.finished_at
    assert set(result.counts) >= {"overlapping_classes", "duplicate_claims", "shared_phone"}
    assert all("found" in value for value in result.counts.values())
    assert Finding.objects.filter(run__region=w.bureau, state=FindingState.OPEN).count() == sum(
        value["new"] for value in result.counts.values()
    )


def test_employed_during_a_class_for_the_unemployed_or_the_institutions_own_staff():
    """004 §二 (就业技能培训 for people out of work), 004 §五(六); pattern: fake trainees (employed
    people listed as unemployed). P insured at a factory since before the class, still (flagged);
    S employed by the institution itself (flagged); Q in a part-time job without insurance
    (not flagged); R hired after the class began (not flagged)."""
    w = world()
    p, s, q, r = w.person(), w.person(), w.person(), w.person()
    a = w.training_class(trainees=[p, s, q, r])
    own_code = a.institution.organisation.code
    jobs = [
        (p, "91410300MA00000001", 12, DAY - timedelta(days=200)),
        (s, own_code, 0, DAY - timedelta(days=30)),
        (q, "91410300MA00000002", 0, DAY - timedelta(days=100)),
        (r, "91410300MA00000003", 6, DAY + timedelta(days=1)),
    ]
    for person, uscc, months, start in jobs:
        EmploymentRecord.objects.create(person=person, employer_uscc=uscc, employer_name="某厂",
                                        start=start, insured_months=months)  # fmt: skip
    found = flagged(run(w, "employed_during_class"), "employed_during_class")
    assert sorted(f.person_id for f in found) == sorted([p.pk, s.pk])
    assert any("机构" in f.summary for f in found if f.person == s)


def test_a_job_ended_before_the_class_and_one_begun_after_it_are_not_employment_during_it():
    """004 §二, 004 §五(六); pattern: fake trainees (employed people listed as unemployed). T
    was insured at a factory until the day before the class and is insured at another from the
    day after it began: neither job covers the class's first day (not flagged; each condition
    holds for one record, not for the same one). P, insured since before the class, still is
    (flagged)."""
    w = world()
    t, p = w.person(), w.person()
    w.training_class(trainees=[t, p])
    jobs = [
        (t, "91410300MA00000001", DAY - timedelta(days=400), DAY - timedelta(days=1)),
        (t, "91410300MA00000002", DAY + timedelta(days=1), None),
        (p, "91410300MA00000003", DAY - timedelta(days=400), None),
    ]
    for person, uscc, start, end in jobs:
        EmploymentRecord.objects.create(person=person, employer_uscc=uscc, employer_name="某厂",
                                        start=start, end=end, insured_months=12)  # fmt: skip
    found = flagged(run(w, "employed_during_class"), "employed_during_class")
    assert [f.person for f in found] == [p]


def test_insured_work_is_flagged_only_during_a_full_time_class_own_staff_always():
    """004 §二 (就业技能培训 for people out of work), 004 §五(六); pattern: fake trainees (employed
    people listed as unemployed). The issue flags insured full-time work by an unrelated employer
    during a *full-time* class; a part-time class (非全日制, evenings and weekends) is meant for
    people who may hold a job. Part-time class B meets 19:00-21:00: Q's uninsured part-time job
    (the issue's near-miss) and P's insured job are not flagged (insured work during a part-time
    class is not, by the issue's wording); S, the institution's own staff, is flagged whatever
    the mode. Part-time class C states part-time but meets 14:00-18:00 on weekdays only (all in
    working hours): T's insured job is flagged, the class read as full-time by its timetable.
    Part-time class D meets 9:00-12:00 Friday to Sunday (weekend sessions): U's insured job is
    not flagged."""
    w = world()
    p, q, s, t, u = (w.person() for _ in range(5))
    part_time = "part_time"
    b = w.training_class(trainees=[p, q, s], hours=(19, 21), study_mode=part_time)
    c = w.training_class(trainees=[t], hours=(14, 18), study_mode=part_time)
    w.training_class(trainees=[u], start=DAY + timedelta(days=4), study_mode=part_time)
    own_code = b.institution.organisation.code
    jobs = [
        (p, "91410300MA00000001", 12),
        (q, "91410300MA00000002", 0),
        (s, own_code, 0),
        (t, "91410300MA00000003", 12),
        (u, "91410300MA00000004", 12),
    ]
    for person, uscc, months in jobs:
        EmploymentRecord.objects.create(person=person, employer_uscc=uscc, employer_name="某厂",
                                        start=DAY - timedelta(days=200),
                                        insured_months=months)  # fmt: skip
    found = flagged(run(w, "employed_during_class"), "employed_during_class")
    assert sorted((f.person_id, f.training_class_id) for f in found) == sorted(
        [(s.pk, b.pk), (t.pk, c.pk)]
    )
    staff = next(f for f in found if f.person == s)
    assert "机构" in staff.summary
    assert "非全日制" in staff.evidence["rows"][0][5]
    timetable = next(f for f in found if f.person == t)
    assert "工作时间" in timetable.summary


def test_the_working_day_a_timetable_is_read_against_is_the_packs():
    """004 §二, 004 §五(六): the working day is the pack's (supervision.working_day_from and
    working_day_until; 8 to 18 in every shipped pack, assumed). A region whose working day ends
    at 17:00 reads a part-time class meeting 14:00-18:00 on weekdays as part-time, as stated: a
    trainee's insured job during it is not flagged, where the same class is flagged above."""
    w = world()
    version = PolicyPackVersion.objects.filter(pack_id="test-410300").latest("version")
    text = version.source_text.replace(
        "working_day_until = { value = 18", "working_day_until = { value = 17", 1
    ).replace(f"\nversion = {version.version}\n", f"\nversion = {version.version + 1}\n", 1)
    with act(None):
        packs.save_pack_version(parse_pack(text, "test-410300.toml"), text)
    t = w.person()
    w.training_class(trainees=[t], hours=(14, 18), study_mode="part_time")
    EmploymentRecord.objects.create(person=t, employer_uscc="91410300MA00000003",
                                    employer_name="某厂", start=DAY - timedelta(days=200),
                                    insured_months=12)  # fmt: skip
    assert flagged(run(w, "employed_during_class"), "employed_during_class") == []


def test_checkin_bursts_from_one_device():
    """000 §三(八) 人脸识别考勤, 004 §五(六) (supervision.burst_seconds 10, burst_min_checkins 5);
    pattern: bursts of check-ins from one device (代打卡). Class A: 5 trainees checked in by one
    device 2 seconds apart (flagged, once per session); class B: 5 trainees 60 seconds apart
    (not flagged); class C: 4 trainees 1 second apart (below the count: not flagged). The
    window includes its end: class D's 5 check-ins 2.5 s apart span exactly 10 s (flagged);
    class E's, 2.500001 s apart, span 10.000004 s (not flagged). A check-in outside the
    session's time counts in a burst but starts none: class F's first 4 check-ins in the
    window, then one outside it 1 s later (flagged: the burst starts at an in-window one)."""
    w = world()
    device = Device.objects.create(institution=w.institutions[0], name="考勤机1",
                                   token_hash="b" * 64, token_hint="b")  # fmt: skip
    five = [w.person() for _ in range(5)]
    a = w.training_class(trainees=five, days=1)
    w.device_checkins(a, five, device, step_seconds=2)
    b = w.training_class(trainees=five, days=1, start=DAY + timedelta(days=7))
    w.device_checkins(b, five, device, step_seconds=60)
    c = w.training_class(trainees=five[:4], days=1, start=DAY + timedelta(days=14))
    w.device_checkins(c, five[:4], device, step_seconds=1)
    d = w.training_class(trainees=five, days=1, start=DAY + timedelta(days=21))
    w.device_checkins(d, five, device, step_seconds=2.5)
    e = w.training_class(trainees=five, days=1, start=DAY + timedelta(days=28))
    w.device_checkins(e, five, device, step_seconds=2.500001)
    f = w.training_class(trainees=five, days=1, start=DAY + timedelta(days=35))
    w.device_checkins(f, five, device, step_seconds=1)
    CheckIn.objects.filter(session__training_class=f, person=five[4]).update(in_window=False)
    found = flagged(run(w, "checkin_bursts"), "checkin_bursts")
    assert [finding.training_class for finding in found] == [a, d, f]
    assert [finding.evidence["rows"][0][3] for finding in found] == [5, 5, 5]
