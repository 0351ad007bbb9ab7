"""Vouchers (电子培训券, 002 §四(五)3, 003 §三10) in tests: holders with a login, a class of the
demo institution 鸿鹄 to enrol them in, certificates, all through the services."""

from dataclasses import dataclass
from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from jineng.catalog.models import FundChannel, Occupation, SkillLevel, TrainingType
from jineng.certificates.models import Certificate, CertificateKind
from jineng.core import services as core_services
from jineng.core.roles import Role
from jineng.institutions.models import Institution
from jineng.people import services as people
from jineng.people.models import Person
from jineng.training import services as training
from jineng.vouchers import services
from jineng.vouchers.models import Voucher
from tests.factories import PersonFactory, TrainingClassFactory, VoucherFactory

TODAY = timezone.localdate()
WELDER, ELECTRICIAN, CARER = "6-18-02-04", "6-31-01-03", "4-10-01-05"
PASSWORD = "Voucher@2026x"
_serial = count(1)


def occupations(*codes: str) -> list[Occupation]:
    return list(Occupation.objects.filter(code__in=codes).order_by("code"))


@pytest.fixture
def free_people(db):
    """Six people registered for the test, of no category: no voucher, no class, no login; the
    first four of 虞城县 (one region for the dashboard's sums), then 夏邑县 and 永城市."""
    return [PersonFactory(bureau=code) for code in ["411425"] * 4 + ["411426", "411481"]]


@pytest.fixture
def holder(free_people, act):
    """holder(n, login=True): the n-th free person, a 农村转移就业劳动者 since last year (eligible
    under the Shangqiu pack), with a worker login of their own unless login=False."""
    made = {}

    def make(n: int = 0, *, login: bool = True) -> Person:
        if n in made:
            return made[n]
        person = free_people[n]
        with act(None):
            people.add_category(
                person, "rural_migrant", valid_from=TODAY - timedelta(days=400), source="test"
            )
            if login:
                user = core_services.create_user(
                    username=f"holder{n}", password=PASSWORD, organisation=person.organisation,
                    roles=[Role.WORKER], full_name=person.name,
                )  # fmt: skip
                people.link_user(person, user)
        person.refresh_from_db()
        made[n] = person
        return person

    return make


@pytest.fixture
def issue(act):
    """issue(person, *codes, by="city_reviewer", **options): a voucher through the service."""

    def make(person, *codes, by="city_reviewer", **options):
        with act(by):
            return services.issue(person, occupations(*(codes or (WELDER,))), **options)

    return make


@pytest.fixture
def claim(act):
    def do(voucher):
        user = voucher.person.user
        with act(user):
            return services.claim(voucher, user)

    return do


@pytest.fixture
def honghu(orgs):
    return Institution.objects.get(organisation=orgs["inst_city"])


@pytest.fixture
def make_class(act, honghu):
    """A draft class of 鸿鹄 (welding, 五级 unless told), dated `start` (ten days ago)."""

    def make(occupation=WELDER, level="5", *, start=None, days=3):
        start = start or TODAY - timedelta(days=10)
        with act("institution"):
            return training.create_class(
                honghu, name="焊工（五级）培训券测试班",
                occupation=Occupation.objects.get(code=occupation),
                level=SkillLevel.objects.get(code=level),
                training_type=TrainingType.objects.get(code="employment_skills"),
                fund_channel=FundChannel.objects.order_by("code").first(),
                start_date=start, end_date=start + timedelta(days=days - 1),
                venue="鸿鹄实训楼", capacity=30, assessment_plan="理论＋实操",
            )  # fmt: skip

    return make


@pytest.fixture
def enrol(act):
    def do(training_class, person, voucher=None):
        with act("institution"):
            return training.enrol(training_class, person, voucher=voucher)

    return do


@pytest.fixture
def certificate(db):
    """certificate(person, occupation=WELDER, level="5", issued_on=…, status="valid")."""

    def make(person, occupation=WELDER, level="5", *, issued_on=None, **values):
        return Certificate.objects.create(
            person=person,
            kind=CertificateKind.SKILL_LEVEL,
            number=f"TEST-VOUCHER-{next(_serial):06d}",
            occupation=Occupation.objects.get(code=occupation),
            level=SkillLevel.objects.get(code=level) if level else None,
            issued_on=issued_on or TODAY - timedelta(days=2),
            issued_here=False,
            issuer_name="测试评价机构",
            **values,
        )

    return make


@pytest.fixture
def redeemed(holder, issue, claim, make_class, enrol):
    """A claimed voucher of holder n, redeemed at enrolment in a new class of 鸿鹄."""

    def make(n: int = 0, occupation=WELDER):
        person = holder(n)
        voucher = issue(person, occupation)
        claim(voucher)
        enrollment = enrol(make_class(occupation), person, voucher)
        voucher.refresh_from_db()
        return voucher, enrollment

    return make


@dataclass
class VoucherSpread:
    """Vouchers of several states, occupations and regions (see `voucher_spread`)."""

    issued: Voucher
    liangyuan: Voucher
    worker: Voucher
    redeemed: Voucher
    expired: Voucher
    voided: Voucher


@pytest.fixture
def voucher_spread(db, users, act) -> VoucherSpread:
    """Issued by the city's reviewer: a welding voucher of 虞城县; a carer's of 梁园区; one
    the demo worker (of 梁园区) claimed with their own login; one claimed at the counter in
    永城市 and redeemed at enrolment in an approved class of 鸿鹄; one issued 200 days ago and
    expired (the pack's 180 days); one voided."""
    worker = Person.objects.get(user=users["worker"])
    with act(None):
        if not worker.categories.filter(category__code="rural_migrant").exists():
            people.add_category(
                worker, "rural_migrant", valid_from=TODAY - timedelta(days=400), source="test"
            )
    # The worker holds one voucher, claimed: the demo's when the demo is loaded in this database.
    claimed = services.active_holding(worker, occupations(CARER))
    if claimed is None:
        claimed = VoucherFactory(person=worker, occupations=(CARER,))
        with act(users["worker"]):
            services.claim(claimed, users["worker"])
    redeemed = VoucherFactory(person=migrant("411481"))
    training_class = TrainingClassFactory(state="approved", start=TODAY + timedelta(days=10))
    with act("city_reviewer"):
        services.claim(redeemed, users["city_reviewer"])  # at the counter
    with act("institution"):
        training.enrol(training_class, redeemed.person, voucher=redeemed)
    expired = VoucherFactory(person=migrant("411481", since=500), on=TODAY - timedelta(days=200))
    with act(None):
        services.expire_due(TODAY)
    voided = VoucherFactory(occupations=(ELECTRICIAN,))
    with act("city_reviewer"):
        services.void(voided, "发放对象有误（测试）")
    vouchers = [claimed, redeemed, expired, voided]
    for voucher in vouchers:
        voucher.refresh_from_db()
    return VoucherSpread(
        issued=VoucherFactory(),
        liangyuan=VoucherFactory(person=migrant("411402"), occupations=(CARER,)),
        worker=claimed, redeemed=redeemed, expired=expired, voided=voided,
    )  # fmt: skip


def migrant(region: str, since: int = 400) -> Person:
    """A new 农村转移就业劳动者 of the region, of that category for `since` days."""
    return PersonFactory(
        bureau=region, categories=["rural_migrant"],
        category_since=TODAY - timedelta(days=since),
    )  # fmt: skip
