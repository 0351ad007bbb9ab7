"""Teachers (师资) imported through the shared pipeline: a row per teacher, institution and year.

A teacher who is not yet in the real-name registry is registered on the way (name and ID
number), under the bureau of the institution. An importer reaches only the institutions in
their own scope.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog import services as catalog
from jineng.catalog.services import parse_year
from jineng.core import services as core
from jineng.core.i18n import language
from jineng.core.imports import Column, ImportRun, ImportSpec, Row, row_by_row
from jineng.core.models import Organisation
from jineng.core.roles import Capability, OrgKind
from jineng.core.scope import scoped
from jineng.institutions import services
from jineng.institutions.models import Institution, InstitutionType
from jineng.people import identity
from jineng.people import services as people
from jineng.people.imports import ROSTER_COLUMNS

FULL_TIME_WORDS = {"专职": True, "全职": True, "full-time": True, "兼职": False, "part-time": False}


def _institution(code: str, user) -> Institution:
    institutions = Institution.objects.select_related("organisation")
    if user is not None:
        institutions = scoped(user, institutions)
    found = institutions.filter(organisation__code=code).first()
    if found is None:
        raise ValidationError(
            {
                "institution": _("No institution in your scope has the code “%(code)s”.")
                % {"code": code}
            }
        )
    return found


def _apply_teacher(values: dict[str, str], user) -> str:
    institution = _institution(values["institution"], user)
    person = people.find_by_id_number(values["id_number"])
    if person is None:
        bureau = institution.organisation.nearest_bureau() or institution.organisation
        person = people.register_person(
            name=values["name"],
            id_number=values["id_number"],
            organisation=bureau,
            source="teacher import",
        )
    engagement_word = values["engagement"].lower()
    if engagement_word not in FULL_TIME_WORDS:
        raise ValidationError(
            {
                "engagement": _("Write 专职 or 兼职, not “%(text)s”.")
                % {"text": values["engagement"]}
            }
        )
    occupations = [
        catalog.occupation_by_code(code.strip(), "occupations")
        for code in values.get("occupations", "").replace("、", ",").split(",")
        if code.strip()
    ]
    teacher = services.add_teacher(
        person, occupations=occupations, qualifications=values.get("qualifications", "")
    )
    year = parse_year(values["year"], "year")
    before = institution.engagements.filter(teacher=teacher, year=year).first()
    engagement = services.engage(
        teacher, institution, year=year, full_time=FULL_TIME_WORDS[engagement_word]
    )
    if before is None:
        return "created"
    return "unchanged" if before.full_time == engagement.full_time else "updated"


def _apply_teacher_chunk(rows: list[Row], run: ImportRun) -> None:
    user = run.options.context.get("user")
    row_by_row(lambda values: _apply_teacher(values, user))(rows, run)


TEACHERS = ImportSpec(
    name="teachers",
    title=gettext_lazy("Teachers"),
    columns=(
        ROSTER_COLUMNS[0],
        ROSTER_COLUMNS[1],
        Column(
            "institution",
            gettext_lazy("Institution's unified social credit code"),
            aliases=("机构统一社会信用代码", "机构代码"),
        ),
        Column("year", gettext_lazy("Year"), example="2026", aliases=("年度",)),
        Column(
            "engagement",
            gettext_lazy("Engagement"),
            example="专职",
            aliases=("聘用方式",),
            help=gettext_lazy("专职 or 兼职"),
        ),
        Column(
            "occupations",
            gettext_lazy("Occupations taught"),
            required=False,
            example="6-18-02-04",
            aliases=("任教职业代码",),
        ),
        Column(
            "qualifications",
            gettext_lazy("Qualification certificates"),
            required=False,
            aliases=("资格证书",),
        ),
    ),
    apply_chunk=_apply_teacher_chunk,
    export_rows=lambda: iter(()),
    capability=Capability.IMPORT_TEACHERS,
)


# Institutions ------------------------------------------------------------------------------

TYPE_NAMES = {
    "民办职业培训学校": "private_school",
    "技工院校": "technical_school",
    "职业院校": "vocational_college",
    "企业": "enterprise",
    "公共实训基地": "public_centre",
    "高技能人才培训基地": "high_skill_base",
    "技能大师工作室": "master_studio",
    "行业组织": "industry_organisation",
}


def _apply_institution(values: dict[str, str], user) -> str:
    try:
        code = identity.check_uscc(values["code"])
    except identity.IdentityError as problem:
        raise ValidationError({"code": problem.message(language())}) from None
    kind = TYPE_NAMES.get(values["type"], values["type"])
    if kind not in InstitutionType.values:
        raise ValidationError(
            {"type": _("Unknown institution type: %(text)s") % {"text": values["type"]}}
        )
    capacity = values.get("capacity", "") or "0"
    if not capacity.isdecimal():
        raise ValidationError({"capacity": _("The capacity is a whole number.")})
    bureaus = Organisation.objects.filter(kind=OrgKind.BUREAU, code=values["region"])
    bureau = (scoped(user, bureaus) if user is not None else bureaus).first()
    if bureau is None:
        raise ValidationError(
            {
                "region": _("No bureau in your scope has the region code “%(code)s”.")
                % {"code": values["region"]}
            }
        )
    existing = Institution.objects.filter(organisation__code=code).first()
    if existing is not None:
        changed = (existing.licence, existing.address, existing.capacity) != (
            values.get("licence", ""),
            values.get("address", ""),
            int(capacity),
        )
        if changed:
            services.update_profile(
                existing,
                licence=values.get("licence", ""),
                address=values.get("address", ""),
                capacity=int(capacity),
            )
        return "updated" if changed else "unchanged"
    organisation = core.create_organisation(
        kind=OrgKind.INSTITUTION,
        name=values["name"],
        code=code,
        parent=bureau,
        region_code=bureau.code,
    )
    services.register_institution(
        organisation,
        type=kind,
        licence=values.get("licence", ""),
        address=values.get("address", ""),
        capacity=int(capacity),
    )
    return "created"


def _apply_institution_chunk(rows: list[Row], run: ImportRun) -> None:
    user = run.options.context.get("user")
    row_by_row(lambda values: _apply_institution(values, user))(rows, run)


INSTITUTIONS = ImportSpec(
    name="institutions",
    title=gettext_lazy("Training institutions"),
    columns=(
        Column("name", gettext_lazy("Name"), aliases=("机构名称",)),
        Column("code", gettext_lazy("Unified social credit code"), aliases=("统一社会信用代码",)),
        Column("type", gettext_lazy("Type"), example="民办职业培训学校", aliases=("机构类型",)),
        Column(
            "region",
            gettext_lazy("Region code"),
            example="411402",
            help=gettext_lazy("The bureau that supervises it"),
        ),
        Column("licence", gettext_lazy("Licence"), required=False, aliases=("办学许可证号",)),
        Column("address", gettext_lazy("Premises"), required=False, aliases=("地址", "培训场地")),
        Column("capacity", gettext_lazy("Capacity"), required=False, aliases=("培训规模",)),
    ),
    apply_chunk=_apply_institution_chunk,
    export_rows=lambda: iter(()),
    capability=Capability.DESIGNATE_INSTITUTIONS,
)
