"""Money waits for the data comparison (004 §五(六): 健全覆盖培训资金申领、审核、支付…全过程的监督
管理): a claim line that an open or under-review finding touches is neither approved nor paid
until the finding is cleared. The findings live above claims (jineng.supervision), which fills
claims.hooks at start-up."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jineng.claims import hooks
from jineng.claims.models import ClaimLine


def without_held(lines: QuerySet[ClaimLine]) -> QuerySet[ClaimLine]:
    """The lines no finding holds (for the lists of payable lines)."""
    return lines.exclude(pk__in=hooks.held_lines(ClaimLine.objects.all()).values("pk"))


def findings_of(line_ids) -> dict[int, list[tuple[str, str, str]]]:
    """{line id: [(finding number, summary, url)]} of the findings holding each line."""
    return hooks.line_findings(list(line_ids))


def refuse_held(lines, doing: str) -> None:
    """Refuse when a finding holds one of the lines, naming the line and the finding. `doing`
    says what was asked ("approved", "paid"), translated by the caller."""
    lines = list(lines)
    held = findings_of(line.pk for line in lines)
    if not held:
        return
    line = next(line for line in lines if line.pk in held)
    number, summary, _url = held[line.pk][0]
    raise ValidationError(
        _("The line of %(person)s (%(id)s) waits for finding %(finding)s (%(summary)s): it "
          "cannot be %(doing)s until the finding is cleared.")
        % {"person": line.person.name, "id": line.person.id_number_masked, "finding": number,
           "summary": summary, "doing": doing}
    )  # fmt: skip
