"""Field encryption and keyed hashes for personal data (ID numbers, phones).

One 32-byte JINENG_DATA_KEY yields, through HKDF, an AES-256-GCM key that encrypts each value
(a fresh 96-bit nonce per value; the field's name is authenticated as associated data, so a
ciphertext moved to another column does not decrypt) and an HMAC-SHA256 key for look-up hashes
(the same value always hashes the same, so exact search and de-duplication work without
decrypting anything). The keys never leave this module.

Stored format: version byte 1 | nonce (12) | ciphertext+tag. A future key rotation adds a version.
"""

import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12


@lru_cache(maxsize=4)
def _keys(data_key: bytes) -> tuple[AESGCM, bytes]:
    def derive(purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(data_key)

    return AESGCM(derive(b"jineng field encryption v1")), derive(b"jineng lookup hash v1")


def encrypt_bytes(value: bytes, field: str) -> bytes:
    cipher, _ = _keys(settings.DATA_KEY)
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT_VERSION + nonce + cipher.encrypt(nonce, value, field.encode())


def decrypt_bytes(token: bytes, field: str) -> bytes:
    token = bytes(token)
    if token[:1] != FORMAT_VERSION:
        raise ValueError("unknown encryption format")
    cipher, _ = _keys(settings.DATA_KEY)
    nonce, body = token[1 : 1 + NONCE_BYTES], token[1 + NONCE_BYTES :]
    return cipher.decrypt(nonce, body, field.encode())


def encrypt(value: str, field: str) -> bytes:
    return encrypt_bytes(value.encode(), field)


def decrypt(token: bytes, field: str) -> str:
    return decrypt_bytes(token, field).decode()


def lookup_hash(value: str, field: str) -> str:
    """Keyed hash of a normalised value, for exact look-up; useless without the data key."""
    _, key = _keys(settings.DATA_KEY)
    return hmac.new(key, f"{field}\x00{value}".encode(), hashlib.sha256).hexdigest()
