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

from jineng.catalog import services as catalog
from jineng.catalog.models import PersonCategory, TrainingType
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
from jineng.institutions.models import Institution, Teacher
from jineng.people import identity
from jineng.people import services as people
from jineng.people.imports import ROSTER_COLUMNS
from jineng.training import history, services
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
        ROSTER_COLUMNS[5],  # graduation year (graduates and school leavers need it)
    ),
    apply_chunk=apply_enrollment_chunk,
    export_rows=lambda: iter(()),  # rosters hold ID numbers: never exported whole
    capability=Capability.RUN_CLASSES,
    target_label=class_label,
)

# --- past training (历史导入) ------------------------------------------------------------------
#
# The bureau records training done under another system (training.history, 004 §四(三)): one
# row per trainee with the class's columns; the rows of a class (same institution, occupation,
# level and dates) may lie anywhere in the file. Each row is read and checked as it comes (its
# errors reported on it); once the whole file is read (ImportSpec.finish) each class is stored
# whole or not at all: one bad row rejects the other rows of its class, naming it.

RESULTS = {
    "合格": True, "结业": True, "已结业": True, "通过": True, "completed": True, "passed": True,
    "不合格": False, "未结业": False, "未通过": False, "not completed": False, "failed": False,
}  # fmt: skip
YES_NO = {"是": True, "有": True, "yes": True, "y": True,
          "否": False, "无": False, "no": False, "n": False}  # fmt: skip
# The columns that must agree on every row of one class (the key columns define the class).
CLASS_VALUE_COLUMNS = ("training_type", "venue", "hours", "subsidised")


def _result(text: str) -> bool:
    found = RESULTS.get(text.strip().lower())
    if found is None:
        raise ValidationError(
            {"result": _("“%(text)s” is not a result: write 合格 or 不合格.") % {"text": text}}
        )
    return found


def _subsidised(text: str) -> bool:
    if not text:
        return True  # a record silent about it counts against the once per occupation and level
    found = YES_NO.get(text.strip().lower())
    if found is None:
        raise ValidationError({"subsidised": _("Write 是 or 否.")})
    return found


def _hours(text: str) -> int | None:
    if not text:
        return None
    if not text.isdecimal() or int(text) < 1:
        raise ValidationError({"hours": _("The hours are a whole number above 0.")})
    return int(text)


def _institution_of(code: str) -> Institution:
    found = (
        Institution.objects.filter(organisation__code=code.upper())
        .select_related("organisation")
        .first()
    )
    if found is None:
        raise ValidationError(
            {"institution": _("No training institution has the credit code %(code)s.")
             % {"code": code}}
        )  # fmt: skip
    history.check_institution(found)
    return found


def _training_type(text: str) -> TrainingType:
    found = (
        TrainingType.objects.filter(code=text).first()
        or TrainingType.objects.filter(name=text).first()
    )
    if found is None:
        raise ValidationError(
            {"training_type": _("Unknown training type: %(text)s") % {"text": text}}
        )
    return found


def _class_key(row: Row) -> tuple:
    """Which class a row belongs to, even when a cell of it is wrong: the credit code,
    occupation and level as typed, the dates as dates where they read as dates."""
    values, raw = row.values, row.raw
    key = [values["institution"].upper(), values["occupation"], values["level"]]
    for column in ("start_date", "end_date"):
        try:
            key.append(cell_date(raw[column], values[column], column))
        except ValidationError:
            key.append(values[column])
    return tuple(key)


def _read_past_row(row: Row) -> dict:
    """A row's values, each checked; a ValidationError names the first column that is wrong."""
    values, raw = row.values, row.raw
    institution = _institution_of(values["institution"])
    occupation = catalog.occupation_by_code(values["occupation"])
    level = catalog.level_by_code(values["level"])
    start = cell_date(raw["start_date"], values["start_date"], "start_date")
    end = cell_date(raw["end_date"], values["end_date"], "end_date")
    history.check_past(start, end)
    _not_mangled(raw["id_number"], "id_number")
    person = history.registered_person(values["id_number"], values["name"])
    return {
        "institution": institution, "occupation": occupation, "level": level,
        "start_date": start, "end_date": end, "person": person,
        "trainee": history.PastTrainee(values["id_number"], values["name"],
                                       _result(values["result"])),
        "training_type": _training_type(values["training_type"]),
        "venue": " ".join(values["venue"].split()),
        "hours": _hours(values.get("hours", "")),
        "subsidised": _subsidised(values.get("subsidised", "")),
    }  # fmt: skip


def gather_past_rows(rows: list[Row], run: ImportRun) -> None:
    """Read each row into its class; nothing is stored before the whole file is read."""
    classes = run.state.setdefault("classes", {})
    for row in rows:
        group = classes.setdefault(_class_key(row), {"rows": [], "failed": []})
        try:
            read = _read_past_row(row)
        except ValidationError as problem:
            run.reject_error(row, problem)
            group["failed"].append(row.number)
            continue
        if any(other["person"].pk == read["person"].pk for _row, other in group["rows"]):
            run.reject(row, "id_number", _("This person is already on this class's roster."))
            group["failed"].append(row.number)
            continue
        group["rows"].append((row, read))


def store_past_classes(run: ImportRun) -> None:
    """Each class whole or not at all, in the order its first row came. A row the pipeline
    could not read (a required cell empty, a formula, merged cells) may belong to any class:
    then nothing is stored."""
    groups = run.state.get("classes", {}).values()
    seen = {number for group in groups for number in group["failed"]}
    seen |= {row.number for group in groups for row, _read in group["rows"]}
    unread = sorted({number for number, _cells, _why in run.report.rejected_rows} - seen)
    for group in groups:
        rows = group["rows"]
        if not rows:
            continue
        if unread:
            _reject_class(run, rows, _unread_message(unread))
        elif group["failed"]:
            message = _(
                "Not stored: row %(rows)s of the same class was rejected, and a class is stored "
                "whole or not at all."
            ) % {"rows": "、".join(map(str, group["failed"]))}
            _reject_class(run, rows, message)
        else:
            _store_past_class(run, rows)


def _unread_message(unread: list[int]) -> str:
    return _(
        "Not stored: row %(rows)s could not be read and may belong to this class; correct it "
        "and import the file again."
    ) % {"rows": "、".join(map(str, unread))}


def _reject_class(run: ImportRun, rows, message: str) -> None:
    for row, _read in rows:
        run.reject(row, "", message)


def _store_past_class(run: ImportRun, rows) -> None:
    first = rows[0][1]
    for column in CLASS_VALUE_COLUMNS:
        if len({read[column] for _row, read in rows}) > 1:
            label = run.labels.get(column, column)
            _reject_class(run, rows, _("The rows of one class differ in “%(column)s”: give it "
                                       "the same on every row.") % {"column": label})  # fmt: skip
            return
    if _already_stored(first, rows):  # the same file run again
        for _row in rows:
            run.count(UNCHANGED)
        return
    try:
        with transaction.atomic():
            history.record_history_class(
                first["institution"], occupation=first["occupation"], level=first["level"],
                training_type=first["training_type"], start_date=first["start_date"],
                end_date=first["end_date"], venue=first["venue"], hours=first["hours"],
                subsidised=first["subsidised"], trainees=[read["trainee"] for _r, read in rows],
            )  # fmt: skip
    except ValidationError as problem:
        _reject_class(run, rows, "; ".join(problem.messages))
        return
    for _row in rows:
        run.count(CREATED)


def _already_stored(first: dict, rows) -> bool:
    """A history class of the same training with exactly these trainees is already here."""
    found = history.same_class(first["institution"], first["occupation"], first["level"],
                               first["start_date"], first["end_date"])  # fmt: skip
    if found is None or not found.is_history:
        return False
    stored = set(found.enrollments.values_list("person_id", flat=True))
    return stored == {read["person"].pk for _row, read in rows}


PAST_CLASSES = ImportSpec(
    name="past_classes",
    title=gettext_lazy("Past training (历史导入)"),
    columns=(
        Column(
            "institution",
            gettext_lazy("Institution credit code"),
            example="52411400MJ0000001X",
            aliases=("机构统一社会信用代码", "统一社会信用代码", "机构代码", "培训机构代码"),
        ),
        Column(
            "occupation",
            gettext_lazy("Occupation code"),
            example="6-18-02-04",
            aliases=("职业编码", "职业代码", "职业（工种）编码", "工种编码"),
        ),
        Column(
            "level",
            gettext_lazy("Level"),
            example="5",
            aliases=("等级", "技能等级", "级别"),
            help=gettext_lazy("The level's code (1 to 5) or name"),
        ),
        Column(
            "training_type",
            gettext_lazy("Training type"),
            example="employment_skills",
            aliases=("培训类型", "培训类别"),
            help=gettext_lazy("Its code or name"),
        ),
        Column(
            "start_date",
            gettext_lazy("Start date"),
            example="2024-05-06",
            aliases=("开始日期", "开班日期", "培训开始日期"),
        ),
        Column(
            "end_date",
            gettext_lazy("End date"),
            example="2024-05-17",
            aliases=("结束日期", "结业日期", "培训结束日期"),
        ),
        Column(
            "venue",
            gettext_lazy("Venue"),
            example="商丘市鸿鹄培训学校实训楼",
            aliases=("地点", "培训地点"),
        ),
        ROSTER_COLUMNS[1],  # ID number
        ROSTER_COLUMNS[0],  # name
        Column(
            "result",
            gettext_lazy("Result"),
            example="合格",
            aliases=("结果", "培训结果", "结业结果", "是否合格"),
            help=gettext_lazy("合格 (completed) or 不合格 (not completed)"),
        ),
        Column(
            "hours",
            gettext_lazy("Training hours"),
            required=False,
            example="80",
            aliases=("学时", "培训学时", "课时"),
        ),
        Column(
            "subsidised",
            gettext_lazy("Subsidised"),
            required=False,
            example="是",
            aliases=("享受补贴", "是否享受补贴", "补贴"),
            help=gettext_lazy(
                "是 or 否; empty: 是 (it counts as the person's one subsidised "
                "training of this occupation and level)"
            ),
        ),
    ),  # fmt: skip
    apply_chunk=gather_past_rows,
    finish=store_past_classes,
    export_rows=lambda: iter(()),  # rosters hold ID numbers: never exported whole
    capability=Capability.RECORD_PAST_TRAINING,
)

IMPORTS = {spec.name: spec for spec in (SESSIONS, ENROLLMENTS, PAST_CLASSES)}
