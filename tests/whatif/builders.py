"""A hand-made year for the replay tests: Hebei 2024 (004, the pack with the seed's own rates:
100% employed, 80% certified, 50% completion only; at most 3 training subsidies a person over a
lifetime, 004 §四(五)), 石家庄市's standards of tests.claims.builders_core (焊工五级 1000 yuan,
四级 1500, 电工五级 1200, 养老护理员五级 900), every claim made and submitted through the claims
services."""

from datetime import date

from jineng.catalog.models import PolicyPackVersion
from jineng.claims import services as claims
from jineng.core.models import Organisation
from jineng.whatif import drafts
from tests.actors import act
from tests.claims.builders_core import (
    CARER,
    ELECTRICIAN,
    WELDER,
    certificate,
    completed_class,
    employ,
    person,
)

YEAR_START, YEAR_END = date(2024, 1, 1), date(2024, 12, 31)


def claimed(place, trainees, *, occupation=WELDER, level="5", end=date(2024, 5, 31)):
    """A submitted claim of a completed class (ending on `end`) of these trainees."""
    training_class = completed_class(
        place, trainees, occupation=occupation, level=level, start=date(end.year, end.month, 1),
        end=end,
    )  # fmt: skip
    with act(place.username):
        return claims.submit(claims.create_training_claim(training_class))


def certified(who, occupation=WELDER, level="5", *, on):
    certificate(who, "skill_level", occupation=occupation, level=level, issued_on=on)
    return who


def hebei_year(place):
    """Four trainees of 六类人员 (农村转移就业劳动者, 004 §二) in 2024: three certified and not
    employed (80%: 焊工五级 1000 -> 800, 焊工四级 1500 -> 1200, 电工五级 1200 -> 960), one
    employed a week after training (100%: 焊工五级 1000 -> 1000)."""
    a, b, c, d = (person("rural_migrant", bureau=place.bureau) for _ in range(4))
    claimed(place, [certified(a, on=date(2024, 6, 5))], end=date(2024, 5, 31))
    claimed(place, [certified(b, level="4", on=date(2024, 7, 3))], level="4", end=date(2024, 6, 28))
    claimed(
        place, [certified(c, ELECTRICIAN, on=date(2024, 8, 5))], occupation=ELECTRICIAN,
        end=date(2024, 7, 31),
    )  # fmt: skip
    employ(d, date(2024, 6, 7))
    claimed(place, [d], end=date(2024, 5, 31))
    return a, b, c, d


def four_subsidies(place):
    """One person certified after four classes of 2024 (焊工五级, 焊工四级, 电工五级, 养老护理员
    五级): 004 §四(五) 每人累计最多享受3次 grants the first three and refuses the fourth. The
    fourth class has a second trainee, certified and granted (a claim whose lines are all 0
    cannot be submitted)."""
    who = person("rural_migrant", bureau=place.bureau)
    other = person("rural_migrant", bureau=place.bureau)
    plan = [(WELDER, "5", date(2024, 3, 29)), (WELDER, "4", date(2024, 5, 31)),
            (ELECTRICIAN, "5", date(2024, 7, 31)), (CARER, "5", date(2024, 9, 30))]  # fmt: skip
    made = []
    for occupation, level, end in plan:
        trainees = [certified(who, occupation, level, on=end)]
        if occupation == CARER:
            trainees.append(certified(other, occupation, level, on=end))
        made.append(claimed(place, trainees, occupation=occupation, level=level, end=end))
    return who, made


def hebei_draft(bureau: Organisation):
    with act(None):
        return drafts.copy_pack(
            PolicyPackVersion.objects.filter(pack_id="hebei-2024").first(), bureau
        )
