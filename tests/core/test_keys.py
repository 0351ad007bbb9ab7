"""Sealing of personal data under either suite (AES-256-GCM / HMAC-SHA256, or SM4-GCM /
HMAC-SM3 for GB/T 39786-2021), key ids, and the rotation of the data key in committed chunks
that a failure half-way leaves resumable (issue 20: 等保三级 8.1.4.8, PIPL art. 51)."""

import base64
import os
from datetime import date

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from jineng.core import crypto, keys
from jineng.core.models import AuditEntry, ImportJob, Organisation
from jineng.people import selectors
from jineng.people import services as people
from jineng.people.models import LicenceRecord, Person
from tests.factories import PersonFactory, id_number

OLD_KEY = b"0123456789abcdef0123456789abcdef"  # the tests' JINENG_DATA_KEY: the base data's
NEW_KEY = b"n" * 32
SUITES = ["aes", "sm"]


def use_keys(settings, suite: str, current: bytes, old=()) -> None:
    settings.CRYPTO_SUITE = suite
    settings.DATA_KEY = current
    settings.DATA_KEYS_OLD = tuple(old)


@pytest.mark.parametrize("suite", SUITES)
def test_a_value_round_trips_and_its_header_names_suite_and_key(settings, suite):
    use_keys(settings, suite, NEW_KEY)
    token = crypto.encrypt("110101199003074514", "id_number")
    assert token[:1] == crypto.FORMAT_V2
    assert token[1:2] == crypto.SUITE_BYTES[suite]
    assert token[2:6] == crypto.key_id(NEW_KEY)
    assert b"110101199003074514" not in token
    assert crypto.decrypt(token, "id_number") == "110101199003074514"
    assert crypto.encrypt("x", "phone") != crypto.encrypt("x", "phone")  # a fresh nonce each
    with pytest.raises(InvalidTag):  # moved to another column
        crypto.decrypt(token, "phone")
    other_suite = token[:1] + crypto.SUITE_BYTES[{"aes": "sm", "sm": "aes"}[suite]] + token[2:]
    with pytest.raises(InvalidTag):  # the header is authenticated too
        crypto.decrypt(other_suite, "id_number")
    flipped = bytearray(token)
    flipped[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt(bytes(flipped), "id_number")


@pytest.mark.parametrize("suite", SUITES)
def test_the_batch_calls_of_an_import_seal_and_hash_as_the_single_ones(settings, suite):
    """Issue 21 (the slow paths): a roster's crypto in batches, each value its own nonce, the
    hashes those of lookup_hashes, the current key's first, during a rotation too."""
    use_keys(settings, suite, NEW_KEY, old=[(("aes",), OLD_KEY)])
    values = ["110101199003074514", "13800000000", "110101199003074514"]
    tokens = crypto.encrypt_many(values, "id_number")
    assert [crypto.decrypt(token, "id_number") for token in tokens] == values
    assert tokens[0] != tokens[2]  # the same number twice: two nonces, two ciphertexts
    assert all(token[:6] == crypto.ring().prefix for token in tokens)
    hashes = crypto.lookup_hashes_many(values, "id_number")
    assert hashes == [crypto.lookup_hashes(value, "id_number") for value in values]
    assert [found[0] for found in hashes] == [crypto.lookup_hash(v, "id_number") for v in values]
    assert len(hashes[0]) == 2  # the old key's hash too, while it is rotated away from


def test_the_suites_hash_differently_and_each_the_same_every_time(settings):
    use_keys(settings, "aes", NEW_KEY)
    aes = crypto.lookup_hash("13800000000", "phone")
    use_keys(settings, "sm", NEW_KEY)
    sm = crypto.lookup_hash("13800000000", "phone")
    assert aes != sm and len(aes) == len(sm) == 64
    assert crypto.lookup_hash("13800000000", "phone") == sm
    assert crypto.lookup_hashes("13800000000", "phone") == (sm,)  # no rotation: one hash


def test_sm_suite_is_sm4_gcm_and_hmac_sm3(settings):
    """Against an independent computation with `cryptography`'s SM4 and SM3."""
    from cryptography.hazmat.primitives import hmac
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    use_keys(settings, "sm", NEW_KEY)
    token = crypto.encrypt("abc", "phone")
    sm4_key = HKDF(hashes.SM3(), 16, None, b"jineng field encryption sm4").derive(NEW_KEY)
    nonce, body = token[6:18], token[18:]
    decryptor = Cipher(algorithms.SM4(sm4_key), modes.GCM(nonce, body[-16:])).decryptor()
    decryptor.authenticate_additional_data(token[:6] + b"phone")
    assert decryptor.update(body[:-16]) + decryptor.finalize() == b"abc"
    mac_key = HKDF(hashes.SM3(), 32, None, b"jineng lookup hash sm3").derive(NEW_KEY)
    signer = hmac.HMAC(mac_key, hashes.SM3())
    signer.update(b"phone\x00abc")
    assert crypto.lookup_hash("abc", "phone") == signer.finalize().hex()


def test_format_1_values_still_decrypt_and_count_as_stale(settings):
    """Values written before key ids (format 1: AES-GCM, no header but the version byte)."""
    use_keys(settings, "aes", NEW_KEY, [(("aes",), OLD_KEY)])
    aes_key = HKDF(hashes.SHA256(), 32, None, b"jineng field encryption v1").derive(OLD_KEY)
    nonce = os.urandom(12)
    legacy = b"\x01" + nonce + AESGCM(aes_key).encrypt(nonce, b"13800000000", b"phone")
    assert crypto.decrypt(legacy, "phone") == "13800000000"
    assert not crypto.is_current(legacy)
    assert keys.describe(legacy[:6]).startswith("format 1")


@pytest.mark.parametrize("suite", SUITES)
def test_a_key_not_configured_is_named_not_tried(settings, suite):
    use_keys(settings, suite, OLD_KEY)
    token = crypto.encrypt("x", "phone")
    use_keys(settings, suite, NEW_KEY)
    with pytest.raises(crypto.UnknownKey, match=crypto.key_id(OLD_KEY).hex()):
        crypto.decrypt(token, "phone")
    use_keys(settings, suite, NEW_KEY, [((suite,), OLD_KEY)])
    assert crypto.decrypt(token, "phone") == "x"
    assert not crypto.is_current(token)


def test_every_binary_column_is_sealed_or_known_to_be_plain():
    """A new BinaryField must say whether it holds sealed personal data (rotation finds it
    through `sealed_fields`) or is a plain upload."""
    plain: set[str] = set()  # none: every upload is sealed since issue 20
    sealed = {
        f"{model._meta.label}.{column.cipher}"
        for model, columns in keys.sealed_models()
        for column in columns
        if not column.is_text
    }
    binary = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.BinaryField)
    }
    assert binary - sealed == plain
    assert sealed <= binary
    assert {"people.Person.id_number_cipher", "people.Person.phone_cipher",
            "people.LicenceRecord.number_cipher", "core.ImportJob.content",
            "claims.Objection.contact_cipher", "reports.Report.pdf",
            "training.Commitment.content", "institutions.Enterprise.evidence_content",
            "supervision.OnSitePhoto.content"} <= sealed  # fmt: skip


def phone_of(person: Person) -> str:
    return crypto.decrypt(person.phone_cipher, "phone")


def registry(act, count: int) -> list[tuple[Person, str, str, str]]:
    """`count` people with a phone and a welder's licence, and their numbers in clear."""
    made = []
    for n in range(count):
        person = PersonFactory()
        number = f"T2026{n:06d}"
        with act("city_reviewer"):
            people.add_licence(person, licence_type="welding_work", number=number,
                               valid_from=date(2025, 1, 1), evidence="证书原件")  # fmt: skip
        made.append((person, people.decrypt_id_number(person), phone_of(person), number))
    return made


def all_found(made, user) -> None:
    """Every look-up answers under the keys configured now: by ID number, phone, licence."""
    for person, number, phone, licence in made:
        assert people.find_by_id_number(number) == person
        assert list(selectors.persons_for(user, phone)) == [person]
        assert list(selectors.persons_for(user, number)) == [person]
        assert [r.person_id for r in people.find_licence("welding_work", licence)] == [person.pk]


def all_current(made) -> None:
    """Every record decrypts with the current key alone and is sealed with it."""
    for person, number, phone, licence in made:
        person = Person.objects.get(pk=person.pk)
        assert crypto.is_current(person.id_number_cipher) and crypto.is_current(person.phone_cipher)
        assert people.decrypt_id_number(person) == number and phone_of(person) == phone
        record = LicenceRecord.objects.get(person=person)
        assert crypto.is_current(record.number_cipher)
        assert crypto.decrypt(record.number_cipher, "licence_number") == licence


ROTATIONS = [("aes", "aes"), ("aes", "sm"), ("sm", "sm"), ("sm", "aes")]


@pytest.mark.parametrize(("before", "after"), ROTATIONS)
def test_rotation_stopped_half_way_resumes_and_lookups_work_throughout(
    settings, act, users, monkeypatch, before, after
):
    use_keys(settings, before, OLD_KEY)
    made = registry(act, 12)
    org = Organisation.objects.get(code="411402")
    job = ImportJob.objects.create(kind="people", filename="x.csv", organisation=org,
                                   content=crypto.encrypt_bytes(b"id,name", "import"))  # fmt: skip
    before_rows = Person.objects.count()
    user = users["county_reviewer"]
    all_found(made, user)

    # The new key, the old one still read: look-ups find old and new hashes alike.
    use_keys(settings, after, NEW_KEY, [(("aes", "sm"), OLD_KEY)])  # the base data's is aes
    all_found(made, user)
    fresh_number = id_number("411402", 999_999)
    with act("county_reviewer"):
        fresh = people.register_person(name="新人", id_number=fresh_number,
                                       organisation=org, phone="13912345678")  # fmt: skip
    assert crypto.is_current(fresh.id_number_cipher)
    with act("county_reviewer"), pytest.raises(ValidationError, match="已在"):
        # the same number under the old hash is still found as a duplicate
        people.register_person(name="重复", id_number=made[0][1], organisation=org)

    assert {m.label: m for m in keys.status()}["people.Person"].stale == before_rows
    # A failure inside the third chunk: two chunks (of 4) stay done, the third rolls back.
    real, calls = keys._reseal, []

    def failing(*args):
        calls.append(1)
        if len(calls) == 10:
            raise RuntimeError("killed")
        real(*args)

    monkeypatch.setattr(keys, "_reseal", failing)
    lines = []
    with pytest.raises(RuntimeError):
        keys.rotate(chunk=4, progress=lines.append)
    assert lines[-1].startswith("people.Person: 8/")
    state = {m.label: m for m in keys.status()}
    assert state["people.Person"].stale == before_rows - 8
    all_found(made, user)  # half-way, still every look-up works

    monkeypatch.setattr(keys, "_reseal", real)
    keys.rotate(chunk=4, progress=lines.append)
    assert all(m.stale == 0 for m in keys.status())
    assert keys.rotate(chunk=4, progress=lines.append) == 0  # nothing left: a no-op

    use_keys(settings, after, NEW_KEY)  # the old key removed
    all_current(made)
    all_found(made, user)
    assert people.find_by_id_number(fresh_number) == fresh
    job.refresh_from_db()
    assert crypto.is_current(job.content)
    assert crypto.decrypt_bytes(job.content, "import") == b"id,name"


def test_rotation_refuses_a_value_of_an_unknown_key_and_writes_nothing(settings, act):
    use_keys(settings, "aes", OLD_KEY)
    made = registry(act, 2)
    use_keys(settings, "sm", NEW_KEY)  # the old key forgotten
    with pytest.raises(keys.RotationError, match="cannot decrypt"):
        keys.rotate(chunk=10, progress=lambda line: None)
    person = Person.objects.get(pk=made[0][0].pk)
    assert person.id_number_cipher[2:6] == crypto.key_id(OLD_KEY)


def test_status_counts_by_key(settings, act):
    use_keys(settings, "aes", OLD_KEY)
    registry(act, 3)
    use_keys(settings, "sm", NEW_KEY, [(("aes",), OLD_KEY)])
    PersonFactory()
    person = {m.label: m for m in keys.status()}["people.Person"]
    by_column = {c.column: c for c in person.columns}
    described = {keys.describe(h): n for h, n in by_column["id_number_cipher"].headers.items()}
    old = f"key {crypto.key_id(OLD_KEY).hex()} aes (old key)"
    new = f"key {crypto.key_id(NEW_KEY).hex()} sm (current)"
    assert described[new] == 1 and described[old] >= 3
    assert person.stale == person.rows - 1


def test_old_keys_are_read_from_the_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from jineng.config import crypto_suite, old_data_keys

    encoded = base64.urlsafe_b64encode(OLD_KEY).decode()
    monkeypatch.setenv("JINENG_DATA_KEYS_OLD", f"{encoded}, sm:{encoded}")
    assert old_data_keys(NEW_KEY) == ((("aes", "sm"), OLD_KEY), (("sm",), OLD_KEY))
    monkeypatch.setenv("JINENG_DATA_KEYS_OLD", "sm4:" + encoded)
    with pytest.raises(ImproperlyConfigured, match="suite"):
        old_data_keys(NEW_KEY)
    monkeypatch.setenv("JINENG_DATA_KEYS_OLD", "short")
    with pytest.raises(ImproperlyConfigured, match="JINENG_DATA_KEYS_OLD"):
        old_data_keys(NEW_KEY)
    monkeypatch.setenv("JINENG_DATA_KEYS_OLD", encoded)
    with pytest.raises(ImproperlyConfigured, match="current"):
        old_data_keys(OLD_KEY)
    monkeypatch.setenv("JINENG_CRYPTO", "des")
    with pytest.raises(ImproperlyConfigured, match="aes or sm"):
        crypto_suite()
    monkeypatch.setenv("JINENG_CRYPTO", "SM")
    assert crypto_suite() == "sm"


def test_a_format_1_record_is_rotated_to_format_2(settings, act):
    """A value written before key ids (by the AES-GCM code of the first version) is rewritten."""
    use_keys(settings, "aes", OLD_KEY)
    person = PersonFactory()
    number = people.decrypt_id_number(person)
    aes_key = HKDF(hashes.SHA256(), 32, None, b"jineng field encryption v1").derive(OLD_KEY)
    nonce = os.urandom(12)
    legacy = b"\x01" + nonce + AESGCM(aes_key).encrypt(nonce, number.encode(), b"id_number")
    Person.objects.filter(pk=person.pk).update(id_number_cipher=legacy)
    assert {m.label: m for m in keys.status()}["people.Person"].stale >= 1
    use_keys(settings, "sm", NEW_KEY, [(("aes",), OLD_KEY)])
    keys.rotate(chunk=50, progress=lambda line: None)
    logged = AuditEntry.objects.filter(actor_label="system:command:keys rotate")
    started, done = list(logged.order_by("pk").values_list("message", flat=True))[-2:]
    assert started == f"data key rotation to key {crypto.key_id(NEW_KEY).hex()} started"
    assert done.startswith(f"data keys rotated to key {crypto.key_id(NEW_KEY).hex()} (sm): ")
    person.refresh_from_db()
    assert bytes(person.id_number_cipher[:6]) == crypto.ring().prefix
    use_keys(settings, "sm", NEW_KEY)
    assert people.decrypt_id_number(person) == number
    assert people.find_by_id_number(number) == person
