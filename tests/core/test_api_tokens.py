"""API tokens (issue 20, finding 8): a lifetime of 7 to 180 days and never for ever, idle expiry
after JINENG_API_TOKEN_IDLE_DAYS unused, and the owner's (or a user manager's) list and audited
revocation, on a page and in the API, never showing the key."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from jineng.core import services
from jineng.core.demo import DEMO_PASSWORD
from jineng.core.models import TOKEN_LIFETIMES, ApiToken, AuditEntry, User
from tests.actors import act

pytestmark = pytest.mark.django_db


def issue(username: str, days: int = 30, name: str = "script") -> tuple[ApiToken, str]:
    user = User.objects.get(username=username)
    with act(user):
        return services.issue_api_token(user, name, days)


def call(key: str, path: str = "/api/v1/me/", method: str = "get"):
    return getattr(Client(), method)(path, HTTP_AUTHORIZATION=f"Token {key}")


def signed_in_client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_a_token_lives_one_of_the_lifetimes_and_never_for_ever():
    assert TOKEN_LIFETIMES == (7, 30, 90, 180)
    for days in TOKEN_LIFETIMES:
        token, _key = issue("county_reviewer", days)
        assert token.expires_at - token.created_at == timedelta(days=days)
    for days in (None, 0, 365, 1000):
        with pytest.raises(ValidationError, match="7、30、90、180") as refused:
            issue("county_reviewer", days)
        assert "days" in refused.value.message_dict
    answer = Client().post(
        "/api/v1/auth/token/",
        {"username": "county_reviewer", "password": DEMO_PASSWORD, "days": 365},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "days" in answer.json()
    made = Client().post(
        "/api/v1/auth/token/",
        {"username": "county_reviewer", "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    token = ApiToken.objects.get(prefix=made.json()["token"][:8])
    assert token.expires_at - token.created_at == timedelta(days=30)  # the default


def test_a_token_unused_for_the_idle_days_stops_and_shows_as_expired(settings):
    settings.API_TOKEN_IDLE_DAYS = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        token, key = issue("county_reviewer", 180)
        clock.shift(timedelta(days=29))
        assert call(key).status_code == 200  # used: the idle count starts again
        clock.shift(timedelta(days=29, hours=23))
        assert call(key).status_code == 200
        clock.shift(timedelta(days=30, minutes=2))
        refused = call(key)
        assert refused.status_code == 401 and "30" in refused.json()["detail"]
        token.refresh_from_db()
        assert token.state == "idle" and token.state_label == "已过期（长期未用）"
        page = signed_in_client("county_reviewer").get("/account/tokens/")
        assert "已过期（长期未用）" in page.content.decode()
    # A token never used counts from its creation.
    with time_machine.travel(start, tick=False) as clock:
        _unused, key = issue("county_reviewer", 90)
        clock.shift(timedelta(days=31))
        assert call(key).status_code == 401


def test_an_expired_token_is_refused():
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _token, key = issue("county_reviewer", 7)
        clock.shift(timedelta(days=6))
        assert call(key).status_code == 200
        clock.shift(timedelta(days=1, seconds=1))
        answer = call(key)
        assert answer.status_code == 401 and answer.json()["detail"] == "令牌已过期。"


def test_owners_list_their_tokens_without_keys_and_revoke_one_audited():
    token, key = issue("county_reviewer", 30, "nightly export")
    other, other_key = issue("city_reviewer", 30)
    listing = call(key, "/api/v1/tokens/")
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert [row["id"] for row in rows] == [token.pk]  # not a colleague's
    row = rows[0]
    assert row["name"] == "nightly export" and row["prefix"] == key[:8] and row["state"] == "active"
    assert {"created_at", "last_used_at", "expires_at", "idle_until"} <= set(row)
    assert key not in listing.content.decode() and "key_hash" not in row
    # Another's token does not exist for them.
    assert call(key, f"/api/v1/tokens/{other.pk}/").status_code == 404
    assert call(key, f"/api/v1/tokens/{other.pk}/revoke/", "post").status_code == 404
    assert call(other_key).status_code == 200
    # Their own: revoked at once, kept in the list as revoked, in the audit log.
    revoked = call(key, f"/api/v1/tokens/{token.pk}/revoke/", "post")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert call(key).status_code == 401  # the token revoked itself: it works no more
    token.refresh_from_db()
    assert token.revoked_at is not None and token.state == "revoked"
    entry = AuditEntry.objects.get(
        object_type="core.apitoken", object_id=str(token.pk), action="update"
    )
    assert entry.actor.username == "county_reviewer" and entry.message == "API 令牌已吊销"
    assert "key_hash" not in str(entry.before) + str(entry.after)
    with act("county_reviewer"), pytest.raises(ValidationError, match="已被吊销"):
        services.revoke_api_token(token)


def test_revoking_through_another_token_answers_the_revoked_one():
    token, _key = issue("county_reviewer", 30)
    _other, key = issue("county_reviewer", 30, "second")
    answer = call(key, f"/api/v1/tokens/{token.pk}/revoke/", "post")
    assert answer.status_code == 200 and answer.json()["state"] == "revoked"


def test_a_user_manager_sees_and_revokes_the_tokens_of_users_in_scope():
    token, key = issue("county_reviewer", 30)
    with act("city_reviewer"), pytest.raises(PermissionDenied, match="令牌的所有者"):
        services.revoke_api_token(token)
    admin = signed_in_client("secadmin")
    listing = admin.get(f"/api/v1/tokens/?user={token.user_id}")
    assert [row["id"] for row in listing.json()["results"]] == [token.pk]
    page = admin.get(f"/users/{token.user_id}/")
    assert key[:8] in page.content.decode() and key not in page.content.decode()
    response = admin.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == f"/users/{token.user_id}/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert call(key).status_code == 401
    entry = AuditEntry.objects.get(
        object_type="core.apitoken", object_id=str(token.pk), action="update"
    )
    assert entry.actor.username == "secadmin"


def test_the_tokens_page_makes_a_token_shown_once_and_revokes_ones_own():
    client = signed_in_client("institution")
    made = client.post("/account/tokens/", {"name": "attendance sync", "days": "90"})
    text = made.content.decode()
    assert made.status_code == 200 and 'id="new-token"' in text
    token = ApiToken.objects.get(user__username="institution", name="attendance sync")
    assert token.expires_at - token.created_at == timedelta(days=90)
    again = client.get("/account/tokens/").content.decode()
    assert 'id="new-token"' not in again and token.prefix in again
    refused = client.post("/account/tokens/", {"name": "forever", "days": "3650"})
    assert refused.status_code == 200 and not ApiToken.objects.filter(name="forever").exists()
    # Someone else's token is not found; one's own is revoked.
    other, _key = issue("county_reviewer", 30)
    assert client.post(f"/account/tokens/{other.pk}/revoke/").status_code == 404
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/account/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_finance_keeps_its_own_credentials_though_read_only():
    """Finance/audit writes nothing of the platform's, but obtains and revokes its own token."""
    token, key = issue("finance", 7)
    assert call(key).status_code == 200
    with act("finance"):
        services.revoke_api_token(token)
    assert call(key).status_code == 401
