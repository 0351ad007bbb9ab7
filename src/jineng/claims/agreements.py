"""Free-evaluation agreements (免费技能评价协议, 004 §四(五)): an evaluation organisation evaluates
the eligible for free and the bureau pays the evaluation subsidy to it. An evaluation claim is
made under the agreement in force on the evaluation date (services.create_evaluation_claim).

This is the frame between the bureau and the organisation. The agreement each person evaluated
signs with the organisation (由考核评价机构与补贴申请人签订免费技能评价协议书) is
evaluation.ApplicantAgreement, recorded on the booking before any claim exists; each line of the
claim checks it (the pack's evaluation.applicant_agreement_required).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jineng.claims.models import EvaluationAgreement
from jineng.core import writes
from jineng.core.models import Organisation
from jineng.core.roles import Capability, OrgKind, acting_user, has_capability
from jineng.core.scope import scoped
from jineng.institutions.models import EvaluationOrg


def _check_recorder(evaluation_org: EvaluationOrg) -> None:
    """The organisation itself (its staff make claims) or the bureau (its reviewers), each
    within their scope."""
    user = acting_user()
    if user is None:
        return
    allowed = has_capability(user, Capability.MAKE_CLAIMS) or has_capability(
        user, Capability.REVIEW_CLAIMS
    )
    visible = scoped(user, EvaluationOrg.objects.filter(pk=evaluation_org.pk)).exists()
    if not (allowed and visible):
        raise PermissionDenied(
            _("Only the evaluation organisation or its bureau records its agreements.")
        )


def _check_dates(signed_on: date, valid_from: date, valid_to: date) -> None:
    if valid_to < valid_from:
        raise ValidationError({"valid_to": _("The agreement ends before it starts.")})
    if signed_on > valid_to:
        raise ValidationError({"signed_on": _("The agreement is signed after it ends.")})


@transaction.atomic
def record_agreement(
    evaluation_org: EvaluationOrg,
    *,
    bureau: Organisation,
    number: str,
    signed_on: date,
    valid_from: date,
    valid_to: date,
    note: str = "",
) -> EvaluationAgreement:
    """Record a signed agreement between the bureau and the evaluation organisation."""
    _check_recorder(evaluation_org)
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Give the agreement's number.")})
    if bureau.kind != OrgKind.BUREAU:
        raise ValidationError({"bureau": _("An agreement is signed with a bureau.")})
    _check_dates(signed_on, valid_from, valid_to)
    if EvaluationAgreement.objects.filter(number=number).exists():
        raise ValidationError(
            {"number": _("Agreement %(number)s is already recorded.") % {"number": number}}
        )
    return writes.create(
        EvaluationAgreement(
            evaluation_org=evaluation_org,
            bureau=bureau,
            number=number,
            signed_on=signed_on,
            valid_from=valid_from,
            valid_to=valid_to,
            note=note.strip(),
            created_by=acting_user(),
        )
    )


def agreement_in_force(evaluation_org: EvaluationOrg, on: date) -> EvaluationAgreement | None:
    """The newest agreement of the organisation in force on the day, or None."""
    return (
        EvaluationAgreement.objects.filter(
            evaluation_org=evaluation_org, valid_from__lte=on, valid_to__gte=on
        )
        .select_related("bureau")
        .order_by("-signed_on", "-id")
        .first()
    )
