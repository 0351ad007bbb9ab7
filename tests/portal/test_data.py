"""A worker's data is theirs (PIPL art. 45, 46): the copy holds their own data only and is
audited; the phone changes only with the code texted to it (hashed, expiring, limited in tries
and in how many are asked); anything else is a correction request the bureau answers."""

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from jineng.core import crypto
from jineng.core.models import AuditAction, AuditEntry, PhoneCode
from jineng.portal import services
from jineng.portal.models import CorrectionRequest, CorrectionState
from tests.factories import CertificateFactory, TrainingClassFactory, UserFactory, bureau

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(make_worker):
    (mine, me), (theirs, them) = make_worker(), make_worker()
    TrainingClassFactory(state="completed", trainees=[mine, theirs])
    CertificateFactory(person=mine, level="5")
    CertificateFactory(person=theirs, level="5")
    return mine, me, theirs, them


def test_the_copy_holds_my_data_only_and_is_audited(two, signed_in):
    mine, me, theirs, them = two
    client = signed_in(me)
    response = client.get("/me/data/copy/?format=json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    copy = json.loads(text)
    assert copy["登记信息"]["公民身份号码"] == services_id(mine)
    assert mine.certificates.get().number in text
    for secret in (theirs.name, services_id(theirs), theirs.certificates.get().number):
        assert secret not in text
    assert len(copy["培训班"]) == 1 and len(copy["证书"]) == 1
    assert "cipher" not in text and "_hash" not in text
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL, actor=me).latest("at")
    assert "PIPL" in entry.message
    sheet = client.get("/me/data/copy/?format=xlsx")
    book = load_workbook(io.BytesIO(sheet.content))
    cells = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    assert mine.name in cells and theirs.name not in cells
    assert client.get("/me/data/copy/?format=pdf").status_code == 404


def services_id(person):
    from jineng.people.services import decrypt_id_number

    return decrypt_id_number(person)


def code_of(outbox) -> str:
    import re

    return re.search(r"(\d{6})", outbox[-1].text).group(1)


def test_the_phone_changes_with_the_texted_code(make_worker, act, outbox):
    person, user = make_worker()
    with act(user):
        change = services.ask_phone_change(user, "139 0370 1234")
    assert outbox[-1].phone == "13903701234"
    code = code_of(outbox)
    change.refresh_from_db()
    assert code not in change.code_hash and len(change.code_hash) >= 32  # hashed, not kept
    with act(user):
        services.confirm_phone_change(user, code)
    person.refresh_from_db()
    assert crypto.decrypt(bytes(person.phone_cipher), "phone") == "13903701234"
    assert person.phone_masked == "139****1234"


def test_the_code_expires(make_worker, act, outbox):
    person, user = make_worker()
    with act(user):
        services.ask_phone_change(user, "13903701235")
    code = code_of(outbox)
    later = timezone.now() + services.CODE_VALID + timedelta(seconds=1)
    with time_machine.travel(later), act(user), pytest.raises(ValidationError) as refused:
        services.confirm_phone_change(user, code)
    assert "过期" in str(refused.value)
    person.refresh_from_db()
    assert "1235" not in person.phone_masked


def test_the_code_allows_few_tries(make_worker, act, outbox):
    person, user = make_worker()
    with act(user):
        services.ask_phone_change(user, "13903701236")
    code = code_of(outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.CODE_TRIES):
        with act(user), pytest.raises(ValidationError, match="验证码错误"):
            services.confirm_phone_change(user, wrong)
    with act(user), pytest.raises(ValidationError) as refused:
        services.confirm_phone_change(user, code)  # the right code, too late
    assert "错误" in str(refused.value) or "太多" in str(refused.value)
    assert PhoneCode.objects.get(user=user).tries == services.CODE_TRIES


def test_codes_are_limited_per_hour(make_worker, act, outbox):
    person, user = make_worker()
    for n in range(services.CODES_PER_HOUR):
        with act(user):
            services.ask_phone_change(user, f"1390370124{n}")
    with act(user), pytest.raises(ValidationError, match="一小时内已申请"):
        services.ask_phone_change(user, "13903701249")
    assert len(outbox) == services.CODES_PER_HOUR
    # Only the latest code counts: an earlier one no longer works.
    first = outbox[0].text
    import re

    early = re.search(r"(\d{6})", first).group(1)
    if early != code_of(outbox):
        with act(user), pytest.raises(ValidationError, match="验证码错误"):
            services.confirm_phone_change(user, early)


def test_a_phone_change_through_the_pages(make_worker, signed_in, outbox):
    person, user = make_worker()
    client = signed_in(user)
    bad = client.post("/me/data/phone/", {"phone": "0370-3221234"})
    assert bad.status_code == 400 and "手机" in bad.content.decode()
    assert client.post("/me/data/phone/", {"phone": "13903701250"}).status_code == 302
    wrong = client.post("/me/data/phone/confirm/", {"code": "x"})
    assert wrong.status_code == 400
    assert client.post("/me/data/phone/confirm/", {"code": code_of(outbox)}).status_code == 302
    person.refresh_from_db()
    assert person.phone_masked == "139****1250"


def test_a_correction_request_waits_for_the_bureau_which_answers(make_worker, signed_in, login):
    """PIPL art. 46: the worker asks; it is on the to-do of their bureau (梁园区's reviewer);
    the bureau answers; the worker reads the answer. Another region's reviewer never sees it."""
    person, user = make_worker()
    client = signed_in(user)
    assert (
        client.post(
            "/me/data/correction/",
            {"subject": "education", "text": "我2019年毕业于商丘职业技术学院"},
        ).status_code
        == 302
    )
    request = CorrectionRequest.objects.get(user=user)
    reviewer = login("county_reviewer")
    home = reviewer.get("/").content.decode()
    assert "/corrections/" in home
    listed = reviewer.get("/corrections/").content.decode()
    assert person.name in listed
    elsewhere = UserFactory(organisation=bureau("411481"))  # 永城市's bureau
    assert person.name not in login(elsewhere.username).get("/corrections/").content.decode()
    assert (
        login(elsewhere.username)
        .post(f"/corrections/{request.pk}/answer/", {"corrected": "1", "answer": "x"})
        .status_code
        == 404
    )
    reviewer = login("county_reviewer")
    answered = reviewer.post(
        f"/corrections/{request.pk}/answer/", {"corrected": "1", "answer": "已补录学历"}
    )
    assert answered.status_code == 302
    request.refresh_from_db()
    assert request.state == CorrectionState.CORRECTED and request.answer == "已补录学历"
    page = signed_in(user).get("/me/data/").content.decode()
    assert "已补录学历" in page
    # The worker cannot answer their own request.
    assert (
        signed_in(user)
        .post(f"/corrections/{request.pk}/answer/", {"corrected": "1", "answer": "x"})
        .status_code
        == 404
    )
