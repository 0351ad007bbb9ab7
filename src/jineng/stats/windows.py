"""How long the indicators look after a class ends, read from the policy packs per region and
date ([statistics], docs/policy-packs.md): the employment window of 上岗率 and 就业率
(`statistics.employment_window_days`) and the day of 稳岗率 (`statistics.stay_days`). A class
counts by the pack that governs its place of training (the bureau above its institution) on the
day it ended: the most specific region whose period covers that day, as every pack rule.

The indicator facts are counted in SQL, so the packs become conditions: `scopes()` gives each
distinct pair of values with the condition on the facts' `org_path` (the class's institution)
and `day` (its end day) under which it holds. Where every pack says the same (today: 90 and
180 days everywhere), there is one pair and no condition, and the SQL is that of one window.
"""

from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Q

from jineng.catalog.packs import newest_versions, pack_for, parsed_pack
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.stats.measures import EMPLOYMENT_WINDOW_DAYS, STAY_DAYS


@dataclass(frozen=True)
class Windows:
    employment_days: int
    stay_days: int


# For a place and day no pack governs, or a pack without [statistics].
DEFAULT = Windows(EMPLOYMENT_WINDOW_DAYS, STAY_DAYS)


def _of_pack(pack) -> Windows:
    return Windows(
        pack.value("statistics.employment_window_days", DEFAULT.employment_days),
        pack.value("statistics.stay_days", DEFAULT.stay_days),
    )


def of(region_code: str, day: date) -> Windows:
    """The windows of the pack that governs the region on the day (DEFAULT without one)."""
    chosen = pack_for(region_code, day)
    return DEFAULT if chosen is None else _of_pack(chosen[1])


def scopes() -> list[tuple[Q | None, Windows]]:
    """Each distinct Windows of the packs with the condition (on `org_path` and `day`) of the
    facts it governs; [(None, windows)] when one pair holds everywhere."""
    entries = []
    for version in newest_versions():
        pack = parsed_pack(version)
        if pack.example:
            continue
        paths = list(
            Organisation.objects.filter(kind=OrgKind.BUREAU, region_code=pack.region)
            .values_list("path", flat=True)
        )  # fmt: skip
        if not paths:
            continue
        place = reduce(or_, (Q(org_path__startswith=path) for path in paths))
        period = Q(day__gte=pack.effective_from, day__lte=pack.effective_to)
        depth = max(path.count("/") for path in paths)
        entries.append((depth, place & period, _of_pack(pack)))
    if {windows for _d, _q, windows in entries} <= {DEFAULT}:
        return [(None, DEFAULT)]
    # The most specific pack first: a place and day it governs is no less specific pack's.
    entries.sort(key=lambda entry: -entry[0])
    parts: dict[Windows, list[Q]] = {}
    covered = None
    for _depth, condition, windows in entries:
        scope = condition if covered is None else condition & ~covered
        covered = condition if covered is None else covered | condition
        parts.setdefault(windows, []).append(scope)
    parts.setdefault(DEFAULT, []).append(~covered)
    return [(reduce(or_, conditions), windows) for windows, conditions in parts.items()]


def per_scope(make) -> Q:
    """`make(windows)` (a condition for one pair of windows) under each pair's scope, OR-ed."""
    found = scopes()
    if len(found) == 1:
        return make(found[0][1])
    return reduce(or_, (scope & make(windows) for scope, windows in found))
