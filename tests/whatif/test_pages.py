"""The what-if pages (issue 22) through HTTP: a city reviewer copies Shangqiu's pack, changes one
rate, replays a period (the task runs at once in the tests), reads the report and its exports;
bad input gets a message and changes nothing; an institution and another region see nothing."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from jineng.catalog.models import PolicyPackVersion
from jineng.core.models import Organisation
from jineng.whatif.models import DraftPack, Scenario
from tests.factories import CERTIFIED, EMPLOYED, ClaimFactory

pytestmark = pytest.mark.django_db


def copy_shangqiu(client) -> DraftPack:
    version = PolicyPackVersion.objects.filter(pack_id="henan-shangqiu-2022").first()
    city = Organisation.objects.get(code="411400")
    response = client.post(
        "/whatif/drafts/copy/", {"pack": str(version.pk), "bureau": str(city.pk), "name": "试算"}
    )
    assert response.status_code == 302
    return DraftPack.objects.get(name="试算")


def test_copy_change_replay_and_report(login):
    """004 §四(五) 80% (Shangqiu's assumed rate) set to 70%: a claim of this year with a certified
    trainee (80%) and an employed one (100%) loses 10% of the certified line's standard."""
    claim = ClaimFactory(state="submitted", outcomes=(CERTIFIED, EMPLOYED))
    client = login("city_reviewer")
    draft = copy_shangqiu(client)
    page = client.get(f"/whatif/drafts/{draft.pk}/")
    assert page.status_code == 200 and "草稿" in page.content.decode()
    client.post(
        f"/whatif/drafts/{draft.pk}/value/",
        {"key": "training.rates.certificate", "value": "0.70"},
    )
    revision = draft.latest()
    assert revision.number == 2 and revision.valid
    year = claim.lines.first().decided_on.year
    city = Organisation.objects.get(code="411400")
    response = client.post(
        "/whatif/replay/",
        {"bureau": city.pk, "start": f"{year}-01-01", "end": f"{year}-12-31",
         "revision": revision.pk},
    )  # fmt: skip
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and scenario.state == "done", scenario.error
    lines = {line.amount for line in claim.lines.all()}
    assert scenario.lines >= 2 and scenario.changed >= 1
    assert scenario.difference < 0 and scenario.difference == -(
        sum(c.before_amount - c.after_amount for c in scenario.changes.all())
    )
    assert lines  # the claim's own lines are as they were (see test_replay for the counts)
    report = client.get(f"/whatif/scenarios/{scenario.pk}/").content.decode()
    assert 'id="by-county"' in report and str(scenario.difference) in report
    xlsx = client.get(f"/whatif/scenarios/{scenario.pk}/xlsx/")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) > 5
    pdf = client.get(f"/whatif/scenarios/{scenario.pk}/pdf/")
    assert pdf.content.startswith(b"%PDF")


def test_compare_a_draft_with_the_pack_in_force(login):
    ClaimFactory(state="submitted", outcomes=(CERTIFIED, EMPLOYED))
    client = login("city_reviewer")
    draft = copy_shangqiu(client)
    client.post(
        f"/whatif/drafts/{draft.pk}/value/", {"key": "training.rates.employed", "value": "0.90"}
    )
    city = Organisation.objects.get(code="411400")
    today = date.today()
    for revision in (draft.latest().pk, ""):
        client.post(
            "/whatif/replay/",
            {"bureau": city.pk, "start": f"{today.year - 1}-01-01", "end": f"{today.year}-12-31",
             "revision": revision},
        )  # fmt: skip
    first, second = Scenario.objects.order_by("id")
    assert second.changed == 0 and second.difference == Decimal(0)
    page = client.get(f"/whatif/compare/?a={first.pk}&b={second.pk}")
    assert page.status_code == 200
    assert "比较" in page.content.decode() or "Compare" in page.content.decode()


def test_a_bad_value_is_refused_with_a_message_and_nothing_changes(login):
    client = login("city_reviewer")
    draft = copy_shangqiu(client)
    response = client.post(
        f"/whatif/drafts/{draft.pk}/value/",
        {"key": "training.rates.certificate", "value": "eighty"},
        follow=True,
    )
    assert response.status_code == 200
    assert "training.rates.certificate" in response.content.decode()
    latest = draft.latest()
    assert not latest.valid  # kept as refused, marked; it cannot be replayed
    city = Organisation.objects.get(code="411400")
    response = client.post(
        "/whatif/replay/",
        {"bureau": city.pk, "start": "2026-01-01", "end": "2026-12-31", "revision": latest.pk},
    )
    assert Scenario.objects.count() == 0


def test_a_period_that_ends_before_it_starts_is_refused(login):
    client = login("city_reviewer")
    city = Organisation.objects.get(code="411400")
    response = client.post(
        "/whatif/replay/", {"bureau": city.pk, "start": "2026-12-31", "end": "2026-01-01"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200 and Scenario.objects.count() == 0


def test_an_institution_sees_no_what_if(login):
    client = login("institution")
    assert client.get("/whatif/").status_code == 403


def test_a_county_reviewer_does_not_see_the_city_draft(login):
    draft = copy_shangqiu(login("city_reviewer"))
    client = login("county_reviewer")
    assert client.get(f"/whatif/drafts/{draft.pk}/").status_code == 404


def test_compare_and_replay_refuse_tampered_input(login):
    """A 20-digit scenario id is a 404, not a server error; a `back` address off the site is
    not followed."""
    client = login("city_reviewer")
    huge = "9" * 20
    assert client.get(f"/whatif/compare/?a={huge}&b={huge}").status_code == 404
    answer = client.post("/whatif/replay/", {"back": "https://evil.example/"})
    assert answer.status_code == 302 and "evil.example" not in answer["Location"]
