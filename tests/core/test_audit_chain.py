"""The tamper-evident audit log (GB/T 22239-2019 8.1.4.3 c-d): each entry chained to the one
before by SHA-256, `jineng audit verify` naming the first broken link, daily digests, retention of
at least 180 days (网络安全法 §21) and archives that stay checkable."""

import gzip
import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.test import override_settings
from django.utils import timezone, translation

from jineng.core import audit, chain
from jineng.core.models import AuditArchive, AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


def tamper(statement: str, params: list) -> None:
    """What someone with the database's owner rights could do: the append-only triggers set
    aside, one row changed or deleted by raw SQL (undone with the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("DROP TRIGGER core_auditentry_no_delete")
        cursor.execute(statement, params)


def write(n: int, message: str = "entry") -> list[AuditEntry]:
    with audit.system_context("test"):
        return [audit.record("update", message=f"{message} {i}") for i in range(n)]


def verify(*args) -> tuple[int, str, str]:
    """`jineng audit verify ARGS`: (exit status, stdout, stderr)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        with translation.override("en"):
            call_command("audit", "verify", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as stop:
        status = stop.code
    return status, out.getvalue(), err.getvalue()


def test_each_entry_is_chained_to_the_one_before():
    first, second, third = write(3)
    assert (first.chain_day, first.lane) == (second.chain_day, second.lane)
    assert second.seq == first.seq + 1 and third.seq == second.seq + 1
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    stored = AuditEntry.objects.filter(pk=second.pk).values().get()
    assert chain.entry_hash(stored) == second.hash  # the stored row gives the same hash
    head = AuditChainHead.objects.get(day=third.chain_day, lane=third.lane)
    assert (head.count, head.last_hash) == (third.seq, third.hash)
    status, out, _err = verify()
    assert status == 0 and "the chain holds" in out


def test_bulk_entries_are_chained_too(orgs):
    with audit.system_context("test"):
        before = write(1)[0]
        audit.record_created([orgs["city"], orgs["union"], orgs["province"]], message="bulk")
    bulk = list(AuditEntry.objects.filter(message="bulk").order_by("seq"))
    assert [e.seq for e in bulk] == [before.seq + 1, before.seq + 2, before.seq + 3]
    assert bulk[0].prev_hash == before.hash and bulk[2].prev_hash == bulk[1].hash
    assert chain.verify().broken is None


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("UPDATE core_auditentry SET message = 'rewritten' WHERE id = %s", "was changed"),
        ("UPDATE core_auditentry SET at = at WHERE id = %s", None),  # no change: still holds
        ("DELETE FROM core_auditentry WHERE id = %s", "missing before it"),
    ],
)
def test_verify_names_the_first_broken_link(statement, reason):
    _first, middle, last = write(3)
    tamper(statement, [middle.pk])
    status, _out, err = verify()
    if reason is None:
        assert status == 0
        return
    assert status == 1
    assert reason in err
    named = middle if "changed" in reason else last  # a deletion shows at the entry after it
    assert f"entry {named.pk}" in err and f"position {named.seq}" in err


def test_verify_sees_entries_deleted_at_the_end_of_a_chain():
    *_rest, last = write(3)
    tamper("DELETE FROM core_auditentry WHERE id = %s", [last.pk])
    status, _out, err = verify()
    assert status == 1 and "its head says" in err


def test_verify_refuses_a_forged_entry_outside_the_chain():
    entry = write(1)[0]
    tamper("UPDATE core_auditentry SET hash = '' WHERE id = %s", [entry.pk])
    assert verify()[0] == 1


def test_verify_bounds_by_day():
    entry = write(1)[0]
    tamper("UPDATE core_auditentry SET message = 'x' WHERE id = %s", [entry.pk])
    yesterday = (entry.chain_day - timedelta(days=1)).isoformat()
    assert verify("--to", yesterday)[0] == 0  # the broken day is outside the range
    assert verify("--from", entry.chain_day.isoformat())[0] == 1
    with pytest.raises(CommandError, match="not a date"):
        verify("--from", "2026-13-45")


def test_the_digest_is_the_days_final_hashes_and_catches_a_rewritten_chain(tmp_path):
    *_rest, last = write(2)
    out = tmp_path / "digest.json"
    call_command("audit", "digest", "--date", last.chain_day.isoformat(), "--out", str(out))
    saved = json.loads(out.read_text())
    assert saved["day"] == last.chain_day.isoformat()
    lane = next(c for c in saved["chains"] if c["lane"] == last.lane)
    assert (lane["count"], lane["last_hash"]) == (last.seq, last.hash)
    assert verify("--digest", str(out))[0] == 0
    write(1)  # the chain goes on after the digest: it no longer ends there
    status, _out, err = verify("--digest", str(out))
    assert status == 1 and "no longer end" in err


def test_retention_refuses_to_archive_recent_days(tmp_path):
    today = timezone.localdate()
    with pytest.raises(CommandError, match="180"), translation.override("en"):
        call_command("audit", "archive", "--before", today.isoformat(), "--dir", str(tmp_path))
    assert not list(tmp_path.iterdir())


@override_settings(AUDIT_RETENTION_DAYS=180)
def test_archive_moves_old_days_to_a_checkable_file_and_deletes_them(tmp_path):
    old_day = timezone.now() - timedelta(days=200)
    with time_machine.travel(old_day, tick=False):
        old = write(3, "old")
    recent = write(1, "recent")[0]
    before = (timezone.localdate() - timedelta(days=179)).isoformat()
    call_command("audit", "archive", "--before", before, "--dir", str(tmp_path))
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    record = AuditArchive.objects.get()
    path = tmp_path / record.file_name
    assert record.entries >= 3
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        text = handle.read()
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["format"] == chain.ARCHIVE_FORMAT
    assert {e.hash for e in old} <= {line.get("hash") for line in lines[1:]}
    assert verify("--archive", str(path))[0] == 0
    assert verify()[0] == 0  # what stays still holds; the archived days are skipped
    # One changed character in an archived entry: the file is no longer the one archived, and
    # a copy whose record is gone still fails on the entry's hash.
    text = text.replace('"old 1"', '"old X"')
    forged = tmp_path / "forged" / record.file_name
    forged.parent.mkdir()
    with gzip.open(forged, "wt", encoding="utf-8") as out:
        out.write(text)
    status, _out, err = verify("--archive", str(forged))
    assert status == 1 and "not the one archived" in err
    renamed = tmp_path / "other.jsonl.gz"
    forged.rename(renamed)
    status, _out, err = verify("--archive", str(renamed))
    assert status == 1 and "was changed" in err


def test_the_database_deletes_only_archived_days():
    entry = write(1)[0]
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    AuditArchive.objects.create(
        before=entry.chain_day, file_name="x", sha256="0" * 64, entries=0, made_by="t"
    )
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditarchive")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers: PostgreSQL (SQLite has one writer at a time)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_every_chain_whole():
    """PostgreSQL: writers on eight connections at once; each chain's positions are taken in
    turn (the head row is locked), none twice, none skipped."""
    errors = []

    def writer(n: int) -> None:
        try:
            for i in range(20):
                with transaction.atomic(), audit.system_context(f"test:{n}"):
                    audit.record("update", message=f"writer {n} {i}")
                    if i % 5 == 0:
                        audit.record("update", message=f"writer {n} {i} again")
        except Exception as problem:  # noqa: BLE001 - reported below
            errors.append(problem)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.filter(message__startswith="writer").count() == 8 * 24
    report = chain.verify()
    assert report.broken is None and report.entries >= 8 * 24


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="lanes taken by who holds them: PostgreSQL (SQLite has one writer at a time)",
)
def test_a_long_transaction_holds_one_lane_and_the_other_writers_go_on(monkeypatch):
    """PostgreSQL: the test's transaction appends to the chain and stays open, as a long import
    would; a writer on another connection whose own lane is the same one (both forced to lane 0)
    takes another lane at once instead of waiting for the import to end."""
    monkeypatch.setattr(chain, "lane_of_connection", lambda: 0)
    held = write(1)[0]
    taken, errors = [], []

    def writer() -> None:
        try:
            with transaction.atomic(), audit.system_context("test:other"):
                taken.append(audit.record("update", message="beside the long one").lane)
                transaction.set_rollback(True)  # nothing committed: the test's database stays
        except Exception as problem:  # noqa: BLE001 - reported below
            errors.append(problem)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join(timeout=20)
    assert not thread.is_alive(), "the writer waited for the open transaction's lane"
    assert errors == [] and taken and taken[0] != held.lane
    assert write(1)[0].lane == held.lane  # the long transaction keeps appending to its own


def test_verify_refuses_an_entry_of_a_chain_without_a_head():
    """The last entry moved to a lane of its own, its chain's head set back to end before it:
    every chain with a head holds, and the entry is named for having none."""
    entry = write(1)[0]
    # A lane no chain of the day has (on PostgreSQL a connection's lane follows its process id,
    # so a fixed one may hold earlier entries of the day, such as the demo's).
    used = set(AuditEntry.objects.filter(chain_day=entry.chain_day).values_list("lane", flat=True))
    free = next(lane for lane in range(1, 1000) if lane not in used)
    tamper("UPDATE core_auditentry SET lane = %s WHERE id = %s", [free, entry.pk])
    AuditChainHead.objects.filter(day=entry.chain_day, lane=entry.lane).update(
        count=entry.seq - 1, last_hash=entry.prev_hash
    )
    status, _out, err = verify()
    assert status == 1 and f"entry {entry.pk}" in err


def test_a_retention_under_180_days_stops_the_start(tmp_path):
    """网络安全法 §21: network logs are kept at least six months."""
    from tests.core.test_startup import run

    result = run(["check"], tmp_path, JINENG_DEBUG="1", JINENG_AUDIT_RETENTION_DAYS="90")
    assert result.returncode == 2
    assert "JINENG_AUDIT_RETENTION_DAYS must be a whole number of at least 180" in result.stderr
    assert (
        run(["check"], tmp_path, JINENG_DEBUG="1", JINENG_AUDIT_RETENTION_DAYS="365").returncode
        == 0
    )
