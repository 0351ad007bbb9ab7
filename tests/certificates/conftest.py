"""Certificates issued through the services to demo people, as demo users."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jineng.catalog.models import Occupation, SkillLevel
from jineng.certificates import services
from jineng.certificates.models import CertificateKind
from jineng.institutions.models import EvaluationOrg
from tests.factories import PersonFactory


@pytest.fixture
def centre(orgs):
    """商丘市职业技能等级认定评价中心 (social; its codes come from the certificates demo)."""
    return EvaluationOrg.objects.select_related("organisation").get(organisation=orgs["eval_city"])


@pytest.fixture
def station(orgs):
    """永城市煤化工企业技能评价站 (an employer)."""
    return EvaluationOrg.objects.select_related("organisation").get(
        organisation=orgs["eval_yongcheng"]
    )


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
