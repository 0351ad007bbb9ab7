"""Issue 14 on the institution pages: after each action the message says what happened and
what comes next, in the user's language (never only "saved")."""

import pytest
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from jineng.catalog.models import Occupation, SkillLevel
from jineng.institutions.models import DesignationRequest, Institution

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def said(msgid: str, values: dict | None = None) -> str:
    """A message as a Chinese user reads it (the translation must exist: not the msgid)."""
    with translation.override("zh-hans"):
        text = gettext(msgid)
    assert text != msgid, f"untranslated: {msgid}"
    return escape(text % values if values else text)


@pytest.fixture
def school():
    return Institution.objects.get(organisation__name="商丘市鸿鹄职业技能培训学校")


def test_the_profile_request_and_answer_say_who_acts_next(login, school):
    staff = login("institution")
    response = staff.post(
        f"/institutions/{school.pk}/profile/",
        {"licence": "教民14140000000001号", "address": "商丘市梁园区", "capacity": "350"},
        follow=True,
    )
    assert (
        said(
            "The licence, premises and capacity are updated: the bureau and the public directory "
            "see them now; no review is needed."
        )
        in response.content.decode()
    )
    cook = Occupation.objects.get(code="4-03-02-01")
    level = SkillLevel.objects.get(code="5")
    response = staff.post(f"/institutions/{school.pk}/requests/",
                          {"occupation": cook.pk, "level": level.pk}, follow=True)  # fmt: skip
    page = response.content.decode()
    assert said(
        "The request to be designated for %(occupation)s (%(level)s) is sent: waiting for "
        "%(bureau)s to answer it on this page.",
        {"occupation": cook.name, "level": level.name,
         "bureau": school.organisation.nearest_bureau().name},
    ) in page  # fmt: skip
    asked = DesignationRequest.objects.get(institution=school, occupation=cook)
    reviewer = login("city_reviewer")
    response = reviewer.post(
        f"/institutions/{school.pk}/requests/{asked.pk}/",
        {"decision": "approve", "valid_from": f"{YEAR}-01-01", "valid_to": f"{YEAR}-12-31"},
        follow=True,
    )
    assert said(
        "Designated for %(occupation)s (%(level)s) from %(start)s to %(end)s: the institution "
        "can open classes for it in that period; the public directory shows it.",
        {"occupation": cook.name, "level": level.name, "start": f"{YEAR}-01-01",
         "end": f"{YEAR}-12-31"},
    ) in response.content.decode()  # fmt: skip


def test_a_suspension_says_what_it_stops(login, school):
    reviewer = login("city_reviewer")
    response = reviewer.post(
        f"/institutions/{school.pk}/state/",
        {"state": "suspended", "reason": "年度检查不合格"},
        follow=True,
    )
    school.refresh_from_db()
    assert school.state == "suspended"
    assert (
        said(
            "The institution is suspended: no class of it is submitted or approved until the "
            "bureau designates it again."
        )
        in response.content.decode()
    )
