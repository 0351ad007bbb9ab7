"""Designation and supervision of institutions: every change through here, checked, audited."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jineng.catalog.models import Occupation, SkillLevel
from jineng.core import audit, writes
from jineng.core.models import Organisation
from jineng.core.roles import Capability, OrgKind, has_capability
from jineng.institutions.models import (
    TRANSITIONS,
    Designation,
    Institution,
    InstitutionState,
    StateChange,
)


def _require_reviewer() -> None:
    user = audit.current().acting_user()
    if user is not None and not has_capability(user, Capability.DESIGNATE_INSTITUTIONS):
        raise PermissionDenied(_("Only the bureau designates, suspends or removes institutions."))


@transaction.atomic
def register_institution(
    organisation: Organisation,
    *,
    type: str,
    licence: str = "",
    address: str = "",
    capacity: int = 0,
) -> Institution:
    """An institution's application (state "applied"), for an organisation of that kind."""
    if organisation.kind != OrgKind.INSTITUTION:
        raise ValidationError(_("Only a training institution can apply for designation."))
    institution = writes.create(
        Institution(
            organisation=organisation,
            type=type,
            licence=licence,
            address=address,
            capacity=capacity,
        )
    )
    writes.create(
        StateChange(
            institution=institution,
            to_state=InstitutionState.APPLIED,
            reason=_("application"),
            by=audit.current().acting_user(),
        )
    )
    return institution


@transaction.atomic
def change_state(institution: Institution, to_state: str, *, reason: str, document: str = ""):
    """Designate, suspend, reinstate or remove, as TRANSITIONS allows, with a reason."""
    _require_reviewer()
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    if to_state not in TRANSITIONS[InstitutionState(institution.state)]:
        raise ValidationError(
            _("An institution that is “%(from)s” cannot become “%(to)s”.")
            % {"from": institution.get_state_display(), "to": InstitutionState(to_state).label}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    change = writes.create(
        StateChange(
            institution=institution,
            from_state=institution.state,
            to_state=to_state,
            reason=reason.strip(),
            document=document.strip(),
            by=audit.current().acting_user(),
        )
    )
    writes.update(institution, state=to_state)
    return change


@transaction.atomic
def designate(
    institution: Institution,
    occupation: Occupation,
    level: SkillLevel,
    *,
    valid_from: date,
    valid_to: date,
) -> Designation:
    """Designate (定点) an institution for an occupation at a level, for a period."""
    _require_reviewer()
    institution = Institution.objects.select_for_update().get(pk=institution.pk)  # current state
    if institution.state in {InstitutionState.SUSPENDED, InstitutionState.REMOVED}:
        raise ValidationError(
            _("A %(state)s institution cannot be designated for anything.")
            % {"state": institution.get_state_display()}
        )
    if not occupation.levels.filter(pk=level.pk).exists():
        raise ValidationError(
            {
                "level": _("%(occupation)s is not evaluated at the level %(level)s.")
                % {"occupation": occupation.name, "level": level.name}
            }
        )
    if valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end is before the start.")})
    overlapping = institution.designations.filter(
        occupation=occupation, level=level, valid_from__lte=valid_to, valid_to__gte=valid_from
    )
    if overlapping.exists():
        raise ValidationError(_("This designation overlaps one the institution already has."))
    return writes.create(
        Designation(
            institution=institution,
            occupation=occupation,
            level=level,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    )
