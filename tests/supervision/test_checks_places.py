"""The checks that waited for data (issue 17, "for want of data"): check 4's place half
(check-ins reported away from the session's training site: 000 §三(八) 人脸识别考勤, 003 §三10
远程监控、过程留痕, 004 §五(六) 数据比对) and check 10's student half (full-time students in a class
for the unemployed: 004 §二 the training objects, 004 §五(六)), each on a small hand-made dataset
(tests/supervision/builders.py) with planted cases and near-misses. Thresholds: 商丘's pack
adopted in the test region (site_radius 200 m, outside_place_min_checkins 5,
outside_place_share 0.2)."""

from datetime import date, timedelta

import pytest

from jineng.catalog.models import PersonCategory
from jineng.people.models import CategoryRecord
from jineng.training.models import CheckIn, Session, TrainingClass
from jineng.training.places import distance_m
from tests.supervision.builders import DAY, world
from tests.supervision.test_checks import flagged, run
from tests.supervision.test_checks_more import device_of

pytestmark = pytest.mark.django_db

SITE = (34.4146, 115.6563)  # 商丘, the class's workshop
ELSEWHERE = (34.4326, 115.6563)  # 0.018° north: about 2 km away
METRE = 1 / 111_195  # a metre northwards, in degrees of latitude


def north(metres: float) -> tuple[float, float]:
    return SITE[0] + metres * METRE, SITE[1]


def sited(training_class: TrainingClass, radius=None, site=SITE) -> TrainingClass:
    TrainingClass.objects.filter(pk=training_class.pk).update(
        site_latitude=site[0], site_longitude=site[1], site_radius=radius
    )
    return training_class


def place(events, where, accuracy=None) -> None:
    CheckIn.objects.filter(pk__in=[e.pk for e in events]).update(
        latitude=where[0], longitude=where[1], accuracy=accuracy
    )


def located(w, training_class, people, device, *, away=0, where=ELSEWHERE, accuracy=None):
    """Every trainee checked in each session at the site (20 m off, ±15 m), `away` of the
    check-ins at `where` (with `accuracy`)."""
    w.device_checkins(training_class, people, device)
    events = list(CheckIn.objects.filter(session__training_class=training_class).order_by("id"))
    place(events, north(20), 15)
    place(events[:away], where, accuracy)


def test_checkins_away_from_the_training_site():
    """000 §三(八), 003 §三10, 004 §五(六); pattern: courses shortened or skipped, check-ins for
    others (代打卡: the roster checked in from elsewhere). Class A (site, pack radius 200 m): 5
    of its 15 located check-ins 2 km away (flagged). Near-misses: B, 5 at 250 m reported ±60 m
    (within 200 + 60); C, no site (2 km from anything: not compared); D, a site but check-ins
    without a position; E, sessions held at a site of their own where the check-ins are (2 km
    from the class's); F, its own radius of 3 km; G, 5 away of 30 (a sixth: not above the
    fifth)."""
    w = world()
    device = device_of(w)
    five = [w.person() for _ in range(5)]
    ten = five + [w.person() for _ in range(5)]
    week = [DAY + timedelta(days=7 * n) for n in range(7)]
    a = sited(w.training_class(trainees=five, start=week[0]))
    located(w, a, five, device, away=5)
    b = sited(w.training_class(trainees=five, start=week[1]))
    located(w, b, five, device, away=5, where=north(250), accuracy=60)
    c = w.training_class(trainees=five, start=week[2])
    located(w, c, five, device, away=15)
    d = sited(w.training_class(trainees=five, start=week[3]))
    w.device_checkins(d, five, device)
    e = sited(w.training_class(trainees=five, start=week[4]))
    Session.objects.filter(training_class=e).update(
        site_address="田间实训基地", site_latitude=ELSEWHERE[0], site_longitude=ELSEWHERE[1]
    )
    located(w, e, five, device, away=15)
    f = sited(w.training_class(trainees=five, start=week[5]), radius=3000)
    located(w, f, five, device, away=5)
    g = sited(w.training_class(trainees=ten, start=week[6]))
    located(w, g, ten, device, away=5)

    found = flagged(run(w, "checkins_outside_place"), "checkins_outside_place")
    assert [x.training_class for x in found] == [a]
    finding = found[0]
    assert finding.severity == "medium" and "5" in finding.summary and "15" in finding.summary
    rows = finding.evidence["rows"]
    assert len(rows) == 5 and sorted(finding.evidence["persons"]) == sorted(p.pk for p in five)
    far = CheckIn.objects.filter(session__training_class=a, latitude=ELSEWHERE[0])
    assert {row[0] for row in rows} == set(far.values_list("pk", flat=True))
    expected = round(distance_m(*SITE, *ELSEWHERE))
    assert all(abs(row[5] - expected) <= 1 for row in rows)  # the database's haversine
    assert 1990 < expected < 2010 and rows[0][6] == 200  # no accuracy: the radius alone
    assert "实训楼" in rows[0][7] and "34.414600" in rows[0][7]


def test_a_sessions_own_site_is_compared_not_the_classs():
    """000 §三(八), 004 §五(六): a session held elsewhere is judged by its own site; check-ins
    at the class's workshop on a field day are away from that day's site (flagged)."""
    w = world()
    device = device_of(w)
    five = [w.person() for _ in range(5)]
    a = sited(w.training_class(trainees=five))
    Session.objects.filter(training_class=a).update(
        site_address="田间实训基地", site_latitude=ELSEWHERE[0], site_longitude=ELSEWHERE[1],
        site_radius=500,
    )  # fmt: skip
    located(w, a, five, device)  # all at the class's workshop
    found = flagged(run(w, "checkins_outside_place"), "checkins_outside_place")
    assert [x.training_class for x in found] == [a]
    assert "田间实训基地" in found[0].evidence["rows"][0][7]
    assert found[0].evidence["rows"][0][6] == 515  # the session's 500 m + 15 m accuracy


def student(w, born_school: tuple[date, date | None], **values):
    person = w.person(**values)
    CategoryRecord.objects.create(
        person=person,
        category=PersonCategory.objects.get(code="full_time_student"),
        valid_from=born_school[0],
        valid_to=born_school[1],
        evidence="学籍证明",
    )
    return person


def test_full_time_student_in_a_class_for_the_unemployed():
    """004 §二 (培训对象: 毕业年度高校毕业生, 未继续升学的应届初高中毕业生 — not those still at
    school), 004 §五(六); pattern: fake trainees (students). P, a full-time student from
    2023-09-01 to 2027-06-30, in an employment skills class starting 2026-03-02 (flagged); Q,
    a student from 2024-09-01 with no end recorded (flagged). Near-misses: R, whose studies
    ended 2025-06-30, before the class; S, who starts school the day after the class's first
    day; P again in a job skills upgrade class; T, a registered unemployed person."""
    w = world()
    p = student(w, (date(2023, 9, 1), date(2027, 6, 30)))
    q = student(w, (date(2024, 9, 1), None))
    r = student(w, (date(2021, 9, 1), date(2025, 6, 30)))
    s = student(w, (DAY + timedelta(days=1), date(2029, 6, 30)))
    t = w.person(categories=["registered_unemployed"])
    a = w.training_class(trainees=[p, q, r, s, t])
    w.training_class(trainees=[p], training_type="job_skills_upgrade",
                     start=DAY + timedelta(days=7))  # fmt: skip
    found = flagged(run(w, "student_in_unemployed_class"), "student_in_unemployed_class")
    assert [(x.person, x.training_class) for x in found] == [(p, a), (q, a)]
    assert found[0].severity == "medium" and "2026-03-02" in found[0].summary
    assert found[0].evidence["rows"][0][4:] == ["2023-09-01", "2027-06-30", "学籍证明"]
    assert found[1].evidence["rows"][0][5] == ""
