"""Tampered values posted to the claim pages (a non-numeric id, a line of another claim, a claim
outside the reviewer's region, an absurd amount): a message on the page, never a server error,
and nothing changed."""

import pytest

from jineng.claims.models import (
    Claim,
    ClaimLine,
    ClaimState,
    LineState,
    Objection,
    ObjectionState,
    PaymentBatch,
    Recovery,
    RecoveryState,
)
from tests.factories import ClaimFactory
from tests.tampered import ABSURD, refused

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_tampered_line_reviews_are_refused(login):
    claim = ClaimFactory(state=ClaimState.SUBMITTED)
    other_line = ClaimFactory(state=ClaimState.SUBMITTED).lines.first()
    line = claim.lines.order_by("id").first()
    states = dict(claim.lines.values_list("pk", "state"))
    client = login("city_reviewer")
    url = f"/claims/{claim.pk}/lines/review/"
    for values in [
        *({"approve_one": value} for value in ABSURD[:5]),
        {"reject_one": other_line.pk, f"reason-{other_line.pk}": "x"},
        {"lines": [other_line.pk], "decision": "approve"},
        {"lines": ["99999999999999999999999"], "decision": "approve"},
        {"lines": [line.pk], "decision": "abolish"},
        {"reject_one": line.pk, f"reason-{line.pk}": "x" * 301},
    ]:
        refused(client.post(url, values, headers=HTMX))
    refused(client.post(url, {"lines": [line.pk]}, headers=HTMX), "Choose approve or reject.")
    refused(client.post(url, {"decision": "approve"}, headers=HTMX), "Choose at least one line.")
    assert dict(claim.lines.values_list("pk", "state")) == states


def test_the_bulk_review_refuses_claims_outside_the_region(login):
    claim = ClaimFactory(state=ClaimState.SUBMITTED)
    for username, values in [
        ("city_reviewer", {"claims": ["abc"], "decision": "approve"}),
        ("city_reviewer", {"claims": [claim.pk], "decision": "abolish"}),
        ("city_reviewer", {"claims": [claim.pk], "decision": "reject"}),
        ("city_reviewer", {"claims": [claim.pk], "decision": "reject", "reason": "x" * 301}),
        ("county_reviewer", {"claims": [claim.pk], "decision": "approve"}),
    ]:
        response = login(username).post("/claims/review/bulk/", values, follow=True)
        refused(response)
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.SUBMITTED


def test_a_tampered_objection_resolution_is_refused(login):
    claim = ClaimFactory(state=ClaimState.IN_NOTICE, objection=True)
    objection = Objection.objects.get(notice__claim=claim, state=ObjectionState.OPEN)
    other_line = ClaimFactory(state=ClaimState.IN_NOTICE).lines.first()
    client = login("city_reviewer")
    url = f"/claims/objections/{objection.pk}/resolve/"
    for values in [
        {"upheld": "2", "resolution": "x"},
        {"upheld": "1", "resolution": "x" * 501},
        {"upheld": "1", "resolution": "x", "lines": ["abc"]},
        {"upheld": "1", "resolution": "x", "lines": [other_line.pk]},
    ]:
        refused(client.post(url, values, headers=HTMX))
    assert Objection.objects.get(pk=objection.pk).state == ObjectionState.OPEN
    assert not claim.lines.filter(state=LineState.REJECTED, review_reason="x").exists()


def test_tampered_payments_are_refused(login):
    claim = ClaimFactory(state=ClaimState.PAYABLE)
    client = login("city_reviewer")
    batches = PaymentBatch.objects.count()
    for value in ABSURD:
        response = client.post("/claims/payments/new/", {"fund_channel": value}, follow=True)
        refused(response)
    assert PaymentBatch.objects.count() == batches
    client.post("/claims/payments/new/", {"fund_channel": claim.fund_channel_id})
    batch = PaymentBatch.objects.order_by("-id").first()
    client.post(f"/claims/batches/{batch.pk}/export.csv")
    line = batch.payments.first().line
    outcomes = f"/claims/batches/{batch.pk}/outcomes/"
    for values in [
        {f"outcome-{line.pk}": "stolen"},
        {f"outcome-{line.pk}": "failed", f"reason-{line.pk}": "x" * 301},
        {"outcome-abc": "paid"},
        {"outcome-99999999999999999999999": "paid"},
    ]:
        refused(client.post(outcomes, values, follow=True))
    assert ClaimLine.objects.get(pk=line.pk).state == LineState.APPROVED
    refused(client.post(f"/claims/batches/{batch.pk}/cancel/", {"reason": "x" * 301}, follow=True))


def test_tampered_recoveries_are_refused(login):
    paid = ClaimFactory(state=ClaimState.PAID, recovery=True)
    found = Recovery.objects.get(line__claim=paid, state=RecoveryState.OPEN)
    client = login("city_reviewer")
    url = f"/claims/recoveries/{found.pk}/"
    for amount in ["abc", "1e999", "NaN", "Infinity", "-5", "1.001", "", "99999999999999"]:
        refused(client.post(f"{url}recovered/", {"amount": amount}, follow=True))
    refused(client.post(f"{url}recovered/", {"amount": "1", "note": "x" * 301}, follow=True))
    refused(client.post(f"{url}waive/", {"note": "x" * 301}, follow=True))
    found.refresh_from_db()
    assert found.state == RecoveryState.OPEN and found.recovered_amount == 0


def test_an_overlong_reason_on_a_claim_is_refused(login):
    claim = ClaimFactory(state=ClaimState.SUBMITTED)
    response = login("city_reviewer").post(
        f"/claims/{claim.pk}/reject/", {"reason": "x" * 301}, follow=True
    )
    refused(response)
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.SUBMITTED
