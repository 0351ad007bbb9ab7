"""Certified trainees outside the 100/80/50 tiers are paid 按规定 (004 §四(五), first paragraph),
as the institution meets it: the class roster (符合补贴条件, with the reason), the claim drafted
from the claims page, its lines' amounts and reasons, the limits across claims, and top-ups.

004 §四(五): 参加培训后取得证书(含职业资格证书、职业技能等级证书、专项职业能力证书、培训合格证书)的,
按规定给予职业培训补贴, 每人累计最多享受3次, 同一职业(工种)同一等级不可重复享受; the 100% / 80% /
50% are for 六类人员 in 订单、定岗、定向式 employment training. The packs pay the others 100% of the
standard (`training.rates.standard_rate`, assumed).
"""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from jineng.catalog.packs import decision_of
from jineng.claims import services
from jineng.claims.models import Claim, ClaimLine
from tests.claims import builders_core
from tests.claims.builders_core import (
    CARER,
    ELECTRICIAN,
    WELDER,
    act,
    certificate,
    completed_class,
    employ,
    person,
)
from tests.factories import CERTIFIED, NOTHING, PersonFactory, TrainingClassFactory, trainee_outcome

pytestmark = pytest.mark.django_db
hebei = builders_core.hebei  # fixture, used by name
IN_2024 = {"start": date(2024, 5, 6), "end": date(2024, 5, 31)}
UPGRADE = "job_skills_upgrade"  # 岗位技能提升培训


def lines_by_person(claim: Claim) -> dict[int, ClaimLine]:
    return {line.person_id: line for line in claim.lines.select_related("decision")}


def reasons(line: ClaimLine, lang: str = "zh") -> str:
    return " / ".join(decision_of(line.decision).reasons(lang))


def check(line: ClaimLine, code: str):
    return decision_of(line.decision).check(code)


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def claim_for(place, trainees, **values) -> Claim:
    training_class = completed_class(place, trainees, **IN_2024 | values)
    with act(place.username):
        return services.create_training_claim(training_class)


# --- the page the institution meets (Shangqiu, the demo's region and institution) -------------


def test_roster_and_claim_pay_a_certified_enterprise_employee_100_percent(login):
    """004 §四(五): an enterprise employee (企业职工) in a 岗位技能提升 class with a
    职业技能等级证书 is paid 100% of the standard; the same class's employee without a
    certificate is refused with the reason. The roster says both are eligible and that the
    standard applies; the claim drafted from the claims page agrees and shows each line's
    reasons."""
    certified, uncertified = PersonFactory.create_batch(2, categories=["enterprise_employee"])
    training_class = TrainingClassFactory(
        state="completed", training_type=UPGRADE, trainees=[certified, uncertified]
    )
    trainee_outcome(certified, CERTIFIED, training_class)
    trainee_outcome(uncertified, NOTHING, training_class)
    roster = {e.person_id: e for e in training_class.enrollments.select_related("eligibility")}
    assert roster[certified.pk].eligible and roster[uncertified.pk].eligible
    scope = decision_of(roster[certified.pk].eligibility).check("training.rate_scope")
    assert scope.passed and scope.evidence["rate_by"] == "standard"

    client = login("institution")
    class_page = text_of(client.get(reverse("training:detail", args=[training_class.pk])))
    why = reverse("catalog:decision-detail", args=[roster[certified.pk].eligibility_id])
    assert why in class_page  # the roster's "Why" of the trainee's 符合补贴条件
    assert scope.message_zh in text_of(client.get(why))

    response = client.post(f"/claims/new/class/{training_class.pk}/")
    claim = Claim.objects.get(training_class=training_class)
    assert response.status_code == 302 and response.url == f"/claims/{claim.pk}/"
    lines = lines_by_person(claim)
    paid, refused = lines[certified.pk], lines[uncertified.pk]
    standard = Decimal(check(paid, "claim.standard").evidence["amount"])
    assert standard > 0
    assert (paid.granted, paid.amount) == (True, standard)  # 100% of the standard
    assert decision_of(paid.decision).tier == "standard"
    assert check(paid, "training.rate_scope").message_zh == scope.message_zh  # roster = claim
    assert (refused.granted, refused.amount) == (False, Decimal("0.00"))
    assert decision_of(refused.decision).failed_codes == ("training.certificate",)

    page = text_of(client.get(f"/claims/{claim.pk}/"))
    assert check(paid, "training.certificate").message_zh in page
    assert "按补贴标准的100%补贴" in page
    assert check(refused, "training.certificate").message_zh in page
    assert "参加培训后未取得证书" in page
    english = text_of(client.get(f"/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "100% of the standard" in english
    assert "no certificate" in english


# --- the claim service (Hebei 2024, the pack with the seed's own words) ------------------------


def test_tiers_for_six_categories_and_the_standard_for_an_employee_in_one_claim(hebei):
    """004 §四(五): in one employment skills class, 六类人员 keep the tiers (employed 100%,
    certified 80%, completion certificate only 50%) while a certified enterprise employee gets
    100% of the standard, and one without a certificate nothing."""
    employed, certified, completion = (
        person("rural_migrant"),
        person("registered_unemployed"),
        person("graduate"),
    )
    employee, employee_without = person("enterprise_employee"), person("enterprise_employee")
    employ(employed, date(2024, 8, 20))
    certificate(certified, "skill_level")
    certificate(completion, "training_completion")
    certificate(employee, "skill_level")
    employ(employee_without, date(2024, 6, 20))  # employment alone earns nothing outside tiers
    claim = claim_for(hebei, [employed, certified, completion, employee, employee_without])
    lines = lines_by_person(claim)
    assert {who.pk: (lines[who.pk].amount, decision_of(lines[who.pk].decision).tier) for who in (
        employed, certified, completion, employee, employee_without
    )} == {
        employed.pk: (Decimal("1000.00"), "employed"),
        certified.pk: (Decimal("800.00"), "certificate"),
        completion.pk: (Decimal("500.00"), "completion_only"),
        employee.pk: (Decimal("1000.00"), "standard"),
        employee_without.pk: (Decimal("0.00"), None),
    }  # fmt: skip
    assert check(lines[employee.pk], "training.certificate").message_zh == (
        "参加培训后取得职业技能等级证书，按补贴标准的100%补贴（依据 004 §四(五)，假定值）"
    )
    assert "参加培训后未取得证书" in reasons(lines[employee_without.pk])
    assert claim.requested_total == Decimal("3300.00")


def test_a_completion_certificate_earns_the_standard_outside_the_tiers(hebei):
    """004 §四(五) first paragraph counts a 培训合格证书 for trainees outside the tiers, whatever
    the occupation (not only a new one, as the 80% tier asks): 100% in a 岗位技能提升 class, for a
    six-category trainee too."""
    employee, migrant = person("enterprise_employee"), person("rural_migrant")
    certificate(employee, "training_completion")
    certificate(migrant, "training_completion")
    lines = lines_by_person(claim_for(hebei, [employee, migrant], training_type=UPGRADE))
    for who in (employee, migrant):
        assert (lines[who.pk].amount, decision_of(lines[who.pk].decision).tier) == (
            Decimal("1000.00"),
            "standard",
        )


def test_cap_of_3_counts_subsidies_paid_by_the_standard(hebei):
    """004 §四(五): 每人累计最多享受3次 — three training subsidies paid by the standard (three
    upgrade classes) leave no room for a fourth, and the refusal names the three claims."""
    employee = person("enterprise_employee")
    earlier = []
    for occupation, level in ((WELDER, "5"), (WELDER, "4"), (ELECTRICIAN, "5")):
        certificate(employee, "skill_level", occupation=occupation, level=level)
        claim = claim_for(hebei, [employee], occupation=occupation, level=level,
                          training_type=UPGRADE)  # fmt: skip
        with act(hebei.username):
            earlier.append(services.submit(claim))
    assert [claim.lines.get().amount for claim in earlier] == [
        Decimal("1000.00"), Decimal("1500.00"), Decimal("1200.00"),
    ]  # fmt: skip
    certificate(employee, "skill_level", occupation=CARER)
    fourth = claim_for(hebei, [employee], occupation=CARER, training_type=UPGRADE).lines.get()
    assert (fourth.granted, fourth.amount) == (False, Decimal("0.00"))
    assert decision_of(fourth.decision).failed_codes == ("limit.count",)
    assert check(fourth, "training.certificate").passed
    assert all(claim.number in reasons(fourth) for claim in earlier)


def test_same_occupation_and_level_never_twice_whichever_rate_paid_it(hebei):
    """004 §四(五): 同一职业(工种)同一等级不可重复享受 — a welder 五级 subsidy at the 80% tier stops
    a second welder 五级 subsidy by the standard."""
    trainee = person("rural_migrant")
    certificate(trainee, "skill_level")
    with act(hebei.username):
        first = services.submit(claim_for(hebei, [trainee]))
    assert first.lines.get().amount == Decimal("800.00")
    again = claim_for(hebei, [trainee], training_type=UPGRADE).lines.get()
    assert decision_of(again.decision).failed_codes == ("limit.unique",)


def test_later_employment_makes_no_top_up_of_a_standard_line(hebei):
    """004 §四(五): the top-up (补差) raises a line to the employed tier (100%); a line paid by
    the standard already is 100% and employment does not change it: no top-up."""
    employee = person("enterprise_employee")
    certificate(employee, "skill_level")
    with act(hebei.username):
        claim = services.submit(claim_for(hebei, [employee], training_type=UPGRADE))
    employ(employee, date(2024, 7, 1))
    with act(hebei.username):
        assert services.create_top_up(claim) is None
