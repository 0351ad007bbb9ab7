"""Factories (factory_boy) that build rows through the services, as the system.

A test asks for what it needs (`PersonFactory(bureau="411481", categories=["rural_migrant"])`)
instead of picking demo rows by position, so a change of the demo breaks no unrelated test.
Each factory draws its unique values (ID numbers, usernames, credit codes) from a sequence that
the demo never uses: demo people are born 1966-2005, factory people from 2006 on; demo
organisations carry the serial letters MJ, factory ones MF.
"""

from datetime import date, timedelta

import factory
from django.utils import timezone
from stdnum.cn import uscc

from jineng.catalog import services as catalog
from jineng.core import services as core_services
from jineng.core.demo import DEMO_PASSWORD
from jineng.core.models import Organisation, User
from jineng.core.roles import OrgKind, Role
from jineng.institutions import services as institutions
from jineng.institutions.models import Institution, InstitutionState, InstitutionType
from jineng.people import services as people
from jineng.people.identity import gb11643_check_character
from jineng.people.models import Person
from tests.actors import act

FIRST_BIRTH_DATE = date(2006, 1, 1)  # after every demo person's (1966 + 40 years)
CHINESE_DIGITS = "〇一二三四五六七八九"


def id_number(region: str, n: int, born: date | None = None) -> str:
    """A valid GB 11643 number, the n-th of the factories: a thousand people per birth day."""
    born = born or FIRST_BIRTH_DATE + timedelta(days=n // 1000)
    body = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    return body + gb11643_check_character(body)


def credit_code(region: str, n: int, authority: str = "52") -> str:
    """A valid 统一社会信用代码 of the factories (serial letters MF, never the demo's MJ)."""
    body = f"{authority}{region}MF{n:07d}"
    return body + uscc.calc_check_digit(body)


def bureau(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


class ServiceFactory(factory.Factory):
    """Creates through `create(**values)`, a service call, inside a system context."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with act(None):
            return cls.create_through_service(**kwargs)


class PersonFactory(ServiceFactory):
    """A person registered by real name with a bureau (梁园区 unless told), through
    people.services.register_person; `categories` are added as valid since `category_since`."""

    class Meta:
        model = Person

    class Params:
        bureau = "411402"
        born = None  # a birth date before 1966 (no demo person's) when the test needs one

    organisation = factory.LazyAttribute(lambda o: bureau(o.bureau))
    id_number = factory.LazyAttributeSequence(
        lambda o, n: id_number(o.bureau if len(o.bureau) == 6 else "411400", n, o.born)
    )
    name = factory.Sequence(lambda n: "测试" + "".join(CHINESE_DIGITS[int(d)] for d in str(n)))
    phone = factory.Sequence(lambda n: f"199{n:08d}")
    source = "test"
    categories = ()
    category_since = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))

    @classmethod
    def create_through_service(cls, *, categories, category_since, **values) -> Person:
        person = people.register_person(**values)
        for code in categories:
            people.add_category(person, code, valid_from=category_since, source="test")
        return person


class OrganisationFactory(ServiceFactory):
    """An organisation under a parent bureau (商丘 unless told): an institution unless told,
    with a valid credit code; through core.services.create_organisation."""

    class Meta:
        model = Organisation

    class Params:
        parent_code = "411400"

    kind = OrgKind.INSTITUTION
    name = factory.Sequence(lambda n: f"测试职业培训学校{n}")
    code = factory.Sequence(lambda n: credit_code("411400", n))
    parent = factory.LazyAttribute(lambda o: bureau(o.parent_code))
    region_code = factory.LazyAttribute(lambda o: o.parent.region_code)

    @classmethod
    def create_through_service(cls, **values) -> Organisation:
        return core_services.create_organisation(**values)


class UserFactory(ServiceFactory):
    """A user of an organisation (商丘's bureau unless told) with roles; the demo password."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"factory_user{n}")
    password = DEMO_PASSWORD
    organisation = factory.LazyFunction(lambda: bureau("411400"))
    roles = factory.LazyFunction(lambda: [Role.REVIEWER])
    full_name = factory.LazyAttribute(lambda o: o.username)

    @classmethod
    def create_through_service(cls, **values) -> User:
        return core_services.create_user(**values)


class InstitutionFactory(ServiceFactory):
    """A designated training institution of this year for (occupation, level) pairs (焊工 五级
    unless told), through institutions.services: registered, designated, then each designation."""

    class Meta:
        model = Institution

    organisation = factory.SubFactory(OrganisationFactory)
    type = InstitutionType.PRIVATE_SCHOOL
    capacity = 100
    designations = (("6-18-02-04", "5"),)

    @classmethod
    def create_through_service(cls, *, designations, **values) -> Institution:
        institution = institutions.register_institution(**values)
        if designations:
            year = timezone.localdate().year
            institutions.change_state(
                institution, InstitutionState.DESIGNATED, reason="测试定点", document="测试文号"
            )
            for occupation, level in designations:
                institutions.designate(
                    institution,
                    catalog.occupation_by_code(occupation),
                    catalog.level_by_code(level),
                    valid_from=date(year, 1, 1),
                    valid_to=date(year, 12, 31),
                )
        institution.refresh_from_db()
        return institution
