"""The signed events of attendance devices that work offline (docs/devices.md is the protocol).

Each device holds its own Ed25519 key pair: the public key is registered with the platform
(training.Device.public_key), the private key never leaves the device. Offline, the device signs
each event as a fixed binary layout (`Event.message`); back online it uploads them in batches,
the batch itself signed with its sending time (`batch_message`), so the platform can tell how far
the device's clock is off. The platform verifies every signature before it reads a field.

Pure Python on `cryptography`: nothing here imports Django, so the reference client
(jineng.training.device_client) runs on a PC without the platform's settings.

    key = Ed25519PrivateKey.generate()
    payload, signature = sign(key, Event(device=7, counter=1, ...))
    event = verified_event(public_key(public_text(key)), payload, signature)   # or BadEvent
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

EVENT_MAGIC = b"JNE1"
BATCH_MAGIC = b"JNB1"
# magic, device, counter, session, direction, device time (ms), UTC offset (min), match, distance
_HEAD = struct.Struct(">4sQQQcqhBH")
_BATCH = struct.Struct(">4sQqhH32s")
# The optional position block after the person (devices that know no position omit it, and the
# events signed before it existed read as they did): "P", latitude and longitude in 1e-7
# degrees (WGS-84), accuracy in whole metres (NO_ACCURACY: not given).
_POSITION = struct.Struct(">ciiH")
POSITION_TAG = b"P"
NO_ACCURACY = 0xFFFF
E7 = 10_000_000
DIRECTIONS = {"in": b"I", "out": b"O"}
MATCHES = {"none": 0, "passed": 1, "failed": 2}
NO_DISTANCE = 0xFFFF
EVENT_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
PERSON_RE = re.compile(r"^(?:[0-9]{17}[0-9X]|E[0-9]{1,18})$")
MAX_PAYLOAD = _HEAD.size + 1 + 64 + 1 + 19 + _POSITION.size
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MS = timedelta(milliseconds=1)


class BadEvent(ValueError):
    """An event or batch that cannot be taken: `code` says which rule (docs/devices.md)."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]*={0,2}", text):
        raise ValueError("not base64url")
    text = text.rstrip("=")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- keys ------------------------------------------------------------------------------------


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as the platform registers it: 32 raw bytes, base64url (43 characters)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return b64url(public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_key(text: str) -> Ed25519PublicKey:
    """The Ed25519 public key of its text; ValueError when it is not one."""
    try:
        raw = unb64url(text.strip())
    except (ValueError, AttributeError):
        raise ValueError("not base64url") from None
    if len(raw) != 32:
        raise ValueError("not 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def fingerprint(text: str) -> str:
    """A short, readable name of a public key (the first 16 hex digits of its SHA-256)."""
    digest = hashlib.sha256(unb64url(text)).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


# --- events ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One check-in or check-out as the device saw it. `person` is an ID number (18 characters)
    or `E` and an enrolment id; `device_time` carries the device's UTC offset."""

    device: int
    counter: int
    event_id: str
    session: int
    person: str
    direction: str
    device_time: datetime
    match: str = "none"
    distance: float | None = None
    latitude: float | None = None  # where the device was (optional): WGS-84 degrees
    longitude: float | None = None
    accuracy: float | None = None  # metres

    def _position(self) -> bytes:
        if self.latitude is None and self.longitude is None:
            if self.accuracy is not None:
                raise ValueError("accuracy without a position")
            return b""
        if self.latitude is None or self.longitude is None:
            raise ValueError("latitude and longitude go together")
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise ValueError("position out of range")
        accuracy = NO_ACCURACY if self.accuracy is None else round(self.accuracy)
        if not 0 <= accuracy <= NO_ACCURACY:
            raise ValueError("accuracy out of range")
        return _POSITION.pack(POSITION_TAG, round(self.latitude * E7),
                              round(self.longitude * E7), accuracy)  # fmt: skip

    def message(self) -> bytes:
        """The bytes the device signs (docs/devices.md, "Byte layout")."""
        if not EVENT_ID_RE.match(self.event_id):
            raise ValueError("event id: 1 to 64 of A-Z a-z 0-9 . _ : -")
        if not PERSON_RE.match(self.person):
            raise ValueError("person: an ID number or E<enrolment id>")
        if self.device_time.tzinfo is None:
            raise ValueError("device time without its UTC offset")
        offset = self.device_time.utcoffset() // timedelta(minutes=1)
        millis = (self.device_time - EPOCH) // MS
        distance = NO_DISTANCE if self.distance is None else round(self.distance * 10000)
        if not 0 <= distance <= NO_DISTANCE:
            raise ValueError("match distance out of range")
        head = _HEAD.pack(EVENT_MAGIC, self.device, self.counter, self.session,
                          DIRECTIONS[self.direction], millis, offset, MATCHES[self.match],
                          distance)  # fmt: skip
        event_id, person = self.event_id.encode("ascii"), self.person.encode("ascii")
        return b"".join((head, bytes([len(event_id)]), event_id, bytes([len(person)]), person,
                         self._position()))  # fmt: skip

    @classmethod
    def parse(cls, data: bytes) -> Event:
        """The event of signed bytes (after their signature verified); BadEvent if malformed."""
        try:
            magic, device, counter, session, direction, millis, offset, match, distance = (
                _HEAD.unpack_from(data)
            )
            rest = data[_HEAD.size :]
            event_id = rest[1 : 1 + rest[0]].decode("ascii")
            rest = rest[1 + rest[0] :]
            person = rest[1 : 1 + rest[0]].decode("ascii")
            extra = rest[1 + rest[0] :]
            if magic != EVENT_MAGIC or len(person) != rest[0]:
                raise ValueError("layout")
            position = {}
            if extra:
                tag, latitude, longitude, accuracy = _POSITION.unpack(extra)
                if tag != POSITION_TAG:
                    raise ValueError("layout")
                position = {
                    "latitude": latitude / E7,
                    "longitude": longitude / E7,
                    "accuracy": None if accuracy == NO_ACCURACY else float(accuracy),
                }
            event = cls(
                device=device, counter=counter, event_id=event_id, session=session,
                person=person,
                direction={v: k for k, v in DIRECTIONS.items()}[direction],
                device_time=EPOCH.astimezone(timezone(timedelta(minutes=offset)))
                + timedelta(milliseconds=millis),
                match={v: k for k, v in MATCHES.items()}[match],
                distance=None if distance == NO_DISTANCE else distance / 10000, **position,
            )  # fmt: skip
            # Ids and counters a database's bigint holds (a larger one is no row of ours).
            if event.message() != data or counter < 1 or max(device, counter, session) >= 2**63:
                raise ValueError("not canonical")
        except (struct.error, IndexError, KeyError, ValueError, UnicodeError, OverflowError):
            raise BadEvent("malformed") from None
        return event


def sign(key: Ed25519PrivateKey, event: Event) -> tuple[str, str]:
    """(payload, signature), both base64url, as the batch carries them."""
    message = event.message()
    return b64url(message), b64url(key.sign(message))


def verified_event(key: Ed25519PublicKey, payload: str, signature: str) -> tuple[Event, bytes]:
    """The event and its signed bytes, once the signature verifies; else BadEvent
    ("malformed": not base64url or not the layout; "bad_signature": changed or not this key's)."""
    if len(payload) > 2 * MAX_PAYLOAD or len(signature) > 90:
        raise BadEvent("malformed")
    try:
        data, raw_signature = unb64url(payload), unb64url(signature)
    except ValueError:
        raise BadEvent("malformed") from None
    if len(data) > MAX_PAYLOAD or len(raw_signature) != 64:
        raise BadEvent("malformed")
    try:
        key.verify(raw_signature, data)
    except InvalidSignature:
        raise BadEvent("bad_signature") from None
    return Event.parse(data), data


# --- batches ---------------------------------------------------------------------------------


def batch_message(device: int, sent_at: datetime, signatures: list[str]) -> bytes:
    """The bytes of a batch's own signature: the device, its clock when it sent the batch, and
    the SHA-256 of its events' signatures in order, as their base64url text each followed by a
    line feed (so the batch is those events, no others)."""
    if sent_at.tzinfo is None:
        raise ValueError("sending time without its UTC offset")
    digest = hashlib.sha256()
    for signature in signatures:
        digest.update(signature.encode("ascii") + b"\n")
    offset = sent_at.utcoffset() // timedelta(minutes=1)
    return _BATCH.pack(BATCH_MAGIC, device, (sent_at - EPOCH) // MS, offset, len(signatures),
                       digest.digest())  # fmt: skip


def sign_batch(key: Ed25519PrivateKey, device: int, sent_at: datetime,
               events: list[dict]) -> dict:  # fmt: skip
    """The upload's body: {"device", "sent_at", "events": [{payload, signature}], "signature"}."""
    signatures = [event.get("signature", "") for event in events]
    sent_at = sent_at.replace(microsecond=sent_at.microsecond // 1000 * 1000)
    signature = key.sign(batch_message(device, sent_at, signatures))
    return {"device": device, "sent_at": sent_at.isoformat(timespec="milliseconds"),
            "events": events, "signature": b64url(signature)}  # fmt: skip


def verify_batch(key: Ed25519PublicKey, device: int, sent_at: datetime, signatures: list[str],
                 signature: str) -> bool:  # fmt: skip
    try:
        key.verify(unb64url(signature), batch_message(device, sent_at, signatures))
    except (InvalidSignature, ValueError, struct.error, OverflowError, UnicodeError):
        return False
    return True
