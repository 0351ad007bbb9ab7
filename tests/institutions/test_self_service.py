"""Institution staff keep their own profile at once; a designation they ask for waits for a
reviewer, who approves it (designating, with every rule) or rejects it with a reason."""

from datetime import date

import pytest
from django.utils import timezone

from jineng.catalog.models import Occupation, SkillLevel
from jineng.institutions.models import Designation, DesignationRequest, Institution

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def school():
    return Institution.objects.get(organisation__name="商丘市鸿鹄职业技能培训学校")


def test_staff_update_their_profile(login, school):
    client = login("institution")
    response = client.post(
        f"/institutions/{school.pk}/profile/",
        {"licence": "教民14140000000001号", "address": "商丘市梁园区", "capacity": "350"},
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.licence, school.capacity) == ("教民14140000000001号", 350)
    other = Institution.objects.get(organisation__name="永城市技工学校")
    assert client.post(f"/institutions/{other.pk}/profile/", {"capacity": "1"}).status_code == 404


def test_a_designation_request_waits_for_the_reviewer(login, school):
    cook = Occupation.objects.get(code="4-03-02-01")
    level = SkillLevel.objects.get(code="5")
    staff = login("institution")
    tampered = {"occupation": "abc", "level": level.pk}  # a message, never a server error
    assert staff.post(f"/institutions/{school.pk}/requests/", tampered).status_code == 302
    assert not school.requests.exists()
    reviewer = login("city_reviewer")
    designate = {
        "occupation": "x",
        "level": "y",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
    }
    assert reviewer.post(f"/institutions/{school.pk}/designations/", designate).status_code == 302
    staff = login("institution")
    staff.post(f"/institutions/{school.pk}/requests/", {"occupation": cook.pk, "level": level.pk})
    asked = DesignationRequest.objects.get(institution=school, occupation=cook)
    assert asked.state == "pending"
    assert not Designation.objects.filter(institution=school, occupation=cook).exists()
    # The institution cannot answer its own request.
    assert (
        staff.post(
            f"/institutions/{school.pk}/requests/{asked.pk}/", {"decision": "approve"}
        ).status_code
        == 404
    )
    reviewer = login("city_reviewer")
    reviewer.post(
        f"/institutions/{school.pk}/requests/{asked.pk}/",
        {"decision": "approve", "valid_from": f"{YEAR}-01-01", "valid_to": f"{YEAR}-12-31"},
    )
    asked.refresh_from_db()
    assert asked.state == "approved"
    assert Designation.objects.get(institution=school, occupation=cook).valid_to == date(
        YEAR, 12, 31
    )


def test_a_rejection_needs_a_reason(login, school):
    cook = Occupation.objects.get(code="4-03-02-02")
    level = SkillLevel.objects.get(code="5")
    login("institution").post(
        f"/institutions/{school.pk}/requests/", {"occupation": cook.pk, "level": level.pk}
    )
    asked = DesignationRequest.objects.get(institution=school, occupation=cook)
    reviewer = login("city_reviewer")
    page = reviewer.post(
        f"/institutions/{school.pk}/requests/{asked.pk}/", {"decision": "reject"}, follow=True
    ).content.decode()
    asked.refresh_from_db()
    assert asked.state == "pending" and "alert-danger" in page
    reviewer.post(
        f"/institutions/{school.pk}/requests/{asked.pk}/",
        {"decision": "reject", "answer": "师资不足"},
    )
    asked.refresh_from_db()
    assert asked.state == "rejected" and asked.answer == "师资不足"


def test_admin_records_an_inspection_audited_and_cannot_rewrite_history(login, school):
    from jineng.core.models import AuditEntry
    from jineng.institutions.models import Inspection

    client = login("admin")
    response = client.post(
        "/admin/institutions/inspection/add/",
        {
            "institution": school.pk,
            "year": YEAR - 1,
            "inspected_on": f"{YEAR - 1}-11-03",
            "result": "passed",
            "notes": "合格",
        },
    )
    assert response.status_code == 302, response.content[:400]
    inspection = Inspection.objects.get(institution=school, year=YEAR - 1)
    assert AuditEntry.objects.filter(
        object_type="institutions.inspection", object_id=str(inspection.pk), action="create"
    ).exists()
    change = school.changes.last()
    assert (
        client.post(f"/admin/core/statechange/{change.pk}/change/", {"reason": "改写"}).status_code
        == 403
    )


def test_a_reviewer_records_an_inspection_on_the_page(login, school):
    reviewer = login("city_reviewer")
    reviewer.post(
        f"/institutions/{school.pk}/inspections/",
        {"inspected_on": f"{YEAR}-10-20", "result": "rectify", "notes": "台账不全"},
    )
    inspection = school.inspections.get(year=YEAR)
    assert (inspection.result, inspection.notes) == ("rectify", "台账不全")
    again = reviewer.post(
        f"/institutions/{school.pk}/inspections/",
        {"inspected_on": f"{YEAR}-10-21", "result": "passed"},
        follow=True,
    )
    assert "alert-danger" in again.content.decode()
    staff = login("institution")
    assert (
        staff.post(
            f"/institutions/{school.pk}/inspections/",
            {"inspected_on": f"{YEAR}-10-22", "result": "passed"},
        ).status_code
        == 404
    )
