"""Signed certificate payloads: a compact JWS (RFC 7515) signed with Ed25519 ("EdDSA", RFC 8037).

The QR code of a certificate carries the JWS itself, so anyone holding the published public keys
verifies it offline: no call to the platform, no secret. Each key has an id (`kid`) written in
the JWS header; rotating means signing with a new key while the old public keys stay published,
so certificates signed years ago keep verifying.

Pure Python on `cryptography`: nothing here imports Django.

    keys = KeySet.parse(signing="2026a:<seed>", retired="2025a:<public key>")
    token = sign(keys, {"no": "Y00014100000012641000123", ...})
    result = verify(keys.public, token)   # result.valid, result.reason, result.claims
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

TYPE = "jineng-cert+jws"
KID_RE = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
MAX_TOKEN = 4096  # a QR code holds less than this; anything longer is not ours


class KeyConfigError(ValueError):
    """A key given in the configuration is malformed (the message says which and why)."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class KeySet:
    """The key that signs now (kid, private key) and every public key that verifies."""

    kid: str | None
    private: Ed25519PrivateKey | None
    public: dict[str, Ed25519PublicKey] = field(default_factory=dict)

    @classmethod
    def parse(cls, signing: str = "", retired: str = "") -> KeySet:
        """signing: "kid:<32-byte seed, base64url>"; retired: "kid:<public key>,kid:<...>"."""
        public: dict[str, Ed25519PublicKey] = {}
        kid = private = None
        if signing.strip():
            kid, raw = _pair(signing, "signing key")
            private = Ed25519PrivateKey.from_private_bytes(raw)
            public[kid] = private.public_key()
        for item in filter(None, (part.strip() for part in retired.split(","))):
            old_kid, raw = _pair(item, "retired key")
            if old_kid in public:
                raise KeyConfigError(f"key id {old_kid!r} is given twice")
            public[old_kid] = Ed25519PublicKey.from_public_bytes(raw)
        return cls(kid, private, public)

    def jwks(self) -> dict[str, Any]:
        """The public keys as a JWK Set (RFC 8037 OKP keys), for the keys endpoint."""
        return {
            "keys": [
                {"kty": "OKP", "crv": "Ed25519", "kid": kid, "use": "sig", "alg": "EdDSA",
                 "x": b64url(_raw_public(key))}
                for kid, key in self.public.items()
            ]
        }  # fmt: skip


def public_keys_from_jwks(document: Any) -> dict[str, Ed25519PublicKey]:
    """The Ed25519 keys of a JWK Set as the keys endpoint publishes it (for offline checks).
    Raises KeyConfigError, with the reason, on anything else."""
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise KeyConfigError('not a JWK Set: it needs a "keys" list')
    public: dict[str, Ed25519PublicKey] = {}
    for entry in entries:
        if not isinstance(entry, dict) or (entry.get("kty"), entry.get("crv")) != (
            "OKP",
            "Ed25519",
        ):
            continue  # a key of another kind verifies none of our certificates
        kid, raw = _pair(f"{entry.get('kid', '')}:{entry.get('x', '')}", "public key")
        public[kid] = Ed25519PublicKey.from_public_bytes(raw)
    if not public:
        raise KeyConfigError("the JWK Set holds no Ed25519 key")
    return public


def _pair(text: str, what: str) -> tuple[str, bytes]:
    kid, _, encoded = text.strip().partition(":")
    if not KID_RE.match(kid):
        raise KeyConfigError(f"the {what} needs an id before ':' (letters, digits, . _ -)")
    try:
        raw = unb64url(encoded.strip())
    except (ValueError, binascii.Error):
        raw = b""
    if len(raw) != 32:
        raise KeyConfigError(f"the {what} {kid!r} must be 32 bytes in base64url after the ':'")
    return kid, raw


def new_signing_key(kid: str) -> str:
    """A fresh "kid:seed" for JINENG_CERT_SIGNING_KEY."""
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    return f"{kid}:{b64url(seed)}"


def public_of(signing: str) -> str:
    """The "kid:public key" to publish (and keep in the retired keys after a rotation)."""
    kid, raw = _pair(signing, "signing key")
    return f"{kid}:{b64url(_raw_public(Ed25519PrivateKey.from_private_bytes(raw).public_key()))}"


def _compact(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign(keys: KeySet, claims: dict[str, Any]) -> str:
    if keys.private is None or keys.kid is None:
        raise KeyConfigError("no signing key is configured (JINENG_CERT_SIGNING_KEY)")
    header = b64url(_compact({"alg": "EdDSA", "kid": keys.kid, "typ": TYPE}))
    body = b64url(_compact(claims))
    signing_input = f"{header}.{body}".encode()
    return f"{header}.{body}.{b64url(keys.private.sign(signing_input))}"


# Why a token does not verify (codes; the platform words them for people).
MALFORMED = "malformed"
UNKNOWN_KEY = "unknown_key"
BAD_SIGNATURE = "bad_signature"


@dataclass(frozen=True)
class Verified:
    valid: bool
    reason: str = ""  # "" when the signature holds, else one of the codes above
    kid: str = ""
    claims: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Parsed:
    """A compact JWS taken apart (its signature not yet checked)."""

    kid: str
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes


def parse(token: str) -> Parsed | None:
    """The parts of a well-formed token of ours, or None; never raises on bad input."""
    token = (token or "").strip()
    parts = token.split(".")
    if len(token) > MAX_TOKEN or len(parts) != 3:
        return None
    try:
        header = json.loads(unb64url(parts[0]))
        claims = json.loads(unb64url(parts[1]))
        signature = unb64url(parts[2])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    if header.get("alg") != "EdDSA" or header.get("typ") != TYPE:
        return None
    signing_input = f"{parts[0]}.{parts[1]}".encode()
    return Parsed(str(header.get("kid", "")), claims, signing_input, signature)


def check(public: dict[str, Ed25519PublicKey], parsed: Parsed | None) -> Verified:
    """The signature of a parsed token against the published keys."""
    if parsed is None:
        return Verified(False, MALFORMED)
    key = public.get(parsed.kid)
    if key is None:
        return Verified(False, UNKNOWN_KEY, parsed.kid, parsed.claims)
    try:
        key.verify(parsed.signature, parsed.signing_input)
    except InvalidSignature:
        return Verified(False, BAD_SIGNATURE, parsed.kid, parsed.claims)
    return Verified(True, "", parsed.kid, parsed.claims)


def verify(public: dict[str, Ed25519PublicKey], token: str) -> Verified:
    """Check a compact JWS against the published keys; never raises on bad input."""
    return check(public, parse(token))
