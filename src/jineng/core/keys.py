"""Rotation of the data key (and of the suite, AES to SM): `jineng keys status | rotate`.

Every model that stores sealed values declares them in `sealed_fields` (core.crypto.Sealed):
the ciphertext column, the field name it is sealed for, and the look-up hash beside it. A value
is current when its header (format 2, the configured suite, the current key's id) is the one
core.crypto writes now; every other value is stale: format 1, an old key, or the other suite.

`rotate` takes the stale rows of each model in primary-key order, a chunk at a time, decrypts
each stale value (with the key its id names), seals it again with the current key and suite and
hashes it again; each chunk is one transaction, its rows locked (PostgreSQL), so a run that is
killed leaves whole chunks done and the next run, which again asks for the stale rows only,
goes on from there. While a rotation is under way, look-ups search by the current and the old
hashes (core.crypto.lookup_hashes); once `status` counts no stale record, the old keys can be
removed from JINENG_DATA_KEYS_OLD.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import BinaryField, CharField, Count, Q
from django.db.models.functions import Substr

from jineng.core import audit, crypto
from jineng.core.models import AuditAction

CHUNK = 200


class RotationError(Exception):
    """A value that cannot be re-sealed (its key is not configured, or it was altered)."""


def sealed_models() -> list[tuple[type[models.Model], tuple[crypto.Sealed, ...]]]:
    """Every model with sealed columns, in INSTALLED_APPS order."""
    return [
        (model, tuple(model.sealed_fields))
        for model in apps.get_models()
        if getattr(model, "sealed_fields", None)
    ]


def _head(column: crypto.Sealed) -> Substr:
    """A stored value's first bytes (or, in a text column, characters): its header."""
    output = CharField() if column.is_text else BinaryField()
    return Substr(column.cipher, 1, column.head_length, output_field=output)


def stale(model, sealed: tuple[crypto.Sealed, ...], prefix: bytes) -> models.QuerySet:
    """The rows with at least one value not sealed with `prefix` (the current header)."""
    condition = Q()
    heads = {}
    for column in sealed:
        heads[f"head_{column.cipher}"] = _head(column)
        condition |= Q(**{f"{column.cipher}__isnull": False}) & ~Q(
            **{f"head_{column.cipher}": column.stored_head(prefix)}
        )
    return model._base_manager.annotate(**heads).filter(condition)


@dataclass
class ColumnStatus:
    column: str
    headers: Counter  # header (bytes) -> number of values


@dataclass
class ModelStatus:
    label: str
    rows: int
    stale: int
    columns: list[ColumnStatus]


def status() -> list[ModelStatus]:
    prefix = crypto.ring().prefix
    found = []
    for model, sealed in sealed_models():
        columns = []
        for column in sealed:
            heads = (
                model._base_manager.filter(**{f"{column.cipher}__isnull": False})
                .annotate(head=_head(column))
                .values("head")
                .annotate(n=Count("pk"))
                .order_by()
            )
            headers: Counter = Counter()
            for row in heads:
                headers[column.header_of(row["head"])] += row["n"]
            columns.append(ColumnStatus(column.cipher, headers))
        any_value = Q()
        for column in sealed:
            any_value |= Q(**{f"{column.cipher}__isnull": False})
        found.append(
            ModelStatus(
                label=model._meta.label,
                rows=model._base_manager.filter(any_value).count(),
                stale=stale(model, sealed, prefix).count(),
                columns=columns,
            )
        )
    return found


def describe(header: bytes) -> str:
    """A stored value's header in words: its format, suite and key, and whether it is current."""
    keys = crypto.ring()
    if not header:
        return "NOT SEALED: stored in clear"
    if header[:1] == crypto.FORMAT_V1:
        return "format 1 (aes, no key id: rotate it)"
    suite = crypto.SUITE_OF_BYTE.get(header[1:2], "?")
    kid = header[2 : crypto.HEADER_BYTES]
    if header == keys.prefix:
        role = "current"
    elif kid == crypto.key_id(keys.current):
        role = "current key, other suite"
    elif kid in {crypto.key_id(material) for _, material in keys.old}:
        role = "old key"
    else:
        role = "NOT CONFIGURED: cannot be decrypted here"
    return f"key {kid.hex()} {suite} ({role})"


def rotate(chunk: int = CHUNK, progress: Callable[[str], None] = print) -> int:
    """Re-seal and re-hash every stale value with the current key and suite, one committed
    chunk at a time; returns how many rows were rewritten. Raises RotationError (the chunk
    rolled back) on a value it cannot decrypt."""
    keys = crypto.ring()
    prefix = keys.prefix
    rewritten = 0
    kid = crypto.key_id(keys.current).hex()
    with audit.system_context("command:keys rotate"):
        with transaction.atomic():
            audit.record(AuditAction.UPDATE, message=f"data key rotation to key {kid} started")
        for model, sealed in sealed_models():
            rewritten += _rotate_model(model, sealed, prefix, chunk, progress)
        with transaction.atomic():
            audit.record(
                AuditAction.UPDATE,
                message=f"data keys rotated to key {kid} ({keys.suite}): "
                f"{rewritten} records re-sealed",
            )
    return rewritten


def _rotate_model(model, sealed, prefix: bytes, chunk: int, progress) -> int:
    label = model._meta.label
    todo = stale(model, sealed, prefix).count()
    if not todo:
        progress(f"{label}: nothing to rotate")
        return 0
    columns = ["pk"]
    for column in sealed:
        columns += [column.cipher, *([column.hash] if column.hash else []), *column.reads]
    done, last = 0, None
    while True:
        with transaction.atomic():
            rows = stale(model, sealed, prefix).order_by("pk")
            if last is not None:
                rows = rows.filter(pk__gt=last)
            rows = list(rows.select_for_update().only(*columns)[:chunk])
            if not rows:
                break
            for row in rows:
                _reseal(model, row, sealed, prefix)
        done += len(rows)
        last = rows[-1].pk
        progress(f"{label}: {done}/{todo} rotated")
    return done


def _reseal(model, row, sealed: tuple[crypto.Sealed, ...], prefix: bytes) -> None:
    changes = {}
    for column in sealed:
        stored = getattr(row, column.cipher)
        if stored is None:
            continue
        if not column.is_text:
            stored = bytes(stored)
        if stored[: column.head_length] == column.stored_head(prefix):
            continue
        try:
            value = crypto.decrypt_bytes(column.token(stored), column.purpose)
        except Exception as problem:  # noqa: BLE001 - InvalidTag, UnknownKey, bad format
            reason = str(problem) or type(problem).__name__
            raise RotationError(
                f"{model._meta.label} {row.pk} {column.cipher}: cannot decrypt ({reason})"
            ) from None
        changes[column.cipher] = column.stored(crypto.encrypt_bytes(value, column.purpose))
        if column.hash:
            normalised = column.hash_value(row, value.decode())
            changes[column.hash] = crypto.lookup_hash(normalised, column.purpose)
    if not changes:
        return
    try:  # the chunk's transaction is rolled back by the error
        model._base_manager.filter(pk=row.pk).update(**changes)
    except IntegrityError:
        raise RotationError(
            f"{model._meta.label} {row.pk}: its new look-up hash is already another record's "
            "(the same value stored twice under two keys): merge them, then run again"
        ) from None
