"""A worker's own registration (实名制, 002 §四(五)): the registry's identity and phone checks,
the phone confirmed by a one-time code texted through core.sms — hashed at rest, expiring,
limited in tries and in rate per phone and per address — and a person already in the
registry linked, never registered twice."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from jineng.core import sms
from jineng.core.models import PhoneCode
from jineng.core.roles import Role
from jineng.offers import services
from jineng.people.models import Person
from tests.factories import PersonFactory, id_number

PHONE = "13912345678"
IP = "192.0.2.7"


@pytest.fixture(autouse=True)
def empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def texted_code(phone: str = PHONE) -> str:
    message = [m for m in sms.outbox if m.phone == phone][-1]
    return re.search(r"\d{6}", message.text).group(0)


def new_id(n: int) -> str:
    return id_number("411402", 900_000 + n, date(1990, 5, 1))


def register(code: str, *, number: str, name="王小明", phone=PHONE, username="wangxm"):
    return services.register_worker(
        name=name, document_kind="id_card", id_number=number, phone=phone, code=code,
        username=username, password="Worker@2026x",
    )  # fmt: skip


@pytest.mark.django_db
def test_the_code_opens_a_worker_account_and_is_kept_only_as_a_hash():
    services.request_code(PHONE, IP)
    code = texted_code()
    stored = PhoneCode.objects.get()
    assert code not in stored.code_hash and PHONE not in stored.phone_hash
    user = register(code, number=new_id(1))
    assert user.role_set == {Role.WORKER}
    person = Person.objects.get(user=user)
    assert person.name == "王小明" and person.phone_masked == "139****5678"
    stored.refresh_from_db()
    assert stored.used
    with pytest.raises(ValidationError, match="expired|过期"):
        register(code, number=new_id(2), username="again")  # used once only


@pytest.mark.django_db
@override_settings(PHONE_CODE_SECONDS=300)
def test_the_code_expires():
    services.request_code(PHONE, IP)
    code = texted_code()
    later = time_machine.travel(timezone.now() + timedelta(seconds=301))
    with later, pytest.raises(ValidationError, match="expired|过期"):
        register(code, number=new_id(3))
    assert not Person.objects.filter(name="王小明").exists()


@pytest.mark.django_db
@override_settings(PHONE_CODE_TRIES=5)
def test_five_wrong_codes_end_the_code():
    services.request_code(PHONE, IP)
    code = texted_code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError, match=f"{left}"):
            register(wrong, number=new_id(4))
    with pytest.raises(ValidationError, match="Too many|错误次数过多"):
        register(wrong, number=new_id(4))
    with pytest.raises(ValidationError, match="Too many|错误次数过多"):
        register(code, number=new_id(4))  # the right code no longer opens it
    assert PhoneCode.objects.get().tries == 5


@pytest.mark.django_db
@override_settings(PHONE_CODES_PER_PHONE=3, PHONE_CODES_PER_ADDRESS=4)
def test_codes_are_limited_per_phone_and_per_address_each_hour():
    for _ in range(3):
        services.request_code(PHONE, IP)
    with pytest.raises(ValidationError, match="this phone|此手机"):
        services.request_code(PHONE, "192.0.2.99")
    services.request_code("13912345679", IP)
    with pytest.raises(ValidationError, match="this address|此地址"):
        services.request_code("13912345670", IP)
    assert len(sms.outbox) == 4
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        services.request_code(PHONE, IP)  # an hour later, again


@pytest.mark.django_db
def test_a_person_already_in_the_registry_is_linked_not_duplicated():
    person = PersonFactory(name="李四", phone=PHONE)
    number = services.people.decrypt_id_number(person)
    services.request_code(PHONE, IP)
    user = register(texted_code(), number=number, name="李四", username="lisi")
    person.refresh_from_db()
    assert person.user == user
    assert Person.objects.filter(id_number_hash=person.id_number_hash).count() == 1


@pytest.mark.django_db
def test_someone_else_s_id_number_with_another_phone_is_refused():
    person = PersonFactory(name="李四", phone="13700000000")
    number = services.people.decrypt_id_number(person)
    services.request_code(PHONE, IP)
    with pytest.raises(ValidationError, match="another name or phone|其他姓名或手机"):
        register(texted_code(), number=number, name="李四", username="lisi")
    person.refresh_from_db()
    assert person.user is None


@pytest.mark.django_db
def test_a_wrong_id_number_gets_the_registry_s_message():
    services.request_code(PHONE, IP)
    with pytest.raises(ValidationError) as refused:
        register(texted_code(), number="411402199005010000")
    assert "id_number" in refused.value.message_dict
