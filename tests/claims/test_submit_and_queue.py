"""Issue 14: a claim whose every line is 0.00 is not submitted (the service refuses, the page
says why before anyone tries, both pointing at the lines' reasons); the review queue and the
claims API show the amount claimed beside the amount approved so far."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jineng.claims import review, services
from jineng.claims.models import Claim, ClaimState
from tests.actors import act
from tests.claims import builders_core, builders_review
from tests.claims.builders_core import certificate, completed_class, person
from tests.claims.builders_review import STANDARD

pytestmark = pytest.mark.django_db
submitted = builders_review.submitted  # fixtures, used by name
hebei = builders_core.hebei
ALL_ZERO = "本申请所有人员补贴均为0，无法提交：请查看各人员的不予发放原因"


def draft(place, trainees) -> Claim:
    with act(place.username):
        return services.create_training_claim(completed_class(place, trainees))


def page(client, claim: Claim) -> str:
    response = client.get(reverse("claims:detail", args=[claim.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_claim_of_only_zero_lines_is_refused_at_submission(hebei):
    """004 §四(五): 企业职工 are trained but paid only once certified (取得证书…的, 按规定给予), so
    an uncertified one's line is 0 with its reason; a claim of nothing but such lines is
    refused, pointing at those reasons, and stays a draft. One granted line beside them and it
    goes."""
    nothing = draft(hebei, [person("enterprise_employee"), person("enterprise_employee")])
    assert all(line.amount == 0 for line in nothing.lines.all())
    with act(hebei.username), pytest.raises(ValidationError, match=ALL_ZERO):
        services.submit(nothing)
    assert Claim.objects.get(pk=nothing.pk).state == ClaimState.DRAFT

    certified = person("rural_migrant")
    certificate(certified, "skill_level")
    something = draft(hebei, [person("enterprise_employee"), certified])
    with act(hebei.username):
        services.submit(something)
    assert Claim.objects.get(pk=something.pk).state == ClaimState.SUBMITTED


def test_the_claim_page_disables_submitting_an_all_zero_claim_and_says_why(hebei, login):
    nothing = draft(hebei, [person("enterprise_employee")])
    client = login(hebei.username)
    shown = page(client, nothing)
    button = re.search(r'<button[^>]*id="action-submit"[^>]*>', shown).group(0)
    assert "disabled" in button and 'aria-describedby="submit-refusal"' in button
    assert ALL_ZERO in shown
    assert reverse("claims:submit", args=[nothing.pk]) not in shown

    response = client.post(reverse("claims:submit", args=[nothing.pk]), follow=True)
    assert ALL_ZERO in response.content.decode()  # posted anyway: the service's refusal
    assert Claim.objects.get(pk=nothing.pk).state == ClaimState.DRAFT

    certified = person("rural_migrant")
    certificate(certified, "skill_level")
    something = draft(hebei, [certified])
    shown = page(client, something)
    button = re.search(r'<button[^>]*id="action-submit"[^>]*>', shown).group(0)
    assert "disabled" not in button and ALL_ZERO not in shown


def queue_row(client, claim: Claim) -> dict[str, str]:
    response = client.get(reverse("claims:review"))
    assert response.status_code == 200
    row = re.search(rf'<tr data-id="{claim.pk}">(.*?)</tr>', response.content.decode(), re.S)
    amounts = re.findall(r'data-amount="(\w+)">([^<]*)<', row.group(1))
    return {name: value.strip() for name, value in amounts}


def test_the_review_queue_shows_claimed_and_approved_so_far(submitted, login):
    """004 §四(五) 审核: while the reviewer goes line by line, the queue shows what was claimed
    and what is approved so far; so does the claims API (approved_so_far)."""
    claim = submitted()
    claimed = STANDARD + STANDARD * Decimal("0.8")
    client = login("county_reviewer")
    assert queue_row(client, claim) == {"requested": f"{claimed:.2f}", "approved": "0.00"}

    employed = claim.lines.order_by("id").first()
    with act("county_reviewer"):
        review.approve_lines(claim, [employed])
    assert queue_row(client, claim) == {
        "requested": f"{claimed:.2f}",
        "approved": f"{STANDARD:.2f}",
    }

    listed = client.get("/api/v1/claims/", {"state": "submitted"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    found = next(row for row in rows if row["id"] == claim.pk)
    assert (found["requested_total"], found["approved_so_far"]) == (
        f"{claimed:.2f}",
        f"{STANDARD:.2f}",
    )
    detail = client.get(f"/api/v1/claims/{claim.pk}/").json()
    assert detail["approved_so_far"] == f"{STANDARD:.2f}"
