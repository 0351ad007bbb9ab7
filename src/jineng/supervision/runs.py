"""Which runs the nightly work makes: the region of every bureau a policy pack is written for
(its thresholds are the pack's; the region holds its counties) over the last NIGHTLY_DAYS days,
so a class that ended or a claim made recently is compared again with what came in since.
Findings already made are not made again (by check and key), so the nights overlap safely."""

from datetime import date, timedelta

from django.utils import timezone

from jineng.catalog.models import PolicyPackVersion
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.supervision import services

# Claims come up to weeks after a class (notice, evaluation): look back far enough to see both.
NIGHTLY_DAYS = 90


def pack_regions():
    """The bureaus whose region a stored pack covers by name (商丘's for henan-shangqiu-2022)."""
    codes = PolicyPackVersion.objects.values("region_code")
    return Organisation.objects.filter(kind=OrgKind.BUREAU, region_code__in=codes).order_by("path")


def nightly(today: date | None = None) -> dict[str, dict]:
    """{region code: counts per check} of the runs made."""
    today = today or timezone.localdate()
    start = today - timedelta(days=NIGHTLY_DAYS)
    return {
        bureau.code: services.run_checks(bureau, start, today).counts for bureau in pack_regions()
    }
