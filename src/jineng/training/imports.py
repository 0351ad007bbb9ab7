"""The timetable (课表) and the roster (花名册) of one class, imported through the shared pipeline.

Both import INTO a class: the job's target (?target=<class id> on the import page, --target on
the command line). The class is looked up within the importer's data scope and must still take
rows of that kind; a missing, out-of-scope or closed class fails the whole file with one line and
stores nothing. Every row goes through training.services (and people.services for a person not
yet registered), so it is checked and audited like an entry on the page. Rows are keyed - a
session by its times, a trainee by the person - so importing the same file again stores nothing
new.
"""

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.models import PersonCategory
from jineng.core.i18n import language
from jineng.core.imports import (
    CREATED,
    UNCHANGED,
    Column,
    ImportFileError,
    ImportRun,
    ImportSpec,
    Row,
)
from jineng.core.roles import Capability
from jineng.core.scope import scoped
from jineng.institutions.models import Teacher
from jineng.people import identity
from jineng.people import services as people
from jineng.people.imports import ROSTER_COLUMNS
from jineng.training import services
from jineng.training.models import (
    EDITABLE_STATES,
    ClassState,
    EnrollmentState,
    TrainingClass,
)

# Excel counts days from 1899-12-30 (its 1900 leap-year bug included); LibreOffice does too.
SPREADSHEET_EPOCH = date(1899, 12, 30)
DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T ].*)?")
COMPACT_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
TIME_RE = re.compile(
    r"(上午|下午|晚上|am|pm)?(\d{1,2})(?:[:点时.](\d{1,2})?分?(?::(\d{1,2}))?秒?)?(am|pm)?"
)
AFTERNOON = {"下午", "晚上", "pm"}
CATEGORY_SPLIT = re.compile(r"[、,，;；/\s]+")
ID_NUMBER_RE = re.compile(r"\d{17}[\dX]|\d{15}")


# --- the target class -------------------------------------------------------------------------


def target_class(run: ImportRun, states: set[str], refusal: str) -> TrainingClass:
    """The class the file goes into, looked up once per run within the importer's scope.

    Raises ImportFileError (the whole file refused, one line) when no class is chosen, when it
    is not in the importer's scope, or when its state is not one of `states`."""
    found = run.state.get("class")
    if found is not None:
        return found
    context = run.options.context
    target = str(context.get("target") or "")
    if not target.isdecimal():
        raise ImportFileError(_("Choose the class to import into."))
    classes = TrainingClass.objects.select_related("institution__organisation")
    user = context.get("user")
    if user is not None:
        classes = scoped(user, classes)
    found = classes.filter(pk=int(target)).first()
    if found is None:
        raise ImportFileError(
            _("No class in your scope has the number %(number)s.") % {"number": target}
        )
    if found.state not in states:
        raise ImportFileError(refusal % {"code": found.code, "state": found.get_state_display()})
    run.state["class"] = found
    return found


def class_label(user, pk: int) -> str | None:
    """The class a file goes into, as the import page names it (None: not in the user's scope)."""
    found = scoped(user, TrainingClass.objects.filter(pk=pk)).first()
    return f"{found.code} {found.name}" if found is not None else None


def each_row(apply: Callable[[Row], str]):
    """Like imports.row_by_row, but the applier sees the whole Row: the cells as the file stored
    them (times and dates as numbers, times or dates) as well as their text."""

    def apply_rows(rows: list[Row], run: ImportRun) -> None:
        for row in rows:
            try:
                with transaction.atomic():
                    outcome = apply(row)
            except ValidationError as problem:
                run.reject_error(row, problem)
                continue
            run.count(outcome)

    return apply_rows


# --- cells as spreadsheets store them -----------------------------------------------------------


def cell_date(raw, text: str, column: str) -> date:
    """A date typed in any common way: a date cell, a spreadsheet serial number (46083),
    2026-03-02, 2026/3/2, 2026.3.2, 2026年3月2日 or 20260302."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 19000101 <= raw <= 29991231 and float(raw).is_integer():
            text = str(int(raw))
        elif 1 <= raw < 2958466:  # up to 9999-12-31
            return SPREADSHEET_EPOCH + timedelta(days=int(raw))
    text = "".join(text.split())
    match = DATE_RE.fullmatch(text) or COMPACT_DATE_RE.fullmatch(text)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValidationError({column: _("“%(text)s” is not a date (YYYY-MM-DD).") % {"text": text}})


def cell_time(raw, text: str, column: str) -> time:
    """A time of day typed in any common way: a time cell, a spreadsheet's fraction of a day
    (0.375), 9:00, 09:00:00, 9点30分, 14时, 2:00 pm or 下午2:00."""
    if isinstance(raw, datetime):
        return raw.time().replace(microsecond=0)
    if isinstance(raw, time):
        return raw.replace(microsecond=0)
    seconds = None
    if isinstance(raw, timedelta):
        seconds = round(raw.total_seconds())
    elif isinstance(raw, int | float) and not isinstance(raw, bool) and not float(raw).is_integer():
        seconds = round((raw % 1) * 86400)  # a bare time, or the time part of a date and time
    if seconds is not None and 0 <= seconds < 86400:
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    cleaned = "".join(text.split()).lower()
    match = TIME_RE.fullmatch(cleaned)
    if match:
        before, hour, minute, second, after = match.groups()
        hour, minute, second = int(hour), int(minute or 0), int(second or 0)
        if (before or after) in AFTERNOON and hour < 12:
            hour += 12
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
    raise ValidationError({column: _("“%(text)s” is not a time (HH:MM).") % {"text": text}})


def _not_mangled(raw, column: str) -> None:
    try:
        identity.check_not_mangled(raw)
    except identity.IdentityError as problem:
        raise ValidationError({column: problem.message(language())}) from None


# --- the timetable (课表) ------------------------------------------------------------------------

SESSION_TARGET_STATES = set(EDITABLE_STATES)


def teacher_of(training_class: TrainingClass, raw, text: str) -> Teacher | None:
    """The class's teacher a cell names: by name, by masked ID number (4114**********123X) or by
    whole ID number; empty for a session without a named teacher."""
    if not text:
        return None
    _not_mangled(raw, "teacher")
    teachers = list(training_class.teachers.select_related("person"))
    number = identity.normalise(text).upper()
    if ID_NUMBER_RE.fullmatch(number):
        person = people.find_by_id_number(number)
        found = [t for t in teachers if person is not None and t.person_id == person.pk]
    elif "*" in number:
        found = [t for t in teachers if t.person.id_number_masked.upper() == number]
    else:
        name = " ".join(text.split())
        found = [t for t in teachers if t.person.name == name]
    if not found:
        raise ValidationError(
            {"teacher": _("“%(text)s” is not a teacher of this class.") % {"text": text}}
        )
    if len(found) > 1:
        raise ValidationError(
            {"teacher": _("Several teachers of the class match “%(text)s”: give the ID number.")
             % {"text": text}}
        )  # fmt: skip
    return found[0]


def _apply_session(training_class: TrainingClass, row: Row) -> str:
    values, raw = row.values, row.raw
    day = cell_date(raw["date"], values["date"], "date")
    starts = cell_time(raw["starts_at"], values["starts_at"], "starts_at")
    ends = cell_time(raw["ends_at"], values["ends_at"], "ends_at")
    starts_at = timezone.make_aware(datetime.combine(day, starts))
    ends_at = timezone.make_aware(datetime.combine(day, ends))
    if training_class.sessions.filter(starts_at=starts_at, ends_at=ends_at).exists():
        return UNCHANGED
    teacher = teacher_of(training_class, raw.get("teacher"), values.get("teacher", ""))
    services.add_session(
        training_class, starts_at=starts_at, ends_at=ends_at, topic=values["topic"],
        teacher=teacher,
    )  # fmt: skip
    return CREATED


def apply_session_chunk(rows: list[Row], run: ImportRun) -> None:
    training_class = target_class(
        run,
        SESSION_TARGET_STATES,
        _("The class %(code)s is “%(state)s”: its timetable can no longer be changed."),
    )
    each_row(lambda row: _apply_session(training_class, row))(rows, run)


SESSIONS = ImportSpec(
    name="sessions",
    title=gettext_lazy("Class timetable"),
    columns=(
        Column(
            "date",
            gettext_lazy("Date"),
            example="2026-03-02",
            aliases=("日期", "上课日期", "授课日期"),
        ),
        Column(
            "starts_at",
            gettext_lazy("Start time"),
            example="09:00",
            aliases=("开始时间", "上课时间", "起始时间"),
        ),
        Column(
            "ends_at", gettext_lazy("End time"), example="12:00", aliases=("结束时间", "下课时间")
        ),
        Column(
            "topic",
            gettext_lazy("Topic"),
            example="焊接安全操作规程",
            aliases=("课程内容", "授课内容", "课程名称", "课程", "内容"),
        ),
        Column(
            "teacher",
            gettext_lazy("Teacher"),
            required=False,
            example="张三",
            aliases=("授课教师", "任课教师", "教师", "老师"),
            help=gettext_lazy("A teacher of the class: name, or ID number (whole or masked)"),
        ),
    ),  # fmt: skip
    apply_chunk=apply_session_chunk,
    export_rows=lambda: iter(()),
    capability=Capability.RUN_CLASSES,
    target_label=class_label,
)


# --- the roster (花名册) -------------------------------------------------------------------------

ENROLLMENT_TARGET_STATES = set(EDITABLE_STATES) | {ClassState.APPROVED}


def _categories(text: str) -> list[PersonCategory]:
    chosen = []
    for name in CATEGORY_SPLIT.split(text):
        if not name:
            continue
        category = (
            PersonCategory.objects.filter(code=name).first()
            or PersonCategory.objects.filter(name=name).first()
        )
        if category is None:
            raise ValidationError(
                {"categories": _("Unknown person category: %(code)s") % {"code": name}}
            )
        chosen.append(category)
    return chosen


def _register(training_class: TrainingClass, values: dict[str, str], source: str):
    """A person new to the registry, under the nearest bureau of the class's institution."""
    organisation = training_class.institution.organisation
    categories = _categories(values.get("categories", ""))
    year_text = values.get("graduation_year", "")
    if year_text and not year_text.isdecimal():
        raise ValidationError(
            {"graduation_year": _("“%(text)s” is not a year.") % {"text": year_text}}
        )
    person = people.register_person(
        name=" ".join(values["name"].split()), id_number=values["id_number"],
        organisation=organisation.nearest_bureau() or organisation,
        phone=values.get("phone", ""), source=source,
    )  # fmt: skip
    for category in categories:
        people.add_category(
            person, category.code, valid_from=timezone.localdate(), source=source,
            graduation_year=int(year_text) if year_text else None,
        )  # fmt: skip
    return person


def _apply_enrollment(training_class: TrainingClass, row: Row, source: str) -> str:
    values = row.values
    _not_mangled(row.raw["id_number"], "id_number")
    person = people.find_by_id_number(values["id_number"])
    if person is None:
        person = _register(training_class, values, source)
    elif person.name != " ".join(values["name"].split()):
        raise ValidationError({"name": _("The registry holds this ID number under another name.")})
    enrolled = training_class.enrollments.filter(person=person, state=EnrollmentState.ENROLLED)
    if enrolled.exists():
        return UNCHANGED
    services.enrol(training_class, person)
    return CREATED


def apply_enrollment_chunk(rows: list[Row], run: ImportRun) -> None:
    training_class = target_class(
        run,
        ENROLLMENT_TARGET_STATES,
        _("The class %(code)s is “%(state)s”: it takes no more trainees."),
    )
    source = run.options.context.get("source") or "class roster import"
    each_row(lambda row: _apply_enrollment(training_class, row, source))(rows, run)


ENROLLMENTS = ImportSpec(
    name="enrollments",
    title=gettext_lazy("Class roster"),
    columns=(
        ROSTER_COLUMNS[0],  # name
        ROSTER_COLUMNS[1],  # ID number
        ROSTER_COLUMNS[3],  # phone
        ROSTER_COLUMNS[4],  # categories
        ROSTER_COLUMNS[5],  # graduation year (graduates need it)
    ),
    apply_chunk=apply_enrollment_chunk,
    export_rows=lambda: iter(()),  # rosters hold ID numbers: never exported whole
    capability=Capability.RUN_CLASSES,
    target_label=class_label,
)

IMPORTS = {spec.name: spec for spec in (SESSIONS, ENROLLMENTS)}
