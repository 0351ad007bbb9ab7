"""Evaluation results (评价结果导入) and the trainees' free-evaluation agreements
(免费技能评价协议书, 004 §四(五)) imported into a booking through the shared pipeline.

The file goes INTO a booking: the job's target (?target=<booking id> on the import page,
--target on the command line), looked up within the importer's data scope; a booking that is not
accepted, or whose evaluation date has not come, fails the whole file with one line. Each row
names a trainee of the booked class by ID number and name, the theory and practical scores, the
result (合格/不合格, pass/fail), the examiners' certificate numbers and the quality supervisor's,
and goes through evaluation.services.record_result (a pass issues the certificate), audited like
an entry on the page. Rows are keyed by the trainee: the same file again stores nothing new, and
a row that differs from the stored result is refused, never applied over it.

`evaluation_agreements` goes into a booking the organisation has accepted (or finished): each
row names a trainee who completed the class by ID number and name, the day the agreement was
signed and who signed it for the organisation, and goes through
evaluation.agreements.record_or_same (the same checks as the booking's page: the date not in the
future, not after the evaluation date, not before the class's first day). Keyed by the trainee:
the same file again stores nothing new, a different agreement already recorded is refused.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.core.i18n import language
from jineng.core.imports import Column, ImportFileError, ImportRun, ImportSpec, Row
from jineng.core.roles import Capability
from jineng.core.scope import scoped
from jineng.institutions.models import Examiner, ExaminerRole
from jineng.people import identity
from jineng.people import services as people
from jineng.people.imports import ROSTER_COLUMNS
from jineng.training.imports import cell_date, each_row

from . import agreements, services
from .models import BookingState, EvaluationBooking

PASS_WORDS = {"合格", "通过", "pass", "passed", "p", "是", "y", "yes", "1", "true"}
FAIL_WORDS = {"不合格", "未通过", "fail", "failed", "f", "否", "n", "no", "0", "false"}
LIST_SPLIT = re.compile(r"[、,，;；/\s]+")


def _booking_in_scope(run: ImportRun) -> EvaluationBooking:
    """The job's target booking within the importer's scope, or the whole file refused."""
    context = run.options.context
    target = str(context.get("target") or "")
    if not target.isdecimal():
        raise ImportFileError(_("Choose the evaluation booking to import into."))
    bookings = EvaluationBooking.objects.select_related(
        "training_class", "evaluation_org__organisation"
    )
    user = context.get("user")
    if user is not None:
        bookings = scoped(user, bookings)
    found = bookings.filter(pk=int(target)).first()
    if found is None:
        raise ImportFileError(
            _("No evaluation booking in your scope has the number %(number)s.") % {"number": target}
        )
    return found


def booking_label(user, pk: int) -> str | None:
    """The booking a file goes into, as the import page names it (None: not in the scope)."""
    found = (
        scoped(user, EvaluationBooking.objects.filter(pk=pk))
        .select_related("training_class", "evaluation_org__organisation")
        .first()
    )
    if found is None:
        return None
    return _("Evaluation of class %(code)s by %(org)s on %(date)s") % {
        "code": found.training_class.code,
        "org": found.evaluation_org.organisation.name,
        "date": found.planned_date,
    }


def target_booking(run: ImportRun) -> EvaluationBooking:
    """The booking the file goes into, looked up once per run within the importer's scope."""
    found = run.state.get("booking")
    if found is not None:
        return found
    found = _booking_in_scope(run)
    if found.state != BookingState.ACCEPTED:
        raise ImportFileError(
            _("The booking %(number)s is “%(state)s”: results go into an accepted booking.")
            % {"number": found.pk, "state": found.get_state_display()}
        )
    if timezone.localdate() < found.planned_date:
        raise ImportFileError(
            _("The evaluation is on %(date)s: results are recorded from that day.")
            % {"date": found.planned_date}
        )
    run.state["booking"] = found
    run.state["panel"] = {
        (examiner.role, examiner.certificate.upper()): examiner
        for examiner in Examiner.objects.filter(evaluation_org=found.evaluation_org_id)
        .select_related("person")
    }  # fmt: skip
    return found


def passed_of(text: str) -> bool:
    word = "".join(text.split()).lower()
    if word in PASS_WORDS:
        return True
    if word in FAIL_WORDS:
        return False
    raise ValidationError(
        {"result": _("“%(text)s” is not a result: write 合格 or 不合格 (pass or fail).")
         % {"text": text}}
    )  # fmt: skip


def _examiner(run: ImportRun, role: str, number: str, column: str) -> Examiner:
    found = run.state["panel"].get((role, number.upper()))
    if found is None:
        booking = run.state["booking"]
        message = (
            _("“%(number)s” is not the certificate of an examiner of %(org)s.")
            if role == ExaminerRole.EXAMINER
            else _("“%(number)s” is not the certificate of a quality supervisor of %(org)s.")
        )
        raise ValidationError({column: message % {"number": number, "org": booking.evaluation_org}})
    return found


def _score(column: str, text: str):
    """A score cell: 86.5, ８６.５ (folded by the pipeline) or 86.5分."""
    return services.score(text.replace("分", "").strip(), column)


def _trainee(booking: EvaluationBooking, row: Row):
    """The trainee of the booked class a row names by ID number and name."""
    values = row.values
    try:
        identity.check_not_mangled(row.raw["id_number"])
    except identity.IdentityError as problem:
        raise ValidationError({"id_number": problem.message(language())}) from None
    person = people.find_by_id_number(values["id_number"])
    enrollment = (
        booking.training_class.enrollments.filter(person=person).select_related("person").first()
        if person is not None
        else None
    )
    if enrollment is None:
        raise ValidationError({"id_number": _("This person is not a trainee of the booked class.")})
    if enrollment.person.name != " ".join(values["name"].split()):
        raise ValidationError({"name": _("The registry holds this ID number under another name.")})
    return enrollment


def _apply_result(run: ImportRun, row: Row) -> str:
    booking = run.state["booking"]
    values = row.values
    enrollment = _trainee(booking, row)
    examiners = [
        _examiner(run, ExaminerRole.EXAMINER, number, "examiners")
        for number in LIST_SPLIT.split(values["examiners"])
        if number
    ]
    supervisor = _examiner(run, ExaminerRole.SUPERVISOR, values["supervisor"], "supervisor")
    return services.record_or_same(
        booking,
        enrollment,
        theory=_score("theory", values["theory"]),
        practical=_score("practical", values["practical"]),
        passed=passed_of(values["result"]),
        examiners=examiners,
        supervisor=supervisor,
    )


def apply_result_chunk(rows: list[Row], run: ImportRun) -> None:
    target_booking(run)
    each_row(lambda row: _apply_result(run, row))(rows, run)


RESULTS = ImportSpec(
    name="evaluation_results",
    title=gettext_lazy("Evaluation results"),
    columns=(
        ROSTER_COLUMNS[1],  # ID number
        ROSTER_COLUMNS[0],  # name
        Column(
            "theory",
            gettext_lazy("Theory score"),
            example="86.5",
            aliases=("理论成绩", "理论知识成绩", "理论", "理论考试成绩"),
        ),
        Column(
            "practical",
            gettext_lazy("Practical score"),
            example="90",
            aliases=("实操成绩", "操作技能成绩", "技能操作成绩", "实操", "实操考核成绩"),
        ),
        Column(
            "result",
            gettext_lazy("Result"),
            example="合格",
            aliases=("评价结果", "考核结果", "结果", "是否合格"),
            help=gettext_lazy("合格 or 不合格 (pass or fail)"),
        ),
        Column(
            "examiners",
            gettext_lazy("Examiners' certificate numbers"),
            example="KPY20260000",
            aliases=("考评员证书编号", "考评员证号", "考评员"),
            help=gettext_lazy("Examiners of the organisation, separated by 、"),
        ),
        Column(
            "supervisor",
            gettext_lazy("Quality supervisor's certificate number"),
            example="ZLDD20260000",
            aliases=("质量督导员证书编号", "督导员证书编号", "质量督导员", "督导员"),
        ),
    ),  # fmt: skip
    apply_chunk=apply_result_chunk,
    export_rows=lambda: iter(()),  # results hold ID numbers: never exported whole
    capability=Capability.RUN_EVALUATIONS,
)

# --- free-evaluation agreements (004 §四(五)) ---------------------------------------------------


def agreement_booking(run: ImportRun) -> EvaluationBooking:
    """The booking the agreements go into: in scope, taken on by the organisation."""
    found = run.state.get("booking")
    if found is not None:
        return found
    found = _booking_in_scope(run)
    ready = agreements.recording_readiness(found)
    if not ready:
        raise ImportFileError(ready.reason)
    run.state["booking"] = found
    return found


def _apply_agreement(run: ImportRun, row: Row) -> str:
    booking = run.state["booking"]
    enrollment = _trainee(booking, row)
    signed_on = cell_date(row.raw.get("signed_on"), row.values["signed_on"], "signed_on")
    return agreements.record_or_same(
        booking, enrollment, signed_on=signed_on, signatory=row.values["signatory"]
    )


def apply_agreement_chunk(rows: list[Row], run: ImportRun) -> None:
    agreement_booking(run)
    each_row(lambda row: _apply_agreement(run, row))(rows, run)


AGREEMENTS = ImportSpec(
    name="evaluation_agreements",
    title=gettext_lazy("Trainees' free-evaluation agreements"),
    columns=(
        ROSTER_COLUMNS[1],  # ID number
        ROSTER_COLUMNS[0],  # name
        Column(
            "signed_on",
            gettext_lazy("Signed on"),
            example="2026-03-02",
            aliases=("签订日期", "协议签订日期", "签署日期", "签订时间"),
            help=gettext_lazy("On or before the evaluation date (004 §四(五))"),
        ),
        Column(
            "signatory",
            gettext_lazy("Signed for the organisation by"),
            example="王经办",
            aliases=("评价机构签订人", "机构签订人", "机构经办人", "经办人", "签订人"),
        ),
    ),  # fmt: skip
    apply_chunk=apply_agreement_chunk,
    export_rows=lambda: iter(()),  # rows hold ID numbers: never exported whole
    capability=Capability.RECORD_EVALUATION_AGREEMENTS,
    target_label=booking_label,
)

IMPORTS = {RESULTS.name: RESULTS, AGREEMENTS.name: AGREEMENTS}
