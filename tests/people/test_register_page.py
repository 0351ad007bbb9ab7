"""The registry's page to register one person (issue 14, "Registering a trainee"): the roster
import's checks and duplicate check, the bureau the person registers with, the categories with
their evidence, all saved or none; and the links that lead to it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from jineng.core import crypto
from jineng.core.models import AuditEntry, Organisation
from jineng.people import identity, services
from jineng.people.models import CategoryRecord, Person
from tests.factories import TrainingClassFactory

pytestmark = pytest.mark.django_db

URL = "/people/register/"


def id_number(body: str) -> str:
    """A valid 18-digit number from 17 digits (GB 11643: the check character computed)."""
    return body + identity.gb11643_check_character(body)


def form_data(bureau: Organisation, number: str, **changes) -> dict:
    data = {
        "bureau": bureau.pk,
        "name": "李 登记",
        "document_kind": "id_card",
        "id_number": number,
        "phone": "138 0037 0001",
        "categories-TOTAL_FORMS": "2",
        "categories-INITIAL_FORMS": "0",
        "categories-MIN_NUM_FORMS": "0",
        "categories-MAX_NUM_FORMS": "10",
        "categories-0-category": "rural_migrant",
        "categories-0-evidence": "户口簿 No.123",
        "categories-0-valid_from": (timezone.localdate() - timedelta(days=30)).isoformat(),
    }
    data.update(changes)
    return data


def category_pk(code: str) -> int:
    from jineng.catalog.models import PersonCategory

    return PersonCategory.objects.get(code=code).pk


@pytest.fixture
def liangyuan(orgs):
    return orgs["liangyuan"]


def post(client, data: dict):
    if data.get("categories-0-category"):
        data["categories-0-category"] = category_pk(data["categories-0-category"])
    return client.post(URL, data)


def test_the_counter_registers_a_person_with_a_category(login, liangyuan):
    number = id_number("41140219880506123")
    client = login("county_reviewer")
    response = post(client, form_data(liangyuan, number))
    person = Person.objects.get(id_number_hash=services.id_hash("id_card", number))
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    assert number not in response["Location"]
    # stored encrypted, hashed and masked, under the chosen bureau
    assert person.name == "李 登记" and person.organisation == liangyuan
    assert number.encode() not in bytes(person.id_number_cipher)
    assert crypto.decrypt(person.id_number_cipher, "id_number") == number
    assert person.id_number_masked == identity.mask_id(number)
    assert person.phone_masked and b"13800370001" not in bytes(person.phone_cipher)
    record = CategoryRecord.objects.get(person=person)
    assert record.category.code == "rural_migrant" and record.evidence == "户口簿 No.123"
    assert list(person.ledger.values_list("kind", flat=True).order_by("id")) == [
        "registered",
        "category",
    ]
    created = AuditEntry.objects.filter(action="create", object_id=str(person.pk))
    assert created.filter(actor_label="county_reviewer").exists()
    page = client.get(response["Location"]).content.decode()
    assert "已在梁园区" in page and "下一步" in page  # what happened and what comes next
    assert number not in page and person.id_number_masked in page


def test_an_institution_registers_its_trainee_with_the_bureau_above_it(login, orgs, users):
    institution = users["institution"].organisation
    bureau = institution.nearest_bureau()
    client = login("institution")
    page = client.get(URL).content.decode()
    assert f'value="{bureau.pk}"' in page and page.count("<option") >= 2  # bureau + categories
    number = id_number("41140219950817232")
    response = post(client, form_data(bureau, number, **{"categories-0-category": ""}))
    assert response.status_code == 302
    person = Person.objects.get(id_number_hash=services.id_hash("id_card", number))
    assert person.organisation == bureau and not person.categories.exists()
    assert AuditEntry.objects.filter(
        action="create", object_id=str(person.pk), actor_label="institution"
    ).exists()


def test_an_institution_cannot_register_with_another_bureau(login, users, orgs):
    own = users["institution"].organisation.nearest_bureau()
    other = orgs["yongcheng"] if own != orgs["yongcheng"] else orgs["liangyuan"]
    before = Person.objects.count()
    response = post(login("institution"), form_data(other, id_number("41140219950817233")))
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert Person.objects.count() == before


def test_a_county_reviewer_cannot_register_with_a_bureau_outside_the_county(login, orgs):
    before = Person.objects.count()
    number = id_number("41140219950817234")
    response = post(login("county_reviewer"), form_data(orgs["yongcheng"], number))
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert Person.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"id_number": "411402198805061230"}, "校验码错误"),  # 1230: the check character is 5
        ({"id_number": id_number("41140219880230123")}, "不存在"),  # 30 February
        ({"phone": "12345"}, "手机号码应为11位数字"),
        (
            {"categories-0-valid_from": (timezone.localdate() + timedelta(days=3)).isoformat()},
            "证明材料的日期晚于今天",
        ),
        ({"categories-0-category": "graduate"}, "毕业"),  # a graduate needs the year
        (  # 004 §二: a school leaver counts only in the year they left school
            {"categories-0-category": "school_leaver"},
            "应届初高中毕业生须填写毕业年份（离校的年份）。",
        ),
    ],
)
def test_bad_input_shows_the_form_again_in_chinese_and_saves_nothing(
    login, liangyuan, changes, expected
):
    assert identity.gb11643_check_character("41140219880506123") != "0"
    before = (Person.objects.count(), CategoryRecord.objects.count())
    number = id_number("41140219880506124")
    response = post(login("county_reviewer"), form_data(liangyuan, number, **changes))
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert 'id="register-form"' in response.content.decode()
    assert (Person.objects.count(), CategoryRecord.objects.count()) == before


def test_a_number_already_registered_names_where_and_links_the_person(login, liangyuan):
    existing = Person.objects.filter(organisation=liangyuan, source="demo").first()
    number = services.decrypt_id_number(existing)
    before = Person.objects.count()
    page = post(login("county_reviewer"), form_data(liangyuan, number)).content.decode()
    assert f"已在{liangyuan.name}登记（{existing.id_number_masked}）" in page
    assert f'href="/people/{existing.pk}/"' in page
    assert page.count(number) == 1  # only in the field, given back to be corrected
    assert Person.objects.count() == before


def test_a_duplicate_outside_the_scope_is_named_but_not_linked(login, users, orgs):
    own = users["institution"].organisation.nearest_bureau()
    existing = Person.objects.filter(source="demo").first()
    number = services.decrypt_id_number(existing)
    page = post(login("institution"), form_data(own, number)).content.decode()
    assert existing.id_number_masked in page and existing.organisation.name in page
    assert f'href="/people/{existing.pk}/"' not in page


@pytest.mark.parametrize("username", ["finance", "department", "evaluator", "worker"])
def test_a_role_without_the_capability_gets_403(login, liangyuan, username):
    client = login(username)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(liangyuan, id_number("41140219880506125"))).status_code == 403


def test_the_service_refuses_a_role_without_the_capability(act, liangyuan):
    with act("finance"), pytest.raises(PermissionDenied, match="您的角色不能登记人员"):
        services.register_person(
            name="王五", id_number=id_number("41140219880506126"), organisation=liangyuan
        )


def test_the_people_list_names_its_column_and_links_the_page(login):
    page = login("county_reviewer").get("/people/").content.decode()
    assert "<th>姓名</th>" in page and f'href="{URL}"' in page
    assert f'href="{URL}"' not in login("finance").get("/people/").content.decode()


def test_the_class_page_links_registration_and_its_own_roster_import(login):
    # A draft of 鸿鹄's, built here: it still takes trainees (the demo's classes are not loaded
    # on every worker).
    training_class = TrainingClassFactory(start=timezone.localdate() + timedelta(days=10))
    client = login("institution")
    page = client.get(f"/classes/{training_class.pk}/").content.decode()
    link = f"/imports/new/enrollments/?target={training_class.pk}"
    assert f'href="{link}"' in page and f'href="{URL}"' in page
    chosen = client.get(link).content.decode()
    assert f"文件将导入到培训班 {training_class.code}" in chosen
    assert "请打开该培训班页面" in client.get("/imports/new/enrollments/").content.decode()
    assert "请打开该培训班页面" in client.get(f"{link}0000").content.decode()  # not in scope


def test_the_voucher_page_that_says_register_first_links_the_page(login):
    page = login("county_reviewer").get("/vouchers/issue/").content.decode()
    assert f'href="{URL}"' in page
