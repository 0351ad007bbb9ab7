"""Tampered values posted to the registration page: the form again with a message, never a
server error, nothing saved."""

import pytest

from jineng.people.models import Person
from tests.tampered import ABSURD, refused

pytestmark = pytest.mark.django_db

FIELDS = [
    "bureau",
    "document_kind",
    "id_number",
    "phone",
    "categories-TOTAL_FORMS",
    "categories-0-category",
    "categories-0-valid_from",
    "categories-0-valid_to",
    "categories-0-graduation_year",
]


def valid_post(bureau) -> dict:
    return {
        "bureau": bureau.pk,
        "name": "篡改",
        "document_kind": "id_card",
        "id_number": "11010519491231002X",
        "categories-TOTAL_FORMS": "1",
        "categories-INITIAL_FORMS": "0",
        "categories-0-category": "",
    }


@pytest.mark.parametrize("field", FIELDS)
def test_a_tampered_field_is_refused_with_a_message(login, orgs, field):
    client = login("county_reviewer")
    before = Person.objects.count()
    for value in ABSURD:
        data = valid_post(orgs["liangyuan"]) | {field: value}
        if field != "id_number":
            data["id_number"] = "4114021988"  # too short: every post is refused somewhere
        refused(client.post("/people/register/", data))
    assert Person.objects.count() == before
