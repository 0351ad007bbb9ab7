"""Registry rules: the six categories come from the policy pack (004 §二), a graduate counts
only in the graduation year (004 §二), employment within the window after training (004 §四(五)),
and updating an existing person is explicit."""

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from jineng.core import audit
from jineng.core.imports import ImportOptions, run_import
from jineng.core.models import Organisation
from jineng.people import selectors, services
from jineng.people.imports import ROSTER
from jineng.people.models import Person
from jineng.policy.pack import load_pack
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
POLICIES = Path(__file__).parents[2] / "policies"


@pytest.fixture
def person():
    """Born before 2000, so that the number has a 15-digit form (GB 11643-1989)."""
    return PersonFactory(bureau="411402", born=date(1965, 5, 4))


def test_six_categories_are_the_packs_list(person):
    """004 §二: 六类人员 is the pack's list; 企业职工 is eligible but not one of the six."""
    hebei = load_pack(POLICIES / "hebei-2024.toml")
    with audit.system_context("test"):
        services.add_category(person, "rural_migrant", valid_from=date(2024, 1, 1))
        services.add_category(person, "enterprise_employee", valid_from=date(2024, 1, 1))
    on = date(2024, 6, 1)
    assert {"rural_migrant", "enterprise_employee"} <= selectors.categories_on(person, on)
    assert "enterprise_employee" not in selectors.six_categories_on(person, hebei, on)
    assert "rural_migrant" in selectors.six_categories_on(person, hebei, on)


def test_a_graduate_counts_only_in_the_graduation_year(person):
    """004 §二: 毕业年度高校毕业生."""
    with audit.system_context("test"):
        record = services.add_category(
            person, "graduate", valid_from=date(2020, 3, 1), graduation_year=2025
        )
        with pytest.raises(ValidationError, match="高校毕业生须填写毕业年份") as refused:
            services.add_category(person, "graduate", valid_from=date(2025, 1, 1))
        assert "graduation_year" in refused.value.message_dict
    assert (record.valid_from, record.valid_to) == (date(2025, 1, 1), date(2025, 12, 31))
    assert record.is_valid_on(date(2025, 7, 1)) and not record.is_valid_on(date(2026, 1, 1))


def test_employment_within_three_months_after_training(person):
    """004 §四(五): employed within 3 months after training raises the rate."""
    with audit.system_context("test"):
        services.add_employment(
            person,
            employer_uscc="91411400MA0000001R",
            start=date(2024, 9, 20),
            insured_months=6,
            employer_name="商丘市某公司",
        )
    assert services.employed_within(person, date(2024, 7, 1), 3) is not None  # day 81
    assert services.employed_within(person, date(2024, 6, 1), 3) is None  # day 111


def test_a_bad_employer_code_is_refused(person):
    with audit.system_context("test"), pytest.raises(ValidationError) as refused:
        services.add_employment(person, employer_uscc="91411400MA0000001X", start=date(2024, 1, 1))
    assert "employer_uscc" in refused.value.message_dict


def roster_csv(rows: list[tuple[str, str, str]]) -> bytes:
    return ("姓名,身份证号码,手机号码\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)).encode()


def test_updating_an_existing_person_is_explicit(person):
    number = services.decrypt_id_number(person)
    data = roster_csv([("新名字", number, "13912345678")])
    organisation = Organisation.objects.get(code="411402")
    with audit.system_context("test"):
        refused = run_import(
            ROSTER, data, "r.csv", options=ImportOptions(context={"organisation": organisation})
        )
        assert refused.rejected_total == 1 and Person.objects.get(pk=person.pk).name == person.name
        updated = run_import(
            ROSTER,
            data,
            "r.csv",
            options=ImportOptions(update=True, context={"organisation": organisation}),
        )
    assert updated.counts["updated"] == 1
    changed = Person.objects.get(pk=person.pk)
    assert changed.name == "新名字" and changed.phone_masked == "139****5678"


def test_a_15_digit_number_is_the_same_person_as_its_18_digit_form(person):
    number = services.decrypt_id_number(person)
    fifteen = number[:6] + number[8:17]
    assert services.find_by_id_number(fifteen) == person


def test_employment_import_reaches_only_the_bureaus_own_people():
    elsewhere = PersonFactory(bureau="411481")
    number = services.decrypt_id_number(elsewhere)
    data = (
        f"身份证号码,统一社会信用代码,开始日期\n{number},91411400MA0000001R,2024-09-20\n".encode()
    )
    from jineng.people.imports import EMPLOYMENT

    liangyuan = Organisation.objects.get(code="411402")
    with audit.system_context("test"):
        report = run_import(
            EMPLOYMENT, data, "e.csv", options=ImportOptions(context={"organisation": liangyuan})
        )
    assert report.rejected_total == 1 and not elsewhere.employment.filter(start=date(2024, 9, 20))


def test_typed_birth_date_and_sex_are_checked_and_documents_named_in_either_language():
    """The birth date and sex typed beside a number must agree with the number (GB 11643)."""
    number = "41140219900307123"
    number += services.identity.gb11643_check_character(number)
    rows = (
        "姓名,身份证号码,出生日期,性别,证件类型\n"
        f"甲,{number},1990/3/8,男,居民身份证\n"  # the number says 1990-03-07
        f"乙,{number},1990-03-07,女,居民身份证\n"  # sequence 123: odd, male
        f"丙,{number},1990年3月7日,男,Resident identity card\n"
        "丁,E12345678,,,护照\n"
    ).encode()
    with audit.system_context("test"):
        report = run_import(
            ROSTER,
            rows,
            "r.csv",
            options=ImportOptions(
                context={"organisation": Organisation.objects.get(code="411402")}
            ),
        )
    assert {(r.row, r.column) for r in report.rejected} == {(2, "出生日期"), (3, "性别")}
    assert report.counts["created"] == 2
    assert Person.objects.get(name="丁").document_kind == "passport"
