"""The audit log's hash chains: tamper-evident entries, their check, digests and archives.

Each entry carries `hash` = SHA-256 over its canonical form (`canonical`: every field a reader
sees, with its chain position and `prev_hash`, as sorted, compact JSON) and `prev_hash`, the
hash of the entry before it in its chain. A chain is one day (Asia/Shanghai, the day's local
date) and one **lane** (of `AUDIT_CHAIN_LANES`). A writer locks its chain's head row
(`AuditChainHead`) for the rest of its transaction, so positions are taken in commit order and a
rolled-back write leaves no gap. On PostgreSQL a writer takes the first lane of the day that no
other transaction holds (SKIP LOCKED), its connection's own lane (server process id modulo the
lanes) first: a long transaction (an import, a claim of 100,000 lines) holds one lane while
everyone else writes on the others, and a writer waits only when every lane is held. On SQLite
there is one lane, as there is one writer at a time anyway (transactions begin IMMEDIATE). The
first entry of a chain follows `genesis(day, lane)`.

`verify` walks the chains in order and names the first broken link: an entry whose content no
longer gives its hash, one whose `prev_hash` is not the hash before it, a missing position (a
deleted entry), or a chain whose head (length and last hash) does not end where its entries
end (entries deleted at the end). `digest` is a day's final hashes for safekeeping elsewhere;
`archive` moves the days before a date to a gzip file of JSON lines that `verify_archive`
checks on its own, against the heads and against the archive's recorded SHA-256.
"""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

ARCHIVE_FORMAT = "jineng-audit-archive/1"
DIGEST_FORMAT = "jineng-audit-digest/1"
# The fields of an entry that its hash covers, in the order of the archive's lines.
CONTENT_FIELDS = (
    "at", "actor_id", "actor_label", "ip", "request_id", "action", "object_type", "object_id",
    "object_repr", "org_path", "before", "after", "message",
)  # fmt: skip
CHAIN_FIELDS = ("chain_day", "lane", "seq", "prev_hash")


def genesis(day: date, lane: int) -> str:
    """The `prev_hash` of a chain's first entry."""
    return hashlib.sha256(f"jineng-audit:{day.isoformat()}:{lane}".encode()).hexdigest()


def _when(value) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _address(value) -> str | None:
    if value in (None, ""):
        return None
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        return str(value)


def canonical(values: dict) -> bytes:
    """An entry's canonical form: the same bytes whether the values come from the writer, the
    database (SQLite or PostgreSQL: datetimes in UTC to the microsecond, addresses normalised,
    JSON with sorted keys) or an archive's line."""
    day = values["chain_day"]
    form = {name: values.get(name) for name in CONTENT_FIELDS}
    form["at"] = _when(values["at"])
    form["ip"] = _address(values.get("ip"))
    form["chain_day"] = day if isinstance(day, str) else day.isoformat()
    form["lane"] = int(values["lane"])
    form["seq"] = int(values["seq"])
    form["prev_hash"] = values["prev_hash"]
    return json.dumps(form, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(values: dict) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def chain_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def lane_of_connection() -> int:
    """The lane this connection tries first: its server process on PostgreSQL, 0 elsewhere."""
    lanes = settings.AUDIT_CHAIN_LANES
    if connection.vendor != "postgresql" or lanes <= 1:
        return 0
    connection.ensure_connection()
    raw = connection.connection
    pid = raw.info.backend_pid if hasattr(raw, "info") else raw.get_backend_pid()  # psycopg 3, 2
    return pid % lanes


# Raw SQL: the ORM's query building cost more than the queries themselves (bench/audit_chain.py).
# The UPDATE takes the head row's lock (PostgreSQL) within the writer's transaction (which on
# SQLite began IMMEDIATE, holding the database's write lock) and returns the chain's new length
# with its last hash as it stood: the lock is held until the transaction ends.
TAKE_POSITIONS = (
    "UPDATE core_auditchainhead SET count = count + %s WHERE day = %s AND lane = %s "
    "RETURNING count, last_hash"
)
# PostgreSQL: the same on the first head of the day that no other transaction holds, the
# connection's own lane first. SKIP LOCKED passes over the heads others hold, never over one
# this transaction holds already, so a writer keeps appending to the lane it took.
TAKE_FREE_POSITIONS = (
    "UPDATE core_auditchainhead SET count = count + %s WHERE id = ("
    "SELECT id FROM core_auditchainhead WHERE day = %s AND lane < %s "
    "ORDER BY lane <> %s, lane LIMIT 1 FOR UPDATE SKIP LOCKED) "
    "RETURNING lane, count, last_hash"
)
DAY_LANES = "SELECT lane FROM core_auditchainhead WHERE day = %s"
MOVE_HEAD = "UPDATE core_auditchainhead SET last_hash = %s WHERE day = %s AND lane = %s"
NEW_HEAD = "INSERT INTO core_auditchainhead (day, lane, count, last_hash) VALUES (%s, %s, %s, %s)"


def _take_chain(cursor, day: date, n: int) -> tuple[int, int, str]:
    """Lock a chain of `day` and take its next `n` positions: (its lane, the count before, the
    last hash). PostgreSQL: a free lane if there is one, else a lane the day has not opened yet,
    else wait for the connection's own."""
    lane, lanes = lane_of_connection(), settings.AUDIT_CHAIN_LANES
    if connection.vendor == "postgresql" and lanes > 1:
        param = connection.ops.adapt_datefield_value(day)
        cursor.execute(TAKE_FREE_POSITIONS, [n, param, lanes, lane])
        row = cursor.fetchone()
        if row is not None:
            return row[0], row[1] - n, row[2]
        cursor.execute(DAY_LANES, [param])
        opened = {opened for (opened,) in cursor.fetchall()}
        unopened = [(lane + step) % lanes for step in range(lanes)]
        lane = next((free for free in unopened if free not in opened), lane)
    count, last = _take_positions(cursor, day, lane, n)
    return lane, count, last


def _take_positions(cursor, day: date, lane: int, n: int) -> tuple[int, str]:
    """Lock the chain (day, lane) and take its next `n` positions: (the count before, the last
    hash). A chain's first writer makes its head; two making it at once: the loser retries the
    UPDATE, which then waits for the winner's lock."""
    param = connection.ops.adapt_datefield_value(day)
    for _attempt in range(2):
        cursor.execute(TAKE_POSITIONS, [n, param, lane])
        row = cursor.fetchone()
        if row is not None:
            return row[0] - n, row[1]
        try:
            with transaction.atomic():
                cursor.execute(NEW_HEAD, [param, lane, 0, genesis(day, lane)])
        except IntegrityError:
            continue
    raise RuntimeError("the audit chain head could not be locked")  # pragma: no cover


def link(rows: list[dict]) -> None:
    """Give each entry (a dict of AuditEntry values with `at`) its place in its chain and its
    hash, in order, and move the chains' heads. Call inside the transaction that inserts them."""
    groups: dict[date, list[dict]] = {}
    days: dict[datetime, date] = {}  # the entries of one write share their moment
    for row in rows:
        at = row["at"]
        day = days.get(at)
        if day is None:
            day = days[at] = chain_day(at)
        row["chain_day"] = day
        groups.setdefault(row["chain_day"], []).append(row)
    with connection.cursor() as cursor:
        for day in sorted(groups):
            lane, count, last = _take_chain(cursor, day, len(groups[day]))
            for row in groups[day]:
                count += 1
                row["lane"], row["seq"], row["prev_hash"] = lane, count, last
                row["hash"] = last = entry_hash(row)
            cursor.execute(MOVE_HEAD, [last, connection.ops.adapt_datefield_value(day), lane])


# Checking -------------------------------------------------------------------------------------


@dataclass
class Broken:
    """The first broken link: which entry (or chain end) and why."""

    day: date
    lane: int
    seq: int | None
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.day.isoformat()} #{self.lane}"
        if self.seq is not None:
            where += " " + _("position %(seq)s") % {"seq": self.seq}
        if self.entry_id is not None:
            where += " (" + _("entry %(id)s") % {"id": self.entry_id} + ")"
        return f"{where}: {self.reason}"


@dataclass
class Report:
    chains: int = 0
    entries: int = 0
    broken: Broken | None = None
    heads: list[dict] = field(default_factory=list)


def _walk(
    day: date, lane: int, rows: Iterable[dict], head_count: int | None, head_last: str | None
):
    """Check one chain's entries, in order of position; the first problem, or None."""
    expected_seq, last = 1, genesis(day, lane)
    count = 0
    for row in rows:
        entry_id = row.get("id")
        if row.get("seq") != expected_seq:
            reason = _("position %(seq)s follows %(last)s: an entry is missing before it") % {
                "seq": row.get("seq"),
                "last": expected_seq - 1,
            }
            return count, Broken(day, lane, row.get("seq"), entry_id, reason)
        if row.get("prev_hash") != last:
            reason = _("its link to the entry before does not match")
            return count, Broken(day, lane, expected_seq, entry_id, reason)
        if entry_hash(row) != row.get("hash"):
            reason = _("its content no longer gives its hash: it was changed")
            return count, Broken(day, lane, expected_seq, entry_id, reason)
        last = row["hash"]
        expected_seq += 1
        count += 1
    if head_count is not None and (head_count != count or head_last != last):
        reason = _("the chain ends after %(count)s entries but its head says %(head)s") % {
            "count": count,
            "head": head_count,
        }
        return count, Broken(day, lane, None, None, reason)
    return count, None


def verify(start: date | None = None, end: date | None = None) -> Report:
    """Check every chain of the days from `start` to `end` (inclusive) that still has its
    entries in the table (archived days: `verify_archive`)."""
    from jineng.core.models import AuditArchive, AuditChainHead, AuditEntry

    report = Report()
    archived_before = max(AuditArchive.objects.values_list("before", flat=True), default=None)
    unchained = AuditEntry.objects.filter(hash="")
    heads = AuditChainHead.objects.order_by("day", "lane")
    if start:
        heads, unchained = heads.filter(day__gte=start), unchained.filter(at__date__gte=start)
    if end:
        heads, unchained = heads.filter(day__lte=end), unchained.filter(at__date__lte=end)
    if archived_before:
        heads = heads.filter(day__gte=archived_before)
    stray = unchained.order_by("at", "id").first()
    if stray is not None:
        report.broken = Broken(
            chain_day(stray.at), 0, None, stray.pk, _("an entry outside every chain")
        )
        return report
    fields = ("id", "hash", *CONTENT_FIELDS, *CHAIN_FIELDS)
    for head in heads.iterator():
        rows = (
            AuditEntry.objects.filter(chain_day=head.day, lane=head.lane)
            .order_by("seq")
            .values(*fields)
            .iterator(chunk_size=2000)
        )
        count, broken = _walk(head.day, head.lane, rows, head.count, head.last_hash)
        report.chains += 1
        report.entries += count
        if broken is not None:
            report.broken = broken
            return report
    # An entry of a chain that has no head (a day and lane made up): nothing to check it by.
    entries = AuditEntry.objects.exclude(chain_day=None)
    if start:
        entries = entries.filter(chain_day__gte=start)
    if end:
        entries = entries.filter(chain_day__lte=end)
    if archived_before:
        entries = entries.filter(chain_day__gte=archived_before)
    chains = set(entries.values_list("chain_day", "lane").distinct().order_by())
    known = set(heads.values_list("day", "lane"))
    for day, lane in sorted(chains - known):
        orphan = entries.filter(chain_day=day, lane=lane).order_by("seq").first()
        report.broken = Broken(day, lane, orphan.seq, orphan.pk, _("its chain has no head"))
        break
    return report


def digest(day: date) -> dict:
    """The day's chains as they end: for safekeeping away from the database."""
    from jineng.core.models import AuditChainHead

    chains = [
        {"lane": head.lane, "count": head.count, "last_hash": head.last_hash}
        for head in AuditChainHead.objects.filter(day=day).order_by("lane")
    ]
    summary = hashlib.sha256(
        "\n".join(f"{c['lane']}:{c['count']}:{c['last_hash']}" for c in chains).encode()
    ).hexdigest()
    return {
        "format": DIGEST_FORMAT,
        "day": day.isoformat(),
        "entries": sum(c["count"] for c in chains),
        "chains": chains,
        "digest": summary,
        "made_at": timezone.now().isoformat(timespec="seconds"),
    }


def check_digest(saved: dict) -> str | None:
    """Compare a digest kept elsewhere with the chains now: None when they agree, else why."""
    day = date.fromisoformat(saved["day"])
    now = digest(day)
    if now["chains"] == saved.get("chains"):
        return None
    return _("the chains of %(day)s no longer end as the digest kept on %(made)s says") % {
        "day": day.isoformat(),
        "made": saved.get("made_at", "?"),
    }


# Archiving -------------------------------------------------------------------------------------


def _line(row: dict) -> str:
    out = dict(row)
    out["at"] = _when(row["at"])
    out["ip"] = _address(row.get("ip"))
    out["chain_day"] = row["chain_day"].isoformat()
    return json.dumps(out, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _file_sha256(path: Path) -> str:
    digest_ = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest_.update(block)
    return digest_.hexdigest()


def archive_refusal(before: date) -> str | None:
    """Why entries of the days before `before` may not leave the table yet (None: they may)."""
    keep = settings.AUDIT_RETENTION_DAYS
    latest = timezone.localdate() - timedelta(days=keep)
    if before > latest + timedelta(days=1):
        return _(
            "Entries are kept in the table for %(days)s days (JINENG_AUDIT_RETENTION_DAYS): "
            "archive before %(latest)s at the latest."
        ) % {"days": keep, "latest": (latest + timedelta(days=1)).isoformat()}
    return None


@dataclass
class Archived:
    path: Path
    entries: int
    chains: int
    sha256: str


def archive(before: date, directory: Path, made_by: str) -> Archived:
    """Move the entries of the days before `before` to a gzip file of JSON lines in
    `directory` (a header line with the chains' ends, then each entry in chain order), then
    delete them from the table, in one transaction. Refuses when the retention forbids it or
    when a chain of those days is broken."""
    from jineng.core.models import AuditArchive, AuditChainHead, AuditEntry

    refusal = archive_refusal(before)
    if refusal:
        raise ValueError(refusal)
    report = verify(end=before - timedelta(days=1))
    if report.broken is not None:
        raise ValueError(
            _("The chain is broken, nothing archived: %(broken)s") % {"broken": report.broken}
        )
    directory.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        heads = list(
            AuditChainHead.objects.select_for_update()
            .filter(day__lt=before)
            .order_by("day", "lane")
        )
        archived_before = max(AuditArchive.objects.values_list("before", flat=True), default=None)
        if archived_before:
            heads = [head for head in heads if head.day >= archived_before]
        first = heads[0].day.isoformat() if heads else "none"
        path = directory / f"audit-{first}-to-{before.isoformat()}.jsonl.gz"
        if path.exists():
            raise ValueError(_("%(path)s exists already: nothing archived.") % {"path": path})
        fields = ("id", "hash", *CONTENT_FIELDS, *CHAIN_FIELDS)
        header = {
            "format": ARCHIVE_FORMAT,
            "before": before.isoformat(),
            "chains": [
                {
                    "day": h.day.isoformat(),
                    "lane": h.lane,
                    "count": h.count,
                    "last_hash": h.last_hash,
                }
                for h in heads
            ],
        }
        entries = 0
        try:
            with gzip.open(path, "wt", encoding="utf-8") as out:
                out.write(json.dumps(header, sort_keys=True, ensure_ascii=False) + "\n")
                for head in heads:
                    rows = (
                        AuditEntry.objects.filter(chain_day=head.day, lane=head.lane)
                        .order_by("seq")
                        .values(*fields)
                        .iterator(chunk_size=2000)
                    )
                    for row in rows:
                        out.write(_line(row) + "\n")
                        entries += 1
                out.flush()
                os.fsync(out.fileno())
            sha = _file_sha256(path)
            AuditArchive.objects.create(
                before=before, file_name=path.name, sha256=sha, entries=entries, made_by=made_by
            )
            with connection.cursor() as cursor:
                # The database lets only archived days go (trigger of migration 0007).
                cursor.execute(
                    "DELETE FROM core_auditentry WHERE chain_day < %s",
                    [connection.ops.adapt_datefield_value(before)],
                )
                deleted = cursor.rowcount
            if deleted != entries:
                raise ValueError(
                    _(
                        "%(deleted)s entries to delete but %(entries)s in the file: "
                        "nothing archived."
                    )
                    % {"deleted": deleted, "entries": entries}
                )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return Archived(path, entries, len(heads), sha)


def _archive_lines(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for text in handle:
            if text.strip():
                yield json.loads(text)


def verify_archive(path: Path) -> Report:
    """Check an archive file on its own (each chain from its genesis, each entry's hash) and
    against what the database kept: the chains' heads and the archive's SHA-256."""
    from jineng.core.models import AuditArchive, AuditChainHead

    report = Report()
    lines = _archive_lines(path)
    try:
        header = next(lines)
    except (StopIteration, OSError, json.JSONDecodeError, EOFError) as problem:
        raise ValueError(_("%(path)s is not an audit archive.") % {"path": path}) from problem
    if header.get("format") != ARCHIVE_FORMAT:
        raise ValueError(_("%(path)s is not an audit archive.") % {"path": path})
    recorded = AuditArchive.objects.filter(file_name=path.name).first()
    sha = _file_sha256(path)
    day0 = date.fromisoformat(header["before"])
    if recorded is not None and recorded.sha256 != sha:
        report.broken = Broken(day0, 0, None, None, _("the file is not the one archived"))
        return report
    heads = {(h.day, h.lane): h for h in AuditChainHead.objects.filter(day__lt=day0)}
    by_chain: dict[tuple[date, int], list[dict]] = {}
    try:
        for row in lines:
            key = (date.fromisoformat(row["chain_day"]), int(row["lane"]))
            by_chain.setdefault(key, []).append(row)
    except (OSError, EOFError, json.JSONDecodeError, KeyError, ValueError) as problem:
        raise ValueError(_("%(path)s is damaged.") % {"path": path}) from problem
    for chain in header["chains"]:
        key = (date.fromisoformat(chain["day"]), int(chain["lane"]))
        head = heads.get(key)
        if head is not None and (head.count, head.last_hash) != (
            chain["count"],
            chain["last_hash"],
        ):
            report.broken = Broken(
                *key, None, None, _("the file's chain does not end at the head kept")
            )
            return report
        count, broken = _walk(*key, by_chain.pop(key, []), chain["count"], chain["last_hash"])
        report.chains += 1
        report.entries += count
        if broken is not None:
            report.broken = broken
            return report
    if by_chain:
        key = sorted(by_chain)[0]
        report.broken = Broken(*key, None, None, _("entries of a chain the header does not list"))
    return report
