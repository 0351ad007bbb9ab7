"""The later checks of the data comparison (004 §五(六): 大数据分析、数据比对、现场核查), each on a
small hand-made dataset (tests/supervision/builders.py) with planted cases and near-misses that
must not be flagged, citing the seed and the fraud pattern of shared/DOMAIN.md ("Fraud
patterns"): check 4's second half (the same order of check-ins; check-ins outside the session's
time), check 8 (a short job just inside the employment window) and check 11's first half (more
trainees at once than the premises hold). Thresholds: 商丘's pack adopted in the test region
(same_order_min_sessions 3, same_order_min_trainees 5, outside_window_min_checkins 5,
outside_window_share 0.2, short_job_days 30, employment_window_months 3)."""

from datetime import date, timedelta

import pytest

from jineng.institutions.models import Institution
from jineng.people.models import EmploymentRecord
from jineng.training.models import CheckIn, Device, Direction
from tests.supervision.builders import DAY, world
from tests.supervision.test_checks import flagged, run

pytestmark = pytest.mark.django_db


def device_of(w, n: int = 1) -> Device:
    return Device.objects.create(institution=w.institutions[0], name=f"考勤机{n}",
                                 token_hash=f"{n}" * 64, token_hint=f"{n}")  # fmt: skip


def checkins(training_class, orders, device, *, gap=37) -> None:
    """One device check-in of each trainee a session, in the order given for that session."""
    for session, order in zip(training_class.sessions.order_by("starts_at"), orders, strict=True):
        for position, person in enumerate(order):
            moment = session.starts_at - timedelta(minutes=10) + timedelta(seconds=gap * position)
            CheckIn.objects.create(
                session=session, person=person, direction=Direction.IN, device=device,
                event_id=f"{session.pk}-{person.pk}", device_time=moment, server_time=moment,
                in_window=True,
            )  # fmt: skip


def test_the_same_trainees_checked_in_in_the_same_order_session_after_session():
    """000 §三(八) 人脸识别考勤, 003 §三10 过程留痕, 004 §五(六); pattern: check-ins replayed from
    a roster (代打卡: one hand runs down the list every day). Class A: 5 trainees in the same
    order in 3 sessions (flagged, once); near-misses: class B, the same 5 in a new order each
    session (people arrive as they come); class C, the same order but 4 trainees (below 5);
    class D, the same order in 2 sessions only (below 3); class E, the same order in 3 of its
    4 sessions plus a teacher and a check-out that do not count (flagged: 3 sessions)."""
    w = world()
    device = device_of(w)
    five = [w.person() for _ in range(5)]
    a = w.training_class(trainees=five, days=3)
    checkins(a, [five] * 3, device)
    b = w.training_class(trainees=five, days=3, start=DAY + timedelta(days=7))
    checkins(b, [five, five[2:] + five[:2], five[::-1]], device)
    c = w.training_class(trainees=five[:4], days=3, start=DAY + timedelta(days=14))
    checkins(c, [five[:4]] * 3, device)
    d = w.training_class(trainees=five, days=2, start=DAY + timedelta(days=21))
    checkins(d, [five] * 2, device)
    e = w.training_class(trainees=five, days=4, start=DAY + timedelta(days=28))
    checkins(e, [five, five, five[::-1], five], device)
    teacher = w.person()
    for session in e.sessions.all():
        for direction, person in ((Direction.IN, teacher), (Direction.OUT, five[0])):
            CheckIn.objects.create(
                session=session, person=person, direction=direction, device=device,
                event_id=f"x{session.pk}-{direction}", device_time=session.starts_at,
                server_time=session.starts_at, in_window=True, is_teacher=person == teacher,
            )  # fmt: skip
    found = flagged(run(w, "same_order_checkins"), "same_order_checkins")
    assert [f.training_class for f in found] == [a, e]
    assert found[0].severity == "high" and len(found[0].evidence["rows"]) == 3
    assert sorted(found[0].evidence["persons"]) == sorted(p.pk for p in five)
    assert five[0].name in found[0].evidence["rows"][0][3]
    assert len(found[1].evidence["rows"]) == 3


def test_checkins_outside_the_sessions_time():
    """000 §三(八), 003 §三10, 004 §五(六); pattern: courses shortened or skipped (attendance
    taken when nobody was taught). No place is recorded on a check-in, so the time is compared.
    Class A: 5 of its 15 trainee check-ins outside the session's time (flagged); near-misses:
    class B, 4 of 15 (below 5 check-ins); class C, 5 of 30 (a sixth: not above the fifth)."""
    w = world()
    device = device_of(w)
    five = [w.person() for _ in range(5)]
    ten = five + [w.person() for _ in range(5)]
    a = w.training_class(trainees=five, days=3)
    b = w.training_class(trainees=five, days=3, start=DAY + timedelta(days=7))
    c = w.training_class(trainees=ten, days=3, start=DAY + timedelta(days=14))
    for training_class, people, outside in ((a, five, 5), (b, five, 4), (c, ten, 5)):
        w.device_checkins(training_class, people, device)
        late = CheckIn.objects.filter(session__training_class=training_class).order_by("id")
        for event in late[:outside]:
            event.device_time = event.session.ends_at + timedelta(hours=5)
            event.in_window = False
            event.save()
    found = flagged(run(w, "checkins_outside_window"), "checkins_outside_window")
    assert [f.training_class for f in found] == [a]
    assert found[0].evidence["rows"][0][1:3] == [15, 5]


def test_a_short_job_just_inside_the_employment_window():
    """004 §四(五) (已实现就业的(3个月内): the employed rate), 004 §五(六); pattern: contracts to
    reach the employment rate. The class ends 2026-03-04, the window on 2026-06-04. P: a job
    from 05-25 to 06-20 (flagged); near-misses: Q from 05-25 still employed; R from 05-25 to
    08-01 (kept it); S from 04-01 to 06-10 (began early in the window); T from 06-05 to 06-20
    (after the window: earns no rate); U, P's job but in a job-skills-upgrade class."""
    w = world()
    p, q, r, s, t, u = (w.person() for _ in range(6))
    a = w.training_class(trainees=[p, q, r, s, t])
    w.training_class(trainees=[u], training_type="job_skills_upgrade")
    jobs = [
        (p, date(2026, 5, 25), date(2026, 6, 20)),
        (q, date(2026, 5, 25), None),
        (r, date(2026, 5, 25), date(2026, 8, 1)),
        (s, date(2026, 4, 1), date(2026, 6, 10)),
        (t, date(2026, 6, 5), date(2026, 6, 20)),
        (u, date(2026, 5, 25), date(2026, 6, 20)),
    ]
    for n, (person, start, end) in enumerate(jobs):
        EmploymentRecord.objects.create(person=person, employer_uscc=f"91410300MA0000010{n}",
                                        employer_name="某劳务公司", start=start, end=end,
                                        insured_months=1)  # fmt: skip
    found = flagged(run(w, "short_job_at_window_end"), "short_job_at_window_end")
    assert [(f.person, f.training_class) for f in found] == [(p, a)]
    assert "2026-06-04" in found[0].summary
    assert found[0].evidence["rows"][0][4] == "2026-06-04"


def test_more_trainees_at_once_than_the_premises_hold():
    """000 §三(三) (定点培训机构…规范办学行为), 004 §五(六); pattern: rented premises (classes on
    paper beyond what the premises hold). Institution 1 (capacity 8): classes of 5 at 9-12 and
    10-13 the same days (10 at once: flagged, once for the month). Near-misses at institution
    2 (capacity 10): classes of 5 at 9-12 and 10-13 (10 at once: exactly the capacity), and a
    third of 5 at 12-15 that only touches the first (never 15 at once)."""
    w = world()
    first, second = w.institutions
    Institution.objects.filter(pk=first.pk).update(capacity=8)
    Institution.objects.filter(pk=second.pk).update(capacity=10)
    people = [[w.person() for _ in range(5)] for _ in range(5)]
    w.training_class(first, trainees=people[0])
    w.training_class(first, hours=(10, 13), trainees=people[1])
    w.training_class(second, trainees=people[2])
    w.training_class(second, hours=(10, 13), trainees=people[3])
    w.training_class(second, hours=(12, 15), trainees=people[4])
    found = flagged(run(w, "beyond_capacity"), "beyond_capacity")
    assert [f.institution_id for f in found] == [first.pk]
    assert found[0].evidence["rows"][0][1] == 8 and found[0].evidence["rows"][0][5] == 10
    assert "2026-03" in found[0].summary
