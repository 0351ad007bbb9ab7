"""Attendance events partitioned by month on PostgreSQL (issue 21; core.partitions, the
migration training 0006, `jineng partitions`). SQLite keeps one table: these tests need the
PostgreSQL run."""

import json
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from jineng.core import partitions
from jineng.people import ledger
from jineng.training.models import CheckIn, Device, Direction
from tests import partitioned
from tests.factories import PersonFactory, TrainingClassFactory
from tests.partitioned import postgresql_only, value

pytestmark = [pytest.mark.django_db, postgresql_only]
ZONE = ZoneInfo(settings.TIME_ZONE)
FAR = date(2031, 5, 1)  # a month no migration or earlier run made a partition for


def partition_of(event: CheckIn) -> str:
    return partitioned.partition_of("training_checkin", event.pk)


@pytest.fixture
def session():
    return TrainingClassFactory(state="in_progress").sessions.first()


def event(session, moment: datetime, number: int = 0, device=None) -> CheckIn:
    return CheckIn.objects.create(
        session=session, person=session.training_class.enrollments.first().person,
        direction=Direction.IN, device=device, event_id=f"part-{number}", device_time=moment,
        server_time=moment, in_window=True,
    )  # fmt: skip


def test_the_table_is_partitioned_by_device_time_with_a_default_partition():
    (table,) = [t for t in partitions.tables() if t.table == "training_checkin"]
    assert table.column == "device_time"
    assert table.default == "training_checkin_default"
    # The migration made this month's partition and the coming ones.
    this_month = partitions.first_of_month(datetime.now(ZONE).date())
    assert partitions.partition_name("training_checkin", this_month) in table.partitions


def test_rows_land_in_their_months_partition_counted_in_the_platforms_zone(session):
    partitions.ensure(today=FAR, months_ahead=1)
    # 1 June 00:30 in Beijing is still 31 May in UTC: the month is the platform's.
    first_june = event(session, datetime(2031, 6, 1, 0, 30, tzinfo=ZONE), 1)
    last_may = event(session, datetime(2031, 5, 31, 23, 59, tzinfo=ZONE), 2)
    assert partition_of(first_june) == "training_checkin_p2031_06"
    assert partition_of(last_may) == "training_checkin_p2031_05"
    # The ORM reads them back through the parent, by id, as before.
    assert CheckIn.objects.get(pk=first_june.pk).event_id == "part-1"
    assert CheckIn.objects.filter(session=session).count() == 2


def test_ensure_is_idempotent(session):
    first = partitions.ensure(today=FAR, months_ahead=2)
    assert first["training_checkin"]["created"] == [
        "training_checkin_p2031_05", "training_checkin_p2031_06", "training_checkin_p2031_07"
    ]  # fmt: skip
    again = partitions.ensure(today=FAR, months_ahead=2)
    assert again["training_checkin"] == {"created": [], "moved": 0}
    assert all(not done["created"] and not done["moved"] for done in again.values())


def test_a_month_without_partition_goes_to_the_default_one_and_ensure_moves_it_out(session):
    """Choice documented in core.partitions: never refuse an event for a missing partition (a
    device clock in 1970, a monthly run missed); `ensure` later gives the month its own."""
    stray = event(session, datetime(1970, 1, 2, 8, 0, tzinfo=ZONE), 3)
    assert partition_of(stray) == "training_checkin_default"
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("partitions", "status", "--check", stdout=out, stderr=StringIO())
    done = partitions.ensure(today=FAR, months_ahead=0)
    assert "training_checkin_p1970_01" in done["training_checkin"]["created"]
    assert done["training_checkin"]["moved"] == 1
    assert partition_of(stray) == "training_checkin_p1970_01"
    assert value("SELECT count(*) FROM training_checkin_default") == 0
    assert CheckIn.objects.get(pk=stray.pk).device_time == stray.device_time
    call_command("partitions", "status", "--check", stdout=StringIO())  # nothing waits now


def test_the_command_prints_what_it_did_and_refuses_a_bad_date():
    out = StringIO()
    call_command("partitions", "ensure", "--today", "2032-01-15", "--months-ahead", "1", stdout=out)
    assert json.loads(out.getvalue())["training_checkin"]["created"] == [
        "training_checkin_p2032_01", "training_checkin_p2032_02"
    ]  # fmt: skip
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("partitions", "ensure", "--today", "2032-13-01")


def test_a_repeated_device_event_still_meets_the_unique_constraint(session):
    """The unique (device, event id) holds with the month column added: a device resends an
    event with its own clock's time."""
    device = Device.objects.create(
        institution=session.training_class.institution, name="门禁1", token_hash="part-1"
    )
    moment = datetime(2031, 5, 3, 9, 0, tzinfo=ZONE)
    partitions.ensure(today=FAR, months_ahead=0)
    event(session, moment, 4, device)
    with pytest.raises(IntegrityError), transaction.atomic():
        event(session, moment, 4, device)


def plan(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_class_page_and_supervision_queries_use_each_partitions_indexes(session):
    partitions.ensure(today=FAR, months_ahead=1)
    event(session, datetime(2031, 5, 3, 9, 0, tzinfo=ZONE), 5)
    # The class page (training.views): the events of a class's sessions.
    query = CheckIn.objects.filter(session__training_class=session.training_class).values("id")
    sql, params = query.query.sql_with_params()
    shown = plan(sql, params)
    assert "Seq Scan on training_checkin" not in shown, shown
    assert "Index" in shown and "training_checkin_p2031_05" in shown, shown
    # Supervision's checks: the device events of a set of sessions.
    query = CheckIn.objects.filter(session_id__in=[session.pk], device__isnull=False).values("id")
    sql, params = query.query.sql_with_params()
    shown = plan(sql, params)
    assert "Seq Scan on training_checkin" not in shown, shown


def test_a_time_range_reads_only_its_months(session):
    partitions.ensure(today=FAR, months_ahead=2)
    start = datetime(2031, 6, 1, tzinfo=ZONE)
    query = CheckIn.objects.filter(
        session=session, device_time__gte=start, device_time__lt=start + timedelta(days=30)
    ).values("id")
    sql, params = query.query.sql_with_params()
    shown = plan(sql, params)
    assert "training_checkin_p2031_06" in shown, shown
    assert "training_checkin_p2031_05" not in shown and "training_checkin_p2031_07" not in shown
    assert "training_checkin_default" not in shown, shown


def test_partition_table_keeps_rows_keys_sequence_and_refuses_a_pointed_at_table():
    """core.partitions.partition_table on a table with rows: the rows, the foreign keys, the
    indexes and the id sequence (continuing) carry over; a table another points at is refused."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE part_probe (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
            "at timestamptz NOT NULL, session_id bigint NOT NULL REFERENCES training_session(id), "
            "code varchar(10) NOT NULL, CONSTRAINT part_probe_code UNIQUE (code))"
        )
        cursor.execute("CREATE INDEX part_probe_at ON part_probe (at)")
        cursor.execute("CREATE TABLE part_pointed (id bigint PRIMARY KEY)")
        cursor.execute(
            "CREATE TABLE part_pointer (id bigint PRIMARY KEY REFERENCES part_pointed(id))"
        )
    session = TrainingClassFactory(state="in_progress").sessions.first()
    with connection.cursor() as cursor:
        for number, at in enumerate(["2030-01-05 09:00+08", "2030-03-05 09:00+08"]):
            cursor.execute(
                "INSERT INTO part_probe (at, session_id, code) VALUES (%s, %s, %s)",
                [at, session.pk, f"c{number}"],
            )
    with connection.schema_editor() as editor:
        partitions.partition_table(editor, "part_probe", "at")
        partitions.partition_table(editor, "part_probe", "at")  # again: nothing to do
        with pytest.raises(RuntimeError, match="part_pointer"):
            partitions.partition_table(editor, "part_pointed", "id")
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, code FROM part_probe ORDER BY id")
        assert cursor.fetchall() == [("part_probe_p2030_01", "c0"), ("part_probe_p2030_03", "c1")]
        cursor.execute(
            "INSERT INTO part_probe (at, session_id, code) VALUES (now(), %s, 'c2') RETURNING id",
            [session.pk],
        )
        assert cursor.fetchone()[0] == 3  # the sequence goes on from the highest id
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'part_probe'")
        assert "part_probe_at" in {row[0] for row in cursor.fetchall()}
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute("INSERT INTO part_probe (at, session_id, code) VALUES (now(), 0, 'x')")


def test_the_ledger_is_partitioned_by_month_too():
    """people 0004: a person's ledger lines, by month of `at`, with the (person, at) index."""
    (table,) = [t for t in partitions.tables() if t.table == "people_ledgerevent"]
    assert table.column == "at" and table.default == "people_ledgerevent_default"
    done = partitions.ensure(today=FAR, months_ahead=0)
    assert "people_ledgerevent_p2031_05" in done["people_ledgerevent"]["created"]
    person = PersonFactory()
    line = ledger.add(person, "test", "分区测试", at=datetime(2031, 5, 9, 10, 0, tzinfo=ZONE))
    where = "SELECT tableoid::regclass::text FROM people_ledgerevent WHERE id = %s"
    assert value(where, [line.pk]) == "people_ledgerevent_p2031_05"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'people_ledgerevent_p2031_05'"
        )
        assert any("(person_id, at)" in definition for (definition,) in cursor.fetchall())
