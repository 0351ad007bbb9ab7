"""Evaluation organisations: filed occupations and levels, the yearly public list (004 §四(四)),
examiners and quality supervisors with their credit file (003 §五16), and the data scope."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jineng.catalog.models import Occupation, SkillLevel
from jineng.core import audit
from jineng.institutions import services
from jineng.institutions.models import EvaluationOrg

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def org(name: str) -> EvaluationOrg:
    return EvaluationOrg.objects.get(organisation__name=name)


def test_listed_organisations_appear_in_the_public_directory(client):
    body = client.get("/directory/").content.decode()
    assert 'id="evaluation-orgs"' in body and "商丘市职业技能等级认定评价中心" in body


def test_a_filing_needs_a_level_the_occupation_has():
    centre = org("商丘市职业技能等级认定评价中心")
    with (
        audit.system_context("test"),
        pytest.raises(
            ValidationError, match="家政服务员 没有 一级/高级技师 这一评价等级"
        ) as refused,
    ):
        services.file_occupation(
            centre, Occupation.objects.get(code="4-10-01-06"), SkillLevel.objects.get(code="1")
        )
    assert "level" in refused.value.message_dict


def test_only_the_bureau_lists_and_writes_credit_files(users):
    centre = org("商丘市职业技能等级认定评价中心")
    examiner = centre.examiners.first()
    with audit.audit_context(actor=users["evaluator"]):
        with pytest.raises(
            PermissionDenied, match="只有人社部门可以公布评价机构名单、记录考评员诚信档案"
        ):
            services.list_for_year(centre, year=YEAR + 1, published_on=date(YEAR + 1, 5, 20))
        with pytest.raises(
            PermissionDenied, match="只有人社部门可以公布评价机构名单、记录考评员诚信档案"
        ):
            services.add_credit_event(
                examiner, kind="commendation", description="x", at=date(YEAR, 1, 1)
            )


def test_credit_file_shows_on_the_organisations_page(login):
    station = org("永城市煤化工企业技能评价站")
    body = login("city_reviewer").get(f"/evaluation-orgs/{station.pk}/").content.decode()
    assert "考评记录填写不完整" in body


def test_an_organisation_sees_only_itself(login):
    centre, station = org("商丘市职业技能等级认定评价中心"), org("永城市煤化工企业技能评价站")
    client = login("evaluator")  # staff of the centre
    assert client.get(f"/evaluation-orgs/{centre.pk}/").status_code == 200
    assert client.get(f"/evaluation-orgs/{station.pk}/").status_code == 404


def test_only_the_bureau_registers_organisations_and_their_filings(users):
    """备案 is the bureau's: the organisation itself does not file its own occupations."""
    centre = org("商丘市职业技能等级认定评价中心")
    with (
        audit.audit_context(actor=users["evaluator"]),
        pytest.raises(PermissionDenied, match="只有人社部门可以登记评价机构"),
    ):
        services.file_occupation(
            centre, Occupation.objects.get(code="6-18-02-04"), SkillLevel.objects.get(code="5")
        )
