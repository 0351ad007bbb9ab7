"""Tampered values posted to the institution pages (a non-numeric id, an absurd number, an
impossible date, an unknown choice): a message on the page, never a server error, and nothing
changed."""

import pytest

from jineng.catalog.models import Occupation, SkillLevel
from jineng.institutions.models import (
    Designation,
    DesignationRequest,
    EvaluationOrg,
    Inspection,
    Institution,
)
from tests.tampered import ABSURD, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return Institution.objects.get(organisation__name="商丘市鸿鹄职业技能培训学校")


def test_tampered_designations_and_state_changes_are_refused(login, school):
    client = login("city_reviewer")
    level = SkillLevel.objects.get(code="5")
    designations = Designation.objects.filter(institution=school).count()
    for value in ABSURD:
        values = {"occupation": value, "level": level.pk, "valid_from": value,
                  "valid_to": "2026-12-31"}  # fmt: skip
        response = client.post(f"/institutions/{school.pk}/designations/", values, follow=True)
        refused(response, "Choose an occupation, a level and both dates.")
        response = client.post(
            f"/institutions/{school.pk}/state/", {"state": value, "reason": "x"}, follow=True
        )
        refused(response, "Choose the new state.")
    response = client.post(
        f"/institutions/{school.pk}/state/", {"state": "suspended", "reason": "x" * 301},
        follow=True,
    )  # fmt: skip
    refused(response)
    school.refresh_from_db()
    assert school.state == "designated"
    assert Designation.objects.filter(institution=school).count() == designations


def test_a_tampered_profile_or_request_is_refused(login, school):
    client = login("institution")
    before = (school.licence, school.address, school.capacity)
    for capacity in ABSURD:
        response = client.post(
            f"/institutions/{school.pk}/profile/", {"capacity": capacity, "licence": "x"},
            follow=True,
        )  # fmt: skip
        refused(response)
    refused(
        client.post(
            f"/institutions/{school.pk}/profile/", {"capacity": "1", "address": "x" * 201},
            follow=True,
        )
    )  # fmt: skip
    school.refresh_from_db()
    assert (school.licence, school.address, school.capacity) == before
    requests = DesignationRequest.objects.count()
    for value in ABSURD:
        response = client.post(
            f"/institutions/{school.pk}/requests/", {"occupation": value, "level": value},
            follow=True,
        )  # fmt: skip
        refused(response, "Choose an occupation, a level and both dates.")
    assert DesignationRequest.objects.count() == requests


def test_a_tampered_answer_or_inspection_is_refused(login, school):
    login("institution").post(
        f"/institutions/{school.pk}/requests/",
        {"occupation": Occupation.objects.get(code="4-03-02-01").pk,
         "level": SkillLevel.objects.get(code="5").pk},
    )  # fmt: skip
    asked = DesignationRequest.objects.get(institution=school, state="pending")
    client = login("city_reviewer")
    for values in [
        {"decision": "abc"},
        {"decision": "approve", "valid_from": "2026-02-30", "valid_to": "1e999"},
        {"decision": "reject", "answer": "x" * 301},
    ]:
        refused(client.post(f"/institutions/{school.pk}/requests/{asked.pk}/", values, follow=True))
    asked.refresh_from_db()
    assert asked.state == "pending"
    inspections = Inspection.objects.count()
    for values in [
        {"inspected_on": "2026-02-30", "result": "passed"},
        {"inspected_on": "2026-03-01", "result": "abc"},
        {"inspected_on": "1e999", "result": ""},
    ]:
        response = client.post(f"/institutions/{school.pk}/inspections/", values, follow=True)
        refused(response, "Choose the date and the result of the inspection.")
    assert Inspection.objects.count() == inspections


def test_tampered_numbering_codes_are_refused(login):
    station = (
        EvaluationOrg.objects.filter(register_code="").first() or EvaluationOrg.objects.first()
    )
    before = (station.register_code, station.station_code)
    client = login("admin")
    for values in [
        {"register_code": "12345", "station_code": "1"},
        {"register_code": "abcd", "station_code": "123456"},
        {"register_code": "1234", "station_code": "1e999"},
    ]:
        refused(client.post(f"/evaluation-orgs/{station.pk}/codes/", values, follow=True))
    station.refresh_from_db()
    assert (station.register_code, station.station_code) == before
