"""The checks (比对规则) of the data comparison, 004 §五(六): each a named, set-based query over
the platform's data (no loop over people: the database joins and counts), its thresholds read
from the policy pack's [supervision] section (docs/policy-packs.md), each result a `Found` that
the run stores as a finding with its evidence (personal data masked). docs/supervision.md
describes each check with its formula, thresholds, seed cite and the fraud pattern it looks for
(shared/DOMAIN.md, "Fraud patterns").

A check reads `Scope`: the run's region (a bureau's subtree, by the institution's organisation
path) and period (classes whose dates meet it).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    ASin,
    Coalesce,
    Cos,
    ExtractHour,
    ExtractIsoWeekDay,
    ExtractMinute,
    ExtractYear,
    Least,
    Power,
    Radians,
    Sin,
    Sqrt,
    TruncDate,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from jineng.certificates.models import Certificate
from jineng.claims.models import ClaimKind, ClaimLine, ClaimState, LineState
from jineng.core.models import Organisation
from jineng.evaluation.models import EvaluationResult
from jineng.faces.models import FaceDuplicate
from jineng.institutions.models import Designation, Institution
from jineng.people.models import Person
from jineng.policy.codes import PersonCategory, TrainingType
from jineng.policy.engine import employment_window_end
from jineng.policy.pack import PolicyPack
from jineng.supervision.models import Severity
from jineng.training.models import (
    CheckIn,
    ClassSource,
    ClassState,
    Device,
    Direction,
    Enrollment,
    EnrollmentState,
    ManualMark,
    Session,
    StudyMode,
    TrainingClass,
)
from jineng.training.places import EARTH_RADIUS_M

LIVE_ENROLMENT = (EnrollmentState.ENROLLED, EnrollmentState.COMPLETED)
DEAD_LINES = (LineState.REJECTED,)
DEAD_CLAIMS = (ClaimState.WITHDRAWN, ClaimState.REJECTED)


@dataclass(frozen=True)
class Scope:
    """What one run looks at: a region and a period, with the pack in force there."""

    region: Organisation
    start: date
    end: date
    pack: PolicyPack | None

    def classes(self) -> QuerySet[TrainingClass]:
        return TrainingClass.objects.filter(
            institution__organisation__path__startswith=self.region.path,
            start_date__lte=self.end,
            end_date__gte=self.start,
        )

    def value(self, key: str):
        return None if self.pack is None else self.pack.value(key)


@dataclass
class Found:
    """One finding as a check returns it: `key` makes it the same finding in a later run."""

    key: str
    summary: str
    subjects: dict  # Finding fields: institution_id, training_class_id, person_id, ...
    evidence: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    code: str
    name: str
    description: str
    cite: str
    pattern: str
    severity: str
    keys: tuple[str, ...]  # the pack keys it reads; a pack without them skips the check
    find: Callable[[Scope], list[Found]]


def _evidence(columns: list, rows: list[list], persons=()) -> dict:
    return {
        "columns": [str(c) for c in columns],
        "rows": [[_cell(v) for v in row] for row in rows],
        "persons": sorted(set(persons)),
    }


def _class_subjects(row: dict, via: str) -> dict:
    """The subjects of a finding about a class, from a row read through `via` (a relation
    leading to the class: "session__", "booking__")."""
    return {
        "training_class_id": row[f"{via}training_class_id"],
        "institution_id": row[f"{via}training_class__institution_id"],
    }


def _cell(value):
    if value is None:
        return ""
    return value if isinstance(value, int | str) else str(value)


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)


# --- (1) the same person in two classes at once ------------------------------------------------

_OTHER = "training_class__enrollments__person__enrollments__training_class"


def overlapping_classes(scope: Scope) -> list[Found]:
    """Session pairs of two classes sharing a trainee whose times overlap (touching is not
    overlapping: one ends at 12:00, the other starts at 12:00)."""
    rows = (
        Session.objects.filter(training_class__in=scope.classes())
        .filter(
            **{
                "training_class__enrollments__state__in": LIVE_ENROLMENT,
                "training_class__enrollments__person__enrollments__state__in": LIVE_ENROLMENT,
                f"{_OTHER}__id__gt": F("training_class_id"),
                f"{_OTHER}__sessions__starts_at__lt": F("ends_at"),
                f"{_OTHER}__sessions__ends_at__gt": F("starts_at"),
            }
        )
        .values_list(
            "training_class__enrollments__person_id",
            "training_class_id",
            f"{_OTHER}__id",
            "starts_at",
            "ends_at",
            f"{_OTHER}__sessions__starts_at",
            f"{_OTHER}__sessions__ends_at",
        )
        .order_by("training_class__enrollments__person_id", "training_class_id", "starts_at")
    )
    grouped = defaultdict(list)
    for person, first, second, *times in rows:
        grouped[(person, first, second)].append(times)
    classes = TrainingClass.objects.in_bulk({k[1] for k in grouped} | {k[2] for k in grouped})
    persons = Person.objects.in_bulk({k[0] for k in grouped})
    found = []
    for (person_id, first, second), pairs in grouped.items():
        person, one, two = persons[person_id], classes[first], classes[second]
        found.append(
            Found(
                key=f"{person_id}:{first}:{second}",
                summary=_("%(name)s is in classes %(one)s and %(two)s at the same time")
                % {"name": person.name, "one": one.code, "two": two.code},
                subjects={
                    "person_id": person_id,
                    "training_class_id": first,
                    "other_class_id": second,
                    "institution_id": one.institution_id,
                },
                evidence=_evidence(
                    [
                        _("trainee"),
                        _("ID number"),
                        _("class"),
                        _("session"),
                        _("class"),
                        _("session"),
                    ],
                    [
                        [
                            person.name,
                            person.id_number_masked,
                            one.code,
                            f"{_when(a)}–{_when(b)}",
                            two.code,
                            f"{_when(c)}–{_when(d)}",
                        ]
                        for a, b, c, d in pairs
                    ],
                    [person_id],
                ),
            )  # fmt: skip
        )
    return found


# --- (2) a teacher in two places at once, or at too many institutions -------------------------


def teacher_double_booked(scope: Scope) -> list[Found]:
    """Two sessions of one teacher whose times overlap, in different classes or the same."""
    rows = (
        Session.objects.filter(training_class__in=scope.classes(), teacher__isnull=False)
        .filter(
            teacher__sessions__id__gt=F("id"),
            teacher__sessions__starts_at__lt=F("ends_at"),
            teacher__sessions__ends_at__gt=F("starts_at"),
        )
        .values_list(
            "teacher_id",
            "teacher__person__name",
            "training_class_id",
            "training_class__code",
            "training_class__institution_id",
            "teacher__sessions__training_class_id",
            "teacher__sessions__training_class__code",
            "starts_at",
            "ends_at",
            "teacher__sessions__starts_at",
            "teacher__sessions__ends_at",
        )
        .order_by("teacher_id", "starts_at")
    )
    grouped = defaultdict(list)
    for teacher, name, first, code1, institution, second, code2, *times in rows:
        grouped[(teacher, first, second)].append((name, code1, code2, institution, times))
    found = []
    for (teacher, first, second), items in grouped.items():
        name, code1, code2, institution, _times = items[0]
        found.append(
            Found(
                key=f"{teacher}:{first}:{second}",
                summary=_("Teacher %(name)s teaches sessions of %(one)s and %(two)s at once")
                % {"name": name, "one": code1, "two": code2},
                subjects={
                    "teacher_id": teacher,
                    "training_class_id": first,
                    "other_class_id": second if second != first else None,
                    "institution_id": institution,
                },
                evidence=_evidence(
                    [_("teacher"), _("class"), _("session"), _("class"), _("session")],
                    [
                        [name, c1, f"{_when(a)}–{_when(b)}", c2, f"{_when(c)}–{_when(d)}"]
                        for name, c1, c2, _i, (a, b, c, d) in items
                    ],
                ),
            )  # fmt: skip
        )
    return found


def teacher_many_institutions(scope: Scope) -> list[Found]:
    """Teachers who taught sessions at more institutions in one calendar year than the pack
    allows a part-time teacher (teachers.part_time_max_institutions, 000 §三(七))."""
    most = scope.value("teachers.part_time_max_institutions")
    years = range(scope.start.year, scope.end.year + 1)
    taught = (
        Session.objects.filter(teacher__isnull=False, starts_at__year__in=list(years))
        .filter(
            teacher__in=Session.objects.filter(training_class__in=scope.classes()).values("teacher")
        )
        .annotate(year=ExtractYear("starts_at"))
        .values("teacher_id", "year")
        .annotate(places=Count("training_class__institution", distinct=True))
        .filter(places__gt=most)
        .order_by("teacher_id", "year")
    )
    found = []
    for row in taught:
        where = list(
            Session.objects.filter(teacher_id=row["teacher_id"], starts_at__year=row["year"])
            .values_list("training_class__institution__organisation__name", flat=True)
            .distinct()
            .order_by("training_class__institution__organisation__name")
        )
        name = Person.objects.filter(teacher__pk=row["teacher_id"]).values_list("name", flat=True)
        found.append(
            Found(
                key=f"{row['teacher_id']}:{row['year']}",
                summary=_(
                    "Teacher %(name)s taught at %(count)d institutions in %(year)d (at most"
                    " %(most)d)"
                )
                % {
                    "name": name.first() or "",
                    "count": row["places"],
                    "year": row["year"],
                    "most": most,
                },
                subjects={"teacher_id": row["teacher_id"]},
                evidence=_evidence(
                    [_("year"), _("institution")], [[row["year"], place] for place in where]
                ),
            )  # fmt: skip
        )
    return found


# --- (5) attendance entered by hand, or identical for everyone --------------------------------


def _hand_marks(classes) -> QuerySet:
    return ManualMark.objects.filter(
        session__training_class__in=classes, superseded_by__isnull=True, present=True
    )


def _device_checkins(classes) -> QuerySet:
    return CheckIn.objects.filter(
        session__training_class__in=classes,
        device__isnull=False,
        is_teacher=False,
        in_window=True,
        direction=Direction.IN,
    )


def hand_entered_attendance(scope: Scope) -> list[Found]:
    """Classes whose attendance is mostly hand marks: present marks / (present marks + device
    check-ins) above supervision.manual_attendance_share."""
    share = scope.value("supervision.manual_attendance_share")
    classes = scope.classes()
    hand = dict(
        _hand_marks(classes)
        .values("session__training_class")
        .annotate(n=Count("id"))
        .values_list("session__training_class", "n")
    )
    device = dict(
        _device_checkins(classes)
        .values("session__training_class")
        .annotate(n=Count("id"))
        .values_list("session__training_class", "n")
    )
    flagged = [
        (pk, n, device.get(pk, 0)) for pk, n in hand.items() if n > share * (n + device.get(pk, 0))
    ]
    names = TrainingClass.objects.in_bulk([pk for pk, _n, _d in flagged])
    return [
        Found(
            key=str(pk),
            summary=_("Class %(code)s: %(hand)d of %(all)d attendance records entered by hand")
            % {"code": names[pk].code, "hand": n, "all": n + d},
            subjects={"training_class_id": pk, "institution_id": names[pk].institution_id},
            evidence=_evidence(
                [_("class"), _("entered by hand"), _("device check-ins"), _("limit")],
                [[names[pk].code, n, d, f"{share:.0%}"]],
            ),
        )
        for pk, n, d in flagged
    ]


def identical_attendance(scope: Scope) -> list[Found]:
    """Completed classes of at least supervision.identical_attendance_min_trainees trainees
    where every trainee attended the same number of sessions: a present hand mark (current,
    not superseded), else an in-window device check-in (a session where the trainee has a hand
    mark counts by the mark). Counted per trainee in the database in one pass over the marks
    and the check-ins, grouped (not a subquery per trainee), then per class."""
    least = scope.value("supervision.identical_attendance_min_trainees")
    classes_sql, class_params = (
        scope.classes().filter(state__in=("completed", "closed")).values("id").query
    ).sql_with_params()
    sql = _IDENTICAL_SQL.format(
        enrollment=Enrollment._meta.db_table, mark=ManualMark._meta.db_table,
        checkin=CheckIn._meta.db_table, session=Session._meta.db_table, classes=classes_sql,
    )  # fmt: skip
    params = [*class_params, *LIVE_ENROLMENT, *class_params, True, *class_params, True,
              Direction.IN, least]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = {class_id: (trainees, n) for class_id, trainees, n in cursor.fetchall()}
    classes = TrainingClass.objects.filter(pk__in=counted).order_by("pk")
    return [
        Found(
            key=str(pk),
            summary=_("Class %(code)s: all %(count)d trainees attended exactly %(n)d sessions")
            % {"code": code, "count": counted[pk][0], "n": counted[pk][1]},
            subjects={"training_class_id": pk, "institution_id": institution},
            evidence=_evidence(
                [_("class"), _("trainees"), _("sessions attended by each")],
                [[code, *counted[pk]]],
            ),
        )
        for pk, code, institution in classes.values_list("pk", "code", "institution_id")
    ]


_IDENTICAL_SQL = """
WITH live AS (
    SELECT e.training_class_id AS class_id, e.person_id
    FROM {enrollment} e
    WHERE e.training_class_id IN ({classes}) AND e.state IN (%s, %s)
), marks AS (
    SELECT s.training_class_id AS class_id, m.person_id, COUNT(DISTINCT m.session_id) AS n
    FROM {mark} m JOIN {session} s ON s.id = m.session_id
    WHERE s.training_class_id IN ({classes}) AND m.present = %s
        AND NOT EXISTS (SELECT 1 FROM {mark} later WHERE later.supersedes_id = m.id)
    GROUP BY s.training_class_id, m.person_id
), devices AS (
    SELECT s.training_class_id AS class_id, c.person_id, COUNT(DISTINCT c.session_id) AS n
    FROM {checkin} c JOIN {session} s ON s.id = c.session_id
    WHERE s.training_class_id IN ({classes}) AND c.device_id IS NOT NULL
        AND c.in_window = %s AND c.direction = %s
        AND NOT EXISTS (SELECT 1 FROM {mark} x
                        WHERE x.session_id = c.session_id AND x.person_id = c.person_id)
    GROUP BY s.training_class_id, c.person_id
), attended AS (
    SELECT l.class_id, COALESCE(m.n, 0) + COALESCE(d.n, 0) AS n
    FROM live l
    LEFT JOIN marks m ON m.class_id = l.class_id AND m.person_id = l.person_id
    LEFT JOIN devices d ON d.class_id = l.class_id AND d.person_id = l.person_id
)
SELECT class_id, COUNT(*), MIN(n) FROM attended
GROUP BY class_id
HAVING COUNT(*) >= %s AND MIN(n) = MAX(n)
"""


# --- (6) everyone passes alike, or the examiner taught the class ------------------------------

_SCORE = Coalesce("theory_score", Value(0), output_field=DecimalField()) + Coalesce(
    "practical_score", Value(0), output_field=DecimalField()
)


def _results(scope: Scope) -> QuerySet[EvaluationResult]:
    return EvaluationResult.objects.filter(booking__training_class__in=scope.classes())


def uniform_scores(scope: Scope) -> list[Found]:
    """Evaluations (bookings) of at least supervision.uniform_scores_min_trainees persons where
    everyone passed and the highest and lowest totals (theory + practical) differ by at most
    supervision.uniform_scores_max_spread points."""
    least = scope.value("supervision.uniform_scores_min_trainees")
    spread = scope.value("supervision.uniform_scores_max_spread")
    rows = (
        _results(scope)
        .values(
            "booking_id",
            "booking__training_class_id",
            "booking__training_class__code",
            "booking__training_class__institution_id",
        )  # fmt: skip
        .annotate(
            n=Count("id"),
            passed_n=Count("id", filter=Q(passed=True)),
            hi=Max(_SCORE),
            lo=Min(_SCORE),
        )
        .filter(n__gte=least, passed_n=F("n"))
        .order_by("booking_id")
    )
    return [
        Found(
            key=str(row["booking_id"]),
            summary=_(
                "Class %(code)s: all %(n)d evaluated passed with totals from %(lo)s to %(hi)s"
            )
            % {
                "code": row["booking__training_class__code"],
                "n": row["n"],
                "lo": row["lo"],
                "hi": row["hi"],
            },
            subjects=_class_subjects(row, "booking__"),
            evidence=_evidence(
                [
                    _("class"),
                    _("evaluated"),
                    _("passed"),
                    _("lowest total"),
                    _("highest total"),
                    _("spread allowed"),
                ],
                [
                    [
                        row["booking__training_class__code"],
                        row["n"],
                        row["passed_n"],
                        row["lo"],
                        row["hi"],
                        spread,
                    ]
                ],
            ),
        )  # fmt: skip
        for row in rows
        if row["hi"] - row["lo"] <= spread
    ]


def examiner_taught(scope: Scope) -> list[Found]:
    """Results whose examiner is a teacher of the class evaluated (the class's teachers or a
    session's teacher): the same person on both sides."""
    teacher_of_class = Q(examiners__person=F("enrollment__training_class__teachers__person")) | Q(
        examiners__person=F("enrollment__training_class__sessions__teacher__person")
    )
    rows = (
        _results(scope)
        .filter(teacher_of_class)
        .values_list(
            "booking_id",
            "enrollment__training_class_id",
            "enrollment__training_class__code",
            "enrollment__training_class__institution_id",
            "examiners__person_id",
            "examiners__person__name",
        )
        .distinct()
        .order_by("booking_id", "examiners__person_id")
    )
    return [
        Found(
            key=f"{booking}:{examiner}",
            summary=_("Class %(code)s was evaluated by %(name)s, who taught it")
            % {"code": code, "name": name},
            subjects={"training_class_id": class_id, "institution_id": institution},
            evidence=_evidence([_("class"), _("examiner and teacher")], [[code, name]]),
        )
        for booking, class_id, code, institution, examiner, name in rows
    ]


# --- (7) a certificate dated before the training ended or before the evaluation ---------------


def certificate_too_early(scope: Scope) -> list[Found]:
    """Certificates of a class issued before its last day, or issued by an evaluation before
    the evaluation's date."""
    classes = scope.classes()
    before_end = Q(training_class__in=classes, issued_on__lt=F("training_class__end_date"))
    results = EvaluationResult.objects.filter(
        booking__training_class__in=classes, certificate__issued_on__lt=F("booking__planned_date")
    ).values("certificate")
    rows = (
        Certificate.objects.filter(before_end | Q(pk__in=results))
        .values_list(
            "pk", "number", "issued_on", "person_id", "person__name", "person__id_number_masked",
            "training_class_id", "training_class__code", "training_class__end_date",
            "training_class__institution_id",
        )
        .order_by("pk")
    )  # fmt: skip
    return [
        Found(
            key=str(pk),
            summary=_(
                "Certificate %(number)s of %(name)s dated %(issued)s, before the class or"
                " its evaluation ended"
            )
            % {"number": number, "name": name, "issued": issued},
            subjects={
                "certificate_id": pk,
                "person_id": person,
                "training_class_id": class_id,
                "institution_id": institution,
            },
            evidence=_evidence(
                [
                    _("certificate"),
                    _("issued on"),
                    _("holder"),
                    _("ID number"),
                    _("class"),
                    _("class ends"),
                ],
                [[number, issued, name, masked, code or "", end or ""]],
                [person],
            ),
        )  # fmt: skip
        for pk, number, issued, person, name, masked, class_id, code, end, institution in rows
    ]


# --- (9) the same certificate or person claimed twice -----------------------------------------


def _live_lines() -> QuerySet[ClaimLine]:
    return ClaimLine.objects.exclude(state__in=DEAD_LINES).exclude(claim__state__in=DEAD_CLAIMS)


def duplicate_claims(scope: Scope) -> list[Found]:
    """Two live claim lines (one of them made in the region) on the same certificate for the
    same subsidy (or for both employment subsidies), or for the same person, occupation, level
    and subsidy: 多头、重复申领 across regions and claim types. A top-up line (补差) is not
    compared: it raises a line on purpose."""
    employment = [ClaimKind.EMPLOYMENT_SME, ClaimKind.EMPLOYMENT_AGENCY]
    same_certificate = Q(certificate=OuterRef("certificate")) & (
        Q(subsidy_type=OuterRef("subsidy_type"))
        | Q(subsidy_type__in=employment, certificate__isnull=False)
    )
    same_person = Q(
        person=OuterRef("person"),
        occupation=OuterRef("occupation"),
        level=OuterRef("level"),
        subsidy_type=OuterRef("subsidy_type"),
    )
    earlier = (
        _live_lines()
        .filter(pk__lt=OuterRef("pk"))
        .exclude(claim=OuterRef("claim"))
        .filter(same_certificate | same_person)
    )
    rows = (
        _live_lines()
        .filter(claim__bureau__path__startswith=scope.region.path)
        .filter(Q(claim__created_at__date__gte=scope.start, claim__created_at__date__lte=scope.end))
        .filter(Q(certificate__isnull=False) | Q(occupation__isnull=False))
        .exclude(subsidy_type__in=employment, certificate__isnull=True)
        .filter(tops_up__isnull=True)  # a top-up (补差) raises the line it tops up, by design
        .annotate(first=Subquery(earlier.order_by("pk").values("pk")[:1]))
        .filter(first__isnull=False)
        .values_list("pk", "first", "person_id", "claim__organisation__path")
        .order_by("pk")
    )
    rows = list(rows)
    related = ("claim__region", "person", "certificate", "occupation", "level")
    wanted = {r[0] for r in rows} | {r[1] for r in rows}  # the few lines found, for evidence
    lines = {
        line.pk: line for line in ClaimLine.objects.filter(pk__in=wanted).select_related(*related)
    }
    found = []
    for pk, first, person, _path in rows:
        later, earlier_line = lines[pk], lines[first]
        found.append(
            Found(
                key=f"{first}:{pk}",
                summary=_("%(name)s claimed twice: claim %(one)s and claim %(two)s")
                % {
                    "name": later.person.name,
                    "one": earlier_line.claim.number,
                    "two": later.claim.number,
                },
                subjects={
                    "claim_line_id": pk,
                    "person_id": person,
                    "certificate_id": later.certificate_id,
                },
                evidence=_evidence(
                    [
                        _("claim"),
                        _("subsidy"),
                        _("region"),
                        _("holder"),
                        _("ID number"),
                        _("certificate"),
                        _("occupation"),
                        _("amount (yuan)"),
                    ],
                    [
                        [
                            line.claim.number,
                            line.get_subsidy_type_display(),
                            line.claim.region.name,
                            line.person.name,
                            line.person.id_number_masked,
                            line.certificate.number if line.certificate else "",
                            line.occupation.name if line.occupation else "",
                            line.amount,
                        ]
                        for line in (earlier_line, later)
                    ],
                    [person],
                ),
            )  # fmt: skip
        )
    return found


# --- (10) one phone for many trainees; outside working age ------------------------------------


def _trainees(scope: Scope) -> QuerySet[Person]:
    return Person.objects.filter(
        enrollments__training_class__in=scope.classes(), enrollments__state__in=LIVE_ENROLMENT
    )


def shared_phone(scope: Scope) -> list[Found]:
    """Trainees whose phone number (compared by its keyed hash, never decrypted) is the phone of
    at least supervision.shared_phone_min_trainees trainees of the region's classes."""
    least = scope.value("supervision.shared_phone_min_trainees")
    trainees = _trainees(scope).exclude(phone_hash="")
    shared = (
        trainees.values("phone_hash")
        .annotate(n=Count("pk", distinct=True))
        .filter(n__gte=least)
        .values("phone_hash")
    )
    people = list(
        trainees.filter(phone_hash__in=shared)
        .values_list("pk", "name", "id_number_masked", "phone_masked", "phone_hash")
        .distinct()
        .order_by("phone_hash", "pk")
    )
    groups = defaultdict(list)
    for row in people:
        groups[row[4]].append(row)
    found = []
    for phone_hash, group in groups.items():
        evidence = _evidence(
            [_("trainee"), _("ID number"), _("phone")],
            [[name, masked, phone] for _pk, name, masked, phone, _h in group],
            [row[0] for row in group],
        )
        for pk, name, _masked, phone, _h in group:
            found.append(
                Found(
                    key=f"{pk}:{phone_hash[:16]}",
                    summary=_("%(name)s shares phone %(phone)s with %(others)d other trainees")
                    % {"name": name, "phone": phone, "others": len(group) - 1},
                    subjects={"person_id": pk},
                    evidence=evidence,
                )
            )
    return found


def face_two_names(scope: Scope) -> list[Found]:
    """One face under two names (代打卡): a face template (at enrolment or in a check-in's
    photo) within the face threshold of another person's template, the 1:N search of
    jineng.faces; one finding per pair of which a person is a trainee of the region's classes.
    The evidence names both persons (masked) and the distance, never a template or a photo."""
    trainees = _trainees(scope).values("pk")
    pairs = (
        FaceDuplicate.objects.filter(Q(person__in=trainees) | Q(other__in=trainees))
        .select_related("person", "other")
        .order_by("id")
    )
    found = []
    for pair in pairs:
        evidence = _evidence(
            [_("person"), _("ID number"), _("distance"), _("threshold")],
            [[pair.person.name, pair.person.id_number_masked, f"{pair.distance:.3f}",
              f"{pair.threshold:.2f}"],
             [pair.other.name, pair.other.id_number_masked, "", ""]],
            [pair.person_id, pair.other_id],
        )  # fmt: skip
        found.append(
            Found(
                key=f"{pair.person_id}:{pair.other_id}",
                summary=_("%(name)s and %(other)s have the same face")
                % {"name": pair.person.name, "other": pair.other.name},
                subjects={"person_id": pair.person_id},
                evidence=evidence,
            )
        )
    return found


def _unemployed_enrolments(scope: Scope) -> QuerySet[Enrollment]:
    """The live enrolments of the scope's employment skills classes (就业技能培训: training for
    people out of work, 004 §二)."""
    return Enrollment.objects.filter(
        training_class__in=scope.classes(),
        state__in=LIVE_ENROLMENT,
        training_class__training_type__code=TrainingType.EMPLOYMENT_SKILLS,
    )


def outside_working_age(scope: Scope) -> list[Found]:
    """Trainees of employment skills classes (就业技能培训, for people out of work) younger than
    supervision.working_age_from or at least supervision.working_age_to on the class's first
    day (their age in whole years, computed in the database)."""
    youngest = scope.value("supervision.working_age_from")
    oldest = scope.value("supervision.working_age_to")
    start, born = "training_class__start_date", "person__birth_date"
    not_yet = Q(**{f"{start}__month__lt": F(f"{born}__month")}) | Q(
        **{f"{start}__month": F(f"{born}__month"), f"{start}__day__lt": F(f"{born}__day")}
    )
    age = ExpressionWrapper(
        ExtractYear(start)
        - ExtractYear(born)
        - Case(When(not_yet, then=Value(1)), default=Value(0)),
        output_field=IntegerField(),
    )
    rows = (
        _unemployed_enrolments(scope)
        .filter(person__birth_date__isnull=False)
        .annotate(age=age)
        .filter(Q(age__lt=youngest) | Q(age__gte=oldest))
        .values_list(
            "person_id", "person__name", "person__id_number_masked", "age", "training_class_id",
            "training_class__code", "training_class__institution_id",
        )
        .order_by("training_class_id", "person_id")
    )  # fmt: skip
    return [
        Found(
            key=f"{person}:{class_id}",
            summary=_(
                "%(name)s is %(age)d in employment skills class %(code)s (working age "
                "%(lo)d–%(hi)d)"
            )
            % {"name": name, "age": years, "code": code, "lo": youngest, "hi": oldest - 1},
            subjects={
                "person_id": person,
                "training_class_id": class_id,
                "institution_id": institution,
            },
            evidence=_evidence(
                [_("trainee"), _("ID number"), _("age"), _("class")],
                [[name, masked, years, code]],
                [person],
            ),
        )  # fmt: skip
        for person, name, masked, years, class_id, code, institution in rows
    ]


def student_in_unemployed_class(scope: Scope) -> list[Found]:
    """Trainees of employment skills classes (就业技能培训, for people out of work, 004 §二)
    recorded in the registry as full-time students (全日制在校生) on the class's first day: a
    category record of that code valid then (its validity is the school's dates)."""
    start, record = "training_class__start_date", "person__categories"
    rows = (
        _unemployed_enrolments(scope)
        .filter(
            Q(**{f"{record}__category__code": PersonCategory.FULL_TIME_STUDENT,
                 f"{record}__valid_from__lte": F(start)})
            & (Q(**{f"{record}__valid_to__isnull": True})
               | Q(**{f"{record}__valid_to__gte": F(start)}))
        )
        .values_list(
            "person_id", "person__name", "person__id_number_masked", "training_class_id",
            "training_class__code", "training_class__institution_id", start,
            f"{record}__valid_from", f"{record}__valid_to", f"{record}__evidence",
        )
        .order_by("training_class_id", "person_id", f"{record}__valid_from")
    )  # fmt: skip
    found: dict[tuple[int, int], Found] = {}
    for person, name, masked, class_id, code, institution, first, since, until, evidence \
            in rows:  # fmt: skip
        _trainee_in_class(
            found, person, class_id, institution,
            [name, masked, code, first, since, until or "", evidence],
            [_("trainee"), _("ID number"), _("class"), _("class began"), _("student from"),
             _("student until"), _("evidence")],
            _("%(name)s is recorded as a full-time student on the first day (%(day)s) of "
              "employment skills class %(code)s") % {"name": name, "day": first, "code": code},
        )  # fmt: skip
    return list(found.values())


def _trainee_in_class(found: dict, person: int, class_id: int, institution: int, row: list,
                      columns: list, summary: str) -> None:  # fmt: skip
    """One finding per trainee and class, `row` an evidence row of it: the first makes the
    finding, the others add their rows."""
    if (person, class_id) in found:
        found[(person, class_id)].evidence["rows"].append([_cell(v) for v in row])
        return
    found[(person, class_id)] = Found(
        key=f"{person}:{class_id}", summary=summary,
        subjects={"person_id": person, "training_class_id": class_id,
                  "institution_id": institution},
        evidence=_evidence(columns, [row], [person]),
    )  # fmt: skip


# --- (11) training beyond the designation ------------------------------------------------------


def beyond_designation(scope: Scope) -> list[Found]:
    """Classes (not history) whose occupation and level the institution was not designated for
    over the class's whole dates."""
    designated = Designation.objects.filter(
        institution=OuterRef("institution"),
        occupation=OuterRef("occupation"),
        level=OuterRef("level"),
        valid_from__lte=OuterRef("start_date"),
        valid_to__gte=OuterRef("end_date"),
    )
    rows = (
        scope.classes()
        .exclude(source=ClassSource.HISTORY)
        .exclude(state__in=("draft", "withdrawn", "rejected", "cancelled"))
        .filter(~Exists(designated))
        .values_list(
            "pk",
            "code",
            "institution_id",
            "institution__organisation__name",
            "occupation__name",
            "level__name",
            "start_date",
            "end_date",
        )  # fmt: skip
        .order_by("pk")
    )
    return [
        Found(
            key=str(pk),
            summary=_(
                "Class %(code)s: %(institution)s is not designated for %(occupation)s "
                "%(level)s on its dates"
            )
            % {"code": code, "institution": name, "occupation": occupation, "level": level},
            subjects={"training_class_id": pk, "institution_id": institution},
            evidence=_evidence(
                [_("class"), _("institution"), _("occupation"), _("level"), _("from"), _("to")],
                [[code, name, occupation, level, start, end]],
            ),
        )
        for pk, code, institution, name, occupation, level, start, end in rows
    ]


# --- (3) employed elsewhere during a class for the unemployed, or the institution's own staff ---


def _minutes(moment: str) -> ExpressionWrapper:
    return ExpressionWrapper(
        ExtractHour(moment) * 60 + ExtractMinute(moment), output_field=IntegerField()
    )


def _taken_in_working_hours(scope: Scope) -> Q:
    """A class whose timetable takes the working day: it has sessions, and none of them is in
    an evening, at night or on a weekend (each on a weekday, within the pack's working hours,
    supervision.working_day_from to working_day_until, local time, the same day). A trainee in
    a full-time job could not attend it, whatever mode it states."""
    day_from = scope.value("supervision.working_day_from") * 60  # minutes after midnight
    day_until = scope.value("supervision.working_day_until") * 60
    sessions = Session.objects.filter(training_class=OuterRef("training_class_id"))
    off_hours = sessions.annotate(
        weekday=ExtractIsoWeekDay("starts_at"),
        begins=_minutes("starts_at"),
        ends=_minutes("ends_at"),
        day=TruncDate("starts_at"),
        last_day=TruncDate("ends_at"),
    ).filter(
        Q(weekday__gt=5) | Q(begins__lt=day_from) | Q(ends__gt=day_until) | ~Q(day=F("last_day"))
    )
    return Q(Exists(sessions)) & ~Q(Exists(off_hours))


def employed_during_class(scope: Scope) -> list[Found]:
    """Trainees of employment skills classes (就业技能培训, for people out of work) with an
    employment record that began before the class and had not ended by its first day: an
    insured one (social insurance paid: full-time work) at another employer during a full-time
    class (全日制), or one at the institution itself (its own staff as trainees) whatever the
    class's study mode. An uninsured job (part-time, 灵活就业) is not flagged, nor insured work
    during a part-time class (非全日制: evenings, weekends), unless its timetable takes the
    working day all the same (every session on a weekday within the pack's working hours): then
    it is read as full-time."""
    start, end = "training_class__start_date", "training_class__end_date"
    jobs = "person__employment"
    own = Q(**{f"{jobs}__employer_uscc": F("training_class__institution__organisation__code")})
    full_time = Q(training_class__study_mode=StudyMode.FULL_TIME) | _taken_in_working_hours(scope)
    insured_elsewhere = Q(**{f"{jobs}__insured_months__gt": 0}) & ~own & full_time
    rows = (
        _unemployed_enrolments(scope)
        # One filter() call: the three conditions hold for the same employment record (chained
        # calls would join the records once each: an old job and a later one would match).
        .filter(
            Q(**{f"{jobs}__start__lt": F(start)})
            & (Q(**{f"{jobs}__end__isnull": True}) | Q(**{f"{jobs}__end__gte": F(start)}))
            & (own | insured_elsewhere)
        )
        .values_list(
            "person_id", "person__name", "person__id_number_masked", "training_class_id",
            "training_class__code", "training_class__institution_id", f"{jobs}__employer_name",
            f"{jobs}__employer_uscc", f"{jobs}__start", f"{jobs}__end", start, end,
            "training_class__institution__organisation__code", "training_class__study_mode",
        )
        .distinct()
        .order_by("training_class_id", "person_id")
    )  # fmt: skip
    grouped = defaultdict(list)
    for row in rows:
        grouped[(row[0], row[3])].append(row)
    modes = dict(StudyMode.choices)
    found = []
    for (person, class_id), jobs_rows in grouped.items():
        _p, name, masked, _c, code, institution, *_rest = jobs_rows[0]
        staff = any(row[7] == row[12] for row in jobs_rows)
        part_time = jobs_rows[0][13] == StudyMode.PART_TIME
        if staff:
            summary = _("%(name)s, a trainee of class %(code)s, works for the institution itself")
        elif part_time:
            summary = _(
                "%(name)s was insured as employed during employment skills class %(code)s, "
                "stated part-time but held only in working hours"
            )
        else:
            summary = _("%(name)s was insured as employed during employment skills class %(code)s")
        found.append(
            Found(
                key=f"{person}:{class_id}",
                summary=summary % {"name": name, "code": code},
                subjects={
                    "person_id": person,
                    "training_class_id": class_id,
                    "institution_id": institution,
                },
                evidence=_evidence(
                    [
                        _("trainee"),
                        _("ID number"),
                        _("class"),
                        _("from"),
                        _("to"),
                        _("study mode"),
                        _("employer"),
                        _("employed from"),
                        _("employed until"),
                    ],
                    [
                        [
                            name,
                            masked,
                            code,
                            row[10],
                            row[11],
                            str(modes[row[13]]),
                            row[6] or row[7],
                            row[8],
                            row[9],
                        ]
                        for row in jobs_rows
                    ],
                    [person],
                ),
            )  # fmt: skip
        )
    return found


# --- (4) check-in bursts: many trainees checked in by one device within seconds ---------------


def checkin_bursts(scope: Scope) -> list[Found]:
    """Sessions where one device recorded at least supervision.burst_min_checkins trainee
    check-ins within supervision.burst_seconds seconds: 代打卡, several identities checked in by
    one hand. Counted per in-window check-in over the window that starts at it (its device's
    trainee check-ins of the session from its time to that time + the seconds, both ends
    included), by a window function over each device's check-ins of a session ordered by time,
    in one pass (not a subquery per check-in)."""
    seconds = int(scope.value("supervision.burst_seconds"))
    least = scope.value("supervision.burst_min_checkins")
    classes_sql, class_params = scope.classes().values("id").query.sql_with_params()
    if connection.vendor == "postgresql":
        moment, span = "c.device_time", f"interval '{seconds} seconds'"
    else:  # SQLite keeps UTC text: whole microseconds since the epoch, exact
        moment = ("(CAST(strftime('%%s', c.device_time) AS INTEGER) * 1000000"
                  " + CAST(substr(c.device_time || '.000000', 21, 6) AS INTEGER))")  # fmt: skip
        span = str(seconds * 1_000_000)
    sql = _BURSTS_SQL.format(checkin=CheckIn._meta.db_table, session=Session._meta.db_table,
                             classes=classes_sql, moment=moment, span=span)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, [*class_params, False, Direction.IN, True, least])
        counted = cursor.fetchall()
    classes = {
        pk: (class_id, code, institution)
        for pk, class_id, code, institution in Session.objects.filter(
            pk__in={row[0] for row in counted}
        ).values_list("pk", "training_class_id", "training_class__code",
                      "training_class__institution_id")
    }  # fmt: skip
    names = dict(
        Device.objects.filter(pk__in={row[1] for row in counted}).values_list("pk", "name")
    )
    rows = [
        {"session_id": session, "device_id": device, "device__name": names[device],
         "session__training_class_id": classes[session][0],
         "session__training_class__code": classes[session][1],
         "session__training_class__institution_id": classes[session][2],
         "first": _aware(first), "most": most}
        for session, device, first, most in sorted(counted)
    ]  # fmt: skip
    return [
        Found(
            key=f"{row['session_id']}:{row['device_id']}",
            summary=_(
                "Class %(code)s: device %(device)s checked in %(n)d trainees within "
                "%(seconds)d seconds"
            )
            % {
                "code": row["session__training_class__code"],
                "device": row["device__name"],
                "n": row["most"],
                "seconds": seconds,
            },
            subjects=_class_subjects(row, "session__"),
            evidence=_evidence(
                [_("class"), _("device"), _("first check-in"), _("check-ins"), _("seconds")],
                [
                    [
                        row["session__training_class__code"],
                        row["device__name"],
                        _when(row["first"]),
                        row["most"],
                        seconds,
                    ]
                ],
            ),
        )  # fmt: skip
        for row in rows
    ]


_BURSTS_SQL = """
WITH counted AS (
    SELECT c.session_id, c.device_id, c.device_time, c.in_window,
        COUNT(*) OVER (
            PARTITION BY c.device_id, c.session_id ORDER BY {moment}
            RANGE BETWEEN CURRENT ROW AND {span} FOLLOWING
        ) AS burst
    FROM {checkin} c JOIN {session} s ON s.id = c.session_id
    WHERE s.training_class_id IN ({classes}) AND c.device_id IS NOT NULL
        AND c.is_teacher = %s AND c.direction = %s
)
SELECT session_id, device_id, MIN(device_time), MAX(burst) FROM counted
WHERE in_window = %s AND burst >= %s
GROUP BY session_id, device_id
"""


def _aware(moment):
    """A time as the raw SQL gives it: a datetime (PostgreSQL), or SQLite's UTC text."""
    if isinstance(moment, str):
        return parse_datetime(moment).replace(tzinfo=UTC)
    return moment


# --- (4) the same people checked in in the same order, session after session -----------------


_SAME_ORDER_SQL = """
WITH firsts AS (
    SELECT c.session_id, c.person_id, MIN(c.device_time) AS first_at
    FROM {checkin} c JOIN {session} s ON s.id = c.session_id
    WHERE s.training_class_id IN ({classes}) AND c.device_id IS NOT NULL
        AND c.is_teacher = %s AND c.direction = %s
    GROUP BY c.session_id, c.person_id
), ranked AS (
    SELECT session_id, person_id,
        ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY first_at, person_id) AS rn
    FROM firsts
), signed AS (
    SELECT r.session_id, s.training_class_id AS class_id, COUNT(*) AS n,
        SUM(r.person_id) AS s1, SUM(r.rn * r.person_id) AS s2,
        SUM(r.rn * r.rn * (r.person_id %% 1000003)) AS s3
    FROM ranked r JOIN {session} s ON s.id = r.session_id
    GROUP BY r.session_id, s.training_class_id
    HAVING COUNT(*) >= %s
), repeated AS (
    SELECT class_id, n, s1, s2, s3 FROM signed
    GROUP BY class_id, n, s1, s2, s3 HAVING COUNT(*) >= %s
)
SELECT g.class_id, g.session_id FROM signed g
JOIN repeated r ON r.class_id = g.class_id AND r.n = g.n AND r.s1 = g.s1 AND r.s2 = g.s2
    AND r.s3 = g.s3
ORDER BY g.class_id, g.session_id
"""


def _orders(session_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """{session id: the trainees in the order of their first device check-in}."""
    firsts = (
        CheckIn.objects.filter(session_id__in=session_ids, device__isnull=False,
                               is_teacher=False, direction=Direction.IN)
        .values("session_id", "person_id")
        .annotate(first=Min("device_time"))
        .order_by("session_id", "first", "person_id")
    )  # fmt: skip
    orders: dict[int, list[int]] = defaultdict(list)
    for row in firsts:
        orders[row["session_id"]].append(row["person_id"])
    return {session: tuple(persons) for session, persons in orders.items()}


def same_order_checkins(scope: Scope) -> list[Found]:
    """Classes where at least supervision.same_order_min_sessions sessions saw the same trainees
    (at least supervision.same_order_min_trainees) checked in by devices in exactly the same
    order (each trainee's first check-in of the session): people arrive in a different order
    each day, a roster replayed (代打卡) does not. The database ranks the check-ins and groups
    the sessions by a signature of their order (count, Σ id, Σ rank × id, Σ rank² × id); the few
    candidate sessions are then compared exactly."""
    least_sessions = scope.value("supervision.same_order_min_sessions")
    least_trainees = scope.value("supervision.same_order_min_trainees")
    classes_sql, class_params = scope.classes().values("id").query.sql_with_params()
    sql = _SAME_ORDER_SQL.format(
        checkin=CheckIn._meta.db_table, session=Session._meta.db_table, classes=classes_sql
    )
    params = [*class_params, False, Direction.IN, least_trainees, least_sessions]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        candidates = cursor.fetchall()
    if not candidates:
        return []
    orders = _orders([session for _class, session in candidates])
    by_class: dict[int, dict[tuple, list[int]]] = defaultdict(lambda: defaultdict(list))
    for class_id, session in candidates:
        by_class[class_id][orders.get(session, ())].append(session)
    repeated = {
        class_id: max(
            ((order, sessions) for order, sessions in groups.items()
             if len(order) >= least_trainees and len(sessions) >= least_sessions),
            key=lambda item: (len(item[1]), len(item[0])), default=None,
        )
        for class_id, groups in by_class.items()
    }  # fmt: skip
    repeated = {class_id: found for class_id, found in repeated.items() if found}
    if not repeated:
        return []
    info = {
        row["pk"]: row
        for row in TrainingClass.objects.filter(pk__in=repeated).values(
            "pk", "code", "institution_id"
        )
    }
    starts = dict(
        Session.objects.filter(
            pk__in=[s for _order, sessions in repeated.values() for s in sessions]
        ).values_list("pk", "starts_at")
    )
    names = dict(
        Person.objects.filter(
            pk__in={p for order, _sessions in repeated.values() for p in order}
        ).values_list("pk", "name")
    )
    found = []
    for class_id, (order, sessions) in sorted(repeated.items()):
        listed = "、".join(names.get(p, "") for p in order[:SHOWN_IN_ORDER])
        if len(order) > SHOWN_IN_ORDER:
            listed += "……"
        found.append(
            Found(
                key=str(class_id),
                summary=_(
                    "Class %(code)s: the same %(trainees)d trainees checked in in the same order "
                    "in %(sessions)d sessions"
                )
                % {
                    "code": info[class_id]["code"],
                    "trainees": len(order),
                    "sessions": len(sessions),
                },
                subjects={
                    "training_class_id": class_id,
                    "institution_id": info[class_id]["institution_id"],
                },
                evidence=_evidence(
                    [_("class"), _("session"), _("trainees"), _("order of check-in")],
                    [
                        [info[class_id]["code"], _when(starts[s]), len(order), listed]
                        for s in sorted(sessions, key=lambda s: starts[s])
                    ],
                    order,
                ),
            )  # fmt: skip
        )
    return found


SHOWN_IN_ORDER = 10  # names shown of an order of check-in; the rest is elided


# --- (4) check-ins outside the session's time -------------------------------------------------


def checkins_outside_window(scope: Scope) -> list[Found]:
    """Classes where at least supervision.outside_window_min_checkins of the trainees' device
    check-ins (and check-outs) fell outside their session's time (the window the device's
    clock is judged by, Session.window) and more than supervision.outside_window_share of
    them: attendance taken when nobody was being taught. The place, where a device reports one,
    is checkins_outside_place's."""
    least = scope.value("supervision.outside_window_min_checkins")
    share = scope.value("supervision.outside_window_share")
    rows = (
        CheckIn.objects.filter(
            session__training_class__in=scope.classes(), device__isnull=False, is_teacher=False
        )
        .values("session__training_class_id", "session__training_class__code",
                "session__training_class__institution_id")
        .annotate(total=Count("id"), outside=Count("id", filter=Q(in_window=False)),
                  first=Min("device_time", filter=Q(in_window=False)),
                  last=Max("device_time", filter=Q(in_window=False)))
        .filter(outside__gte=least)
        .filter(outside__gt=ExpressionWrapper(F("total") * Value(float(share)),
                                              output_field=DecimalField()))
        .order_by("session__training_class_id")
    )  # fmt: skip
    return [
        Found(
            key=str(row["session__training_class_id"]),
            summary=_(
                "Class %(code)s: %(outside)d of %(total)d trainee check-ins were outside the "
                "session's time"
            )
            % {
                "code": row["session__training_class__code"],
                "outside": row["outside"],
                "total": row["total"],
            },
            subjects=_class_subjects(row, "session__"),
            evidence=_evidence(
                [
                    _("class"),
                    _("check-ins"),
                    _("outside the session's time"),
                    _("first"),
                    _("last"),
                ],
                [
                    [
                        row["session__training_class__code"],
                        row["total"],
                        row["outside"],
                        _when(row["first"]),
                        _when(row["last"]),
                    ]
                ],
            ),
        )  # fmt: skip
        for row in rows
    ]


# --- (4) check-ins reported away from the session's site ---------------------------------------

PLACE_EVIDENCE_ROWS = 20  # the farthest check-ins of a class shown as evidence (the counts: all)


def _site(part: str):
    """The session's own site where it names one, else its class's (both or neither: a
    constraint of each)."""
    return Coalesce(F(f"session__site_{part}"), F(f"session__training_class__site_{part}"))


def _great_circle(lat1, lon1, lat2, lon2):
    """The haversine distance in metres, in the database (training.places.distance_m)."""
    half = Value(0.5)
    dlat, dlon = (Radians(lat2) - Radians(lat1)) * half, (Radians(lon2) - Radians(lon1)) * half
    a = Power(Sin(dlat), 2) + Cos(Radians(lat1)) * Cos(Radians(lat2)) * Power(Sin(dlon), 2)
    return ExpressionWrapper(
        Value(2 * EARTH_RADIUS_M) * ASin(Least(Value(1.0), Sqrt(a))), output_field=FloatField()
    )


def _located_checkins(scope: Scope) -> QuerySet[CheckIn]:
    """The trainees' check-ins of the scope's classes that carry a position, at a session with a
    site, with their distance from it and the distance allowed (the session's radius, else the
    class's, else supervision.site_radius; plus the position's accuracy)."""
    radius = float(scope.value("supervision.site_radius"))
    return (
        CheckIn.objects.filter(
            session__training_class__in=scope.classes(), is_teacher=False,
            latitude__isnull=False, longitude__isnull=False,
        )
        .annotate(site_lat=_site("latitude"), site_lon=_site("longitude"))
        .filter(site_lat__isnull=False, site_lon__isnull=False)
        .annotate(
            distance=_great_circle(F("latitude"), F("longitude"), F("site_lat"), F("site_lon")),
            allowed=ExpressionWrapper(
                Coalesce(F("session__site_radius"), F("session__training_class__site_radius"),
                         Value(radius), output_field=FloatField())
                + Coalesce(F("accuracy"), Value(0.0), output_field=FloatField()),
                output_field=FloatField(),
            ),
        )
    )  # fmt: skip


def checkins_outside_place(scope: Scope) -> list[Found]:
    """Classes where at least supervision.outside_place_min_checkins of the trainees' check-ins
    that carry a device-reported position lay farther from their session's site than its
    radius plus the position's accuracy, and more than supervision.outside_place_share of those
    check-ins: attendance taken where nobody was being taught (000 §三(八), 003 §三10). Check-ins
    without a position, and sessions of a class without a site, are not compared. The
    distances are computed and counted in the database; the farthest check-ins of each class
    found are read as evidence."""
    least = scope.value("supervision.outside_place_min_checkins")
    share = scope.value("supervision.outside_place_share")
    located = _located_checkins(scope)
    rows = list(
        located.values("session__training_class_id", "session__training_class__code",
                       "session__training_class__institution_id")
        .annotate(total=Count("id"), outside=Count("id", filter=Q(distance__gt=F("allowed"))))
        .filter(outside__gte=least)
        .filter(outside__gt=ExpressionWrapper(F("total") * Value(float(share)),
                                              output_field=DecimalField()))
        .order_by("session__training_class_id")
    )  # fmt: skip
    if not rows:
        return []
    site_address = Case(
        When(session__site_latitude__isnull=False, then=F("session__site_address")),
        default=F("session__training_class__venue"),
    )
    far = defaultdict(list)
    for row in (
        located.filter(session__training_class__in=[r["session__training_class_id"] for r in rows],
                       distance__gt=F("allowed"))
        .annotate(site_address=site_address)
        .values_list("session__training_class_id", "id", "person_id", "person__name",
                     "person__id_number_masked", "device_time", "latitude", "longitude",
                     "accuracy", "distance", "allowed", "site_address", "site_lat", "site_lon")
        .order_by("session__training_class_id", "-distance", "id")
    ):  # fmt: skip
        if len(far[row[0]]) < PLACE_EVIDENCE_ROWS:
            far[row[0]].append(row[1:])
    found = []
    for row in rows:
        class_id = row["session__training_class_id"]
        evidence = _evidence(
            [_("check-in"), _("trainee"), _("ID number"), _("time"), _("reported position"),
             _("distance (m)"), _("allowed (m)"), _("training site")],
            [[pk, name, masked, _when(timezone.localtime(at)),
              f"{lat:.6f}, {lon:.6f}" + (f" ±{accuracy:.0f} m" if accuracy is not None else ""),
              round(distance), round(allowed), f"{address} ({site_lat:.6f}, {site_lon:.6f})"]
             for pk, _p, name, masked, at, lat, lon, accuracy, distance, allowed, address,
             site_lat, site_lon in far[class_id]],
            [person for _pk, person, *_rest in far[class_id]],
        )  # fmt: skip
        found.append(
            Found(
                key=str(class_id),
                summary=_(
                    "Class %(code)s: %(outside)d of %(total)d trainee check-ins with a position "
                    "were away from the training site"
                )
                % {
                    "code": row["session__training_class__code"],
                    "outside": row["outside"],
                    "total": row["total"],
                },
                subjects=_class_subjects(row, "session__"),
                evidence=evidence,
            )
        )
    return found


# --- (8) a short job just inside the employment window ----------------------------------------


def short_job_at_window_end(scope: Scope) -> list[Found]:
    """Trainees of employment skills classes whose job (an employment record, insured or not)
    began in the last supervision.short_job_days days of the employment window (004 §四(五):
    employed within training.rates.employment_window_months after the class, the 100% rate)
    and ended within supervision.short_job_days days after the window's end: a contract to
    reach the rate. The database finds the jobs in a bound a little wider than any window
    (months × 31 days); the exact window of each class is then the engine's."""
    days = scope.value("supervision.short_job_days")
    months = scope.value("training.rates.employment_window_months")
    end = "training_class__end_date"
    jobs = "person__employment"
    widest = timedelta(days=31 * months)
    rows = (
        _unemployed_enrolments(scope)
        .filter(
            Q(**{f"{jobs}__start__gte": F(end)})
            & Q(**{f"{jobs}__start__lte": ExpressionWrapper(F(end) + widest,
                                                            output_field=DateField())})
            & Q(**{f"{jobs}__end__isnull": False})
            & Q(**{f"{jobs}__end__lte": ExpressionWrapper(
                F(end) + widest + timedelta(days=days), output_field=DateField())})
        )
        .values_list(
            "person_id", "person__name", "person__id_number_masked", "training_class_id",
            "training_class__code", "training_class__institution_id", end,
            f"{jobs}__employer_name", f"{jobs}__employer_uscc", f"{jobs}__start", f"{jobs}__end",
        )
        .distinct()
        .order_by("training_class_id", "person_id", f"{jobs}__start")
    )  # fmt: skip
    found: dict[tuple[int, int], Found] = {}
    for person, name, masked, class_id, code, institution, ended, employer, uscc, start, stop \
            in rows:  # fmt: skip
        window_end = employment_window_end(scope.pack, ended)
        if not (window_end - timedelta(days=days) < start <= window_end
                and stop <= window_end + timedelta(days=days)):  # fmt: skip
            continue
        _trainee_in_class(
            found, person, class_id, institution,
            [name, masked, code, ended, window_end, employer or uscc, start, stop],
            [_("trainee"), _("ID number"), _("class"), _("class ended"),
             _("employment window ends"), _("employer"), _("employed from"),
             _("employed until")],
            _("%(name)s of class %(code)s: a job from %(start)s to %(end)s, just inside the "
              "employment window ending %(window)s")
            % {"name": name, "code": code, "start": start, "end": stop, "window": window_end},
        )  # fmt: skip
    return list(found.values())


# --- (11) training beyond the premises' capacity ----------------------------------------------

# The classes that take up the premises: approved or running ones, and those that ran.
RUNNING_CLASS_STATES = (
    ClassState.APPROVED, ClassState.IN_PROGRESS, ClassState.COMPLETED, ClassState.CLOSED,
)  # fmt: skip


_CAPACITY_SQL = """
WITH sizes AS (
    SELECT training_class_id AS class_id, COUNT(*) AS n FROM {enrollment}
    WHERE state IN ({live}) GROUP BY training_class_id
), events AS (
    SELECT c.institution_id, s.starts_at AS at, 1 AS kind, z.n AS delta, s.id AS session_id,
        c.id AS class_id
    FROM {session} s JOIN {klass} c ON c.id = s.training_class_id
        JOIN {institution} i ON i.id = c.institution_id JOIN sizes z ON z.class_id = c.id
    WHERE i.capacity > 0 AND c.state IN ({running})
    UNION ALL
    SELECT c.institution_id, s.ends_at, 0, -z.n, s.id, c.id
    FROM {session} s JOIN {klass} c ON c.id = s.training_class_id
        JOIN {institution} i ON i.id = c.institution_id JOIN sizes z ON z.class_id = c.id
    WHERE i.capacity > 0 AND c.state IN ({running})
), running AS (
    SELECT institution_id, kind, session_id, class_id,
        SUM(delta) OVER (PARTITION BY institution_id ORDER BY at, kind, session_id
                         ROWS UNBOUNDED PRECEDING) AS n
    FROM events
)
SELECT r.institution_id, r.session_id, r.n, i.capacity
FROM running r JOIN {institution} i ON i.id = r.institution_id
WHERE r.kind = 1 AND r.n > i.capacity AND r.class_id IN ({classes})
"""


def beyond_capacity(scope: Scope) -> list[Found]:
    """Institutions (with a capacity recorded) where, when a session began, more trainees were
    enrolled in the classes then in session than the premises hold (Institution.capacity,
    培训场地容量). The database sweeps each institution's sessions in time order: a session's
    trainees (its class's live enrolments) come in at its start and leave at its end, ends
    before starts at the same moment (touching is not overlapping), a running sum over a window
    function; the most at once is reached when some session begins. Only classes approved,
    running or done take up the premises. One finding per institution and month of the
    region's classes, showing its fullest moment."""
    classes_sql, class_params = (
        scope.classes().filter(state__in=RUNNING_CLASS_STATES).values("id").query.sql_with_params()
    )
    live, running = list(LIVE_ENROLMENT), list(RUNNING_CLASS_STATES)
    sql = _CAPACITY_SQL.format(
        enrollment=Enrollment._meta.db_table, session=Session._meta.db_table,
        klass=TrainingClass._meta.db_table, institution=Institution._meta.db_table,
        live=", ".join(["%s"] * len(live)), running=", ".join(["%s"] * len(running)),
        classes=classes_sql,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, [*live, *running, *running, *class_params])
        over = cursor.fetchall()
    if not over:
        return []
    sessions = {
        row[0]: row[1:]
        for row in Session.objects.filter(pk__in=[row[1] for row in over]).values_list(
            "pk", "starts_at", "ends_at", "training_class__code",
            "training_class__institution__organisation__name",
        )
    }  # fmt: skip
    fullest: dict[tuple[int, str], tuple] = {}
    for institution, session, total, capacity in over:
        n = int(total)  # PostgreSQL's SUM of integers is a numeric
        starts, ends, code, name = sessions[session]
        month = timezone.localtime(starts).strftime("%Y-%m")
        best = fullest.get((institution, month))
        if best is None or (n, -starts.timestamp()) > (best[4], -best[1].timestamp()):
            fullest[(institution, month)] = (name, starts, ends, code, n, capacity)
    return [
        Found(
            key=f"{institution}:{month}",
            summary=_(
                "%(institution)s had %(n)d trainees in classes at once in %(month)s; its premises "
                "hold %(capacity)d"
            )
            % {"institution": name, "n": n, "month": month, "capacity": capacity},
            subjects={"institution_id": institution},
            evidence=_evidence(
                [
                    _("institution"),
                    _("capacity"),
                    _("session from"),
                    _("session to"),
                    _("class"),
                    _("trainees at once"),
                ],
                [[name, capacity, _when(starts), _when(ends), code, n]],
            ),
        )  # fmt: skip
        for (institution, month), (name, starts, ends, code, n, capacity) in sorted(fullest.items())
    ]


_WHOLE = "004 §五(六)"
CHECKS: tuple[Check, ...] = (
    Check("overlapping_classes", _("Same person in overlapping classes"),
          _("A trainee enrolled in two classes whose sessions overlap in time."),
          _WHOLE, _("the same person in overlapping classes"), Severity.HIGH, (),
          overlapping_classes),
    Check("teacher_double_booked", _("Teacher in two sessions at once"),
          _("One teacher recorded for two sessions whose times overlap."),
          _WHOLE, _("rented teachers"), Severity.MEDIUM, (), teacher_double_booked),
    Check("teacher_many_institutions", _("Teacher at too many institutions"),
          _("A teacher who taught at more institutions in a calendar year than the pack allows."),
          "000 §三(七); " + _WHOLE, _("a teacher in too many institutions"), Severity.MEDIUM,
          ("teachers.part_time_max_institutions",), teacher_many_institutions),
    Check("employed_during_class", _("Employed during a class for the unemployed"),
          _("A trainee of a full-time employment skills class insured as employed elsewhere "
            "during it, or a trainee employed by the institution itself."),
          "004 §二; " + _WHOLE, _("fake trainees (employed people listed as unemployed)"),
          Severity.HIGH, ("supervision.working_day_from", "supervision.working_day_until"),
          employed_during_class),
    Check("checkin_bursts", _("Check-in bursts from one device"),
          _("Many trainees checked in by one device within seconds."),
          "000 §三(八); " + _WHOLE, _("bursts of check-ins from one device"), Severity.HIGH,
          ("supervision.burst_seconds", "supervision.burst_min_checkins"), checkin_bursts),
    Check("hand_entered_attendance", _("Attendance mostly entered by hand"),
          _("A class whose attendance records are mostly hand marks rather than device "
            "check-ins."),
          "000 §三(八); 003 §三10; " + _WHOLE, _("courses shortened or skipped"), Severity.MEDIUM,
          ("supervision.manual_attendance_share",), hand_entered_attendance),
    Check("identical_attendance", _("Identical attendance for everyone"),
          _("A completed class where every trainee attended exactly as many sessions."),
          "003 §三10; " + _WHOLE, _("courses shortened or skipped"), Severity.LOW,
          ("supervision.identical_attendance_min_trainees",), identical_attendance),
    Check("uniform_scores", _("Everyone passed with near-identical scores"),
          _("An evaluation where everyone passed and the totals hardly differ."),
          _WHOLE, _("evaluation organisations that pass everyone"), Severity.MEDIUM,
          ("supervision.uniform_scores_min_trainees", "supervision.uniform_scores_max_spread"),
          uniform_scores),
    Check("examiner_taught", _("Examiner also taught the class"),
          _("An examiner of the evaluation is a teacher of the class evaluated."),
          _WHOLE, _("evaluation organisations that pass everyone"), Severity.HIGH, (),
          examiner_taught),
    Check("certificate_too_early", _("Certificate before the training or evaluation ended"),
          _("A certificate dated before the class's last day or before its evaluation."),
          _WHOLE, _("certificates before the training ended"), Severity.HIGH, (),
          certificate_too_early),
    Check("duplicate_claims", _("Claimed twice"),
          _("The same certificate, or the same person, occupation and level, in two live claim "
            "lines (across regions or claim types)."),
          "004 §四(五); " + _WHOLE, _("the same certificate used for two subsidies or in two "
                                     "regions"), Severity.HIGH, (), duplicate_claims),
    Check("shared_phone", _("Many trainees on one phone number"),
          _("Trainees sharing one phone number with several others."),
          _WHOLE, _("fake trainees"), Severity.MEDIUM,
          ("supervision.shared_phone_min_trainees",), shared_phone),
    Check("face_two_names", _("One face under two names"),
          _("A face enrolled or checked in under one identity that matches another person's "
            "face template."),
          "000 §三(八); " + _WHOLE, _("check-ins for others (代打卡), fake trainees"),
          Severity.HIGH, (), face_two_names),
    Check("outside_working_age", _("Outside working age in a class for the unemployed"),
          _("A trainee of an employment skills class younger or older than working age."),
          _WHOLE, _("fake trainees (retirees, students)"), Severity.MEDIUM,
          ("supervision.working_age_from", "supervision.working_age_to"), outside_working_age),
    Check("student_in_unemployed_class", _("Full-time student in a class for the unemployed"),
          _("A trainee of an employment skills class recorded as a full-time student on its "
            "first day."),
          "004 §二; " + _WHOLE, _("fake trainees (retirees, students)"), Severity.MEDIUM, (),
          student_in_unemployed_class),
    Check("same_order_checkins", _("Same trainees checked in in the same order"),
          _("The same trainees checked in by devices in exactly the same order, session after "
            "session."),
          "000 §三(八); 003 §三10; " + _WHOLE, _("check-ins replayed from a roster (代打卡)"),
          Severity.HIGH,
          ("supervision.same_order_min_sessions", "supervision.same_order_min_trainees"),
          same_order_checkins),
    Check("checkins_outside_window", _("Check-ins outside the session's time"),
          _("Many of a class's trainee check-ins outside their session's time."),
          "000 §三(八); 003 §三10; " + _WHOLE, _("courses shortened or skipped"), Severity.MEDIUM,
          ("supervision.outside_window_min_checkins", "supervision.outside_window_share"),
          checkins_outside_window),
    Check("checkins_outside_place", _("Check-ins away from the training site"),
          _("Many of a class's trainee check-ins reported by devices farther from the session's "
            "site than its radius."),
          "000 §三(八); 003 §三10; " + _WHOLE, _("courses shortened or skipped; check-ins for "
                                                 "others (代打卡)"), Severity.MEDIUM,
          ("supervision.site_radius", "supervision.outside_place_min_checkins",
           "supervision.outside_place_share"), checkins_outside_place),
    Check("short_job_at_window_end", _("Short job just inside the employment window"),
          _("A job starting at the very end of the employment window and ending soon after it."),
          "004 §四(五); " + _WHOLE, _("contracts to reach the employment rate"), Severity.HIGH,
          ("supervision.short_job_days", "training.rates.employment_window_months"),
          short_job_at_window_end),
    Check("beyond_capacity", _("Training beyond the premises' capacity"),
          _("More trainees in classes at once than the institution's premises hold."),
          "000 §三(三); " + _WHOLE, _("rented premises"), Severity.MEDIUM, (), beyond_capacity),
    Check("beyond_designation", _("Training beyond the designation"),
          _("A class of an occupation and level its institution was not designated for on its "
            "dates."),
          "004 §四(二); " + _WHOLE, _("rented premises"), Severity.MEDIUM, (),
          beyond_designation),
)  # fmt: skip
CHECK_BY_CODE = {check.code: check for check in CHECKS}


def name_of(code: str) -> str:
    check = CHECK_BY_CODE.get(code)
    return str(check.name) if check else code
