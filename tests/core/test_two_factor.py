"""Two-factor sign-in (等保三级, GB/T 22239-2019 8.1.4.1 d; issue 20): enrolment, the login's
second step with a right, wrong and reused code, recovery codes, the lockout, enforcement by
role, the API's token endpoint and an administrator's audited reset."""

import base64
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken

from jineng.config import two_factor_roles
from jineng.core import twofactor
from jineng.core.demo import DEMO_PASSWORD
from jineng.core.models import AuditEntry, TwoFactorDevice, User
from tests.actors import act
from tests.core.test_startup import run

pytestmark = pytest.mark.django_db

IP = "192.0.2.44"


@pytest.fixture
def required(settings):
    """The production default: reviewers, department staff, finance/audit and administrators."""
    settings.TWO_FACTOR_REQUIRED_ROLES = frozenset(settings.TWO_FACTOR_DEFAULT_ROLES)
    return settings


def code_of(device: TwoFactorDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def password(client, username, ip=IP, next_url=None):
    data = {"username": username, "password": DEMO_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data, REMOTE_ADDR=ip)


def give_code(client, code, ip=IP):
    return client.post("/accounts/login/code/", {"code": code}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return client.get("/api/v1/me/").status_code == 200


def enrolled(username: str) -> tuple[TwoFactorDevice, list[str]]:
    """Set up a user's second factor through the services, as the user would on their page."""
    user = User.objects.get(username=username)
    with act(user):
        device = twofactor.start_enrolment(user)
        codes = twofactor.confirm_enrolment(user, code_of(device))
    device.refresh_from_db()
    return device, codes


def test_a_required_role_without_a_device_is_sent_to_enrolment_and_reaches_nothing_else(required):
    client = Client()
    response = password(client, "city_reviewer")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/enrol/"
    # The password alone opens nothing: not a page, not the API.
    assert not signed_in(client)
    for url in ("/organisations/", "/users/", "/account/tokens/", "/account/two-factor/"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    page = client.get("/accounts/login/enrol/")
    text = page.content.decode()
    assert page.status_code == 200 and "<svg" in text  # the QR code, drawn on the server
    device = TwoFactorDevice.objects.get(user__username="city_reviewer", confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    shown = re.search(r'id="totp-secret">([^<]+)<', text).group(1).replace(" ", "")
    assert shown == secret
    # The secret is kept encrypted (等保三级 8.1.4.8): neither it nor its hex is in the column.
    stored = TwoFactorDevice.objects.filter(pk=device.pk).values_list("key", flat=True).get()
    assert stored.startswith("v1:") and secret not in stored and device.bin_key.hex() not in stored
    assert "otpauth://" not in text or "secret=" + secret in text  # no other secret
    # A wrong first code confirms nothing.
    wrong = client.post("/accounts/login/enrol/", {"code": "000000"}, REMOTE_ADDR=IP)
    assert wrong.status_code == 200 and "验证码错误" in wrong.content.decode()
    assert not signed_in(client)
    # The right one (after django-otp's second of waiting): signed in, and the recovery codes
    # are shown once.
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        done = client.post("/accounts/login/enrol/", {"code": code_of(device)}, REMOTE_ADDR=IP)
    assert done.status_code == 200
    codes = re.findall(
        r"<li>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</li>", done.content.decode()
    )
    assert len(codes) == twofactor.RECOVERY_CODES
    assert signed_in(client)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(
        object_type="core.user", message__contains="双因素登录已设置"
    ).exists()


def test_a_user_with_a_device_gives_a_right_code_after_the_password_and_never_the_same_twice(
    required,
):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        device, _codes = enrolled("finance")
        clock.shift(timedelta(seconds=30))  # the enrolment's code is spent
        client = Client()
        response = password(client, "finance", next_url="/audit/")
        assert response["Location"] == "/accounts/login/code/"
        assert not signed_in(client)
        wrong = give_code(client, "123456" if code_of(device) != "123456" else "654321")
        assert wrong.status_code == 200 and not signed_in(client)
        clock.shift(timedelta(seconds=2))  # django-otp's throttling: 1 s after a wrong code
        right = code_of(device)
        response = give_code(client, right)
        assert response.status_code == 302 and response["Location"] == "/audit/"
        assert signed_in(client)
        # The same code again, in the same 30 seconds, from another browser: refused.
        other = Client()
        password(other, "finance")
        reused = give_code(other, right)
        assert reused.status_code == 200 and "已被使用" in reused.content.decode()
        assert not signed_in(other)


def test_a_recovery_code_works_once_and_is_stored_hashed(required):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _device, codes = enrolled("admin")
        stored = set(StaticToken.objects.filter(device__user__username="admin").values_list(
            "token", flat=True
        ))  # fmt: skip
        assert len(stored) == len(codes) and not any(
            code.replace("-", "") in stored for code in codes
        )
        assert twofactor.recovery_hash(codes[0]) in stored
        client = Client()
        password(client, "admin")
        response = give_code(client, codes[0].upper())  # typed as printed, in capitals
        assert response.status_code == 302 and signed_in(client)
        assert twofactor.recovery_codes_left(User.objects.get(username="admin")) == len(codes) - 1
        assert AuditEntry.objects.filter(message__contains="使用恢复码登录").exists()
        clock.shift(timedelta(seconds=5))
        again = Client()
        password(again, "admin")
        refused = give_code(again, codes[0])
        assert refused.status_code == 200 and not signed_in(again)


def test_wrong_codes_lock_the_account_like_wrong_passwords(required):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        device, _codes = enrolled("department")
        client = Client()
        password(client, "department")
        for _ in range(4):
            clock.shift(timedelta(minutes=1))  # past django-otp's own waiting time
            assert give_code(client, "99999999").status_code == 200
        # A known password does not wipe the count of wrong codes.
        clock.shift(timedelta(minutes=1))
        password(client, "department", ip="198.51.100.9")
        response = give_code(client, "99999999", ip="198.51.100.9")
        assert response.status_code == 302 and response["Location"] == "/accounts/login/"
        assert AuditEntry.objects.filter(action="locked_out", message="双因素验证码错误")
        # Locked: the right password and the right code do not sign in now.
        clock.shift(timedelta(minutes=1))
        locked = password(client, "department", ip="203.0.113.5")
        assert locked.status_code == 200 and "15" in locked.content.decode()
        assert not signed_in(client)
        clock.shift(timedelta(minutes=16))
        assert password(client, "department", ip="203.0.113.5").status_code == 302
        assert give_code(client, code_of(device), ip="203.0.113.5").status_code == 302
        assert signed_in(client)


def test_enforcement_follows_the_roles_of_the_setting(required):
    # Institutions and workers are not required by default: the password signs them in.
    for username in ("institution", "worker", "evaluator"):
        client = Client()
        assert password(client, username)["Location"] == "/"
        assert signed_in(client)
    for username in ("city_reviewer", "finance", "department", "admin"):
        assert password(Client(), username)["Location"] == "/accounts/login/enrol/"
    # Institutions may be added by the setting.
    required.TWO_FACTOR_REQUIRED_ROLES = frozenset({"institution_staff"})
    assert password(Client(), "institution")["Location"] == "/accounts/login/enrol/"
    client = Client()
    assert password(client, "city_reviewer")["Location"] == "/"
    # Whoever set it up of their own accord is asked for the code all the same.
    enrolled("worker")
    assert password(Client(), "worker")["Location"] == "/accounts/login/code/"


def test_a_session_that_skipped_the_second_factor_is_ended(required):
    client = Client()
    client.force_login(User.objects.get(username="city_reviewer"))  # another way in
    response = client.get("/organisations/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not signed_in(client)
    # A worker (not required) keeps a password-only session.
    worker = Client()
    worker.force_login(User.objects.get(username="worker"))
    assert signed_in(worker)


def test_the_admin_login_is_the_sites_own_with_its_second_step(required):
    response = Client().get("/admin/login/?next=/admin/core/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/core/user/")


def test_the_token_endpoint_asks_for_the_code(required):
    client = Client()
    url = "/api/v1/auth/token/"
    body = {"username": "city_reviewer", "password": DEMO_PASSWORD}
    refused = client.post(url, body, content_type="application/json", REMOTE_ADDR=IP)
    assert refused.status_code == 403 and "网页" in refused.json()["detail"]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        device, _codes = enrolled("city_reviewer")
        clock.shift(timedelta(seconds=30))
        no_code = client.post(url, body, content_type="application/json", REMOTE_ADDR=IP)
        assert no_code.status_code == 401
        wrong = client.post(
            url, {**body, "code": "000001"}, content_type="application/json", REMOTE_ADDR=IP
        )
        assert wrong.status_code == 401
        clock.shift(timedelta(seconds=2))
        right = client.post(
            url,
            {**body, "code": code_of(device), "days": 7},
            content_type="application/json",
            REMOTE_ADDR=IP,
        )
        assert right.status_code == 201, right.content
        token = right.json()["token"]
        lifetime = timezone.datetime.fromisoformat(right.json()["expires_at"]) - timezone.now()
        assert timedelta(days=6) < lifetime <= timedelta(days=7)
        me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
        assert me.status_code == 200 and me.json()["username"] == "city_reviewer"
    assert AuditEntry.objects.filter(action="login_failed", message="双因素验证码错误")
    # Five wrong codes lock the endpoint too.
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False) as clock:
        for _ in range(5):
            clock.shift(timedelta(minutes=1))
            answer = client.post(
                url, {**body, "code": "000002"}, content_type="application/json", REMOTE_ADDR=IP
            )
        assert answer.status_code == 403 and "15" in answer.json()["detail"]


def test_a_reset_is_an_administrators_audited_service(required):
    enrolled("county_reviewer")
    target = User.objects.get(username="county_reviewer")
    # A reviewer manages no users: refused by the service, and the page is not found.
    with act("city_reviewer"), pytest.raises(PermissionDenied, match="负责用户管理"):
        twofactor.reset(target)
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="worker"))
    assert reviewer.post(f"/users/{target.pk}/two-factor/reset/").status_code == 404
    # The administrator, on the user's page, after their own second factor.
    admin_device, _codes = enrolled("secadmin")
    admin = Client()
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        password(admin, "secadmin")
        give_code(admin, code_of(admin_device))
        page = admin.get(f"/users/{target.pk}/")
        assert "重置" in page.content.decode()
        response = admin.post(f"/users/{target.pk}/two-factor/reset/")
    assert response.status_code == 302
    assert not TwoFactorDevice.objects.filter(user=target).exists()
    assert twofactor.recovery_codes_left(target) == 0
    entry = AuditEntry.objects.filter(
        object_id=str(target.pk), message__contains="已由管理员重置"
    ).get()
    assert entry.actor.username == "secadmin" and entry.object_type == "core.user"
    # Next time the reviewer signs in, enrolment comes again.
    assert password(Client(), "county_reviewer")["Location"] == "/accounts/login/enrol/"


def test_a_reset_ends_the_sessions_verified_by_the_old_device(required):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        device, _codes = enrolled("county_reviewer")
        clock.shift(timedelta(seconds=30))
        client = Client()
        password(client, "county_reviewer")
        give_code(client, code_of(device))
        assert signed_in(client)
        with act("secadmin"):
            twofactor.reset(User.objects.get(username="county_reviewer"))
        assert not signed_in(client)


def test_the_account_page_sets_it_up_for_anyone_and_gives_new_recovery_codes():
    client = Client()
    client.force_login(User.objects.get(username="institution"))
    with time_machine.travel(timezone.now(), tick=False) as clock:
        page = client.get("/account/two-factor/")
        assert page.status_code == 200 and "<svg" in page.content.decode()
        device = TwoFactorDevice.objects.get(user__username="institution")
        done = client.post("/account/two-factor/", {"code": code_of(device)})
        assert done.status_code == 200 and "恢复码" in done.content.decode()
        clock.shift(timedelta(seconds=30))
        assert "recovery-left" in client.get("/account/two-factor/").content.decode()
        old = set(
            StaticToken.objects.filter(device__user=device.user).values_list("token", flat=True)
        )
        renewed = client.post("/account/two-factor/", {"code": code_of(device)})
        assert renewed.status_code == 200
        new = set(
            StaticToken.objects.filter(device__user=device.user).values_list("token", flat=True)
        )
        assert len(new) == twofactor.RECOVERY_CODES and not old & new


def test_the_setting_names_roles_or_none_and_refuses_an_unknown_one():
    assert two_factor_roles("", default=("reviewer",)) == ("reviewer",)
    assert two_factor_roles("none", default=("reviewer",)) == ()
    assert two_factor_roles(" institution_staff, reviewer ", default=()) == (
        "institution_staff",
        "reviewer",
    )
    with pytest.raises(ImproperlyConfigured, match="bureau_chief"):
        two_factor_roles("reviewer,bureau_chief", default=())


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"JINENG_DEMO": "1"}, []),
        ({"JINENG_DEMO": "1", "JINENG_2FA_REQUIRED_ROLES": "reviewer"}, ["reviewer"]),
        (
            {"JINENG_DEBUG": "1"},
            [
                "audit_admin",
                "department_staff",
                "finance_audit",
                "reviewer",
                "security_admin",
                "system_admin",
            ],  # fmt: skip
        ),
    ],
)
def test_the_demo_requires_it_of_nobody_unless_set(tmp_path, env, expected):
    shown = run(
        ["shell", "--no-imports", "-c", "from django.conf import settings; "
         "print(','.join(sorted(settings.TWO_FACTOR_REQUIRED_ROLES)))"],
        tmp_path, **env,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == ",".join(expected)


def test_a_command_resets_the_second_factor_when_no_administrator_can_sign_in():
    enrolled("admin")
    with pytest.raises(CommandError, match="nobody"):
        call_command("resettwofactor", "nobody")
    call_command("resettwofactor", "admin", stdout=io.StringIO())
    assert not TwoFactorDevice.objects.filter(user__username="admin").exists()
    entry = AuditEntry.objects.filter(message__contains="已由管理员重置").get()
    assert entry.actor_label == "system:command:resettwofactor"
    with pytest.raises(CommandError, match="没有可重置"):
        call_command("resettwofactor", "admin")


@pytest.mark.parametrize("suite", ["aes", "sm"])
def test_key_rotation_reseals_the_totp_secrets_and_the_second_factor_works_with_the_old_key_gone(
    required, suite
):
    """`jineng keys rotate` covers the TOTP secrets (等保三级 8.1.4.8 鉴别数据保密性, key
    management; issue 20): after a rotation the old key is retired and the user signs in with a
    code of the same authenticator app."""
    from jineng.core import crypto, keys

    old_key, new_key = crypto.ring().current, b"r" * 32
    with time_machine.travel(timezone.now(), tick=False) as clock:
        device, _codes = enrolled("finance")
        secret = device.bin_key
        before = TwoFactorDevice.objects.filter(pk=device.pk).values_list("key", flat=True).get()
        (column,) = TwoFactorDevice.sealed_fields
        assert crypto.key_id(old_key) == column.token(before)[2:6]

        required.CRYPTO_SUITE, required.DATA_KEY = suite, new_key
        required.DATA_KEYS_OLD = ((("aes", "sm"), old_key),)
        status = {m.label: m for m in keys.status()}["core.TwoFactorDevice"]
        assert status.stale == status.rows == 1
        described = {keys.describe(h) for h in status.columns[0].headers}
        assert described == {f"key {crypto.key_id(old_key).hex()} aes (old key)"}
        lines = []
        assert keys.rotate(chunk=1, progress=lines.append) >= 1
        assert "core.TwoFactorDevice: 1/1 rotated" in lines
        assert all(m.stale == 0 for m in keys.status())

        required.DATA_KEYS_OLD = ()  # the old key retired
        after = TwoFactorDevice.objects.filter(pk=device.pk).values_list("key", flat=True).get()
        assert after != before and after.startswith("v1:")
        assert column.token(after)[:6] == crypto.ring().prefix
        device = TwoFactorDevice.objects.get(pk=device.pk)
        assert device.bin_key == secret  # the same authenticator app goes on working

        clock.shift(timedelta(seconds=30))  # the enrolment's code is spent
        client = Client()
        assert password(client, "finance")["Location"] == "/accounts/login/code/"
        response = give_code(client, code_of(device))
        assert response.status_code == 302 and signed_in(client)
