"""Configuration read from the environment, before Django is set up.

Kept apart from settings.py so that the CLI can check the configuration and refuse to start
with a one-line reason instead of a traceback.
"""

import base64
import binascii
import fcntl
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from jineng.certificates.signing import KeyConfigError, KeySet, new_signing_key

# The repository root when installed editable (the supported set-up); front-end assets live here.
REPO_DIR = Path(__file__).resolve().parents[2]

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def two_factor_roles(value: str, *, default: tuple[str, ...]) -> tuple[str, ...]:
    """JINENG_2FA_REQUIRED_ROLES: role names separated by commas, or "none"; empty: `default`.
    An unknown role stops the start with one line rather than silently requiring nothing."""
    from jineng.core.roles import Role

    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        return default
    if items == ["none"]:
        return ()
    unknown = sorted(set(items) - set(Role.values))
    if unknown:
        raise ImproperlyConfigured(
            f"JINENG_2FA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)} "
            f"(known: {', '.join(Role.values)}, or none)."
        )
    return tuple(items)


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number from the environment; anything else stops the start with one line."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}.")
    return number


def env_float(name: str, default: float, *, low: float, high: float) -> float:
    """A number between `low` and `high` from the environment; else one line stops the start."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ImproperlyConfigured(f"{name} must be a number from {low} to {high}.")
    return number


def data_dir() -> Path:
    return Path(os.environ.get("JINENG_DATA_DIR") or REPO_DIR / "var").resolve()


DEMO_KEY_NAMES = ("secret_key", "data_key", "cert_signing_key")


def _new_demo_keys() -> dict[str, str]:
    return {
        "secret_key": secrets.token_urlsafe(50),
        "data_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "cert_signing_key": new_signing_key("demo-1"),
    }


def _demo_keys(directory: Path) -> dict[str, str]:
    """Keys of the embedded demo: generated once, kept in the data directory (mode 0600).
    A file written before a key existed (the certificate signing key) gets it added, under a
    lock so that two processes starting together agree on one key."""
    path = directory / "demo-keys.json"
    if path.exists():
        keys = json.loads(path.read_text())
        if all(name in keys for name in DEMO_KEY_NAMES):
            return keys
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".demo-keys.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        keys = json.loads(path.read_text()) if path.exists() else {}
        missing = {name: value for name, value in _new_demo_keys().items() if name not in keys}
        if missing:
            keys.update(missing)
            temporary = path.with_name(f".{path.name}.{os.getpid()}")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump(keys, handle)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
    return keys


def decode_data_key(text: str, name: str = "JINENG_DATA_KEY") -> bytes:
    """JINENG_DATA_KEY is 32 random bytes in URL-safe base64 (the encryption and HMAC keys of
    either suite are derived from it)."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(
            f"{name} must be 32 bytes in URL-safe base64 "
            '(make one with: python -c "import base64,os;'
            'print(base64.urlsafe_b64encode(os.urandom(32)).decode())")'
        )
    return key


def secret_keys(debug: bool, demo: bool) -> tuple[str, bytes]:
    """Return (SECRET_KEY, data key); refuse with one line when production lacks them."""
    secret = os.environ.get("JINENG_SECRET_KEY", "").strip()
    data_key = os.environ.get("JINENG_DATA_KEY", "").strip()
    if (not secret or not data_key) and (demo or debug):
        keys = _demo_keys(data_dir())
        secret = secret or keys["secret_key"]
        data_key = data_key or keys["data_key"]
    if not secret:
        raise ImproperlyConfigured(
            "JINENG_SECRET_KEY is not set: set it and JINENG_DATA_KEY in the environment "
            "(or run the embedded demo with `make run`)"
        )
    if len(secret) < 32:
        raise ImproperlyConfigured("JINENG_SECRET_KEY is too short: use at least 32 characters")
    if not data_key:
        raise ImproperlyConfigured("JINENG_DATA_KEY is not set: personal data cannot be encrypted")
    return secret, decode_data_key(data_key)


CRYPTO_SUITES = ("aes", "sm")


def crypto_suite() -> str:
    """JINENG_CRYPTO: `aes` (AES-256-GCM, HMAC-SHA256; the default) or `sm` (SM4-GCM, HMAC-SM3,
    for a deployment assessed under GB/T 39786-2021): what new values are sealed with."""
    suite = os.environ.get("JINENG_CRYPTO", "").strip().lower() or "aes"
    if suite not in CRYPTO_SUITES:
        raise ImproperlyConfigured(f"JINENG_CRYPTO must be aes or sm, not {suite!r}")
    return suite


def old_data_keys(current: bytes) -> tuple[tuple[tuple[str, ...], bytes], ...]:
    """JINENG_DATA_KEYS_OLD: the data keys being rotated away from, comma-separated, each
    `KEY`, `aes:KEY` or `sm:KEY` (the suite its look-up hashes were made with; a bare key is
    looked up under both). Values sealed with them still decrypt and their hashes still match
    until `jineng keys rotate` has moved every record to JINENG_DATA_KEY; then empty it.
    The current key may be listed with the other suite, to move from AES to SM keeping it."""
    text = os.environ.get("JINENG_DATA_KEYS_OLD", "").strip()
    keys = []
    for number, item in enumerate((part.strip() for part in text.split(",")), start=1):
        if not item:
            continue
        suite, _, encoded = item.rpartition(":") if ":" in item else ("", "", item)
        if suite and suite not in CRYPTO_SUITES:
            raise ImproperlyConfigured(
                f"JINENG_DATA_KEYS_OLD: key {number} names the suite {suite!r} (aes or sm)"
            )
        key = decode_data_key(encoded, f"JINENG_DATA_KEYS_OLD (key {number})")
        suites = (suite,) if suite else CRYPTO_SUITES
        if key == current and not suite:
            raise ImproperlyConfigured(
                f"JINENG_DATA_KEYS_OLD: key {number} is the current JINENG_DATA_KEY: list it "
                "as aes:KEY or sm:KEY (the suite moved away from), or not at all"
            )
        keys.append((suites, key))
    return tuple(keys)


def cert_keys(debug: bool, demo: bool) -> tuple[str, str]:
    """(JINENG_CERT_SIGNING_KEY, JINENG_CERT_RETIRED_KEYS), checked; one line when malformed.

    The signing key is "kid:seed" (32 bytes, base64url); the retired keys "kid:public,...".
    Without a signing key the platform verifies but cannot issue certificates; the embedded demo
    generates one into its key file."""
    signing = os.environ.get("JINENG_CERT_SIGNING_KEY", "").strip()
    retired = os.environ.get("JINENG_CERT_RETIRED_KEYS", "").strip()
    if not signing and (demo or debug):
        signing = _demo_keys(data_dir())["cert_signing_key"]
    for name, arguments in (
        ("JINENG_CERT_SIGNING_KEY", {"signing": signing}),
        ("JINENG_CERT_RETIRED_KEYS", {"signing": signing, "retired": retired}),
    ):
        try:
            KeySet.parse(**arguments)
        except (KeyConfigError, ValueError) as problem:
            raise ImproperlyConfigured(
                f"{name} is malformed: {problem} (make a key with: jineng cert keygen KID)"
            ) from None
    return signing, retired
