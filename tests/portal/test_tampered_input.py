"""Tampered query strings and posts on the portal's and the registration's pages (issue 19):
each is read by a form, so a value nobody offered gives the normal page or a clear message in
the user's language, never a server error."""

import pytest

from jineng.core import sms
from jineng.portal.models import CorrectionRequest
from tests.tampered import ABSURD, ERROR_MARKS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [*ABSURD, "OPEN", "open'--", "declined%00"])
def test_a_tampered_state_on_the_bureau_s_list_is_a_message(login, value):
    page = login("county_reviewer").get("/corrections/", {"state": value})
    assert page.status_code == 200
    content = page.content.decode()
    if value:  # an empty state is no filter: every request
        assert "filter-errors" in content and "有效" in content  # 选择一个有效的选项
    else:
        assert "filter-errors" not in content


def test_the_bureau_s_list_opens_on_the_open_requests_and_filters_by_state(
    make_worker, signed_in, login
):
    person, user = make_worker()
    client = signed_in(user)
    for text in ("我的学历有误", "我的工作单位有误"):
        client.post("/me/data/correction/", {"subject": "education", "text": text})
    answered = CorrectionRequest.objects.get(text="我的工作单位有误")
    reviewer = login("county_reviewer")
    reviewer.post(f"/corrections/{answered.pk}/answer/", {"corrected": "0", "answer": "无误"})
    opened = reviewer.get("/corrections/").content.decode()
    assert "我的学历有误" in opened and "我的工作单位有误" not in opened
    declined = reviewer.get("/corrections/", {"state": "declined"}).content.decode()
    assert "我的工作单位有误" in declined and "我的学历有误" not in declined
    every = reviewer.get("/corrections/", {"state": ""}).content.decode()
    assert "我的学历有误" in every and "我的工作单位有误" in every


@pytest.mark.parametrize("value", [*ABSURD, "pdf", "JSON", "xlsx\x00"])
def test_a_tampered_format_of_the_copy_is_not_found(make_worker, signed_in, value):
    person, user = make_worker()
    response = signed_in(user).get("/me/data/copy/", {"format": value})
    if value == "":
        assert response.status_code == 200 and response["Content-Type"].startswith(
            "application/json"
        )
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(
    "field, value",
    [
        ("id_number", "411402199005010000"),  # a wrong check character
        ("id_number", "💥" * 50),
        ("phone", "12345"),
        ("phone", "1e999"),
        ("document_kind", "spaceship"),
        ("name", ""),
    ],
)
def test_a_tampered_registration_is_refused_on_the_form_and_sends_no_code(client, field, value):
    sms.outbox.clear()
    values = {"name": "王小明", "document_kind": "id_card", "phone": "13912345678",
              "id_number": "11010519491231002X", field: value}  # fmt: skip
    page = client.post("/offers/register/", values)
    assert page.status_code == 200
    content = page.content.decode()
    assert any(mark in content for mark in ERROR_MARKS)
    assert not sms.outbox
