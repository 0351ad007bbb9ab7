"""Benchmark (issue 17, "Supervision"): the whole data comparison (every check of
jineng.supervision, docs/supervision.md) over a region-sized data set on PostgreSQL, with a known
number of planted cases of each kind a check looks for and near-misses it must not flag.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/audit.py
        [--trainees N] [--classes N] [--checkins N] [--insurance N] [--institutions N]
        [--planted N] [--database NAME] [--keep | --drop]
    .venv/bin/python bench/audit.py --smoke          # tiny sizes, SQLite (or DATABASE_URL), seconds

The data set (defaults: the issue's): 100,000 trainees in 5,000 classes of one bureau's region
(商丘市 411400, with its pack's [supervision] thresholds), each class one daily session a day
(check-ins / trainees of them: 20), every trainee checked in by the institution's device a minute
apart (2,000,000 check-ins), two insurance (employment) records a trainee (200,000): one that
ended before the class, one that begins after it. Rows go in with COPY on PostgreSQL (core.bulk on
SQLite), through bench/stats.py's Loader.

The classes are laid out in ten groups of S = classes / 10 date slots (class i starts on day
i mod S, group i div S; group 9 meets 12:00-15:00, group 8's slots P to 2P, part-time classes,
19:00-21:00, the others 9:00-12:00), so that two classes
overlap exactly when they are planted to. Planted, `--planted` (P) of each (some kinds twice):
the same trainee in two morning classes of one slot (overlap) and, near-miss, in a morning and an
afternoon class (touching); a teacher on two morning classes of one slot, near-miss a morning and
an afternoon one; a teacher at 4 institutions in a year, near-miss at 3; a trainee of an employment
skills class insured elsewhere during it, or employed by the institution itself, near-miss an
uninsured (part-time) job, a job starting on the class's first day, an insured job during a job-
skills-upgrade class, and in a part-time class (evenings: group 8, slots p to 2p) the institution's
own staff (planted), near-misses insured work and an uninsured job; a session where a device
checked in 5 trainees within 10 seconds, near-miss 5 within 12 seconds; a class attended by hand
marks only, near-miss half by hand (one cell less); a class where every trainee attended every
session (elsewhere one trainee misses one); 3 trainees on one phone, near-miss 2; a trainee aged 60
or 15 on the class's first day, near-miss 59 (60 the next day), 16 on the day, 65 in an upgrade
class; a class of an occupation its institution is not designated for, or designated until the day
before the class ends, near-miss designated exactly over the class's dates; a class whose trainees
check in in the same order every session (elsewhere the order turns by one place a session), near-
miss the same order in 2 sessions; a class where 5 trainees a session check in outside its time,
near-miss 4 once; a class (with a site, as all but the near-miss below) whose first 5 trainees
check in 2 km from it, near-misses 250 m away reported ±60 m (radius 200 + 60), 2 km from a class
without a site, and without a position; a full-time student on the class's first day, near-misses a
student until the day before and a student in an upgrade class; a job from 10 days before the end
of the employment window to 10 days after it, near-miss kept 60 days after; institution 0's
capacity one below its most trainees at once (found in the months of that most, computed here by
the same sweep), institution 1's exactly its most (the others record none).

Every class is evaluated a week after it ends by one evaluation organisation (two of its ten
examiners a result, a quality supervisor), a certificate for each pass ten days later, and claimed:
a training claim per class (a line per trainee) and an evaluation claim per booking (a line per
certificate), reviewed. In every class but the planted ones the scores spread and the last
trainee fails. Planted in group 0 (slots P to 9P, P classes each): everyone passing with totals
within 2 points (the pack's spread), near-misses within 3 and alike but one failing; the class's
teacher among its examiners, near-miss that teacher examining another class; certificates dated
the day before the class ends and the day before the evaluation, near-misses one on the
evaluation's day and one on the class's last day when it was evaluated that day; a trainee's
training and another's certificate claimed again in a second claim (多头、重复申领), near-misses a
top-up line (补差), a line in a rejected claim, a rejected line, a line at another level.

Timed: each check run alone through `services.run_checks` (as `jineng supervision run` does,
findings stored), and the sum; then the anchor, one scan of the check-ins grouped by session and
person, and the ratio of the audit to it (the machine is shared: the ratio travels better than
the seconds). Goal: every planted case found, no false flag, the whole audit under 60 s. Exit 1
when a planted case is missed or anything else is flagged.

On PostgreSQL the data set lives in its own database (--database, default jineng_bench_audit):
kept with --keep and reused by the next run when its sizes match; dropped with --drop (alone:
just drop it). Without --keep a new database is built and dropped afterwards. The database part
(which database, the environment, loading rows with COPY) is bench/benchdb.py, shared with
bench/stats.py.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import benchdb
from benchdb import Loader, analyse, database_size, first_id

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "jineng_bench_audit"
REGION = "411400"  # 商丘市: the pack with the [supervision] thresholds
BASE = date(2025, 1, 6)  # slot 0's first day
PERIOD = (date(2025, 1, 1), date(2026, 12, 31))
GOAL_SECONDS = 60
SMOKE = {"trainees": 2000, "classes": 200, "checkins": 8000, "insurance": 4000,
         "institutions": 5, "planted": 2}  # fmt: skip
MORNING, AFTERNOON = (1, 4), (4, 7)  # UTC hours: 9-12 and 12-15 in Shanghai
EVENING = (11, 13)  # 19-21 in Shanghai: the part-time classes
SITE = (34.4146, 115.6563)  # every class's workshop (the pack's radius: 200 m)
METRE = 1 / 111_195  # a metre northwards, in degrees of latitude


def sizes(args) -> dict:
    return {k: getattr(args, k) for k in SMOKE}


class Layout:
    """Where everything planted is: class indexes, trainee positions, the keys expected."""

    def __init__(self, args):
        self.classes, self.institutions, self.p = args.classes, args.institutions, args.planted
        self.trainees = args.trainees
        self.size = args.trainees // args.classes  # trainees a class
        self.days = max(2, round(args.checkins / args.trainees) // 2 * 2)  # sessions, even
        self.slots = args.classes // 10
        self.gap = max(self.days + 1, self.p)  # slots between a roaming teacher's classes
        if self.size < 8 or self.slots < self.p + 3 * self.gap or self.slots < 9 * self.p:
            raise SystemExit("sizes too small for the planted cases: more classes or trainees")
        if self.days > self.size:
            raise SystemExit("more sessions than trainees a class: their orders would repeat")
        if self.slots + self.days > 700:
            raise SystemExit("too many classes for two years of slots")
        self.teacher_of = list(range(args.classes))  # class -> teacher index
        self.institution_of = [i % args.institutions for i in range(args.classes)]
        self.occupation_of = ["O1"] * args.classes
        for k in range(self.p):
            self.teacher_of[self.c(2, k)] = self.c(3, k)  # double-booked
            self.teacher_of[self.c(9, k)] = self.c(4, k)  # touching: near-miss
            for group, extra in ((5, 3), (6, 2)):  # 4 institutions, near-miss 3
                for m in range(extra + 1):
                    index = self.c(group, k + m * self.gap)
                    self.teacher_of[index] = self.c(group, k)
                    self.institution_of[index] = (k + m) % args.institutions
            self.occupation_of[self.c(7, k)] = "O2"  # not designated
            self.occupation_of[self.c(7, self.p + k)] = "O3"  # designated exactly: near-miss
            self.occupation_of[self.c(7, 2 * self.p + k)] = "O3"  # until the day before the end

    def c(self, group: int, slot: int) -> int:
        return group * self.slots + slot

    def start(self, index: int) -> date:
        return BASE + timedelta(days=index % self.slots)

    def end(self, index: int) -> date:
        return self.start(index) + timedelta(days=self.days - 1)

    def hours(self, index: int) -> tuple[int, int]:
        if self.part_time(index):
            return EVENING
        return AFTERNOON if index // self.slots == 9 else MORNING

    def part_time(self, index: int) -> bool:
        """Group 8's slots p to 2p: part-time classes (非全日制), meeting in the evenings."""
        return index // self.slots == 8 and self.p <= index % self.slots < 2 * self.p

    def training_type(self, index: int) -> str:
        return "job_skills_upgrade" if index // self.slots == 7 else "employment_skills"

    def trainee(self, index: int, position: int) -> int:
        return index * self.size + position

    def members(self, index: int) -> range:
        """The trainees first enrolled in the class (the last class takes the remainder)."""
        last = self.trainees if index == self.classes - 1 else self.trainee(index, self.size)
        return range(self.trainee(index, 0), min(last, self.trainees))

    def evaluation_case(self, index: int) -> str:
        """The evaluation, certificate or claim case planted in the class: group 0's slots p to
        9p, p classes of each of EVALUATION_CASES; "" elsewhere."""
        slot, group = index % self.slots, index // self.slots
        if group != 0 or not self.p <= slot < 9 * self.p:
            return ""
        return EVALUATION_CASES[(slot - self.p) // self.p]

    def evaluated_on(self, index: int) -> date:
        """The evaluation a week after the class, on its last day in the near-miss "on the day"."""
        same_day = self.evaluation_case(index) == "on_the_day"
        return self.end(index) + timedelta(days=0 if same_day else 7)

    def scores(self, index: int, j: int, last: bool) -> tuple[int, int, bool]:
        """(theory, practical, passed) of the class's j-th trainee: totals within 2 points and
        everyone passing in a planted class (the pack's spread: 2), within 3 in its near-miss,
        alike but one failing in another; elsewhere the scores spread and the last one fails."""
        case = self.evaluation_case(index)
        if case == "uniform":
            return 80, 80 + j % 3, True
        if case == "spread":
            return 80, 80 + j % 4, True
        if case == "one_failed":
            return (50, 80, False) if last else (80, 80, True)
        if last:
            return 45, 70, False
        return 60 + (j * 37 + index) % 40, 60 + (j * 53 + index) % 40, True

    def certified_on(self, index: int, j: int) -> date:
        """A certificate ten days after the evaluation, but in the planted class "early": the
        first trainee's the day before the class ends, the second's the day before the
        evaluation, the third's on the evaluation's day (near-miss); in "on_the_day" the first
        trainee's on the class's last day, the day of its evaluation (near-miss)."""
        case, evaluated = self.evaluation_case(index), self.evaluated_on(index)
        if case == "early" and j < 3:
            return (self.end(index) - timedelta(days=1), evaluated - timedelta(days=1),
                    evaluated)[j]  # fmt: skip
        if case == "on_the_day" and j == 0:
            return evaluated
        return evaluated + timedelta(days=10)

    def hand_sessions(self, index: int) -> range:
        """Sessions attended by hand marks: all in the planted classes, half in the near ones."""
        slot, group = index % self.slots, index // self.slots
        if slot < self.p and group == 3:
            return range(self.days)
        if slot < self.p and group == 1:
            return range(self.days // 2)
        return range(0)

    def turn(self, index: int, day: int) -> int:
        """How many places the order of check-in turns in a session: none in a planted class
        of the same order (group 5), none on days 1 and 2 of its near-miss (the same order in
        2 sessions: day 0 misses a trainee), a place a day elsewhere."""
        slot, group = index % self.slots, index // self.slots
        if group == 5 and slot < self.p:
            return 0
        if group == 5 and slot < 2 * self.p and day in (1, 2):
            return 0
        return day

    def outside_window(self, index: int, day: int) -> int:
        """How many trainees (the first ones) check in outside the session's time: 5 every
        session in a planted class (group 1, slots p to 2p), 4 on the first day in its
        near-miss (slots 2p to 3p: below the 5 check-ins)."""
        slot, group = index % self.slots, index // self.slots
        if group == 1 and self.p <= slot < 2 * self.p:
            return 5
        if group == 1 and 2 * self.p <= slot < 3 * self.p and day == 0:
            return 4
        return 0

    def site(self, index: int) -> tuple[float | None, float | None]:
        """Every class's site, but group 2's slots 3p to 4p (no site: not compared)."""
        slot, group = index % self.slots, index // self.slots
        return (None, None) if group == 2 and 3 * self.p <= slot < 4 * self.p else SITE

    def position(self, index: int, j: int) -> tuple[float | None, float | None, float | None]:
        """(latitude, longitude, accuracy) of a device check-in of the class's j-th trainee: at
        the site (20 m off, ±15 m), but for the first 5 trainees of group 2: 2 km away in a
        planted class (slots p to 2p); near-misses: 250 m away ±60 m (within 200 + 60, slots 2p
        to 3p), 2 km away from a class without a site (3p to 4p), no position (4p to 5p)."""
        slot, group = index % self.slots, index // self.slots
        if group == 2 and j < 5 and self.p <= slot < 5 * self.p:
            kind = (slot - self.p) // self.p
            if kind == 1:
                return SITE[0] + 250 * METRE, SITE[1], 60.0
            if kind == 3:
                return None, None, None
            return SITE[0] + 2000 * METRE, SITE[1], None
        return SITE[0] + 20 * METRE, SITE[1], 15.0

    def everyone_everywhere(self, index: int) -> bool:
        return index // self.slots == 6 and index % self.slots < self.p


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- the data set ------------------------------------------------------------------------------


def organisations(args) -> dict:
    """The region, its bureau, the institutions (designated for O1 五级), devices, the pack."""
    from django.core.management import call_command
    from stdnum.cn import uscc

    from jineng.catalog import packs, reference
    from jineng.catalog import services as catalog
    from jineng.catalog.models import Occupation, SkillLevel
    from jineng.core import services as core
    from jineng.core.roles import OrgKind
    from jineng.institutions.models import Designation, EvaluationOrg, Institution
    from jineng.training.models import Device

    call_command("migrate", interactive=False, verbosity=0)
    reference.load_basics()
    reference.load_occupations()
    packs.load_pack_directory()
    for outcome in catalog.save_regions([{"code": "410000", "name": "河南省"},
                                         {"code": REGION, "name": "商丘市"}]):  # fmt: skip
        if not isinstance(outcome, str):
            raise outcome
    bureau = core.create_organisation(kind=OrgKind.BUREAU, name="商丘市人社局", code=REGION,
                                      parent=None, region_code=REGION)  # fmt: skip
    occupations = list(Occupation.objects.order_by("code").values_list("id", flat=True)[:3])
    level = SkillLevel.objects.get(code="5").pk
    institutions, institution_orgs, codes, devices = [], [], [], []
    for n in range(args.institutions):
        body = f"52{REGION}MJ{n:07d}"
        org = core.create_organisation(kind=OrgKind.INSTITUTION, name=f"商丘职业培训学校{n}",
                                       code=body + uscc.calc_check_digit(body), parent=bureau,
                                       region_code=REGION)  # fmt: skip
        institution = Institution.objects.create(organisation=org, type="private_school",
                                                 state="designated")  # fmt: skip
        Designation.objects.create(institution=institution, occupation_id=occupations[0],
                                   level_id=level, valid_from=date(2024, 1, 1),
                                   valid_to=date(2027, 12, 31))  # fmt: skip
        hint = "bench"
        device = Device.objects.create(institution=institution, name=f"考勤机{n}",
                                       token_hash=sha(f"device-{n}"), token_hint=hint)  # fmt: skip
        institutions.append(institution.pk)
        institution_orgs.append(org.pk)
        codes.append(org.code)
        devices.append(device.pk)
    body = f"52{REGION}MJ9999999"
    assessor = core.create_organisation(kind=OrgKind.EVALUATION_ORG, name="商丘技能评价中心",
                                        code=body + uscc.calc_check_digit(body), parent=bureau,
                                        region_code=REGION)  # fmt: skip
    evaluation_org = EvaluationOrg.objects.create(organisation=assessor, type="social")
    return {"bureau": bureau, "institutions": institutions, "institution orgs": institution_orgs,
            "codes": codes, "devices": devices,
            "occupations": dict(zip(("O1", "O2", "O3"), occupations, strict=True)),
            "level": level, "level 4": SkillLevel.objects.get(code="4").pk,
            "evaluation org": evaluation_org.pk, "assessor": assessor.pk}  # fmt: skip


def plant_face_pairs(lay: Layout, planted: dict, near: dict, person, trainees: int) -> int:
    """One face under two names (the 1:N search of jineng.faces stores each hit): two trainees
    of a class, found; two teachers (no trainee of the region's classes), the near-miss."""
    from jineng.faces.models import FaceDuplicate

    rows = []
    for k in range(lay.p):
        one, two = (person(lay.trainee(lay.c(6, k), position)) for position in (5, 6))
        rows.append((one, two))
        planted["face_two_names"].add(f"{one}:{two}")
        rows.append((person(trainees + 2 * k), person(trainees + 2 * k + 1)))
        near["face_two_names"] += 1
    return Loader(FaceDuplicate, ["person_id", "other_id", "distance", "threshold",
                                  "model_version", "source", "region_path", "found_at"]).load(
        (one, two, 0.31, 0.55, "bench", "enrolment", "", datetime(2024, 12, 1, 2, tzinfo=UTC))
        for one, two in rows
    )  # fmt: skip


def facts(args, lay: Layout, orgs: dict) -> tuple[dict, dict, dict]:
    """The rows, loaded in bulk; returns the counts, the keys planted per check and the
    near-misses planted per check."""
    from jineng.catalog.models import FundChannel, TrainingType
    from jineng.institutions.models import Designation, Institution, Teacher
    from jineng.people.models import EmploymentRecord, Person
    from jineng.policy.engine import add_months
    from jineng.training.models import CheckIn, Enrollment, ManualMark, Session, TrainingClass

    planted = {code: set() for code in CHECK_CODES}
    near = dict.fromkeys(CHECK_CODES, 0)
    p, size, days, trainees = lay.p, lay.size, lay.days, args.trainees
    classes = args.classes
    now = datetime(2024, 12, 1, 2, tzinfo=UTC)
    people = trainees + classes + EXAMINERS + 1  # the trainees, a teacher a class, examiners

    def class_of(n: int) -> int:
        return min(n // size, classes - 1)

    births = {}  # trainee -> birth date, the planted ages
    phones = {}  # trainee -> phone key, the shared ones
    for k in range(p):
        eight, seven, six = lay.c(8, k), lay.c(7, k), lay.c(6, k)
        first = lay.start(eight)
        births[lay.trainee(eight, 4)] = first.replace(year=first.year - 60)  # 60 on the day
        births[lay.trainee(eight, 5)] = first.replace(year=first.year - 16) + timedelta(days=1)
        births[lay.trainee(eight, 6)] = first.replace(year=first.year - 60) + timedelta(days=1)
        births[lay.trainee(eight, 7)] = first.replace(year=first.year - 16)  # 16 on the day
        births[lay.trainee(seven, 1)] = first.replace(year=first.year - 65)  # upgrade class
        near["outside_working_age"] += 3
        for position in range(3):
            phones[lay.trainee(six, position)] = f"shared-{k}"
        for position in (3, 4):
            phones[lay.trainee(six, position)] = f"pair-{k}"
        near["shared_phone"] += 1

    def birth(n: int) -> date:
        if n in births:
            return births[n]
        return date(1970 + n % 35, 1 + n % 12, 1 + n % 28)  # 20 to 55 in 2025

    loader = Loader(Person, ["name", "id_number_cipher", "id_number_hash", "id_number_masked",
                             "organisation_id", "registered_at", "source", "birth_date",
                             "phone_hash", "phone_masked"])  # fmt: skip
    counts = {"people": loader.load(
        (f"学员{n}", b"-", f"bench-audit-{n}", "4114**********0000", orgs["bureau"].pk, now,
         "bench", birth(n) if n < trainees else None, sha(phones.get(n, f"phone-{n}")),
         "138****0000")
        for n in range(people)
    )}  # fmt: skip
    p0 = first_id(Person, people)
    person = lambda n: p0 + n  # noqa: E731
    for k in range(p):
        for position in range(3):
            n = person(lay.trainee(lay.c(6, k), position))
            planted["shared_phone"].add(f"{n}:{sha(f'shared-{k}')[:16]}")
    counts["face pairs"] = plant_face_pairs(lay, planted, near, person, trainees)

    counts["teachers"] = Loader(Teacher, ["person_id"]).load(
        (person(trainees + i),) for i in range(classes)
    )
    t0 = first_id(Teacher, classes)

    types = dict(TrainingType.objects.values_list("code", "id"))
    channel = FundChannel.objects.order_by("code").values_list("id", flat=True).first()
    occupation = orgs["occupations"]
    counts["classes"] = Loader(TrainingClass, [
        "code", "institution_id", "occupation_id", "level_id", "training_type_id",
        "fund_channel_id", "start_date", "end_date", "source", "name", "venue", "capacity",
        "state", "site_latitude", "site_longitude", "study_mode",
    ]).load(
        (f"A{i:07d}", orgs["institutions"][lay.institution_of[i]], occupation[lay.occupation_of[i]],
         orgs["level"], types[lay.training_type(i)], channel, lay.start(i), lay.end(i),
         "platform", "培训班", "实训楼", size + 2, "completed", *lay.site(i),
         "part_time" if lay.part_time(i) else "full_time")
        for i in range(classes)
    )  # fmt: skip
    c0 = first_id(TrainingClass, classes)
    cid = lambda i: c0 + i  # noqa: E731
    for k in range(p):
        for position in (4, 5):
            n = person(lay.trainee(lay.c(8, k), position))
            planted["outside_working_age"].add(f"{n}:{cid(lay.c(8, k))}")

    def session_times(i: int, day: int) -> tuple[datetime, datetime]:
        on = lay.start(i) + timedelta(days=day)
        a, b = lay.hours(i)
        return (datetime(on.year, on.month, on.day, a, tzinfo=UTC),
                datetime(on.year, on.month, on.day, b, tzinfo=UTC))  # fmt: skip

    counts["sessions"] = Loader(Session, ["training_class_id", "starts_at", "ends_at", "topic",
                                          "teacher_id"]).load(
        (cid(i), *session_times(i, d), f"第{d + 1}课", t0 + lay.teacher_of[i])
        for i in range(classes) for d in range(days)
    )  # fmt: skip
    s0 = first_id(Session, classes * days)
    sid = lambda i, d: s0 + i * days + d  # noqa: E731

    extra = []  # (class, trainee) enrolled in a second class
    for k in range(p):
        planted["overlapping_classes"].add(
            f"{person(lay.trainee(k, 0))}:{cid(k)}:{cid(lay.c(1, k))}"
        )
        extra += [(lay.c(1, k), lay.trainee(k, 0)), (lay.c(9, k), lay.trainee(k, 1))]
        near["overlapping_classes"] += 1
        planted["teacher_double_booked"].add(
            f"{t0 + lay.c(3, k)}:{cid(lay.c(2, k))}:{cid(lay.c(3, k))}"
        )
        near["teacher_double_booked"] += 1
        planted["teacher_many_institutions"].add(f"{t0 + lay.c(5, k)}:{BASE.year}")
        near["teacher_many_institutions"] += 1
    counts["enrolments"] = Loader(Enrollment, ["training_class_id", "person_id", "state",
                                               "eligible", "enrolled_at", "reason"]).load(
        [(cid(class_of(n)), person(n), "completed", True, now, "") for n in range(trainees)]
        + [(cid(i), person(n), "completed", True, now, "") for i, n in extra]
    )  # fmt: skip
    ids = {"person": p0, "class": c0, "enrolment": first_id(Enrollment, trainees + len(extra))}

    def attendance(hand: bool):
        """(session, trainee, moment) of every cell attended by hand (or by the device): the
        last trainee of a class misses the first session, except where everyone attends."""
        for i in range(classes):
            by_hand = lay.hand_sessions(i)
            members = lay.members(i)
            for d in range(days):
                if (d in by_hand) != hand:
                    continue
                opens, closes = session_times(i, d)
                for j, n in enumerate(members):
                    if d == 0 and j == len(members) - 1 and not lay.everyone_everywhere(i):
                        continue
                    outside = 0 if hand else lay.outside_window(i, d)
                    where = lay.position(i, j)
                    if j < outside:
                        yield (sid(i, d), person(n), closes + timedelta(hours=2, minutes=j), False,
                               where)  # fmt: skip
                        continue
                    # the order turns among those checking in within the session's time
                    seconds = step(i, d, j - outside, len(members) - outside)
                    yield sid(i, d), person(n), opens + timedelta(seconds=seconds), True, where

    def step(i: int, d: int, j: int, m: int) -> int:
        """Seconds after the session opens a trainee checks in: a minute apart, in an order
        that turns by one place each session (people arrive in a new order each day), but the
        same order every session in a planted class (two sessions only in its near-miss); 2 s
        apart for the first 5 of a planted burst and 3 s apart for its near-miss."""
        if i // lay.slots == 4 and i % lay.slots < p and d < 2:
            return j * (2 if d == 0 else 3) if j < 5 else 60 * j
        return 60 * ((j + lay.turn(i, d)) % m)

    counts["hand marks"] = Loader(ManualMark, ["session_id", "person_id", "present", "reason",
                                               "correction", "recorded_at"]).load(
        (s, n, True, "补录", False, now) for s, n, *_rest in attendance(hand=True))  # fmt: skip
    device_of = lambda s: orgs["devices"][lay.institution_of[(s - s0) // days]]  # noqa: E731
    counts["check-ins"] = Loader(CheckIn, ["session_id", "person_id", "is_teacher",
                                           "direction", "device_id", "event_id", "device_time",
                                           "server_time", "in_window", "latitude", "longitude",
                                           "accuracy"]).load(
        (s, n, False, "in", device_of(s), f"{s}-{n}", at, at, in_window, *where)
        for s, n, at, in_window, where in attendance(hand=False)
    )  # fmt: skip
    for k in range(p):
        index = lay.c(4, k)
        planted["checkin_bursts"].add(
            f"{sid(index, 0)}:{orgs['devices'][lay.institution_of[index]]}"
        )
        near["checkin_bursts"] += 1
        planted["hand_entered_attendance"].add(str(cid(lay.c(3, k))))
        near["hand_entered_attendance"] += 1
        planted["identical_attendance"].add(str(cid(lay.c(6, k))))
        planted["same_order_checkins"].add(str(cid(lay.c(5, k))))
        near["same_order_checkins"] += 1
        planted["checkins_outside_window"].add(str(cid(lay.c(1, p + k))))
        near["checkins_outside_window"] += 1
        planted["checkins_outside_place"].add(str(cid(lay.c(2, p + k))))
        near["checkins_outside_place"] += 3
    counts["student records"] = students(lay, person, cid)
    for k in range(p):
        student = person(lay.trainee(lay.c(2, k), 0))
        planted["student_in_unemployed_class"].add(f"{student}:{cid(lay.c(2, k))}")
        near["student_in_unemployed_class"] += 2
    near["identical_attendance"] = classes - p

    # Insurance: one job that ended the day before the class, one from a month after it.
    # special: trainee -> (employer, start, insured months, end) of the job during the class, or
    # of a short job at the end of the employment window (3 months after the class: the pack's
    # training.rates.employment_window_months) and its near-miss (kept 60 days after it).
    special = {}
    for k in range(p):
        eight, seven, short = lay.c(8, k), lay.c(7, k), lay.c(1, 2 * p + k)
        first = lay.start(eight)
        special[lay.trainee(eight, 0)] = ("914114000000000001", first - timedelta(days=90), 6,
                                          None)  # fmt: skip
        special[lay.trainee(eight, 1)] = (
            orgs["codes"][lay.institution_of[eight]],
            first - timedelta(days=90),
            0,
            None,
        )  # its own staff
        special[lay.trainee(eight, 2)] = ("914114000000000002", first - timedelta(days=90), 0,
                                          None)  # fmt: skip
        special[lay.trainee(eight, 3)] = ("914114000000000003", first, 6, None)  # the first day
        special[lay.trainee(seven, 0)] = ("914114000000000004", first - timedelta(days=90), 6,
                                          None)  # fmt: skip
        window_end = add_months(lay.end(short), 3)
        began = window_end - timedelta(days=10)
        special[lay.trainee(short, 6)] = ("914114000000000005", began, 1,
                                          window_end + timedelta(days=10))  # fmt: skip
        special[lay.trainee(short, 7)] = ("914114000000000006", began, 3,
                                          window_end + timedelta(days=60))  # fmt: skip
        planted["short_job_at_window_end"].add(f"{person(lay.trainee(short, 6))}:{cid(short)}")
        near["short_job_at_window_end"] += 1
        # A part-time class (evenings): insured work and an uninsured job during it are not
        # flagged, the institution's own staff is.
        evening = lay.c(8, p + k)
        first_evening = lay.start(evening) - timedelta(days=90)
        special[lay.trainee(evening, 0)] = ("914114000000000007", first_evening, 6, None)
        special[lay.trainee(evening, 1)] = (orgs["codes"][lay.institution_of[evening]],
                                            first_evening, 0, None)  # fmt: skip
        special[lay.trainee(evening, 2)] = ("914114000000000010", first_evening, 0, None)
        for index, position in ((eight, 0), (eight, 1), (evening, 1)):
            planted["employed_during_class"].add(
                f"{person(lay.trainee(index, position))}:{cid(index)}"
            )
        near["employed_during_class"] += 5
    per_trainee = max(1, args.insurance // trainees)

    def jobs():
        for n in range(trainees):
            i = class_of(n)
            yield (person(n), "914114000000000009", lay.start(i) - timedelta(days=400),
                   lay.start(i) - timedelta(days=1), 12)  # fmt: skip
            if per_trainee < 2:
                continue
            if n in special:
                employer, began, months, ended = special[n]
                yield person(n), employer, began, ended, months
            else:
                yield (person(n), "914114000000000008", lay.end(i) + timedelta(days=30), None,
                       6)  # fmt: skip

    counts["insurance"] = Loader(EmploymentRecord, ["person_id", "employer_uscc", "start", "end",
                                                    "insured_months"]).load(jobs())  # fmt: skip

    designations = []
    for k in range(p):
        exact, short, none = lay.c(7, p + k), lay.c(7, 2 * p + k), lay.c(7, k)
        for index, last in ((exact, lay.end(exact)), (short, lay.end(short) - timedelta(days=1))):
            where = orgs["institutions"][lay.institution_of[index]]
            designations.append((where, occupation["O3"], orgs["level"], lay.start(index), last))
        planted["beyond_designation"] |= {str(cid(none)), str(cid(short))}
        near["beyond_designation"] += 1
    Loader(Designation, ["institution_id", "occupation_id", "level_id", "valid_from",
                         "valid_to"]).load(iter(designations))  # fmt: skip

    # Capacity: institution 0's premises hold one trainee fewer than its most at once (found
    # in the months of that most), institution 1's exactly its most (near-miss); the others
    # record no capacity (not compared).
    members = Counter(class_of(n) for n in range(trainees))
    members.update(i for i, _n in extra)
    for where, less in ((0, 1), (1, 0)):
        months = busiest(lay, where, members, session_times)
        most = max(months.values())
        Institution.objects.filter(pk=orgs["institutions"][where]).update(capacity=most - less)
        if less:
            planted["beyond_capacity"] |= {f"{orgs['institutions'][where]}:{month}"
                                           for month, n in months.items() if n == most}  # fmt: skip
        else:
            near["beyond_capacity"] += 1
    counts |= evaluations(lay, orgs, ids, planted, near)
    counts |= claims(lay, orgs, ids, planted, near)
    return counts, {k: sorted(v) for k, v in planted.items()}, near


def evaluations(lay: Layout, orgs: dict, ids: dict, planted: dict, near: dict) -> dict:
    """A booking per class (evaluated a week after it), a result per trainee first enrolled
    (the second enrolments of the overlapping trainees were not evaluated) by two of the
    organisation's examiners, a certificate per pass; the cases of Layout.evaluation_case."""
    from jineng.certificates.models import Certificate
    from jineng.core.scope import refresh_path_copies
    from jineng.evaluation.models import EvaluationBooking, EvaluationResult
    from jineng.institutions.models import Examiner

    person = lambda n: ids["person"] + n  # noqa: E731
    teacher = lambda i: person(lay.trainees + lay.teacher_of[i])  # noqa: E731
    examiner_person = lambda e: person(lay.trainees + lay.classes + e)  # noqa: E731
    org, at = orgs["evaluation org"], datetime(2024, 12, 1, 2, tzinfo=UTC)
    taught = {k: lay.c(0, 4 * lay.p + k) for k in range(lay.p)}  # EVALUATION_CASES[3]
    counts = {"examiners": Loader(Examiner, ["evaluation_org_id", "person_id", "role",
                                             "certificate"]).load(
        [(org, examiner_person(e), "examiner", f"KP{e:06d}") for e in range(EXAMINERS)]
        + [(org, examiner_person(EXAMINERS), "supervisor", "DD000001")]
        + [(org, teacher(taught[k]), "examiner", f"KT{k:06d}") for k in range(lay.p)]
    )}  # fmt: skip
    x0 = first_id(Examiner, EXAMINERS + 1 + lay.p)
    supervisor, teaching = x0 + EXAMINERS, lambda k: x0 + EXAMINERS + 1 + k  # noqa: E731

    def examiners(i: int) -> tuple[int, int]:
        """The class's teacher examines it in "examiner_taught"; the teacher of that case's
        class examines another class in "examiner_elsewhere" (near-miss)."""
        case, k = lay.evaluation_case(i), i % lay.slots % lay.p
        if case in ("examiner_taught", "examiner_elsewhere"):
            return teaching(k), x0 + i % EXAMINERS
        return x0 + i % EXAMINERS, x0 + (i + 1) % EXAMINERS

    counts["bookings"] = Loader(EvaluationBooking, ["training_class_id", "evaluation_org_id",
                                                    "planned_date", "due_on", "state"]).load(
        (ids["class"] + i, org, lay.evaluated_on(i), lay.end(i) + timedelta(days=30), "done")
        for i in range(lay.classes)
    )  # fmt: skip
    b0 = first_id(EvaluationBooking, lay.classes)
    results = []  # (class, position, trainee, scores)
    for i in range(lay.classes):
        members = lay.members(i)
        for j, n in enumerate(members):
            results.append((i, j, n, lay.scores(i, j, j == len(members) - 1)))
    passed = [(i, j, n) for i, j, n, (_t, _p, ok) in results if ok]
    counts["certificates"] = Loader(Certificate, [
        "person_id", "kind", "number", "occupation_id", "level_id", "issued_on",
        "evaluation_org_id", "training_class_id", "issuer_name",
    ]).load(
        (person(n), "skill_level", f"S{REGION}{n:09d}", orgs["occupations"][lay.occupation_of[i]],
         orgs["level"], lay.certified_on(i, j), org, ids["class"] + i, "商丘技能评价中心")
        for i, j, n in passed
    )  # fmt: skip
    k0 = first_id(Certificate, len(passed))
    refresh_path_copies(Certificate.objects.all())  # the paths its scope reads (COPY skips save)
    certificate = {n: k0 + index for index, (_i, _j, n) in enumerate(passed)}
    ids["certificate"], ids["booking"] = certificate, b0
    counts["results"] = Loader(EvaluationResult, [
        "booking_id", "enrollment_id", "theory_score", "practical_score", "passed",
        "supervisor_id", "certificate_id", "entered_at",
    ]).load(
        (b0 + i, ids["enrolment"] + n, theory, practical, ok, supervisor, certificate.get(n), at)
        for i, _j, n, (theory, practical, ok) in results
    )  # fmt: skip
    r0 = first_id(EvaluationResult, len(results))
    ids["result"] = {n: r0 + index for index, (_i, _j, n, _s) in enumerate(results)}
    Loader(EvaluationResult.examiners.through, ["evaluationresult_id", "examiner_id"]).load(
        (r0 + index, x) for index, (i, *_rest) in enumerate(results) for x in examiners(i)
    )
    plant_evaluation_keys(lay, ids, planted, near, teacher)
    return counts


def plant_evaluation_keys(lay: Layout, ids: dict, planted: dict, near: dict, teacher) -> None:
    """The keys the evaluation and certificate checks should find, and their near-misses."""
    case_class = lambda case, k: lay.c(0, (1 + EVALUATION_CASES.index(case)) * lay.p + k)  # noqa: E731
    for k in range(lay.p):
        planted["uniform_scores"].add(str(ids["booking"] + case_class("uniform", k)))
        near["uniform_scores"] += 2  # "spread" and "one_failed"
        i = case_class("examiner_taught", k)
        planted["examiner_taught"].add(f"{ids['booking'] + i}:{teacher(i)}")
        near["examiner_taught"] += 1  # "examiner_elsewhere"
        early = case_class("early", k)
        for position in (0, 1):
            planted["certificate_too_early"].add(
                str(ids["certificate"][lay.trainee(early, position)])
            )
        near["certificate_too_early"] += 2  # on the evaluation's day; "on_the_day"


def claims(lay: Layout, orgs: dict, ids: dict, planted: dict, near: dict) -> dict:
    """A training claim per class (a line per trainee first enrolled) and an evaluation claim
    per booking (a line per certificate), reviewed; in the classes of the case "claimed_twice",
    claims made again: the first trainee's training (found) and the second's certificate
    (found); near-misses: the third's top-up line (补差), the fourth's in a rejected claim, the
    fifth's line rejected, the seventh's at another level."""
    from jineng.catalog.models import DecisionRecord, PolicyPackVersion, Region
    from jineng.claims.models import Claim, ClaimLine

    region = Region.objects.get(code=REGION).pk
    decision = DecisionRecord.objects.create(
        kind="training_subsidy", outcome="granted", detail={"bench": True},
        pack=PolicyPackVersion.objects.filter(region_code=REGION).order_by("id").first(),
    )  # fmt: skip
    bureau, assessor = orgs["bureau"].pk, orgs["assessor"]
    twice = [lay.c(0, 8 * lay.p + k) for k in range(lay.p)]  # EVALUATION_CASES[7]

    def claim(number, kind, state, i, claimant, booking=None, on=None):
        on = on or lay.end(i)
        made = datetime(on.year, on.month, on.day, 2, tzinfo=UTC) + timedelta(days=15)
        return (number, kind, state, claimant, bureau, region, ids["class"] + i, booking, made)

    institution = lambda i: orgs["institution orgs"][lay.institution_of[i]]  # noqa: E731
    rows = [claim(f"T{i:07d}", "training", "reviewed", i, institution(i))
            for i in range(lay.classes)]  # fmt: skip
    rows += [claim(f"V{i:07d}", "evaluation", "reviewed", i, assessor, ids["booking"] + i,
                   lay.evaluated_on(i)) for i in range(lay.classes)]  # fmt: skip
    for k, i in enumerate(twice):
        rows += [claim(f"D{k:07d}", "training", "reviewed", i, institution(i)),
                 claim(f"W{k:07d}", "evaluation", "reviewed", i, assessor, ids["booking"] + i),
                 claim(f"R{k:07d}", "training", "rejected", i, institution(i))]  # fmt: skip
    counts = {"claims": Loader(Claim, ["number", "kind", "state", "organisation_id", "bureau_id",
                                       "region_id", "training_class_id", "booking_id",
                                       "created_at"]).load(iter(rows))}  # fmt: skip
    k0 = first_id(Claim, len(rows))
    again = lambda k, n: k0 + 2 * lay.classes + 3 * k + n  # noqa: E731  D, W, R of case k
    occupation = lambda i: orgs["occupations"][lay.occupation_of[i]]  # noqa: E731

    def line(claim_id, n, i, kind, state="approved", level=None):
        certified = kind == "evaluation"
        return (claim_id, ids["person"] + n, ids["enrolment"] + n,
                ids["result"][n] if certified else None,
                ids["certificate"][n] if certified else None, kind, occupation(i),
                level or orgs["level"], lay.evaluated_on(i) if certified else lay.end(i),
                decision.pk, True, "600.00" if certified else "1200.00", state)  # fmt: skip

    trainees = [(n, i) for i in range(lay.classes) for n in lay.members(i)]
    lines = [line(k0 + i, n, i, "training") for n, i in trainees]
    evaluated = [(n, i) for n, i in trainees if n in ids["certificate"]]
    lines += [line(k0 + lay.classes + i, n, i, "evaluation") for n, i in evaluated]
    training_line = {n: index for index, (n, _i) in enumerate(trainees)}
    evaluation_line = {n: len(trainees) + index for index, (n, _i) in enumerate(evaluated)}
    doubles = []  # (index of the first line, index of the line made again)
    for k, i in enumerate(twice):
        one, two, three, four, five, six = (lay.trainee(i, j) for j in (0, 1, 2, 3, 4, 6))
        doubles += [(training_line[one], len(lines)), (evaluation_line[two], len(lines) + 1)]
        lines += [line(again(k, 0), one, i, "training"), line(again(k, 1), two, i, "evaluation"),
                  line(again(k, 0), three, i, "training"),  # a top-up: see below
                  line(again(k, 2), four, i, "training"),
                  line(again(k, 0), five, i, "training", state="rejected"),
                  line(again(k, 0), six, i, "training", level=orgs["level 4"])]  # fmt: skip
        near["duplicate_claims"] += 4
    counts["claim lines"] = Loader(ClaimLine, [
        "claim_id", "person_id", "enrollment_id", "result_id", "certificate_id", "subsidy_type",
        "occupation_id", "level_id", "decided_on", "decision_id", "granted", "amount", "state",
    ]).load(iter(lines))  # fmt: skip
    l0 = first_id(ClaimLine, len(lines))
    for k, i in enumerate(twice):  # the third trainee's line made again raises the first one
        three = lay.trainee(i, 2)
        ClaimLine.objects.filter(claim_id=again(k, 0), person_id=ids["person"] + three).update(
            tops_up_id=l0 + training_line[three], amount="100.00"
        )
    planted["duplicate_claims"] |= {f"{l0 + one}:{l0 + two}" for one, two in doubles}
    return counts


def students(lay: Layout, person, cid) -> int:
    """Full-time student records (全日制在校生): trainee 0 of group 2's first p classes at school
    over the class (found); near-misses: trainee 1 there, whose schooling ended the day before
    the class, and trainee 2 of an upgrade class (group 7), at school over it."""
    from jineng.catalog.models import PersonCategory
    from jineng.people.models import CategoryRecord

    category = PersonCategory.objects.get(code="full_time_student").pk
    rows = []
    for k in range(lay.p):
        two, seven = lay.c(2, k), lay.c(7, k)
        first = lay.start(two)
        rows += [
            (person(lay.trainee(two, 0)), first - timedelta(days=365), first + timedelta(days=365)),
            (person(lay.trainee(two, 1)), first - timedelta(days=365), first - timedelta(days=1)),
            (person(lay.trainee(seven, 2)), lay.start(seven) - timedelta(days=365), None),
        ]
    return Loader(CategoryRecord, ["person_id", "category_id", "valid_from", "valid_to",
                                   "evidence"]).load(
        (n, category, since, until, "学籍比对") for n, since, until in rows
    )  # fmt: skip


def busiest(lay: Layout, where: int, members, session_times) -> dict[str, int]:
    """{month: most trainees at once} at institution `where`: at each session's start, the
    trainees of the classes then in session (begun no later, ending later), as the check
    counts them."""
    by_day = defaultdict(list)
    for i in (i for i in range(lay.classes) if lay.institution_of[i] == where):
        for d in range(lay.days):
            begins, ends = session_times(i, d)
            by_day[begins.date()].append((begins, ends, i))
    months: dict[str, int] = {}
    for day, sessions in by_day.items():
        for begins, _ends, _i in sessions:
            now = {i for b, e, i in sessions if b <= begins < e}
            month = day.strftime("%Y-%m")
            months[month] = max(months.get(month, 0), sum(members[i] for i in now))
    return months


# --- the audit ---------------------------------------------------------------------------------

# The evaluation, certificate and claim cases, p classes each (Layout.evaluation_case).
EVALUATION_CASES = ("uniform", "spread", "one_failed", "examiner_taught", "examiner_elsewhere",
                    "early", "on_the_day", "claimed_twice")  # fmt: skip
EXAMINERS = 10  # the evaluation organisation's examiners, and one quality supervisor

CHECK_CODES = (
    "overlapping_classes", "teacher_double_booked", "teacher_many_institutions",
    "employed_during_class", "checkin_bursts", "hand_entered_attendance", "identical_attendance",
    "uniform_scores", "examiner_taught", "certificate_too_early", "duplicate_claims",
    "shared_phone", "outside_working_age", "beyond_designation", "same_order_checkins",
    "checkins_outside_window", "short_job_at_window_end", "beyond_capacity", "face_two_names",
    "checkins_outside_place", "student_in_unemployed_class",
)  # fmt: skip


def audit(bureau, planted: dict, near: dict) -> bool:
    """Each check run alone (findings stored, as a run does), timed; the findings against the
    planted keys. True when every planted case is found and nothing else."""
    from jineng.core import audit as core_audit
    from jineng.supervision import checks, services
    from jineng.supervision.models import Finding

    if set(CHECK_CODES) != {check.code for check in checks.CHECKS}:
        print(f"the checks changed: {sorted(c.code for c in checks.CHECKS)}: update the bench")
        return False
    print(f"{'check':28} {'time s':>8} {'planted':>8} {'found':>8} {'missed':>8} "
          f"{'false flags':>11} {'near-misses':>11}")  # fmt: skip
    total, good = 0.0, True
    with core_audit.system_context("bench:audit"):
        for check in checks.CHECKS:
            started = time.perf_counter()
            run = services.run_checks(bureau, *PERIOD, codes={check.code})
            elapsed = time.perf_counter() - started
            total += elapsed
            if "skipped" in run.counts[check.code]:
                print(f"{check.code:28} skipped: {run.counts[check.code]['skipped']}")
                good = False
                continue
            found = set(Finding.objects.filter(check_code=check.code).values_list("key", flat=True))
            expected = set(planted[check.code])
            missed, false = expected - found, found - expected
            good = good and not missed and not false
            print(f"{check.code:28} {elapsed:8.2f} {len(expected):8} {len(expected & found):8} "
                  f"{len(missed):8} {len(false):11} {near[check.code]:11}")  # fmt: skip
            for key in sorted(missed)[:3]:
                print(f"  missed {key}")
            for key in sorted(false)[:3]:
                print(f"  false flag {key}")
    print(f"whole audit: {total:.2f} s (goal < {GOAL_SECONDS} s: "
          f"{'meets' if total < GOAL_SECONDS else 'misses'})")  # fmt: skip
    anchor, rows = scan_anchor()
    print(f"anchor: one scan of the {rows:,} check-ins grouped by session and person: "
          f"{anchor:.2f} s; ratio whole audit/anchor: {total / max(anchor, 1e-6):.1f}")  # fmt: skip
    print(f"every planted case found, no false flag: {'yes' if good else 'NO'}")
    return good


def scan_anchor() -> tuple[float, int]:
    """The anchor, measured in the same run on the same (shared) machine: one scan of the
    check-ins grouped by session and person (the work the attendance checks start from), with
    no check's logic; the ratio says how the audit fares against what the machine does
    meanwhile. (seconds, rows)"""
    from django.db import connection

    from jineng.training.models import CheckIn

    table = connection.ops.quote_name(CheckIn._meta.db_table)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT SUM(n), COUNT(*) FROM (SELECT session_id, person_id, COUNT(*) AS n "  # noqa: S608
            f"FROM {table} GROUP BY session_id, person_id) AS cells"
        )
        rows = cursor.fetchone()[0] or 0
    return time.perf_counter() - started, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=100_000)
    parser.add_argument("--classes", type=int, default=5_000)
    parser.add_argument("--checkins", type=int, default=2_000_000)
    parser.add_argument("--insurance", type=int, default=200_000)
    parser.add_argument("--institutions", type=int, default=50)
    parser.add_argument("--planted", type=int, default=20, help="cases of each kind")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--keep", action="store_true", help="keep the database for reuse")
    parser.add_argument("--drop", action="store_true", help="drop the kept database and stop")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, a few seconds")
    args = parser.parse_args(argv)
    if args.smoke:
        for key, value in SMOKE.items():
            setattr(args, key, value)
    return benchdb.main(
        args, "bench/audit.py", meta_table="bench_audit_meta",
        matches=lambda kept: bool(kept) and kept["sizes"] == sizes(args), run=run,
    )  # fmt: skip


def run(args, database_url: str | None, reused: bool) -> int:
    benchdb.environment(database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jineng.core import audit as core_audit
    from jineng.core.models import Organisation
    from jineng.supervision.models import Finding, Run

    lay = Layout(args)
    started = time.perf_counter()
    if reused:
        call_command("migrate", interactive=False, verbosity=0)
        kept = benchdb.read_meta("bench_audit_meta")
        planted, near = kept["planted"], kept["near"]
        Finding.objects.all().delete()  # the findings of the last run: found again below
        Run.objects.all().delete()
        bureau = Organisation.objects.get(code=REGION)
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, reused "
              f"({database_size()})")  # fmt: skip
    else:
        with core_audit.system_context("bench:audit"):
            orgs = organisations(args)
            counts, planted, near = facts(args, lay, orgs)
        bureau = orgs["bureau"]
        analyse()
        if args.keep:
            benchdb.keep_meta("bench_audit_meta",
                              {"sizes": sizes(args), "planted": planted, "near": near})  # fmt: skip
        built = ", ".join(f"{v:,} {k}" for k, v in counts.items())
        print(f"database: {connection.vendor}; built in {time.perf_counter() - started:.0f} s, "
              f"{database_size()}: {built}")  # fmt: skip
    print(f"sizes: {sizes(args)}; {lay.days} sessions a class, {lay.size} trainees a class")
    good = audit(bureau, planted, near)
    connection.close()
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
