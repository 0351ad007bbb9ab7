"""The supervision pages (004 §五(六)): the findings list within the data scope, a finding with
masked evidence (the whole numbers only when asked, audited), the review forms and the on-site
check with photos, an institution's page with its risk score and formula; bad input gets a
message, never a 500."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jineng.core.models import AuditEntry, User
from jineng.people.services import decrypt_id_number
from jineng.supervision import services
from jineng.supervision.models import Finding, FindingState, OnSitePhoto
from tests.actors import act
from tests.supervision.builders import world

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def planted():
    """004 §五(六); pattern: the same person in overlapping classes, in 洛阳 (410300)."""
    w = world()
    p = w.person()
    w.training_class(trainees=[p])
    w.training_class(w.institutions[1], hours=(10, 13), trainees=[p])
    with act(w.reviewer):
        services.run_checks(w.bureau, date(2026, 1, 1), date(2026, 12, 31))
    return w, Finding.objects.get(check_code="overlapping_classes", person=p), p


def test_the_list_shows_the_regions_findings_and_filters_them(client, planted):
    """004 §五(六): the region's reviewer sees the finding; filtered by check and state."""
    w, finding, _p = planted
    client.force_login(w.reviewer)
    page = client.get(reverse("supervision:list")).content.decode()
    assert finding.number in page
    other = client.get(reverse("supervision:list"), {"check": "shared_phone"}).content.decode()
    assert finding.number not in other
    bad = client.get(reverse("supervision:list"), {"state": "nonsense"})
    assert bad.status_code == 200 and "filter-errors" in bad.content.decode()


def test_another_regions_reviewer_does_not_see_it(client, planted):
    """Data scope: 商丘's reviewer neither lists nor opens a 洛阳 finding (404)."""
    _w, finding, _p = planted
    client.force_login(_user("city_reviewer"))
    assert finding.number not in client.get(reverse("supervision:list")).content.decode()
    assert client.get(reverse("supervision:finding", args=[finding.pk])).status_code == 404


def _user(username):
    return User.objects.get(username=username)


def test_the_evidence_is_masked_and_the_whole_numbers_are_audited(client, planted):
    """Personal data masked on screen; asking for the whole numbers writes view_personal."""
    w, finding, person = planted
    client.force_login(w.reviewer)
    page = client.get(reverse("supervision:finding", args=[finding.pk])).content.decode()
    assert person.id_number_masked in page
    before = AuditEntry.objects.filter(action="view_personal").count()
    full = client.post(reverse("supervision:full-evidence", args=[finding.pk])).content.decode()
    with act(None):
        whole = decrypt_id_number(person)
    assert whole in full
    assert AuditEntry.objects.filter(action="view_personal").count() >= before + 2


def test_review_forms_take_the_finding_through_its_life(client, planted):
    """004 §五(六) 现场核查: put under review, record an on-site check with a photo, clear it."""
    w, finding, _p = planted
    client.force_login(w.reviewer)
    client.post(reverse("supervision:assign", args=[finding.pk]), {"reviewer": w.reviewer.pk})
    onsite = {
        "checked_on": str(timezone.localdate() - timedelta(days=1)),
        "people_present": "审核员、机构负责人",
        "result": "consistent",
        "notes": "两班实为同一场地分时段",
        "photos": [SimpleUploadedFile("site.png", PNG, content_type="image/png")],
    }
    client.post(reverse("supervision:onsite", args=[finding.pk]), onsite)
    photo = OnSitePhoto.objects.get(check_record__finding=finding)
    assert PNG not in bytes(photo.content) and OnSitePhoto.CONTENT.open(photo.content) == PNG
    assert client.get(reverse("supervision:photo", args=[photo.pk])).content == PNG
    answer = client.post(
        reverse("supervision:clear", args=[finding.pk]),
        {"reason": "课表录入错误，已更正", "evidence": "更正后的课表"},
        follow=True,
    )
    finding.refresh_from_db()
    assert finding.state == FindingState.CLEARED
    assert "两班实为同一场地分时段" in answer.content.decode()


def test_bad_input_gets_a_message(client, planted):
    """A tampered reviewer id, a missing reason, a future date, a photo that is no image: each
    a message on the page, nothing changed."""
    w, finding, _p = planted
    client.force_login(w.reviewer)
    answer = client.post(
        reverse("supervision:assign", args=[finding.pk]), {"reviewer": "99999999"}, follow=True
    )
    assert answer.status_code == 200 and "核查人" in answer.content.decode()
    finding.refresh_from_db()
    assert finding.state == FindingState.OPEN
    client.post(reverse("supervision:assign", args=[finding.pk]), {"reviewer": w.reviewer.pk})
    answer = client.post(reverse("supervision:confirm", args=[finding.pk]), {"reason": ""},
                         follow=True)  # fmt: skip
    assert "原因" in answer.content.decode()
    answer = client.post(
        reverse("supervision:onsite", args=[finding.pk]),
        {"checked_on": str(timezone.localdate() + timedelta(days=3)), "people_present": "甲",
         "result": "consistent",
         "photos": [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")]},
        follow=True,
    )  # fmt: skip
    assert "今天" in answer.content.decode() or "JPEG" in answer.content.decode()
    finding.refresh_from_db()
    assert finding.state == FindingState.UNDER_REVIEW and not finding.onsite_checks.exists()


def test_the_institution_page_shows_the_risk_score_and_its_formula(client, planted):
    """An institution's findings and its risk score: one open high finding scores 5."""
    w, finding, _p = planted
    client.force_login(w.reviewer)
    page = client.get(reverse("supervision:institution", args=[finding.institution_id]))
    text = page.content.decode()
    assert finding.number in text
    assert 'id="risk-score">5<' in text
    assert "严重程度" in text or "权重" in text


def test_the_page_and_the_api_list_the_same_findings(client, planted):
    """One selector, one FilterSet: the page and /api/v1/findings/ give the same rows, and the
    API detail has the masked evidence and the history."""
    w, finding, person = planted
    client.force_login(w.reviewer)
    for params in ({}, {"check": "overlapping_classes"}, {"state": "open"},
                   {"institution": finding.institution_id}, {"check": "shared_phone"}):  # fmt: skip
        page = client.get(reverse("supervision:list"), params).content.decode()
        api = client.get("/api/v1/findings/", params).json()
        rows = api["results"] if isinstance(api, dict) else api
        assert [row["number"] for row in rows] == [
            f.number for f in Finding.objects.filter(pk__in=[r["id"] for r in rows])
        ]
        assert all(row["number"] in page for row in rows)
    detail = client.get(f"/api/v1/findings/{finding.pk}/").json()
    assert person.id_number_masked in str(detail["evidence"]) and detail["changes"]
    assert client.get("/api/v1/findings/", {"state": "nonsense"}).status_code == 400
