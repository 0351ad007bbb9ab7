"""Registry pages and API: the data scope, search by whole ID number through the keyed hash
(POSTed, so never in a URL), masking on screen, and the audited full view."""

import pytest

from jineng.core.models import AuditEntry
from jineng.core.personal import mask_id_number
from jineng.people import services
from jineng.people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def a_person(county: str) -> Person:
    """A person registered for the test with the bureau of `county`."""
    return PersonFactory(bureau=county)


def test_demo_holds_a_few_hundred_people_with_categories_and_employment():
    demo = Person.objects.filter(source="demo")
    assert demo.count() >= 300
    assert demo.filter(categories__isnull=False).distinct().count() > 150
    assert demo.filter(employment__isnull=False).distinct().count() > 50
    assert demo.values("organisation").distinct().count() >= 9  # across the counties


def test_county_reviewer_sees_own_county_only(login):
    client = login("county_reviewer")
    mine, other = a_person("411402"), a_person("411481")
    assert client.get(f"/people/{mine.pk}/").status_code == 200
    assert client.get(f"/people/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/people/{other.pk}/").status_code == 404


def test_page_shows_the_number_masked_and_the_full_view_is_audited(login):
    person = a_person("411402")
    number = services.decrypt_id_number(person)
    client = login("county_reviewer")
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert number not in page and mask_id_number(number) in page
    revealed = client.post(f"/people/{person.pk}/id-number/")
    assert number in revealed.content.decode()
    entry = AuditEntry.objects.filter(action="view_personal", object_id=str(person.pk)).get()
    assert entry.actor_label == "county_reviewer" and number not in str(entry.message)


def test_a_role_without_need_cannot_see_the_whole_number(login):
    person = a_person("411400") or a_person("411402")
    client = login("finance")
    assert client.post(f"/people/{person.pk}/id-number/").status_code == 403


def test_search_by_whole_id_number_uses_the_hash_and_a_post(login):
    person = a_person("411402")
    number = services.decrypt_id_number(person)
    client = login("county_reviewer")
    found = client.post(
        "/people/", {"q": number.lower()}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    ).content.decode()
    assert person.name in found and number not in found
    api = client.post("/api/v1/people/search/", {"q": number}, content_type="application/json")
    assert [row["id"] for row in api.json()] == [person.pk]
    elsewhere = login("department").post(
        "/api/v1/people/search/", {"q": number}, content_type="application/json"
    )
    assert elsewhere.json() == []  # outside the scope, the person does not exist


def test_a_worker_sees_their_own_record_and_nobody_else(login):
    client = login("worker")
    own = Person.objects.get(user__username="worker")
    home = client.get("/").content.decode()
    assert f"/people/{own.pk}/" in home and own.id_number_masked in home
    assert client.get(f"/people/{own.pk}/").status_code == 200
    other = PersonFactory()
    assert client.get(f"/people/{other.pk}/").status_code == 404
    assert client.post(f"/people/{own.pk}/id-number/").status_code == 403
