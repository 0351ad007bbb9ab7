"""The policy engine: policy packs, working days, and decisions with their reasons.

Pure Python: nothing here imports Django, so the rules can be read, tested and benchmarked alone.

    from jineng.policy import load_packs, select_pack, gbt2260_ancestors
    from jineng.policy import decide_training_subsidy, decide_training_batch, TrainingLine
    from jineng.policy import check_teacher_rules, check_college_training, TeacherAssignment

See docs/policy-packs.md.
"""

from .batch import TrainingBatch, decide_training_batch
from .decision import GRANTED, REFUSED, Decision, RuleCheck
from .engine import (
    check_attendance,
    check_college_training,
    check_commitment_allowed,
    check_evaluation_deadline,
    check_teacher_rules,
    decide_completion,
    decide_employment_batch,
    decide_employment_subsidy,
    decide_enrolment,
    decide_evaluation_subsidy,
    decide_training_subsidy,
    decide_voucher_issue,
    decide_voucher_issue_for,
    evaluation_due_by,
    notice_ends_on,
)
from .entry import EntryLevel, check_entry_level, entry_level
from .errors import AmbiguousPacks, PackError, PolicyError, RuleMissing
from .pack import PackRow, PolicyPack, gbt2260_ancestors, load_pack, load_packs, select_pack
from .records import (
    CompletionCase,
    EmploymentLine,
    EnrolmentRequest,
    EvaluationLine,
    HeldCertificate,
    PriorSubsidy,
    Schooling,
    TeacherAssignment,
    TrainingLine,
    VoucherRequest,
)
from .timetable import (
    check_list_published,
    check_payment_date,
    check_training_end,
    due_on,
    payment_window,
)
from .workdays import CalendarDataError, UnknownCalendarYear, WorkingCalendar

__all__ = [
    "GRANTED",
    "REFUSED",
    "AmbiguousPacks",
    "CompletionCase",
    "CalendarDataError",
    "Decision",
    "EmploymentLine",
    "EnrolmentRequest",
    "EntryLevel",
    "EvaluationLine",
    "HeldCertificate",
    "PackError",
    "PackRow",
    "PolicyError",
    "PolicyPack",
    "PriorSubsidy",
    "RuleCheck",
    "RuleMissing",
    "Schooling",
    "TeacherAssignment",
    "TrainingBatch",
    "TrainingLine",
    "UnknownCalendarYear",
    "VoucherRequest",
    "WorkingCalendar",
    "check_attendance",
    "check_commitment_allowed",
    "check_entry_level",
    "check_college_training",
    "check_evaluation_deadline",
    "check_teacher_rules",
    "check_list_published",
    "check_payment_date",
    "check_training_end",
    "due_on",
    "decide_employment_batch",
    "decide_employment_subsidy",
    "decide_completion",
    "decide_enrolment",
    "decide_evaluation_subsidy",
    "decide_training_batch",
    "decide_training_subsidy",
    "decide_voucher_issue",
    "decide_voucher_issue_for",
    "entry_level",
    "evaluation_due_by",
    "gbt2260_ancestors",
    "load_pack",
    "load_packs",
    "notice_ends_on",
    "payment_window",
    "select_pack",
]
