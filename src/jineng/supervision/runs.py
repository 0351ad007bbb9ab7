"""Which runs the nightly work makes: the region of every bureau a policy pack is written for
(its thresholds are the pack's; the region holds its counties) over the last days its pack says
(`supervision.nightly_days`), so a class that ended or a claim made recently is compared again
with what came in since. Findings already made are not made again (by check and key), so the
nights overlap safely."""

from datetime import date, timedelta

from django.utils import timezone

from jineng.catalog.models import PolicyPackVersion
from jineng.catalog.packs import pack_for
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.supervision import services

# Claims come up to weeks after a class (notice, evaluation): the pack says how far back to look.
NIGHTLY_KEY = "supervision.nightly_days"


def pack_regions():
    """The bureaus whose region a stored pack covers by name (商丘's for henan-shangqiu-2022)."""
    codes = PolicyPackVersion.objects.values("region_code")
    return Organisation.objects.filter(kind=OrgKind.BUREAU, region_code__in=codes).order_by("path")


def nightly(today: date | None = None) -> dict[str, dict]:
    """{region code: counts per check} of the runs made; a region whose pack states no
    look-back (`supervision.nightly_days`) is not run, and the result says so."""
    today = today or timezone.localdate()
    done = {}
    for bureau in pack_regions():
        found = pack_for(bureau.region_code, today)
        days = found[1].value(NIGHTLY_KEY) if found else None
        if days is None:
            done[bureau.code] = {"skipped": NIGHTLY_KEY}
            continue
        start = today - timedelta(days=days)
        done[bureau.code] = services.run_checks(bureau, start, today).counts
    return done
