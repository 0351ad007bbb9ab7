"""Issue 14: the bureau's certificate actions say what follows: recording an organisation's
numbering codes (it can then issue), revoking a certificate (verification, the subsidies)."""

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db
CODES_SAVED = (
    "The numbering codes are saved: %(org)s can now record results and issue its vocational "
    "skill level certificates with numbers in the national format."
)
REVOKED = (
    "Certificate %(number)s is revoked: whoever verifies it is told so; a subsidy not yet paid "
    "on it is refused, one already paid is to be recovered (see Recoveries)."
)


def said(msgid: str, values: dict) -> str:
    """A message as a Chinese user reads it (the translation must exist: not the msgid)."""
    with translation.override("zh-hans"):
        text = gettext(msgid)
    assert text != msgid, f"untranslated: {msgid}"
    return escape(text % values)


def test_the_codes_then_the_revocation_say_what_follows(login, centre, issue):
    reviewer = login("city_reviewer")
    response = reviewer.post(f"/evaluation-orgs/{centre.pk}/codes/",
                             {"register_code": "0231", "station_code": "411001"},
                             follow=True)  # fmt: skip
    assert said(CODES_SAVED, {"org": centre.organisation.name}) in response.content.decode()
    centre.refresh_from_db()
    certificate = issue()
    response = reviewer.post(
        f"/certificates/{certificate.pk}/revoke/", {"reason": "证书信息与档案不符"}, follow=True
    )
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert said(REVOKED, {"number": certificate.number}) in response.content.decode()
