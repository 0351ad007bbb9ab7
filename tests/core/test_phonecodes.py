"""The one service of one-time codes (core.phonecodes, issue 19): a code is texted through
core.sms, kept only as a keyed hash beside the phone's look-up hash, confirms only its own
purpose and only once, expires, is limited in wrong tries, and each phone, address and account
gets only so many codes an hour; the same settings for every purpose."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from jineng.core import phonecodes, sms
from jineng.core.models import AuditEntry, CodePurpose, PhoneCode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE = "13912340001"
IP = "192.0.2.20"


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "jineng.core.sms.OutboxBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def system(act):
    """The services run as the system's named work (as a registration does)."""
    with act(None):
        yield


def code_of(outbox, phone: str = PHONE) -> str:
    return re.search(r"\d{6}", [m for m in outbox if m.phone == phone][-1].text).group(0)


def other_than(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_code_is_texted_and_kept_only_as_hashes(outbox, system):
    sent = phonecodes.issue(phonecodes.REGISTER, PHONE, ip=IP)
    code = code_of(outbox)
    sent.refresh_from_db()
    assert sent.purpose == CodePurpose.REGISTER and sent.ip == IP
    assert code not in sent.code_hash and PHONE not in sent.phone_hash
    assert sent.phone_hash == phonecodes.phone_hash(PHONE)
    assert sent.phone_cipher is None and sent.phone_masked == ""  # the number is not kept
    entry = AuditEntry.objects.filter(object_type="core.phonecode").latest("id")
    assert code not in str(entry.after) and sent.code_hash not in str(entry.after)
    assert phonecodes.verify(phonecodes.REGISTER, code, phone=PHONE) == sent


def test_a_phone_change_keeps_the_new_number_sealed(outbox, system):
    user = UserFactory()
    sent = phonecodes.issue(phonecodes.PHONE_CHANGE, PHONE, user=user, keep_number=True)
    sent.refresh_from_db()
    assert PHONE.encode() not in bytes(sent.phone_cipher)
    assert sent.phone_masked == "139****0001"
    found = phonecodes.verify(phonecodes.PHONE_CHANGE, code_of(outbox), user=user)
    assert phonecodes.number_of(found) == PHONE
    assert phonecodes.pending(phonecodes.PHONE_CHANGE, user=user) == sent


def test_a_code_expires(outbox, system, settings):
    settings.PHONE_CODE_SECONDS = 300
    phonecodes.issue(phonecodes.REGISTER, PHONE)
    code = code_of(outbox)
    later = time_machine.travel(timezone.now() + timedelta(seconds=301))
    with later, pytest.raises(ValidationError, match="过期"):
        phonecodes.verify(phonecodes.REGISTER, code, phone=PHONE)


def test_wrong_tries_end_a_code_and_are_kept(outbox, system, settings):
    settings.PHONE_CODE_TRIES = 3
    sent = phonecodes.issue(phonecodes.REGISTER, PHONE)
    code = code_of(outbox)
    for left in (2, 1):
        with pytest.raises(ValidationError, match=f"还可尝试 {left} 次"):
            phonecodes.verify(phonecodes.REGISTER, other_than(code), phone=PHONE)
    with pytest.raises(ValidationError, match="错误次数过多"):
        phonecodes.verify(phonecodes.REGISTER, other_than(code), phone=PHONE)
    with pytest.raises(ValidationError, match="错误次数过多"):
        phonecodes.verify(phonecodes.REGISTER, code, phone=PHONE)  # the right one, too late
    sent.refresh_from_db()
    assert sent.tries == 3  # each wrong try committed, though each answer was a refusal


def test_a_code_confirms_only_its_own_purpose(outbox, system):
    user = UserFactory()
    phonecodes.issue(phonecodes.REGISTER, PHONE)
    code = code_of(outbox)
    with pytest.raises(ValidationError, match="请先获取验证码"):
        phonecodes.verify(phonecodes.PHONE_CHANGE, code, user=user)
    phonecodes.issue(phonecodes.PHONE_CHANGE, "13912340002", user=user, keep_number=True)
    change = code_of(outbox, "13912340002")
    with pytest.raises(ValidationError, match="已过期或未发送"):
        phonecodes.verify(phonecodes.REGISTER, change, phone="13912340002")
    sent = phonecodes.verify(phonecodes.REGISTER, code, phone=PHONE)
    with pytest.raises(ValidationError, match="请先获取验证码"):
        phonecodes.spend(phonecodes.PHONE_CHANGE, sent)  # nor is spent for another
    assert not PhoneCode.objects.filter(confirmed_at__isnull=False).exists()


def test_a_code_confirms_once(outbox, system):
    phonecodes.issue(phonecodes.REGISTER, PHONE)
    code = code_of(outbox)
    sent = phonecodes.verify(phonecodes.REGISTER, code, phone=PHONE)
    phonecodes.spend(phonecodes.REGISTER, sent)
    assert PhoneCode.objects.get(pk=sent.pk).used
    with pytest.raises(ValidationError, match="已过期或未发送"):
        phonecodes.verify(phonecodes.REGISTER, code, phone=PHONE)
    with pytest.raises(ValidationError, match="已过期或未发送"):
        phonecodes.spend(phonecodes.REGISTER, sent)  # spent at the same time elsewhere


def test_only_the_newest_code_works(outbox, system):
    phonecodes.issue(phonecodes.REGISTER, PHONE)
    first = code_of(outbox)
    phonecodes.issue(phonecodes.REGISTER, PHONE)
    newest = code_of(outbox)
    if first != newest:
        with pytest.raises(ValidationError, match="验证码错误"):
            phonecodes.verify(phonecodes.REGISTER, first, phone=PHONE)
    assert phonecodes.verify(phonecodes.REGISTER, newest, phone=PHONE)


def test_codes_are_limited_per_phone_address_and_account_each_hour(outbox, system, settings):
    settings.PHONE_CODES_PER_PHONE = 2
    settings.PHONE_CODES_PER_ADDRESS = 3
    settings.PHONE_CODES_PER_USER = 2
    user = UserFactory()
    phonecodes.issue(phonecodes.REGISTER, PHONE, ip=IP)
    phonecodes.issue(phonecodes.PHONE_CHANGE, PHONE, user=user, keep_number=True)
    with pytest.raises(ValidationError, match="此手机"):  # the phone's rate, whatever the purpose
        phonecodes.issue(phonecodes.REGISTER, PHONE, ip="192.0.2.21")
    phonecodes.issue(phonecodes.REGISTER, "13912340003", ip=IP)
    phonecodes.issue(phonecodes.REGISTER, "13912340004", ip=IP)
    with pytest.raises(ValidationError, match="此地址"):
        phonecodes.issue(phonecodes.REGISTER, "13912340005", ip=IP)
    phonecodes.issue(phonecodes.PHONE_CHANGE, "13912340006", user=user, keep_number=True)
    with pytest.raises(ValidationError, match="一小时内已申请2次"):
        phonecodes.issue(phonecodes.PHONE_CHANGE, "13912340007", user=user, keep_number=True)
    assert len(outbox) == 5
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        phonecodes.issue(phonecodes.REGISTER, PHONE, ip=IP)
        phonecodes.issue(phonecodes.PHONE_CHANGE, "13912340007", user=user, keep_number=True)


def test_a_text_the_gateway_refuses_is_a_refusal_in_the_purpose_s_words(system, settings):
    settings.SMS_BACKEND = "tests.core.test_phonecodes.RefusingBackend"
    with pytest.raises(ValidationError) as refused:
        phonecodes.issue(phonecodes.REGISTER, PHONE)
    assert refused.value.message_dict["phone"] == ["短信未能发送：余额不足"]
    with pytest.raises(ValidationError, match="验证码未能发送到该号码（余额不足）"):
        phonecodes.issue(phonecodes.PHONE_CHANGE, "13912340008", user=UserFactory())


class RefusingBackend:
    def send(self, phone: str, text: str) -> None:
        raise sms.SmsError("余额不足")


def test_nobody_writes_a_code_anonymously(outbox):
    """Fail closed: the caller names who acts (the worker, or the system's named work)."""
    from django.core.exceptions import PermissionDenied

    from jineng.core.roles import NOT_SIGNED_IN

    with pytest.raises(PermissionDenied, match=re.escape(str(NOT_SIGNED_IN))):
        phonecodes.issue(phonecodes.REGISTER, PHONE)
    assert not outbox and not PhoneCode.objects.exists()
