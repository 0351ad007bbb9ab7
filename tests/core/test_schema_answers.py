"""Issue 20, finding 7: the API answers what its OpenAPI schema says. Answers of the endpoints the
probe found wrong are validated against the schema served at /api/schema/ (jsonschema, after
turning OpenAPI 3.0's `nullable` into JSON Schema's null type): nullable fields declared nullable,
lists that are bare lists declared as such, every required field present; and a 404 says
"not found" in the user's language, without naming a model in English."""

import json

import pytest
from django.test import Client
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from jineng.claims.models import Claim
from jineng.evaluation.models import EvaluationBooking
from jineng.people.services import decrypt_id_number
from jineng.training.models import Enrollment, TrainingClass
from jineng.vouchers.models import Voucher

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("full_demo")]


def as_json_schema(node):
    """OpenAPI 3.0 to JSON Schema: `nullable: true` becomes a null alternative."""
    if isinstance(node, list):
        return [as_json_schema(each) for each in node]
    if not isinstance(node, dict):
        return node
    node = {key: as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture
def schema_check(users):
    client = Client()
    client.force_login(users["admin"])
    schema = as_json_schema(client.get("/api/schema/?format=json").json())
    components = {"components": schema["components"]}
    registry = Registry().with_resource(
        "urn:api", Resource(contents=components, specification=DRAFT202012)
    )

    def check(path: str, method: str, status: int, answer):
        operation = schema["paths"][path][method]
        content = operation["responses"][str(status)]["content"]["application/json"]["schema"]
        content = json.loads(json.dumps(content).replace('"#/components', '"urn:api#/components'))
        errors = sorted(
            Draft202012Validator(content, registry=registry).iter_errors(answer), key=str
        )
        assert not errors, f"{method} {path}: {errors[0].message} at {list(errors[0].path)}"

    return check


def answer(users, username, method, url, body=None):
    client = Client()
    client.force_login(users[username])
    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_claims_and_vouchers_declare_their_nullable_fields(users, schema_check):
    status, listing = answer(users, "admin", "get", "/api/v1/claims/?limit=500")
    assert status == 200 and listing["results"]
    schema_check("/api/v1/claims/", "get", 200, listing)
    claim = Claim.objects.filter(lines__level__isnull=True).first() or Claim.objects.first()
    status, detail = answer(users, "admin", "get", f"/api/v1/claims/{claim.pk}/")
    schema_check("/api/v1/claims/{id}/", "get", 200, detail)
    status, vouchers = answer(users, "admin", "get", "/api/v1/vouchers/?limit=500")
    assert status == 200 and Voucher.objects.exists()
    schema_check("/api/v1/vouchers/", "get", 200, vouchers)


def test_bare_lists_are_declared_as_lists(users, schema_check):
    training_class = TrainingClass.objects.filter(enrollments__isnull=False).first()
    url = f"/api/v1/classes/{training_class.pk}/enrollments/"
    status, roster = answer(users, "admin", "get", url)
    assert status == 200
    schema_check("/api/v1/classes/{id}/enrollments/", "get", 200, roster)
    booking = EvaluationBooking.objects.filter(results__isnull=False).first()
    status, results = answer(users, "admin", "get", f"/api/v1/evaluations/{booking.pk}/results/")
    assert status == 200
    schema_check("/api/v1/evaluations/{id}/results/", "get", 200, results)
    status, found = answer(users, "admin", "post", "/api/v1/people/search/", {"q": "张"})
    assert status == 200
    schema_check("/api/v1/people/search/", "post", 200, found)


def test_an_enrolment_answer_matches_its_schema(users, schema_check):
    """A refused enrolment (a number not registered, a person already on the roster) has the
    fields the schema requires, `eligible` among them."""
    enrollment = Enrollment.objects.select_related("training_class", "person").first()
    url = f"/api/v1/classes/{enrollment.training_class_id}/enrollments/"
    body = [{"id_number": decrypt_id_number(enrollment.person)},
            {"id_number": "110101199003077777"}]  # fmt: skip
    status, results = answer(users, "admin", "post", url, body)
    assert status == 200
    schema_check("/api/v1/classes/{id}/enrollments/", "post", status, results)
    for one in (body[1], {"id_number": ""}):  # a person refused; the request itself refused
        status, refused = answer(users, "admin", "post", url, one)
        assert status == 400
        schema_check("/api/v1/classes/{id}/enrollments/", "post", status, refused)


def test_a_404_says_not_found_in_the_users_language(users):
    for url in ("/api/v1/people/999999999/", "/api/v1/classes/999999999/",
                "/api/v1/claims/999999999/"):  # fmt: skip
        status, body = answer(users, "admin", "get", url)
        assert status == 404
        assert "matches" not in body["detail"] and body["detail"] == "未找到。"
