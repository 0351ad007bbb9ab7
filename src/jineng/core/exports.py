"""The audit log as a file: what the audit administrator exports (core.views.audit_export)."""

import csv
import io
import json

from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.core.imports import spreadsheet_safe

# An export holds at most this many entries (the newest first): narrow the filters for more.
AUDIT_EXPORT_MAX_ROWS = 100_000


def audit_export_csv(queryset) -> tuple[bytes, int]:
    """CSV in UTF-8 with a BOM (Excel reads it), every cell through `spreadsheet_safe`, each
    entry with its chain position and hash so that a copy can be checked against the log."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([
        _("at"), _("actor"), _("address"), _("request id"), _("action"), _("object type"),
        _("object id"), _("object"), _("message"), _("before"), _("after"), _("chain day"),
        _("lane"), _("chain position"), _("hash"),
    ])  # fmt: skip
    rows = 0
    for entry in queryset[:AUDIT_EXPORT_MAX_ROWS].iterator(chunk_size=2000):
        writer.writerow([
            spreadsheet_safe(value)
            for value in (
                timezone.localtime(entry.at).isoformat(timespec="seconds"), entry.actor_label,
                entry.ip or "", entry.request_id, entry.get_action_display(), entry.object_type,
                entry.object_id, entry.object_repr, entry.message,
                json.dumps(entry.before, ensure_ascii=False) if entry.before else "",
                json.dumps(entry.after, ensure_ascii=False) if entry.after else "",
                entry.chain_day.isoformat() if entry.chain_day else "", entry.lane,
                entry.seq or "", entry.hash,
            )
        ])  # fmt: skip
        rows += 1
    return buffer.getvalue().encode("utf-8-sig"), rows
