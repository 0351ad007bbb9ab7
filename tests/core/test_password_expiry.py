"""Passwords changed periodically (等保三级 GB/T 22239-2019 8.1.4.1 a: 鉴别信息具有复杂度要求并
定期更换; issue 20): a staff account whose password is older than JINENG_PASSWORD_MAX_AGE_DAYS
is sent to change it after the login, before any other page (the API refuses it, the token
endpoint too); workers are exempt; a new password may not be one of the last
JINENG_PASSWORD_HISTORY, kept as hashes only."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from jineng.core.demo import DEMO_PASSWORD
from jineng.core.models import PasswordHistory, User
from jineng.core.security import password_expired

pytestmark = pytest.mark.django_db

NEW = ["Xk9#mWq2vL", "Rt7$pZn4bH", "Qw3%yUe8cJ", "Lm5&tGr6dK", "Vb2*hNs9fP", "Cz8!jYa3gM"]


@pytest.fixture
def expiry(settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    settings.PASSWORD_HISTORY = 5
    return settings


def aged(username: str, days: int) -> User:
    User.objects.filter(username=username).update(
        password_changed_at=timezone.now() - timedelta(days=days)
    )
    return User.objects.get(username=username)


def signed_in(username: str) -> Client:
    client = Client()
    answer = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert answer.status_code == 302
    return client


def change(client, old: str, new: str, next_url: str = ""):
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    if next_url:
        data["next"] = next_url
    return client.post("/account/password/", data)


def test_a_staff_password_past_its_age_is_changed_before_anything_else(expiry):
    """8.1.4.1 a: after the login, every page leads to the change, the API refuses; once changed
    the user goes where they were going."""
    aged("city_reviewer", 91)
    client = signed_in("city_reviewer")
    for url in ("/", "/organisations/", "/account/tokens/"):
        answer = client.get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/account/password/?next=")
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and "90" in api.json()["detail"]
    page = client.get("/account/password/?next=/organisations/").content.decode()
    assert 'id="password-expired"' in page and "超过90天" in page
    reused = change(client, DEMO_PASSWORD, DEMO_PASSWORD)
    assert reused.status_code == 200 and "不得与" in reused.content.decode()
    done = change(client, DEMO_PASSWORD, NEW[0], next_url="/organisations/")
    assert done.status_code == 302 and done["Location"] == "/organisations/"
    assert client.get("/organisations/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    user = User.objects.get(username="city_reviewer")
    assert not password_expired(user)
    assert timezone.now() - user.password_changed_at < timedelta(minutes=1)


def test_the_age_counts_from_the_last_change_and_the_limit_is_a_setting(expiry):
    """8.1.4.1 a: 90 days by default, counted from the last change; 0 turns it off."""
    user = aged("finance", 89)
    assert not password_expired(user)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert password_expired(user)
        assert signed_in("finance").get("/").status_code == 302
    User.objects.filter(pk=user.pk).update(password_changed_at=None)  # set around set_password
    assert password_expired(User.objects.get(pk=user.pk))
    expiry.PASSWORD_MAX_AGE_DAYS = 0
    assert not password_expired(User.objects.get(pk=user.pk))


def test_workers_are_exempt_and_the_demo_is_off_by_default(expiry):
    """Workers' own accounts (only their record) are not made to change (docs/security.md)."""
    worker = aged("worker", 400)
    assert not password_expired(worker)
    assert signed_in("worker").get("/").status_code == 200
    administrator = aged("secadmin", 400)
    assert password_expired(administrator)


def test_the_token_endpoint_refuses_an_expired_password(expiry):
    aged("city_reviewer", 120)
    answer = Client().post(
        "/api/v1/auth/token/",
        {"username": "city_reviewer", "password": DEMO_PASSWORD, "name": "script", "days": 7},
        content_type="application/json",
    )
    assert answer.status_code == 403 and "90" in answer.json()["detail"]


def test_none_of_the_last_five_passwords_comes_back_and_only_hashes_are_kept(expiry):
    """8.1.4.1 a: a new password differs from the last JINENG_PASSWORD_HISTORY (5) ones."""
    user = User.objects.get(username="county_reviewer")
    for password in NEW[:5]:
        validate_password(password, user)
        user.set_password(password)
        user.save()
    kept = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True))
    assert len(kept) == 5  # older ones are dropped
    assert all(p.startswith("md5$") and p not in NEW for p in kept)  # the tests' hasher
    for password in NEW[:5]:  # the current one and the four before it
        with pytest.raises(ValidationError) as refused:
            validate_password(password, user)
        assert refused.value.error_list[0].code == "password_reused"
    validate_password(DEMO_PASSWORD, user)  # the sixth back: allowed again
    expiry.PASSWORD_HISTORY = 0
    validate_password(NEW[4], user)  # the check turned off


def test_a_new_account_changes_the_password_it_was_given_at_its_first_sign_in(expiry):
    """An account made with a password chosen by someone else (jineng createuser, the security
    administrator) has no change on record: its first sign-in leads to the change, which starts
    its clock and its history."""
    from jineng.core.models import Organisation

    user = User.objects.create_user(
        "fresh_staff", password=NEW[5], organisation=Organisation.objects.get(code="411402")
    )
    assert user.password_changed_at is None and password_expired(user)
    client = Client()
    client.post("/accounts/login/", {"username": "fresh_staff", "password": NEW[5]})
    assert client.get("/").status_code == 302
    assert change(client, NEW[5], NEW[0]).status_code == 302
    user.refresh_from_db()
    assert user.password_changed_at is not None and not password_expired(user)
    assert PasswordHistory.objects.filter(user=user).count() == 1
    assert client.get("/").status_code == 200
