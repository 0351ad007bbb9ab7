"""The certificate list's page and API run one selector with one FilterSet
(certificates.selectors, certificates.filters): same parameters, same certificates."""

from datetime import date

import pytest

from jineng.catalog.models import Occupation, SkillLevel
from jineng.certificates import services
from jineng.certificates.models import CertificateKind
from tests.factories import CertificateFactory, PersonFactory, TrainingClassFactory
from tests.filters import assert_refused_cleanly, assert_same_rows

pytestmark = pytest.mark.django_db

PAGE, API = "/certificates/", "/api/v1/certificates/"
CASES = [
    {},
    {"kind": "skill_level"},
    {"status": "valid"},
    {"status": "revoked"},
    {"q": "焊"},
    {"issued_here": "true"},
]


@pytest.fixture
def certificates(act):
    """Certificates every viewer has in scope: people of 梁园区 (the county reviewer's) who
    trained at 鸿鹄 (the institution's), issued by the centre (the evaluator's) - a welding skill
    level certificate, a revoked one - and a qualification obtained elsewhere (recorded)."""
    training_class = TrainingClassFactory(state="completed", people=3)
    holders = [e.person for e in training_class.enrollments.order_by("id")]
    issued = [
        CertificateFactory(person=person, level="5", training_class=training_class)
        for person in holders[:2]
    ]
    with act("city_reviewer"):
        services.revoke(issued[1], "替考，撤销")
        services.record_external(
            PersonFactory(), kind=CertificateKind.QUALIFICATION, number="1941140003008888",
            occupation=Occupation.objects.get(code="6-31-01-03"),
            level=SkillLevel.objects.get(code="5"), issued_on=date(2019, 6, 28),
            issuer_name="河南省职业技能鉴定指导中心",
        )  # fmt: skip
    return issued


@pytest.mark.usefixtures("certificates")
@pytest.mark.parametrize(
    "username", ["admin", "city_reviewer", "county_reviewer", "institution", "evaluator"]
)
def test_certificate_page_and_api_list_the_same_certificates(login, username):
    assert assert_same_rows(login, username, PAGE, API, CASES) >= 2


@pytest.mark.parametrize("params", [{"status": "nonsense"}, {"kind": "x"}])
def test_certificate_list_malformed_filter_is_refused_cleanly(login, params):
    assert_refused_cleanly(login, "city_reviewer", PAGE, API, params)
