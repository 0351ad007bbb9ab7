"""Claims built for the claim tests that read lists (scope, filters, page against API)."""

from dataclasses import dataclass

import pytest

from jineng.claims import services
from jineng.claims.models import Claim
from jineng.institutions.models import Institution
from tests.actors import act
from tests.claims.builders_core import agreement, evaluated_booking, person, shangqiu
from tests.factories import CERTIFIED, EMPLOYED, NOTHING, ClaimFactory, EmploymentClaimFactory


def evaluation_claim() -> Claim:
    """The centre's claim (login "evaluator") for the evaluation of a class of 鸿鹄: one pass
    at 四级 (240 yuan, 002 §四(二)1), one fail; under its free-evaluation agreement, submitted."""
    booking = evaluated_booking(shangqiu(), [(person(), True), (person(), False)], level="4")
    with act("evaluator"):
        claim = services.create_evaluation_claim(booking, agreement())
        return services.submit(claim)


@dataclass
class Spread:
    """Claims of several kinds, states and regions (see `spread`)."""

    draft: Claim
    paid: Claim
    in_notice: Claim
    liangyuan: Claim
    evaluation: Claim
    employment: Claim

    def all(self) -> list[Claim]:
        return list(vars(self).values())


@pytest.fixture
def spread(db) -> Spread:
    """A draft of 鸿鹄 (a line the rules refused among granted ones), a paid claim of 鸿鹄
    (a recovery open), one in notice with an objection, a submitted claim of 梁园区启航 (梁园区's
    bureau: the county reviewer's), the centre's evaluation claim and an SME's hiring claim."""
    qihang = Institution.objects.get(organisation__name="梁园区启航职业培训学校")
    return Spread(
        draft=ClaimFactory(outcomes=(CERTIFIED, EMPLOYED, NOTHING)),
        paid=ClaimFactory(state="paid", recovery=True),
        in_notice=ClaimFactory(state="in_notice", objection=True),
        liangyuan=ClaimFactory(
            state="submitted",
            institution=qihang,
            staff="admin",
            reviewer="county_reviewer",
            occupation="4-10-01-05",
        ),  # fmt: skip
        evaluation=evaluation_claim(),
        employment=EmploymentClaimFactory(),
    )
