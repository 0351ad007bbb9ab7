"""The year's timetable (004 §四, the performance report 004 §五(五)): the yearly dates a pack
states in [timetable] as month and day, read as dates of a given year, and the checks that say
whether something came too late.

004 §四 sets a schedule for the bureaus (各环节有序衔接,压茬推进), not a condition of any
subsidy: a late step is warned about, never refused. The checks are RuleChecks with the cite of
the date used, so the warning says where the date comes from (and whether it is assumed).
"""

from __future__ import annotations

from datetime import date

from .decision import RuleCheck
from .engine import cite_evidence
from .messages import check
from .pack import PolicyPack

__all__ = [
    "EVALUATION_ORGS_PUBLISHED_BY",
    "INSTITUTIONS_PUBLISHED_BY",
    "PAYMENT_FROM",
    "PAYMENT_TO",
    "PERFORMANCE_REPORT_BY",
    "PLAN_BY",
    "TRAINING_ENDS_BY",
    "check_list_published",
    "check_payment_date",
    "check_training_end",
    "due_on",
    "payment_window",
]

PLAN_BY = "timetable.plan_by"  # 004 §四(一): 各市4月底前将培训工作方案…报省人力资源社会保障厅
INSTITUTIONS_PUBLISHED_BY = "timetable.institutions_published_by"  # 004 §四(二): 5月15日前
EVALUATION_ORGS_PUBLISHED_BY = "timetable.evaluation_orgs_published_by"  # 004 §四(四): 5月25日前
TRAINING_ENDS_BY = "timetable.training_ends_by"  # 004 §四(三): 确保8月底前完成培训任务
PAYMENT_FROM = "timetable.payment_from"  # 004 §四(五): 做好资金支付(4月至10月)
PAYMENT_TO = "timetable.payment_to"
PERFORMANCE_REPORT_BY = "timetable.performance_report_by"  # 004 §五(五): 10月25日前

# The two public lists and the key of their date.
LIST_KEYS = {
    "institutions": INSTITUTIONS_PUBLISHED_BY,
    "evaluation_orgs": EVALUATION_ORGS_PUBLISHED_BY,
}


def due_on(pack: PolicyPack, key: str, year: int) -> date:
    """The date of a timetable key in a year (RuleMissing when the pack does not state it)."""
    return pack.require(key).value.in_year(year)


def payment_window(pack: PolicyPack, year: int) -> tuple[date, date]:
    """004 §四(五): the first and last day of the year's payment window, both included."""
    return due_on(pack, PAYMENT_FROM, year), due_on(pack, PAYMENT_TO, year)


def check_training_end(pack: PolicyPack, start: date, end: date) -> RuleCheck:
    """004 §四(三): a class of a year's training ends by that year's deadline (the year of its
    first day, so that a class running into the next year is late too)."""
    due = due_on(pack, TRAINING_ENDS_BY, start.year)
    evidence = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "due": due.isoformat(),
        **cite_evidence(pack, TRAINING_ENDS_BY),
    }
    return check(
        "timetable.training_end",
        end <= due,
        evidence,
        end=end.isoformat(),
        due=due.isoformat(),
        year=start.year,
    )


def check_list_published(pack: PolicyPack, which: str, year: int, published_on: date) -> RuleCheck:
    """004 §四(二), §四(四): the year's list of institutions (`which` "institutions") or of
    evaluation organisations ("evaluation_orgs") published by the pack's date of that year."""
    key = LIST_KEYS[which]
    due = due_on(pack, key, year)
    evidence = {
        "list": which,
        "year": year,
        "published_on": published_on.isoformat(),
        "due": due.isoformat(),
        **cite_evidence(pack, key),
    }
    return check(
        f"timetable.{which}_published",
        published_on <= due,
        evidence,
        year=year,
        published=published_on.isoformat(),
        due=due.isoformat(),
    )


def check_payment_date(pack: PolicyPack, paid_on: date) -> RuleCheck:
    """004 §四(五) 做好资金支付(4月至10月): a payment made within the window of its year."""
    start, end = payment_window(pack, paid_on.year)
    evidence = {
        "paid_on": paid_on.isoformat(),
        "from": start.isoformat(),
        "to": end.isoformat(),
        **cite_evidence(pack, PAYMENT_FROM, PAYMENT_TO),
    }
    return check(
        "timetable.payment_window",
        start <= paid_on <= end,
        evidence,
        paid=paid_on.isoformat(),
        start=start.isoformat(),
        end=end.isoformat(),
    )
