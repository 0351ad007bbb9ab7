"""Catalog demo data: what `jineng setup --region 411400` loads (the reference catalogs, the
national GB/T 2260 code list with its history, the policy packs, the bureaus of Henan, Shangqiu
and its counties), through the same code, plus Shangqiu's local zone 411499 and a few subsidy
standards and urgently needed occupations.

The standards' amounts are illustrative (no seed states Shangqiu's training subsidy
standards); everything else comes from the seeds or from GB/T 2260.
"""

from decimal import Decimal

from jineng.catalog import services, setup
from jineng.catalog.models import SubsidyStandard, UrgentOccupation
from jineng.core import demo as core_demo

DEMO_YEAR = 2026
# (occupation code, level code, yuan): illustrative demo amounts.
DEMO_STANDARDS = [
    ("6-18-02-04", "5", "1200"),
    ("6-18-02-04", "4", "1500"),
    ("6-18-02-04", "3", "1800"),
    ("6-31-01-03", "5", "1200"),
    ("6-31-01-03", "4", "1500"),
    ("4-10-01-05", "5", "1000"),
    ("4-10-01-05", "4", "1300"),
    ("4-10-01-06", "5", "900"),
    ("4-03-02-01", "5", "1000"),
    ("4-01-06-02", "5", "1100"),
    ("4-14-01-03", "5", "1000"),
]
# 004 §三(一) and (四) name the care and digital occupations as priorities; the demo lists
# them as Shangqiu's urgently needed occupations.
DEMO_URGENT = ["4-10-01-05", "4-10-01-06", "4-14-01-03", "4-01-06-02", "4-13-01-05"]


DEMO_REGION = "411400"


def load() -> dict[str, object]:
    summary = setup.load_reference_data()
    # 城乡一体化示范区 has no GB/T 2260 code (002 附件1): a local one, before the bureau tree so
    # that it gets its bureau with the ten others.
    services.save_region(code="411499", name="商丘市城乡一体化示范区", is_local=True)
    summary["bureaus"] = setup.create_bureau_tree(DEMO_REGION)
    city = services.region_by_code(DEMO_REGION)
    for code, level, amount in DEMO_STANDARDS:
        services.upsert(
            SubsidyStandard,
            {
                "occupation": services.occupation_by_code(code),
                "level": services.level_by_code(level),
                "region": city,
                "year": DEMO_YEAR,
            },
            {"amount": Decimal(amount)},
        )
    for code in DEMO_URGENT:
        services.upsert(
            UrgentOccupation,
            {"occupation": services.occupation_by_code(code), "region": city, "year": DEMO_YEAR},
            {},
        )
    # The demo's departments, institutions, evaluation organisations and users hang on it.
    summary["organisations"] = str(core_demo.load_organisations_and_users())
    return summary
