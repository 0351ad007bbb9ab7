"""Entry levels of evaluation bookings, 002 §四(二)1: 中等职业学校毕业生可直接参加中级工评价，
高等职业学校、本科院校应用型专业毕业生可参加高级工评价 - everyone else climbs the pack's ladder
(五级/初级工 without a certificate, then one level above the certificate of the occupation
held). A booking at a level above what a trainee may take is refused, naming the trainee, the
highest level they may take and why, in the service, on the booking form and in the API."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jineng.catalog import services as catalog
from jineng.catalog.models import Occupation, SkillLevel
from jineng.certificates import services as certificates
from jineng.certificates.models import CertificateKind
from jineng.evaluation import services
from jineng.evaluation.models import EvaluationBooking
from jineng.institutions import services as institutions
from jineng.people import services as people
from tests.actors import act
from tests.buttons import blocked, reason_in_chinese
from tests.factories import CertificateFactory, PersonFactory

pytestmark = pytest.mark.django_db
WELDER = "6-18-02-04"
GRADUATED = date(2024, 6, 30)


def graduate(person, kind: str, *, school="商丘市第一中等职业学校"):
    with act("city_reviewer"):
        people.add_education(
            person, school_kind=kind, school=school, major="焊接技术应用",
            graduated_on=GRADUATED, evidence="毕业证书 编号0001",
        )  # fmt: skip


def recorded_five(person, number: str, *, occupation=WELDER):
    """A 焊工 五级 职业资格证书 of 2019, obtained elsewhere and recorded."""
    with act("city_reviewer"):
        return certificates.record_external(
            person, kind=CertificateKind.QUALIFICATION, number=number,
            occupation=Occupation.objects.get(code=occupation),
            level=SkillLevel.objects.get(code="5"), issued_on=date(2019, 6, 28),
            issuer_name="河南省职业技能鉴定指导中心（测试）",
        )  # fmt: skip


@pytest.fixture
def welding_three(institution):
    """鸿鹄 designated for welding 三级 this year too (its classes of 三级 open)."""
    year = timezone.localdate().year
    with act("city_reviewer"):
        institutions.designate(
            institution, catalog.occupation_by_code(WELDER), catalog.level_by_code("3"),
            valid_from=date(year, 1, 1), valid_to=date(year, 12, 31),
        )  # fmt: skip


def messages_of(problem) -> str:
    return " ".join(problem.value.messages)


def test_a_level_4_booking_is_refused_for_a_trainee_without_the_level_below_002_section_4_2_1(
    act, completed_class, centre
):
    """四级 needs the 五级 certificate of welding (the ladder) or a 中职 graduation (002
    §四(二)1): the trainee with neither is named with the highest level they may take and why;
    the others pass; nothing is stored. Once they hold a 五级 certificate the class is booked."""
    bare, certified, schooled = PersonFactory.create_batch(3, categories=["rural_migrant"])
    recorded_five(certified, "TESTEL0000000001")
    graduate(schooled, "secondary_vocational")
    training_class = completed_class(level="4", persons=[bare, certified, schooled])
    day = training_class.end_date + timedelta(days=1)
    with act("institution"), pytest.raises(ValidationError, match="尚不能申报") as refused:
        services.book(training_class, centre, day)
    text = messages_of(refused)
    assert bare.name in text and bare.id_number_masked in text
    assert "未持有本职业（工种）职业资格证书或职业技能等级证书，从五级/初级工起申报" in text
    assert "最高可申报五级/初级工评价，不能申报四级/中级工" in text
    assert certified.name not in text and schooled.name not in text
    assert "实名登记页登记" in text  # what to do about it
    assert not EvaluationBooking.objects.filter(training_class=training_class).exists()
    CertificateFactory(person=bare, level="5", days_ago=200)
    with act("institution"):
        booking = services.book(training_class, centre, day)
    assert booking.pk


def test_the_refusal_reads_in_english_too(act, completed_class, centre):
    training_class = completed_class(level="4", people=1)
    with (
        translation.override("en"),
        act("institution"),
        pytest.raises(ValidationError, match="may take at most the level 5") as refused,
    ):
        services.book(training_class, centre, training_class.end_date + timedelta(days=1))
    assert "Not every trainee may take the" in messages_of(refused)


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        ("higher_vocational", True),
        ("undergraduate_applied", True),
        ("senior_technical_school", True),  # 技师学院 read as 高职 (002 §四(二)3), assumed
        ("secondary_vocational", False),  # 中级工 only
        ("undergraduate", False),  # 本科 other than 应用型: the ladder
    ],
)
def test_graduates_of_a_college_may_go_straight_to_level_3_002_section_4_2_1(
    act, completed_class, station, welding_three, kind, allowed
):
    """002 §四(二)1: 高等职业学校、本科院校应用型专业毕业生可参加高级工评价 - with no certificate;
    a 中职 graduate may take 四级, not 三级."""
    person = PersonFactory(categories=["rural_migrant"])
    graduate(person, kind, school="商丘职业技术学院")
    training_class = completed_class(level="3", persons=[person])
    day = training_class.end_date + timedelta(days=1)
    if allowed:
        with act("institution"):
            assert services.book(training_class, station, day).pk
        return
    with act("institution"), pytest.raises(ValidationError, match="不能申报三级/高级工") as refused:
        services.book(training_class, station, day)
    expected = "四级/中级工" if kind == "secondary_vocational" else "五级/初级工"
    assert f"最高可申报{expected}评价" in messages_of(refused)


def test_a_revoked_or_another_occupations_certificate_does_not_count(act, completed_class, centre):
    """The ladder counts the valid certificates of the class's occupation only."""
    revoked, electrician = PersonFactory.create_batch(2, categories=["rural_migrant"])
    certificate = recorded_five(revoked, "TESTEL0000000002")
    with act("city_reviewer"):
        certificates.revoke(certificate, "经核查，证书系他人代考取得。")
    recorded_five(electrician, "TESTEL0000000003", occupation="6-31-01-03")
    training_class = completed_class(level="4", persons=[revoked, electrician])
    with act("institution"), pytest.raises(ValidationError) as refused:
        services.book(training_class, centre, training_class.end_date + timedelta(days=1))
    text = messages_of(refused)
    assert revoked.name in text and electrician.name in text


def test_a_four_holder_may_take_three(act, completed_class, station, welding_three):
    person = PersonFactory(categories=["rural_migrant"])
    CertificateFactory(person=person, level="4", days_ago=300)
    training_class = completed_class(level="3", persons=[person])
    with act("institution"):
        services.book(training_class, station, training_class.end_date + timedelta(days=1))


def test_the_organisation_does_not_accept_once_a_basis_is_gone(act, login, completed_class, centre):
    """002 §四(二)1 when the organisation accepts: the 五级 certificate a trainee was booked on
    has been revoked since, so the accept button is disabled with the reason and accept()
    refuses; the booking stays requested."""
    person = PersonFactory(categories=["rural_migrant"])
    certificate = recorded_five(person, "TESTEL0000000005")
    training_class = completed_class(level="4", persons=[person])
    with act("institution"):
        booking = services.book(training_class, centre, training_class.end_date + timedelta(days=1))
    with act("city_reviewer"):
        certificates.revoke(certificate, "经核查，证书系他人代考取得。")
    page = login("evaluator").get(reverse("evaluation:detail", args=[booking.pk])).content.decode()
    blocked(page, "action-accept", reason_in_chinese(services.accept_entry_readiness(booking)))
    with act("evaluator"), pytest.raises(ValidationError, match="最高可申报五级/初级工评价"):
        services.accept(booking)
    booking.refresh_from_db()
    assert booking.state == "requested"


# --- the booking form -------------------------------------------------------------------------


def test_the_booking_form_shows_each_trainees_entry_level_and_blocks_the_button(
    login, completed_class, centre, act
):
    """002 §四(二)1 on the page: each trainee with the highest level they may take and why; a
    trainee above it marked, and the book button disabled with the service's reason; a post
    anyway is refused with it."""
    bare, schooled = PersonFactory.create_batch(2, categories=["rural_migrant"])
    graduate(schooled, "technical_school")
    training_class = completed_class(level="4", persons=[bare, schooled])
    client = login("institution")
    url = reverse("evaluation:book", args=[training_class.pk])
    html = client.get(url).content.decode()
    assert 'id="entry-levels"' in html
    assert html.count('data-entry="refused"') == 1 and html.count('data-entry="ok"') == 1
    assert "技工学校（中级工班）毕业生" in html  # why the graduate may take 四级
    ready = services.entry_readiness(
        training_class, training_class.end_date + timedelta(days=1),
        services.deadline_for(training_class).pack,
    )  # fmt: skip
    blocked(html, "book", reason_in_chinese(ready))
    assert "尚不能申报四级/中级工评价" in html
    answer = client.post(
        url,
        {"evaluation_org": centre.pk,
         "planned_date": str(training_class.end_date + timedelta(days=1))},
    )  # fmt: skip
    assert answer.status_code == 200
    assert bare.name in answer.content.decode() and "alert-danger" in answer.content.decode()
    assert not EvaluationBooking.objects.filter(training_class=training_class).exists()


def test_the_booking_form_of_an_entitled_class_books(login, completed_class, centre):
    person = PersonFactory(categories=["rural_migrant"])
    recorded_five(person, "TESTEL0000000004")
    training_class = completed_class(level="4", persons=[person])
    client = login("institution")
    url = reverse("evaluation:book", args=[training_class.pk])
    html = client.get(url).content.decode()
    assert 'data-entry="ok"' in html and 'id="book" type="submit"' not in html
    assert '<button class="btn btn-primary" type="submit" id="book">' in html
    assert "TESTEL0000000004" in html  # the certificate it stands on
    answer = client.post(
        url,
        {"evaluation_org": centre.pk,
         "planned_date": str(training_class.end_date + timedelta(days=1))},
    )  # fmt: skip
    assert answer.status_code == 302


# --- the API ----------------------------------------------------------------------------------


def test_the_api_refuses_a_booking_above_a_trainees_entry_level_002_section_4_2_1(
    users, completed_class, centre
):
    person = PersonFactory(categories=["rural_migrant"])
    training_class = completed_class(level="4", persons=[person])
    client = Client()
    client.force_login(users["institution"])
    body = {"training_class": training_class.pk, "evaluation_org": centre.pk,
            "planned_date": str(training_class.end_date + timedelta(days=1))}  # fmt: skip
    response = client.post("/api/v1/evaluations/", json.dumps(body),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    text = " ".join(response.json()["detail"])
    assert person.name in text and "最高可申报五级/初级工评价" in text
    assert not EvaluationBooking.objects.filter(training_class=training_class).exists()
