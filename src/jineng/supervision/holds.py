"""Which claim lines a finding holds (money waits, 004 §五(六)): what claims asks through
claims.hooks. A finding in HOLDING_STATES (open, under review, confirmed: a confirmed
finding's unpaid lines are never paid) holds

- the claim line it names;
- every line resting on the certificate it names;
- a trainee's lines for the class (or the second class) it names, when it names a trainee;
- every line of the class it names, when it names no trainee (the class as a whole: its
  attendance, its evaluation, its teacher);
- every line of the trainee it names, when it names no class, certificate or line (the person
  as such: a shared phone, an age outside working age).

A voucher's settlement (兑现, vouchers.hooks) waits by the same rule: the finding names the
voucher, or the certificate it is settled against, or holds a line of the holder for the class
where the voucher was redeemed.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from jineng.claims.models import ClaimLine
from jineng.supervision.models import HOLDING_STATES, Finding


def _holding() -> QuerySet[Finding]:
    return Finding.objects.filter(state__in=HOLDING_STATES)


def _touches_outer_line() -> Q:
    trainee = Q(person=OuterRef("person"))
    in_class = Q(training_class=OuterRef("enrollment__training_class")) | Q(
        other_class=OuterRef("enrollment__training_class")
    )
    whole_person = Q(training_class__isnull=True, certificate__isnull=True, claim_line__isnull=True)
    return (
        Q(claim_line=OuterRef("pk"))
        | Q(certificate=OuterRef("certificate"))
        | (trainee & in_class)
        | (
            Q(person__isnull=True)
            & (
                Q(training_class=OuterRef("claim__training_class"))
                | Q(other_class=OuterRef("claim__training_class"))
            )
        )
        | (trainee & whole_person)
    )


def held_lines(lines: QuerySet) -> QuerySet:
    """The given claim lines that a finding holds."""
    return lines.filter(Exists(_holding().filter(_touches_outer_line())))


def touching(finding: Finding, lines: QuerySet) -> QuerySet:
    """The given claim lines that this finding touches, whatever its state."""
    return lines.filter(Exists(Finding.objects.filter(pk=finding.pk).filter(_touches_outer_line())))


def _touches(finding: Finding, line: dict) -> bool:
    """The same rule as _touches_outer_line, for one finding and one line's values."""
    if finding.claim_line_id == line["pk"]:
        return True
    if finding.certificate_id and finding.certificate_id == line["certificate_id"]:
        return True
    classes = {finding.training_class_id, finding.other_class_id} - {None}
    if finding.person_id is None:
        return bool(classes) and line["claim__training_class_id"] in classes
    if finding.person_id != line["person_id"]:
        return False
    if classes:
        return line["enrollment__training_class_id"] in classes
    return finding.certificate_id is None and finding.claim_line_id is None


def line_findings(line_ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
    """{line id: [(number, summary, url)]} of the findings holding each of the lines."""
    lines = list(
        ClaimLine.objects.filter(pk__in=line_ids).values(
            "pk",
            "person_id",
            "certificate_id",
            "enrollment__training_class_id",
            "claim__training_class_id",
        )
    )
    if not lines:
        return {}
    persons = {line["person_id"] for line in lines}
    classes = {line["enrollment__training_class_id"] for line in lines} | {
        line["claim__training_class_id"] for line in lines
    }
    certificates = {line["certificate_id"] for line in lines} - {None}
    candidates = _holding().filter(
        Q(claim_line__in=line_ids)
        | Q(certificate__in=certificates)
        | Q(person__in=persons)
        | Q(person__isnull=True, training_class__in=classes - {None})
        | Q(person__isnull=True, other_class__in=classes - {None})
    )
    found: dict[int, list[tuple[str, str, str]]] = {}
    for finding in candidates.order_by("id"):
        url = reverse("supervision:finding", args=[finding.pk])
        for line in lines:
            if _touches(finding, line):
                found.setdefault(line["pk"], []).append((finding.number, finding.summary, url))
    return found


def settlement_findings(voucher, certificate) -> list[tuple[str, str, str]]:
    """[(number, summary, url)] of the findings holding the voucher's settlement against the
    certificate: the same rule as for a claim line of the holder in the class where the voucher
    was redeemed, on that certificate, and a finding naming the voucher itself."""
    enrollment = voucher.enrollment
    line = {
        "pk": 0,  # no line: a finding naming a claim line holds it through the rest
        "person_id": voucher.person_id,
        "certificate_id": certificate.pk if certificate is not None else None,
        "enrollment__training_class_id": enrollment.training_class_id if enrollment else None,
        "claim__training_class_id": enrollment.training_class_id if enrollment else None,
    }
    classes = {line["enrollment__training_class_id"]} - {None}
    candidates = _holding().filter(
        Q(voucher=voucher)
        | Q(person=voucher.person_id)
        | Q(person__isnull=True, training_class__in=classes)
        | Q(person__isnull=True, other_class__in=classes)
        | (Q(certificate=line["certificate_id"]) if line["certificate_id"] else Q(pk__in=[]))
    )
    return [
        (finding.number, finding.summary, reverse("supervision:finding", args=[finding.pk]))
        for finding in candidates.order_by("id")
        if finding.voucher_id == voucher.pk or _touches(finding, line)
    ]
