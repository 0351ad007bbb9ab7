"""Certificates issued through the services to demo people, as demo users."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from jineng.catalog.models import Occupation, SkillLevel
from jineng.certificates import demo as certificates_demo
from jineng.certificates import services
from jineng.certificates.models import CertificateKind
from jineng.institutions.models import EvaluationOrg
from jineng.people.models import Person
from tests.factories import PersonFactory, with_numbering_codes


@pytest.fixture
def centre(orgs):
    """商丘市职业技能等级认定评价中心 (social), with the certificates demo's numbering codes."""
    centre = EvaluationOrg.objects.select_related("organisation")
    return with_numbering_codes(centre.get(organisation=orgs["eval_city"]))


@pytest.fixture
def station(orgs):
    """永城市煤化工企业技能评价站 (an employer), with its numbering codes."""
    station = EvaluationOrg.objects.select_related("organisation")
    return with_numbering_codes(station.get(organisation=orgs["eval_yongcheng"]))


@pytest.fixture
def yongcheng_person(db):
    """A person of 永城市 registered for the test: outside 梁园区's scope."""
    return PersonFactory(bureau="411481")


@pytest.fixture
def issue(act, centre, yongcheng_person):
    """issue(person=None, level="4", kind="skill_level", org=centre, days_ago=10, occupation=...)"""

    def do(person=None, *, level="4", kind=CertificateKind.SKILL_LEVEL, org=None, days_ago=10,
           occupation="6-18-02-04", as_user="evaluator", **extra):  # fmt: skip
        with act(as_user):
            return services.issue(
                person or yongcheng_person,
                kind=kind,
                occupation=Occupation.objects.get(code=occupation),
                level=SkillLevel.objects.get(code=level) if level else None,
                evaluation_org=centre if org is None else org,
                issued_on=timezone.localdate() - timedelta(days=days_ago),
                **extra,
            )

    return do


@pytest.fixture
def worker_certificates(act, issue, users):
    """The demo worker's certificates, like those the certificates demo gives them (other
    occupations and numbers, so the two can meet on the demo's worker): a 专项职业能力证书 issued
    here by the centre and a 职业资格证书 of 2019 obtained elsewhere (recorded)."""
    worker = Person.objects.get(user=users["worker"])
    issued = issue(worker, kind=CertificateKind.SPECIAL_ABILITY, level=None,
                   occupation="4-03-02-03", days_ago=45)  # fmt: skip
    with act("city_reviewer"):
        external = services.record_external(
            worker, kind=CertificateKind.QUALIFICATION, number="1941140003000456",
            occupation=Occupation.objects.get(code="6-18-02-04"),
            level=SkillLevel.objects.get(code="5"), issued_on=date(2019, 6, 28),
            issuer_name=certificates_demo.EXTERNAL_ISSUER,
        )  # fmt: skip
    return issued, external
