"""Certificates obtained elsewhere, imported through the shared pipeline (`jineng import
certificates FILE`, the import page or the API): recorded as not issued here and not signed.

The holder must be in the real-name registry, within the importer's scope, under the name the
row gives. A row whose number is already recorded for the same person is unchanged; for another
person it is refused.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog import services as catalog
from jineng.certificates import numbers, services
from jineng.certificates.models import Certificate, CertificateKind
from jineng.core.imports import CREATED, UNCHANGED, Column, ImportRun, ImportSpec, Row, row_by_row
from jineng.core.roles import Capability
from jineng.core.scope import scoped
from jineng.people import services as people
from jineng.people.imports import ROSTER_COLUMNS
from jineng.people.models import Person
from jineng.policy import labels

# Kinds by their code or name in either language (职业技能等级证书, skill level certificate, ...).
KIND_NAMES = {
    **{name: code for code, (zh, en) in labels.CERTIFICATE_KIND.items() for name in (zh, en)},
    "职业资格": CertificateKind.QUALIFICATION,
    "技能等级": CertificateKind.SKILL_LEVEL,
    "专项能力": CertificateKind.SPECIAL_ABILITY,
    "培训合格": CertificateKind.TRAINING_COMPLETION,
}
# Levels as people write them beside the catalog's names (四级/中级工).
LEVEL_WORDS = {
    "五级": "5", "初级工": "5", "初级": "5", "四级": "4", "中级工": "4", "中级": "4",
    "三级": "3", "高级工": "3", "高级": "3", "二级": "2", "技师": "2", "一级": "1",
    "高级技师": "1", "专项": "special", "专项职业能力": "special",
}  # fmt: skip


def _kind(text: str) -> str:
    lowered = text.strip().lower()
    if lowered in CertificateKind.values:
        return lowered
    found = KIND_NAMES.get(text.strip()) or KIND_NAMES.get(lowered)
    if found is None:
        raise ValidationError({"kind": _("Unknown certificate kind: %(kind)s") % {"kind": text}})
    return str(found)


def _level(text: str):
    if not text:
        return None
    return catalog.level_by_code(LEVEL_WORDS.get(text.strip(), text.strip()))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text[:10].replace("/", "-").replace(".", "-"))
    except ValueError:
        raise ValidationError(
            {"issued_on": _("“%(text)s” is not a date (YYYY-MM-DD).") % {"text": text}}
        ) from None


def _holder(values: dict[str, str], user) -> Person:
    person = people.find_by_id_number(values["id_number"])
    if person is not None and user is not None:
        person = scoped(user, Person.objects.filter(pk=person.pk)).first()
    if person is None:
        raise ValidationError(
            {"id_number": _("No person in your scope has this ID number: register them first.")}
        )
    if " ".join(values["name"].split()) != person.name:
        raise ValidationError({"name": _("The name differs from the registry's.")})
    return person


def _apply_certificate(values: dict[str, str], user) -> str:
    person = _holder(values, user)
    kind = _kind(values["kind"])
    number = numbers.normalise(values["number"])
    existing = Certificate.objects.filter(number=number).first()
    if existing is not None:
        if existing.person_id != person.pk:
            raise ValidationError(
                {"number": _("This certificate number is recorded for another person.")}
            )
        return UNCHANGED
    services.record_external(
        person,
        kind=kind,
        number=number,
        occupation=catalog.occupation_by_code(values["occupation"]),
        level=_level(values.get("level", "")),
        issued_on=_date(values["issued_on"]),
        issuer_name=values["issuer"],
    )
    return CREATED


def _apply_chunk(rows: list[Row], run: ImportRun) -> None:
    user = run.options.context.get("user")
    row_by_row(lambda values: _apply_certificate(values, user))(rows, run)


CERTIFICATES = ImportSpec(
    name="certificates",
    title=gettext_lazy("Certificates obtained elsewhere"),
    columns=(
        ROSTER_COLUMNS[0],
        ROSTER_COLUMNS[1],
        Column(
            "kind",
            gettext_lazy("Certificate kind"),
            example="职业技能等级证书",
            aliases=("证书类型", "证书种类"),
            help=gettext_lazy("职业资格证书, 职业技能等级证书, 专项职业能力证书 or 培训合格证书"),
        ),
        Column("number", gettext_lazy("Certificate number"), aliases=("证书编号", "证书号")),
        Column(
            "occupation",
            gettext_lazy("Occupation code"),
            example="6-18-02-04",
            aliases=("职业代码", "工种代码", "职业（工种）代码"),
        ),
        Column(
            "level",
            gettext_lazy("Level"),
            required=False,
            example="四级",
            aliases=("等级", "技能等级"),
            help=gettext_lazy("五级 … 一级, or empty for certificates without a level"),
        ),
        Column(
            "issued_on",
            gettext_lazy("Issued on"),
            example="2024-06-30",
            aliases=("发证日期", "发证时间"),
        ),
        Column(
            "issuer",
            gettext_lazy("Issuer"),
            example="河南省职业技能鉴定指导中心",
            aliases=("发证机构", "发证单位"),
        ),
    ),
    apply_chunk=_apply_chunk,
    export_rows=lambda: iter(()),
    capability=Capability.MANAGE_CERTIFICATES,
)
