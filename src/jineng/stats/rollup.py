"""Rebuild the daily rollup (DailyCount) for a day range: for each measure, the facts of the range
grouped by day and dimensions in the database (one aggregate query, no loop over people), the
old rows of the range deleted and the new ones inserted in bulk, in one transaction. Running it
twice gives the same rows."""

from datetime import date

from django.db import transaction
from django.db.models import Count

from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.stats import facts
from jineng.stats.measures import MEASURES, TRAINING_AT_ENROLMENT
from jineng.stats.models import DailyCount

ROLLED_UP = (*MEASURES, TRAINING_AT_ENROLMENT)
DIMENSIONS = ("day", "org_path", "department_path", "dept_id", "inst_id", "occ_id")
BATCH = 2000


class Regions:
    """The county and city of an organisation path: the codes of the bureaus above it."""

    def __init__(self):
        self.codes = dict(
            Organisation.objects.filter(kind=OrgKind.BUREAU).values_list("path", "region_code")
        )

    def of(self, path: str) -> tuple[str, str]:
        segments = path.strip("/").split("/")
        codes = []
        for i in range(len(segments), 0, -1):
            code = self.codes.get("/" + "/".join(segments[:i]) + "/")
            if code:
                codes.append(code)
        county = next((c for c in codes if not c.endswith("00")), codes[0] if codes else "")
        city = next((c for c in codes if c.endswith("00") and not c.endswith("0000")), "")
        if not city and county:
            city = county[:4] + "00"
        return county, city


def _rows(measure: str, grouped, regions: Regions, category_of=None):
    for row in grouped:
        county, city = regions.of(row["org_path"])
        yield DailyCount(
            day=row["day"],
            measure=measure,
            org_path=row["org_path"],
            county_code=county,
            city_code=city,
            department_id=row["dept_id"],
            department_path=row["department_path"],
            institution_id=row["inst_id"],
            occupation_id=row["occ_id"],
            category=category_of(row) if category_of else "",
            value=row["value"],
        )


def _insert(rows) -> int:
    batch, total = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            total += len(DailyCount.objects.bulk_create(batch))
            batch = []
    if batch:
        total += len(DailyCount.objects.bulk_create(batch))
    return total


@transaction.atomic
def rebuild(start: date, end: date) -> dict[str, int]:
    """Recount every measure for the days start..end (both included); returns rows written per
    measure."""
    regions = Regions()
    DailyCount.objects.filter(day__gte=start, day__lte=end).delete()
    written = {}
    for measure in ROLLED_UP:
        rows = facts.in_period(facts.facts(measure), start, end)
        main = rows.values(*DIMENSIONS).annotate(value=Count("id")).order_by()
        with_cat, without = facts.with_category(rows)
        by_cat = (
            with_cat.values(*DIMENSIONS, facts.CATEGORY)
            .annotate(value=Count("id", distinct=True))
            .order_by()
        )
        no_cat = without.values(*DIMENSIONS).annotate(value=Count("id")).order_by()
        written[measure] = (
            _insert(_rows(measure, main, regions))
            + _insert(_rows(measure, by_cat, regions, lambda r: r[facts.CATEGORY]))
            + _insert(_rows(measure, no_cat, regions, lambda r: "-"))
        )
    return written
