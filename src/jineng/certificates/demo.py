"""Demo certificates: the demo evaluation organisations get their register and station codes
(needed to number skill level certificates), the demo worker has a certificate issued here (to
download with its QR code) and one obtained elsewhere (recorded, not signed), and one
certificate is revoked by the city's reviewer, so the public page shows every answer.

Certificates after the demo evaluations are issued by the evaluation demo, which runs after this
one. Idempotent: what exists is left as it is.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from jineng.catalog.models import Occupation, SkillLevel
from jineng.certificates import services
from jineng.certificates.models import Certificate, CertificateKind, CertificateStatus
from jineng.core.audit import audit_context
from jineng.core.models import User
from jineng.institutions import services as institutions
from jineng.institutions.models import EvaluationOrg
from jineng.people.models import Person

# Register code (4 digits) and station code (6 digits) of each demo evaluation organisation.
CODES = {
    "商丘市职业技能等级认定评价中心": ("0231", "411001"),
    "永城市煤化工企业技能评价站": ("0232", "411002"),
}
CENTRE = "商丘市职业技能等级认定评价中心"
EXTERNAL_NUMBER = "1941140003000123"  # a 职业资格证书 of 2019, from the provincial centre
EXTERNAL_ISSUER = "河南省职业技能鉴定指导中心"
REVOCATION_REASON = "经核查，该证书对应的评价存在替考行为，依规予以撤销。"


@transaction.atomic
def load() -> dict[str, int]:
    created = {"codes": 0, "issued": 0, "recorded": 0, "revoked": 0}
    admin = User.objects.get(username="admin")
    reviewer = User.objects.get(username="city_reviewer")
    with audit_context(actor=admin):
        for name, (register, station) in CODES.items():
            org = EvaluationOrg.objects.select_related("organisation").get(organisation__name=name)
            if not (org.register_code and org.station_code):
                institutions.set_numbering_codes(org, register_code=register, station_code=station)
                created["codes"] += 1
    centre = EvaluationOrg.objects.select_related("organisation").get(organisation__name=CENTRE)
    today = timezone.localdate()
    worker = Person.objects.get(user__username="worker")
    with audit_context(actor=admin):
        if not Certificate.objects.filter(number=EXTERNAL_NUMBER).exists():
            services.record_external(
                worker,
                kind=CertificateKind.QUALIFICATION,
                number=EXTERNAL_NUMBER,
                occupation=Occupation.objects.get(code="6-31-01-03"),
                level=SkillLevel.objects.get(code="5"),
                issued_on=date(2019, 6, 28),
                issuer_name=EXTERNAL_ISSUER,
            )
            created["recorded"] += 1
        pastry = Occupation.objects.get(code="4-03-02-02")
        if not Certificate.objects.filter(person=worker, occupation=pastry).exists():
            services.issue(
                worker,
                kind=CertificateKind.SPECIAL_ABILITY,
                occupation=pastry,
                level=None,
                evaluation_org=centre,
                issued_on=today - timedelta(days=45),
            )
            created["issued"] += 1
    if not Certificate.objects.filter(status=CertificateStatus.REVOKED).exists():
        holder = _bystander()
        with audit_context(actor=admin):
            certificate = services.issue(
                holder,
                kind=CertificateKind.SKILL_LEVEL,
                occupation=Occupation.objects.get(code="6-18-02-04"),
                level=SkillLevel.objects.get(code="5"),
                evaluation_org=centre,
                issued_on=today - timedelta(days=90),
            )
        with audit_context(actor=reviewer):
            services.revoke(certificate, REVOCATION_REASON, on=today)
        created["issued"] += 1
        created["revoked"] += 1
    return created


def _bystander() -> Person:
    """A demo person of 睢阳区 in no class, not a teacher nor an examiner (so no demo evaluation
    meets the revoked certificate)."""
    return (
        Person.objects.filter(source="demo", organisation__code="411403", user__isnull=True)
        .filter(enrollments__isnull=True, teacher__isnull=True, examiner_roles__isnull=True)
        .order_by("id")
        .first()
    )
