"""The year's timetable on the platform (004 §四; the performance report 004 §五(五)).

The dates are the policy pack's (`[timetable]`, month and day), read in the year concerned from the
pack that governs the region's year: the one in effect on 1 July, as the teacher rules read it.
Each app warns where the late thing is met (a class, a public list, a payment) through `warning`,
and offers its to-do items in the weeks before a date through `coming`. Nothing here refuses:
004 §四 sets a schedule for the bureaus, not a condition of any subsidy.

The steps that are the city's (004: 各市…报省, 市级人力资源社会保障部门向社会公布) are offered to
the reviewers of a city-level bureau only (`city_bureau_of`); this module offers two of them
itself, the training plan and the performance report, of which the platform knows nothing but
the catalogues the plan contains.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog.models import (
    PolicyPackVersion,
    Region,
    RegionLevel,
    SubsidyStandard,
    UrgentOccupation,
)
from jineng.catalog.packs import pack_for
from jineng.core.i18n import language
from jineng.core.models import Organisation
from jineng.core.roles import Capability, OrgKind, has_capability
from jineng.core.todo import Item
from jineng.policy.decision import RuleCheck
from jineng.policy.errors import RuleMissing
from jineng.policy.pack import PolicyPack
from jineng.policy.timetable import PERFORMANCE_REPORT_BY, PLAN_BY

# A to-do item of the timetable shows from this long before its date, the date included.
REMIND_BEFORE = timedelta(weeks=4)


def governing(region_code: str, year: int) -> tuple[PolicyPackVersion, PolicyPack] | None:
    """The pack (and its stored version) that governs the region's year: in effect on 1 July."""
    return pack_for(region_code, date(year, 7, 1)) if region_code else None


def warning(
    region_code: str,
    year: int,
    check: Callable[[PolicyPack], RuleCheck],
    packs: dict | None = None,
) -> str:
    """The message of a timetable check that failed, in the reader's language; "" when it
    passed, when no pack governs the year or when the pack states no such date. A list page
    passes a dict as `packs` to look each region's pack up once."""
    if packs is None:
        found = governing(region_code, year)
    else:
        if (region_code, year) not in packs:
            packs[region_code, year] = governing(region_code, year)
        found = packs[region_code, year]
    if found is None:
        return ""
    try:
        result = check(found[1])
    except RuleMissing:
        return ""
    return "" if result.passed else getattr(result, f"message_{language()}")


@dataclass(frozen=True)
class Deadline:
    """A date of the year's timetable coming up: when, where it comes from, which pack."""

    due: date
    cite: str  # in the reader's language: "依据 004 §四(二)，假定值"
    version: PolicyPackVersion


def coming(region_code: str, key: str, today: date | None = None) -> Deadline | None:
    """The date of `key` in today's year when today is within the weeks before it (the day
    itself included); None before, after, or when no pack states it."""
    today = today or timezone.localdate()
    found = governing(region_code, today.year)
    rule = found[1].rule(key) if found else None
    if rule is None:
        return None
    due = rule.value.in_year(today.year)
    if not due - REMIND_BEFORE <= today <= due:
        return None
    cite = (_("per %(cite)s, assumed") if rule.assumed else _("per %(cite)s")) % {"cite": rule.cite}
    return Deadline(due=due, cite=cite, version=found[0])


def deadline_item(
    deadline: Deadline,
    label: str,
    url: str,
    *,
    count: int = 1,
    note: str = "",
    show_count: bool = True,
) -> Item:
    return Item(label, count, url, due=deadline.due, note=note, cite=deadline.cite,
                show_count=show_count)  # fmt: skip


def bureau_of(user) -> Organisation | None:
    organisation = getattr(user, "organisation", None)
    return organisation.nearest_bureau() if organisation is not None else None


def is_city(bureau: Organisation) -> bool:
    """A bureau of a city (地级市) by its region: the catalogue's level, else the GB/T 2260 form
    (two last digits 00, not a province)."""
    code = bureau.region_code or ""
    level = Region.objects.filter(code=code).values_list("level", flat=True).first()
    if level is not None:
        return level == RegionLevel.CITY
    return len(code) == 6 and code.endswith("00") and not code.endswith("0000")


def city_bureau_of(user) -> Organisation | None:
    """The city-level bureau the user works in (004 §四: 各市, 市级人力资源社会保障部门 plan,
    publish the lists and report), or None."""
    bureau = bureau_of(user)
    if bureau is None or bureau.kind != OrgKind.BUREAU or not is_city(bureau):
        return None
    return bureau


def todo(user) -> list[Item]:
    """004 §四(一): the city's training plan, with the year's subsidised occupations (补贴标准)
    and urgently needed occupations (急需紧缺) entered so far; 004 §五(五): the performance
    report. Both for the reviewers of a city bureau, in the weeks before the date."""
    if not has_capability(user, Capability.REVIEW_CLASSES):
        return []
    bureau = city_bureau_of(user)
    if bureau is None:
        return []
    items = []
    year = timezone.localdate().year
    plan = coming(bureau.region_code, PLAN_BY)
    if plan is not None:
        prefix = bureau.region_code[:4]
        standards = SubsidyStandard.objects.filter(year=year, region__code__startswith=prefix)
        urgent = UrgentOccupation.objects.filter(year=year, region__code__startswith=prefix)
        note = _(
            "Entered for %(year)s so far: %(standards)d subsidy standards (the subsidised "
            "occupations), %(urgent)d urgently needed occupations."
        ) % {"year": year, "standards": standards.count(), "urgent": urgent.count()}
        url = reverse("catalog:list", args=["standards"]) + f"?q={bureau.region_code}"
        items.append(deadline_item(plan, _("Send the year's training plan to the province"),
                                   url, note=note, show_count=False))  # fmt: skip
    report = coming(bureau.region_code, PERFORMANCE_REPORT_BY)
    if report is not None:
        url = reverse("catalog:pack-detail", args=[report.version.pk]) + "#timetable"
        items.append(deadline_item(report, _("Send the performance evaluation to the province"),
                                   url, show_count=False))  # fmt: skip
    return items
