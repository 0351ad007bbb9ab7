"""004 §四(五): 由考核评价机构与补贴申请人签订免费技能评价协议书 — an evaluation subsidy line needs
the person's free-evaluation agreement with the evaluation organisation, signed on or before the
evaluation date (Shangqiu's pack assumes Hebei's rule, `evaluation.applicant_agreement_required`).
A line without one is kept at 0 with a reason naming the person; recording the agreement and
deciding the draft again pays it; submitting decides again too."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jineng.catalog.packs import decision_of
from jineng.claims import services
from jineng.evaluation import agreements
from jineng.evaluation.models import ApplicantAgreement
from tests.actors import act
from tests.claims.builders_core import agreement, evaluated_booking, person, shangqiu

pytestmark = pytest.mark.django_db


def lines_by_person(claim):
    return {line.person_id: line for line in claim.lines.select_related("decision")}


def reasons(line, lang="zh") -> str:
    return " ".join(decision_of(line.decision).reasons(lang))


def test_004_4_5_a_line_without_the_applicants_agreement_is_refused_naming_them():
    """004 §四(五): the claim is made, the person with an agreement is paid (中级工 240 元), the
    one without is kept at 0, the reason naming whose agreement is missing (zh and en)."""
    signed, unsigned = person("rural_migrant"), person("rural_migrant")
    booking = evaluated_booking(shangqiu(), [(signed, True), (unsigned, True)])
    ApplicantAgreement.objects.filter(enrollment__person=unsigned).delete()
    with act("evaluator"):
        claim = services.create_evaluation_claim(booking, agreement())
    lines = lines_by_person(claim)
    assert (lines[signed.pk].amount, lines[unsigned.pk].amount) == (Decimal("240"), Decimal("0"))
    assert f"未登记考核评价机构与补贴申请人{unsigned.name}签订的免费技能评价协议书" in reasons(
        lines[unsigned.pk]
    )
    assert "no free-evaluation agreement" in reasons(lines[unsigned.pk], "en")
    check = decision_of(lines[signed.pk].decision).check("evaluation.applicant_agreement")
    assert check.passed and check.evidence["signed_on"] == "2025-03-09"
    assert claim.requested_total == Decimal("240.00")


def test_004_4_5_recording_the_agreement_and_deciding_again_pays_the_line():
    """The organisation records the missing agreement (signed before the evaluation) on the
    booking; the draft decided again pays the line, and is submitted."""
    evaluated = person("rural_migrant")
    booking = evaluated_booking(shangqiu(), [(evaluated, True)], agreements=False)
    with act("evaluator"):
        claim = services.create_evaluation_claim(booking, agreement())
        assert claim.lines.get().amount == Decimal("0")
        with pytest.raises(ValidationError, match="所有人员补贴均为0"):
            services.submit(claim)
        enrollment = booking.training_class.enrollments.get(person=evaluated)
        agreements.record_agreement(
            booking, enrollment, signed_on=booking.planned_date - timedelta(days=2),
            signatory="王经办",
        )  # fmt: skip
        claim = services.refresh(claim)
        assert claim.lines.get().amount == Decimal("240.00")
        services.submit(claim)


def test_004_4_5_an_agreement_signed_after_the_evaluation_earns_nothing():
    """An agreement on record but signed after the evaluation date (entered before the service
    refused such dates, or the evaluation's date read from another system) earns no subsidy."""
    late = person("rural_migrant")
    on = date(2025, 3, 10)
    booking = evaluated_booking(shangqiu(), [(late, True)], on=on)
    ApplicantAgreement.objects.filter(enrollment__person=late).update(
        signed_on=on + timedelta(days=1)
    )
    with act("evaluator"):
        line = services.create_evaluation_claim(booking, agreement()).lines.get()
    assert line.amount == Decimal("0")
    assert "签订于2025-03-11，晚于评价日期2025-03-10" in reasons(line)


def test_004_4_5_another_organisations_agreement_does_not_count():
    """The agreement is the evaluating organisation's own with the person: one signed with
    another organisation for the same trainee does not count."""
    evaluated = person("rural_migrant")
    booking = evaluated_booking(shangqiu(), [(evaluated, True)], agreements=False)
    other = booking.evaluation_org.__class__.objects.exclude(pk=booking.evaluation_org_id).first()
    ApplicantAgreement.objects.create(
        evaluation_org=other, enrollment=booking.training_class.enrollments.get(),
        signed_on=date(2025, 3, 9), signatory="他人",
    )  # fmt: skip
    with act("evaluator"):
        line = services.create_evaluation_claim(booking, agreement()).lines.get()
    assert line.amount == Decimal("0") and evaluated.name in reasons(line)


def test_004_4_5_the_new_claim_page_counts_the_agreements_of_each_evaluation(login):
    """Before drafting, the organisation sees for each finished evaluation how many of the
    persons evaluated signed their agreement by the evaluation date, linked to the booking's
    agreements."""
    signed, unsigned = person("rural_migrant"), person("rural_migrant")
    booking = evaluated_booking(shangqiu(), [(signed, True), (unsigned, False)])
    ApplicantAgreement.objects.filter(enrollment__person=unsigned).delete()
    page = login("evaluator").get("/claims/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="agreed-{booking.pk}"' in html
    cell = html.split(f'id="agreed-{booking.pk}"')[1].split("</a>")[0]
    assert "1 / 2" in cell and "text-warning" in cell
    assert f"/evaluations/{booking.pk}/#agreements" in html
