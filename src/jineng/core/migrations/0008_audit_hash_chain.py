"""The audit log's hash chains (core.chain), their heads and archives.

The entries already there are chained in one lane per day, in the order they were written
(`at`, then id); the append-only triggers of 0002 are replaced by ones that still refuse every
UPDATE, and refuse a DELETE unless an archive (`jineng audit archive`, recorded in
core_auditarchive before it deletes) covers the entry's day. The archives are append-only too.
"""

from django.db import migrations, models
from django.utils import timezone

from jineng.core import chain

OLD_POSTGRES = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS jineng_audit_append_only();
"""
NEW_POSTGRES = """
CREATE OR REPLACE FUNCTION jineng_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION jineng_audit_entry_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM core_auditarchive a WHERE OLD.chain_day < a.before) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION jineng_audit_entry_guard();
CREATE TRIGGER core_auditarchive_append_only
    BEFORE UPDATE OR DELETE ON core_auditarchive
    FOR EACH ROW EXECUTE FUNCTION jineng_audit_append_only();
"""
NEW_POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_auditarchive_append_only ON core_auditarchive;
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS jineng_audit_entry_guard();
"""
OLD_SQLITE = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete;",
]
NEW_SQLITE = [
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       WHEN NOT EXISTS (SELECT 1 FROM core_auditarchive a WHERE OLD.chain_day < a.before)
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    """CREATE TRIGGER core_auditarchive_no_update BEFORE UPDATE ON core_auditarchive
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    """CREATE TRIGGER core_auditarchive_no_delete BEFORE DELETE ON core_auditarchive
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
NEW_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditarchive_no_update;",
    "DROP TRIGGER IF EXISTS core_auditarchive_no_delete;",
]
OLD_SQLITE_UP = [
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
OLD_POSTGRES_UP = """
CREATE OR REPLACE FUNCTION jineng_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION jineng_audit_append_only();
"""
BATCH = 2000


def _run(schema_editor, postgres: str, sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)


def chain_existing(apps, schema_editor):
    """Drop the old triggers, chain every entry there, put the new triggers in place."""
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    _run(schema_editor, OLD_POSTGRES, OLD_SQLITE)
    heads: dict = {}
    fields = ("id", "at", *chain.CONTENT_FIELDS[1:])
    pending = []
    rows = AuditEntry.objects.order_by("at", "id").values(*fields).iterator(chunk_size=BATCH)
    for row in rows:
        day = timezone.localtime(row["at"]).date()
        count, last = heads.get(day, (0, chain.genesis(day, 0)))
        row.update(chain_day=day, lane=0, seq=count + 1, prev_hash=last)
        row["hash"] = chain.entry_hash(row)
        heads[day] = (count + 1, row["hash"])
        pending.append(
            AuditEntry(
                id=row["id"], chain_day=day, lane=0, seq=row["seq"], prev_hash=last,
                hash=row["hash"],
            )
        )  # fmt: skip
        if len(pending) >= BATCH:
            AuditEntry.objects.bulk_update(
                pending, ["chain_day", "lane", "seq", "prev_hash", "hash"]
            )
            pending = []
    if pending:
        AuditEntry.objects.bulk_update(pending, ["chain_day", "lane", "seq", "prev_hash", "hash"])
    AuditChainHead.objects.bulk_create(
        AuditChainHead(day=day, lane=0, count=count, last_hash=last)
        for day, (count, last) in heads.items()
    )
    _run(schema_editor, NEW_POSTGRES, NEW_SQLITE)


def unchain(apps, schema_editor):
    """Back to 0002's triggers (the chain's columns go with the fields)."""
    _run(schema_editor, NEW_POSTGRES_DOWN + OLD_POSTGRES, NEW_SQLITE_DOWN + OLD_SQLITE)
    _run(schema_editor, OLD_POSTGRES_UP, OLD_SQLITE_UP)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_three_administrators"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditArchive",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("before", models.DateField(verbose_name="archived before")),
                ("file_name", models.CharField(max_length=255, verbose_name="file")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256 of the file")),
                ("entries", models.PositiveIntegerField(verbose_name="entries")),
                (
                    "made_at",
                    models.DateTimeField(default=timezone.now, verbose_name="archived at"),
                ),
                ("made_by", models.CharField(max_length=150, verbose_name="archived by")),
            ],
            options={
                "verbose_name": "audit archive",
                "verbose_name_plural": "audit archives",
                "ordering": ["-made_at"],
            },
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(verbose_name="day")),
                ("lane", models.PositiveSmallIntegerField(default=0, verbose_name="lane")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="entries")),
                ("last_hash", models.CharField(max_length=64, verbose_name="last hash")),
            ],
            options={
                "verbose_name": "audit chain",
                "verbose_name_plural": "audit chains",
                "ordering": ["day", "lane"],
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="chain_day",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="chain day"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="lane",
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="lane"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="previous hash"
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveIntegerField(
                blank=True, editable=False, null=True, verbose_name="chain position"
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "create"),
                    ("update", "update"),
                    ("delete", "delete"),
                    ("login", "login"),
                    ("logout", "logout"),
                    ("login_failed", "failed login"),
                    ("locked_out", "locked out"),
                    ("view_personal", "full view of personal data"),
                    ("read_audit", "read of the audit log"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(
                fields=("chain_day", "lane", "seq"), name="uniq_audit_chain_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="auditchainhead",
            constraint=models.UniqueConstraint(fields=("day", "lane"), name="uniq_audit_chain"),
        ),
        migrations.RunPython(chain_existing, unchain),
    ]
