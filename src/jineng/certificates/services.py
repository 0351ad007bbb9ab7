"""Certificates: issuing (numbered and signed), recording those obtained elsewhere, revoking,
and verifying by number or by the signed payload a QR code carries.

Every change goes through core.writes (audited) and onto the holder's ledger. Verification is
for anyone (no login) and reads as little as it can: the signature is checked in memory and the
status with one indexed query on the number, without building a model instance.

    certificate = issue(person, kind="skill_level", occupation=welder, level=four,
                        evaluation_org=centre, issued_on=date(2026, 7, 1))
    verify_payload(certificate.signed_payload)["valid"]  # True
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.catalog.services import check_evaluated_at
from jineng.certificates import numbers, signals, signing
from jineng.certificates.models import Certificate, CertificateKind, CertificateStatus
from jineng.certificates.signals import certificate_revoked
from jineng.core import audit, writes
from jineng.core.personal import mask_name
from jineng.core.roles import Capability, require_capability
from jineng.people import ledger
from jineng.people.services import is_person

CLAIMS_VERSION = 1

# Why a certificate does not verify (codes; pages and the API word them, see REASONS).
VALID = ""
MALFORMED = signing.MALFORMED
UNKNOWN_KEY = signing.UNKNOWN_KEY
BAD_SIGNATURE = signing.BAD_SIGNATURE
REVOKED = "revoked"
NOT_FOUND = "not_found"
NOT_ISSUED_HERE = "not_issued_here"


# Keys ------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _key_set(signing_key: str, retired: str) -> signing.KeySet:
    return signing.KeySet.parse(signing=signing_key, retired=retired)


def keys() -> signing.KeySet:
    """The configured keys (parsed once per configuration; settings checked them at start)."""
    return _key_set(
        getattr(settings, "CERT_SIGNING_KEY", ""), getattr(settings, "CERT_RETIRED_KEYS", "")
    )


def jwks() -> dict[str, Any]:
    return keys().jwks()


# Issuing ---------------------------------------------------------------------------------------


def issuer_of(evaluation_org, training_class) -> str:
    if evaluation_org is not None:
        return evaluation_org.organisation.name
    if training_class is not None:
        return training_class.institution.organisation.name
    return ""


def claims_of(certificate: Certificate) -> dict[str, Any]:
    """What the QR code says: enough to read the certificate offline, nothing that identifies
    the holder beyond a masked name and a masked ID number."""
    level = certificate.level
    return {
        "v": CLAIMS_VERSION,
        "no": certificate.number,
        "kind": certificate.kind,
        "occ": certificate.occupation.code,
        "occ_name": certificate.occupation.name,
        "level": level.code if level else "",
        "level_name": level.name if level else "",
        "date": certificate.issued_on.isoformat(),
        "issuer": certificate.issuer_name,
        "holder": mask_name(certificate.person.name),
        "holder_id": certificate.person.id_number_masked,
    }


def _check_kind(kind: str, level) -> None:
    if kind not in CertificateKind.values:
        raise ValidationError({"kind": _("Unknown certificate kind: %(kind)s") % {"kind": kind}})
    if kind == CertificateKind.SPECIAL_ABILITY and level is not None and level.code != "special":
        raise ValidationError({"level": _("A special ability certificate has no level.")})
    if kind == CertificateKind.SKILL_LEVEL and level is None:
        raise ValidationError({"level": _("A skill level certificate needs its level.")})


@transaction.atomic
def issue(
    person,
    *,
    kind: str,
    occupation,
    level,
    evaluation_org,
    issued_on: date,
    training_class=None,
) -> Certificate:
    """A numbered, signed certificate issued here (after a pass, by the evaluation service).

    A skill level certificate needs an evaluation organisation with its register and station
    codes and a level from 五级 to 一级. A person holds one valid certificate of a kind for an
    occupation and level: a second one is refused."""
    _check_kind(kind, level)
    issuer = issuer_of(evaluation_org, training_class)
    if not issuer:
        raise ValidationError(
            {"evaluation_org": _("Name the evaluation organisation that issues the certificate.")}
        )
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("A certificate cannot be issued in the future.")})
    if kind == CertificateKind.SKILL_LEVEL:
        check_evaluated_at(occupation, level)
    held = Certificate.objects.filter(
        person=person,
        kind=kind,
        occupation=occupation,
        level=level,
        issued_here=True,
        status=CertificateStatus.VALID,
    ).first()
    if held is not None:
        raise ValidationError(
            _("%(person)s already holds this certificate (%(number)s).")
            % {"person": person.name, "number": held.number}
        )
    key_set = keys()
    if key_set.private is None:
        raise ValidationError(
            _("No certificate signing key is configured (JINENG_CERT_SIGNING_KEY).")
        )
    number = numbers.allocate(kind, evaluation_org=evaluation_org, level=level, issued_on=issued_on)
    while Certificate.objects.filter(number=number).exists():  # a recorded one took it
        number = numbers.allocate(
            kind, evaluation_org=evaluation_org, level=level, issued_on=issued_on
        )
    certificate = Certificate(
        person=person,
        kind=kind,
        number=number,
        occupation=occupation,
        level=level,
        issued_on=issued_on,
        evaluation_org=evaluation_org,
        issuer_name=issuer,
        issued_here=True,
        training_class=training_class,
        key_id=key_set.kid,
    )
    certificate.signed_payload = signing.sign(key_set, claims_of(certificate))
    writes.create(certificate, message="issue")
    ledger.add(
        person,
        ledger.Kind.CERTIFICATE,
        _("Certificate issued: %(what)s, %(number)s")
        % {"what": describe(certificate), "number": number},
        obj=certificate,
        detail={"number": number, "kind": kind, "issuer": issuer},
    )
    signals.certificate_issued.send(sender=Certificate, certificate=certificate)
    return certificate


def describe(certificate: Certificate) -> str:
    """焊工 四级/中级工 (职业技能等级证书)."""
    parts = [certificate.occupation.name]
    if certificate.level is not None and certificate.level.code != "special":
        parts.append(certificate.level.name)
    return f"{' '.join(parts)} ({certificate.get_kind_display()})"


@transaction.atomic
def record_external(
    person,
    *,
    kind: str,
    number: str,
    occupation,
    level,
    issued_on: date,
    issuer_name: str,
) -> Certificate:
    """A certificate obtained elsewhere: recorded as such (not issued here, not signed by us)."""
    _check_kind(kind, level)
    number = numbers.normalise(number)
    if not number or len(number) > 40:
        raise ValidationError({"number": _("Give the certificate number (at most 40 characters).")})
    issuer_name = " ".join((issuer_name or "").split())
    if not issuer_name:
        raise ValidationError({"issuer_name": _("Name the issuer of the certificate.")})
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("A certificate cannot be issued in the future.")})
    if Certificate.objects.filter(number=number).exists():
        raise ValidationError({"number": _("A certificate with this number is already recorded.")})
    certificate = writes.create(
        Certificate(
            person=person,
            kind=kind,
            number=number,
            occupation=occupation,
            level=level,
            issued_on=issued_on,
            issuer_name=issuer_name[:200],
            issued_here=False,
        ),
        message="record external",
    )
    ledger.add(
        person,
        ledger.Kind.CERTIFICATE,
        _("Certificate recorded (obtained elsewhere): %(what)s, %(number)s")
        % {"what": describe(certificate), "number": number},
        obj=certificate,
        detail={"number": number, "kind": kind, "issuer": issuer_name, "issued_here": False},
    )
    return certificate


def _require_reviewer() -> None:
    require_capability(Capability.MANAGE_CERTIFICATES, _("Only the bureau revokes certificates."))


@transaction.atomic
def revoke(certificate: Certificate, reason: str, *, on: date | None = None) -> Certificate:
    """Revoke a certificate (reviewers only), with the reason and the date; anyone verifying it
    from then on is told so."""
    _require_reviewer()
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"revoked_reason": _("Give the reason for the revocation.")})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        raise ValidationError(
            _("This certificate was already revoked on %(day)s.")
            % {"day": certificate.revoked_on.isoformat() if certificate.revoked_on else "—"}
        )
    on = on or timezone.localdate()
    if on < certificate.issued_on:
        raise ValidationError(
            {"revoked_on": _("A certificate cannot be revoked before its issue.")}
        )
    writes.update(
        certificate,
        message="revoke",
        status=CertificateStatus.REVOKED,
        revoked_on=on,
        revoked_reason=reason[:300],
        revoked_by=audit.current().acting_user(),
    )
    ledger.add(
        certificate.person,
        ledger.Kind.CERTIFICATE,
        _("Certificate revoked: %(number)s (%(reason)s)")
        % {"number": certificate.number, "reason": reason},
        obj=certificate,
        detail={"number": certificate.number, "reason": reason, "on": on.isoformat()},
    )
    certificate_revoked.send(Certificate, certificate=certificate)  # claims recover its subsidies
    return certificate


# Verifying -------------------------------------------------------------------------------------

_STATUS_COLUMNS = "status, revoked_on, revoked_reason, issued_here"


@lru_cache(maxsize=4)
def _status_sql(vendor: str) -> str:
    """One indexed look-up by number (the unique index), in the driver's own placeholder style."""
    table = connection.ops.quote_name(Certificate._meta.db_table)  # a constant name
    placeholder = "?" if vendor == "sqlite" else "%s"
    return f"SELECT {_STATUS_COLUMNS} FROM {table} WHERE number = {placeholder}"  # noqa: S608


def _status(number: str) -> tuple | None:
    """(status, revoked_on, revoked_reason, issued_here) of a number, or None.

    The hot path of every public verification, so it skips the ORM and Django's cursor wrapper:
    on PostgreSQL a server-side prepared statement (psycopg), on SQLite the driver's statement
    cache; the same connection and transaction as the rest of the request."""
    vendor = connection.vendor
    sql = _status_sql(vendor)
    connection.ensure_connection()
    with connection.wrap_database_errors:
        if vendor == "postgresql":
            import psycopg

            cursor = psycopg.Cursor(connection.connection)
            try:
                return cursor.execute(sql, (number,), prepare=True).fetchone()
            finally:
                cursor.close()
        if vendor == "sqlite":
            return connection.connection.execute(sql, (number,)).fetchone()
    with connection.cursor() as cursor:
        cursor.execute(sql, [number])
        return cursor.fetchone()


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value[:10]
    return value.isoformat()


def _result(reason: str, claims: dict | None = None, **extra) -> dict[str, Any]:
    claims = claims or {}
    return {
        "valid": reason == VALID,
        "reason": reason,
        "number": str(claims.get("no", "")),
        "kind": str(claims.get("kind", "")),
        "occupation": {"code": str(claims.get("occ", "")), "name": str(claims.get("occ_name", ""))},
        "level": {"code": str(claims.get("level", "")), "name": str(claims.get("level_name", ""))},
        "issued_on": str(claims.get("date", "")),
        "holder": str(claims.get("holder", "")),
        "issuer": str(claims.get("issuer", "")),
        "issued_here": bool(claims),
        "revoked_on": "",
        "revoked_reason": "",
        "key_id": "",
        **extra,
    }


class _PostgresStatus:
    """The status look-up sent before the signature is checked and read after it, so that the
    database works while this process checks the signature (libpq's asynchronous calls on the
    connection's own socket; a server-side prepared statement). Used outside a transaction only
    (Django's autocommit, as public verifications run): any surprise falls back to `_status`."""

    NAME = b"jineng_certificate_status"

    def __init__(self, raw) -> None:
        from psycopg import pq

        self.pq = pq
        self.raw = raw
        self.pgconn = raw.pgconn

    def send(self, number: str) -> bool:
        pq, pgconn = self.pq, self.pgconn
        if pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return False
        if not getattr(self.raw, "_jineng_status_prepared", False):
            sql = _status_sql("postgresql").replace("%s", "$1").encode()
            if pgconn.prepare(self.NAME, sql).status != pq.ExecStatus.COMMAND_OK:
                return False  # e.g. prepared already by a wrapper we lost: use the plain path
            self.raw._jineng_status_prepared = True
        pgconn.send_query_prepared(self.NAME, [number.encode()])
        while pgconn.flush():
            pass
        return True

    def receive(self):
        """(status, revoked_on, revoked_reason, issued_here), None when absent, or a
        ValueError when the database answered otherwise."""
        result = self.pgconn.get_result()
        while self.pgconn.get_result() is not None:
            pass
        if result is None or result.status != self.pq.ExecStatus.TUPLES_OK:
            self.raw._jineng_status_prepared = False
            raise ValueError("status look-up failed")
        if result.ntuples == 0:
            return None
        status, revoked_on, reason, issued_here = (result.get_value(0, i) for i in range(4))
        return (
            status.decode(),
            revoked_on.decode() if revoked_on else None,
            (reason or b"").decode(),
            issued_here == b"t",
        )


def _status_sender(number: str):
    """A started PostgreSQL look-up for `number`, or None (other databases, in a transaction)."""
    if not number or connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    connection.ensure_connection()
    sender = _PostgresStatus(connection.connection)
    with connection.wrap_database_errors:
        return sender if sender.send(number) else None


def verify_payload(token: str) -> dict[str, Any]:
    """Check a signed payload (the QR code's text): the signature against the published keys,
    then the certificate's status here. Never raises on bad input."""
    parsed = signing.parse(token or "")
    number = str(parsed.claims.get("no", "")) if parsed else ""
    pending = _status_sender(number) if parsed and parsed.kid in keys().public else None
    try:
        checked = signing.check(keys().public, parsed)
    finally:
        row = missing = object()
        if pending is not None:
            try:
                with connection.wrap_database_errors:
                    row = pending.receive()
            except ValueError:
                row = missing
    if not checked.valid:
        # A payload whose signature fails says nothing we can repeat.
        return _result(checked.reason, key_id=checked.kid)
    claims = checked.claims
    if row is missing:
        row = _status(number)
    if row is None:
        return _result(NOT_FOUND, claims, key_id=checked.kid)
    status, revoked_on, revoked_reason, issued_here = row
    if not issued_here:
        return _result(NOT_ISSUED_HERE, claims, key_id=checked.kid)
    if status == CertificateStatus.REVOKED:
        return _result(
            REVOKED,
            claims,
            key_id=checked.kid,
            revoked_on=_day(revoked_on),
            revoked_reason=revoked_reason,
        )
    return _result(VALID, claims, key_id=checked.kid)


def verify_number(text: str) -> dict[str, Any]:
    """Look a certificate up by its number: its stored signed payload is checked, then its
    status. A certificate recorded from elsewhere is shown as not issued (nor vouched for) here."""
    number = numbers.normalise(text)
    if not number or len(number) > 40:
        return _result(MALFORMED)
    certificate = (
        Certificate.objects.select_related("occupation", "level", "person")
        .filter(number=number)
        .first()
    )
    if certificate is None:
        # A number of our format that we never issued, or not a number of ours at all.
        result = _result(NOT_FOUND if numbers.is_wellformed(number) else MALFORMED)
        result["number"] = number
        return result
    if not certificate.issued_here:
        result = _result(NOT_ISSUED_HERE, claims_of(certificate))
        result["issued_here"] = False
        return result
    return verify_payload(certificate.signed_payload)


def holder_matches(number: str, typed: str) -> bool | None:
    """Whether the certificate with this number belongs to the person whose ID number or name
    was typed: True or False, nothing else about them; None when no certificate has the number
    or nothing was typed. The typed text is compared through the keyed hash and is never kept."""
    if not (typed or "").strip() or not number:
        return None
    certificate = Certificate.objects.select_related("person").filter(number=number).first()
    if certificate is None:
        return None
    return is_person(certificate.person, typed)


def looks_like_payload(text: str) -> bool:
    return (text or "").strip().count(".") == 2 and len(text.strip()) > 60


def verify(text: str) -> dict[str, Any]:
    """A number or a payload, whichever was given."""
    text = (text or "").strip()
    return verify_payload(text) if looks_like_payload(text) else verify_number(text)
