"""Demo published training (培训项目, 003 §三10) in several counties of 商丘.

- the approved class of 鸿鹄, published by its staff;
- standing offers of 启航 (梁园区), 永城市技工学校 (永城市) and 巧手家政 (民权县), whose next
  class opens when enough have signed up;
- a project of the city bureau for an employer (订单式, 虞城县);
- the demo worker (`worker`, of 梁园区) has signed up for 巧手家政's 家政服务员 offer, waiting for
  the institution (their 养老护理员 class of a month ago is the claims demo's).

Acted by the demo users through offers.services (the system administrator stands in for the
institutions without a login, as in the training demo). An offer that exists (by publisher and
title) is left as it is: a second load creates nothing."""

from dataclasses import dataclass

from jineng.catalog.models import Occupation, Region, SkillLevel, TrainingType
from jineng.core.audit import audit_context
from jineng.core.models import Organisation, User
from jineng.offers import services
from jineng.offers.models import Application, Offer, OfferKind
from jineng.training.models import ClassState, TrainingClass

HONGHU = "商丘市鸿鹄职业技能培训学校"
WORKER_SIGNS_UP_FOR = "家政服务员（五级）常年招生"


@dataclass(frozen=True)
class Standing:
    publisher: str
    by: str
    kind: str
    title: str
    occupation: str
    level: str
    county: str
    venue: str
    places: int
    min_signups: int
    employer: str = ""
    training_type: str = "employment_skills"


STANDING = [
    Standing("梁园区启航职业培训学校", "admin", OfferKind.STANDING, "养老护理员（五级）常年招生",
             "4-10-01-05", "5", "411402", "梁园区启航职业培训学校二楼实训室", 30, 15),
    Standing("永城市技工学校", "admin", OfferKind.STANDING, "焊工（五级）常年招生",
             "6-18-02-04", "5", "411481", "永城市技工学校焊接实训车间", 40, 20),
    Standing("民权县巧手家政职业培训学校", "admin", OfferKind.STANDING,
             "家政服务员（五级）常年招生", "4-10-01-06", "5", "411421",
             "民权县巧手家政职业培训学校", 25, 10),
    Standing("商丘市人力资源和社会保障局", "city_reviewer", OfferKind.PROJECT,
             "订单式焊工培训（虞城县产业园）", "6-18-02-04", "5", "411425",
             "虞城县产业集聚区职业技能实训基地", 30, 20, employer="虞城县某钢构制造有限公司"),
]  # fmt: skip


def load() -> dict[str, int]:
    users = {user.username: user for user in User.objects.filter(username__in=_usernames())}
    created = {"published training": 0}
    approved = (
        TrainingClass.objects.filter(
            institution__organisation__name=HONGHU, state=ClassState.APPROVED
        )
        .order_by("start_date", "id")
        .first()
    )
    if approved is not None and "institution" in users:
        title = f"{approved.name}（可报名）"
        if not Offer.objects.filter(training_class=approved, title=title).exists():
            with audit_context(actor=users["institution"]):
                services.publish(
                    kind=OfferKind.CLASS, title=title, training_class=approved,
                    description="岗前培训，结业后可参加职业技能等级认定。",
                )  # fmt: skip
            created["published training"] += 1
    for spec in STANDING:
        organisation = Organisation.objects.filter(name=spec.publisher).first()
        if organisation is None or spec.by not in users:
            continue
        if Offer.objects.filter(organisation=organisation, title=spec.title).exists():
            continue
        with audit_context(actor=users[spec.by]):
            services.publish(
                kind=spec.kind, title=spec.title, organisation=organisation,
                occupation=Occupation.objects.get(code=spec.occupation),
                level=SkillLevel.objects.get(code=spec.level),
                training_type=TrainingType.objects.get(code=spec.training_type),
                county=Region.objects.get(code=spec.county), venue=spec.venue,
                places=spec.places, min_signups=spec.min_signups, employer=spec.employer,
            )  # fmt: skip
        created["published training"] += 1
    created["sign-ups"] = _worker_signs_up(users.get("worker"))
    return created


def _worker_signs_up(worker) -> int:
    """The demo worker signs up (报名) for a standing offer, as they would on its page."""
    offer = Offer.objects.filter(title=WORKER_SIGNS_UP_FOR).first()
    if worker is None or offer is None:
        return 0
    if Application.objects.filter(offer=offer, person__user=worker).exists():
        return 0
    with audit_context(actor=worker):
        services.apply(offer)
    return 1


def _usernames() -> set[str]:
    return {"institution", "admin", "worker"} | {spec.by for spec in STANDING}
