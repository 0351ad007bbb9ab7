"""Field encryption and keyed hashes for personal data (ID numbers, phones, uploads).

Two suites, chosen per deployment by JINENG_CRYPTO (settings.CRYPTO_SUITE):

- `aes`: AES-256-GCM to encrypt, HMAC-SHA256 for look-up hashes, keys derived by HKDF-SHA256;
- `sm`:  SM4-GCM to encrypt, HMAC-SM3 for look-up hashes, keys derived by HKDF-SM3 (the
  commercial cryptography of GB/T 39786-2021).

Both derive their keys from one 32-byte data key (JINENG_DATA_KEY). Each value gets a fresh
96-bit nonce; the header and the field's name are authenticated as associated data, so a
ciphertext moved to another column, or given another header, does not decrypt. A look-up hash is
an HMAC of the normalised value (the same value always hashes the same, so exact search and
de-duplication work without decrypting anything). The keys never leave this module.

Stored format (2): version 2 | suite (b"A" or b"S") | key id (4) | nonce (12) | ciphertext+tag.
The key id (from the key itself, by HKDF) picks the key among the current one and those being
rotated away from (JINENG_DATA_KEYS_OLD) without trying each. Format 1 (version 1 | nonce |
ciphertext+tag, AES only, written before key ids) still decrypts, trying the configured keys;
`jineng keys rotate` rewrites it as format 2 (jineng.core.keys).
"""

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

FORMAT_V1 = b"\x01"
FORMAT_V2 = b"\x02"
SUITE_BYTES = {"aes": b"A", "sm": b"S"}
SUITE_OF_BYTE = {value: name for name, value in SUITE_BYTES.items()}
KEY_ID_BYTES = 4
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_BYTES = 2 + KEY_ID_BYTES  # version, suite, key id


class UnknownKey(ValueError):
    """A value sealed with a key that is not configured (neither current nor old)."""


def key_id(material: bytes) -> bytes:
    """The 4-byte id a ciphertext carries of the data key that sealed it (not secret: an HKDF
    output of its own purpose, which tells nothing of the keys derived for encryption)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=KEY_ID_BYTES, salt=None, info=b"jineng key id")
    return derived.derive(material)


class _Suite:
    name = ""

    def seal(self, nonce: bytes, value: bytes, aad: bytes) -> bytes:
        raise NotImplementedError

    def open(self, nonce: bytes, body: bytes, aad: bytes) -> bytes:
        raise NotImplementedError

    def mac(self, message: bytes) -> str:
        raise NotImplementedError


class _Aes(_Suite):
    """AES-256-GCM and HMAC-SHA256 (the derivations of format 1, so its values and hashes
    made with the same key stay valid)."""

    name = "aes"

    def __init__(self, material: bytes):
        def derive(purpose: bytes) -> bytes:
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
                material
            )

        self._aead = AESGCM(derive(b"jineng field encryption v1"))
        self._mac_key = derive(b"jineng lookup hash v1")

    def seal(self, nonce, value, aad):
        return self._aead.encrypt(nonce, value, aad)

    def open(self, nonce, body, aad):
        return self._aead.decrypt(nonce, body, aad)

    def mac(self, message):
        return hmac.digest(self._mac_key, message, hashlib.sha256).hex()  # hmac.new's, faster


class _Sm(_Suite):
    """SM4-GCM (GB/T 32907 block cipher, GCM mode as in GB/T 36624) and HMAC-SM3."""

    name = "sm"

    def __init__(self, material: bytes):
        def derive(purpose: bytes, length: int) -> bytes:
            return HKDF(algorithm=hashes.SM3(), length=length, salt=None, info=purpose).derive(
                material
            )

        self._key = derive(b"jineng field encryption sm4", 16)
        self._mac_key = derive(b"jineng lookup hash sm3", 32)

    def seal(self, nonce, value, aad):
        encryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        return encryptor.update(value) + encryptor.finalize() + encryptor.tag

    def open(self, nonce, body, aad):
        if len(body) < TAG_BYTES:
            raise InvalidTag()
        tag = body[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(aad)
        return decryptor.update(body[:-TAG_BYTES]) + decryptor.finalize()

    def mac(self, message):
        signer = crypto_hmac.HMAC(self._mac_key, hashes.SM3())
        signer.update(message)
        return signer.finalize().hex()


@lru_cache(maxsize=16)
def _suite(name: str, material: bytes) -> _Suite:
    return {"aes": _Aes, "sm": _Sm}[name](material)


@dataclass(frozen=True)
class KeyRing:
    """The configured keys: the current one (what new values are sealed with) and the old ones."""

    suite: str
    current: bytes
    old: tuple[tuple[tuple[str, ...], bytes], ...]

    @cached_property  # a frozen dataclass: cached_property writes the instance's __dict__
    def prefix(self) -> bytes:
        """The header of every value sealed now: a value without it is to be rotated (its key id
        is an HKDF derivation: made once per ring, not once per value)."""
        return FORMAT_V2 + SUITE_BYTES[self.suite] + key_id(self.current)

    def materials(self) -> list[bytes]:
        keys = [self.current]
        keys += [key for _, key in self.old if key not in keys]
        return keys

    def by_id(self) -> dict[bytes, bytes]:
        found: dict[bytes, bytes] = {}
        for material in self.materials():
            kid = key_id(material)
            if kid in found:
                raise ValueError("two configured data keys share a key id: make a new key")
            found[kid] = material
        return found

    def hash_suites(self) -> list[tuple[str, bytes]]:
        """(suite, key) of every look-up hash in use, the current one first."""
        pairs = [(self.suite, self.current)]
        for suites, material in self.old:
            pairs += [(suite, material) for suite in suites if (suite, material) not in pairs]
        return pairs


@lru_cache(maxsize=8)
def _ring(suite: str, current: bytes, old: tuple) -> tuple[KeyRing, dict[bytes, bytes]]:
    ring = KeyRing(suite=suite, current=current, old=old)
    return ring, ring.by_id()


def ring() -> KeyRing:
    return _ring(*_configured())[0]


def _configured() -> tuple[str, bytes, tuple]:
    return (
        getattr(settings, "CRYPTO_SUITE", "aes"),
        settings.DATA_KEY,
        tuple(getattr(settings, "DATA_KEYS_OLD", ())),
    )


def encrypt_bytes(value: bytes, field: str) -> bytes:
    return encrypt_many_bytes((value,), field)[0]


def encrypt_many_bytes(values: Iterable[bytes], field: str) -> list[bytes]:
    """Each value sealed as encrypt_bytes seals it (its own fresh nonce), the keys and the
    associated data resolved once for all (imports seal 100,000 numbers at a time)."""
    keys = ring()
    header = keys.prefix
    aad = header + field.encode()
    seal = _suite(keys.suite, keys.current).seal
    sealed = []
    for value in values:
        nonce = os.urandom(NONCE_BYTES)
        sealed.append(header + nonce + seal(nonce, value, aad))
    return sealed


def encrypt_many(values: Iterable[str], field: str) -> list[bytes]:
    return encrypt_many_bytes((value.encode() for value in values), field)


def decrypt_bytes(token: bytes, field: str) -> bytes:
    token = bytes(token)
    keys, by_id = _ring(*_configured())
    if token[:1] == FORMAT_V1:
        return _decrypt_v1(token, field, keys)
    if token[:1] != FORMAT_V2 or token[1:2] not in SUITE_OF_BYTE:
        raise ValueError("unknown encryption format")
    header = token[:HEADER_BYTES]
    material = by_id.get(token[2:HEADER_BYTES])
    if material is None:
        raise UnknownKey(
            f"sealed with data key {token[2:HEADER_BYTES].hex()}, which is not configured "
            "(JINENG_DATA_KEY, JINENG_DATA_KEYS_OLD)"
        )
    nonce = token[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES]
    body = token[HEADER_BYTES + NONCE_BYTES :]
    return _suite(SUITE_OF_BYTE[token[1:2]], material).open(nonce, body, header + field.encode())


def _decrypt_v1(token: bytes, field: str, keys: KeyRing) -> bytes:
    """Format 1 names no key: the configured keys are tried, the current one first."""
    nonce, body = token[1 : 1 + NONCE_BYTES], token[1 + NONCE_BYTES :]
    for material in keys.materials():
        try:
            return _suite("aes", material).open(nonce, body, field.encode())
        except InvalidTag:
            continue
    raise UnknownKey("format-1 value that no configured data key decrypts")


def is_current(token: bytes | None) -> bool:
    """True when the value is sealed with the current key and suite (nothing to rotate)."""
    return token is None or bytes(token[:HEADER_BYTES]) == ring().prefix


def encrypt(value: str, field: str) -> bytes:
    return encrypt_bytes(value.encode(), field)


def decrypt(token: bytes, field: str) -> str:
    return decrypt_bytes(token, field).decode()


def _message(value: str, field: str) -> bytes:
    return f"{field}\x00{value}".encode()


def lookup_hash(value: str, field: str) -> str:
    """Keyed hash of a normalised value, for exact look-up; useless without the data key.
    Always with the current key and suite: what is stored with a new or rotated record."""
    keys = ring()
    return _suite(keys.suite, keys.current).mac(_message(value, field))


def lookup_hashes(value: str, field: str) -> tuple[str, ...]:
    """Every hash the value may be stored under: the current one first, then one per old key
    (and suite) while a rotation is under way. Search with `field__in=lookup_hashes(...)`."""
    return lookup_hashes_many((value,), field)[0]


def lookup_hashes_many(values: Iterable[str], field: str) -> list[tuple[str, ...]]:
    """lookup_hashes of each value, the keys resolved once for all (imports)."""
    macs = [_suite(suite, material).mac for suite, material in ring().hash_suites()]
    out = []
    for value in values:
        message = _message(value, field)
        found: list[str] = []
        for mac in macs:
            digest = mac(message)
            if digest not in found:
                found.append(digest)
        out.append(tuple(found))
    return out


@dataclass(frozen=True)
class Sealed:
    """One encrypted column of a model, declared in the model's `sealed_fields` so that
    `jineng keys rotate` finds it: the BinaryField, the field name it is sealed for (the
    associated data given to encrypt), and the look-up hash beside it if any, with the function
    that gives the hashed value from the row and the decrypted text, and the other columns that
    function reads."""

    cipher: str
    purpose: str
    hash: str = ""
    hash_value: object = None  # callable (row, plaintext: str) -> normalised value
    reads: tuple[str, ...] = ()
    # A text column of another package's model (django-otp's TOTP key) cannot be a BinaryField:
    # it holds `text_prefix` and the URL-safe base64 of the sealed value. The header (6 bytes)
    # is 8 base64 characters of its own, so a value's key and suite show in its first
    # len(text_prefix) + 8 characters, and rotation finds stale values by that prefix.
    text_prefix: str = ""

    @property
    def is_text(self) -> bool:
        return bool(self.text_prefix)

    def seal(self, value: bytes):
        """What the column is to hold for `value`: sealed with the current key and suite."""
        return self.stored(encrypt_bytes(value, self.purpose))

    def open(self, stored) -> bytes:
        """The value a column holds, decrypted (the caller has checked who may read it)."""
        return decrypt_bytes(self.token(stored), self.purpose)

    def stored(self, token: bytes):
        """What the column holds for a sealed value."""
        if not self.is_text:
            return token
        return self.text_prefix + base64.urlsafe_b64encode(token).decode("ascii")

    def token(self, stored) -> bytes:
        """The sealed value a column holds (ValueError for a text value not sealed)."""
        if not self.is_text:
            return bytes(stored)
        if not stored.startswith(self.text_prefix):
            raise ValueError("a value stored unencrypted")
        return base64.urlsafe_b64decode(stored[len(self.text_prefix) :])

    def stored_head(self, header: bytes):
        """How a value sealed with this header begins in the column."""
        return self.stored(header)

    @property
    def head_length(self) -> int:
        return len(self.text_prefix) + HEADER_BYTES * 4 // 3 if self.is_text else HEADER_BYTES

    def header_of(self, head) -> bytes:
        """The header (format, suite, key id) of a column's first `head_length` bytes or
        characters; b"" for a text value not sealed."""
        if not self.is_text:
            return bytes(head)
        try:
            return self.token(head)
        except ValueError:
            return b""
