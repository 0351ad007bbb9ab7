"""Sealing a column of uploads that was stored in clear, in a data migration (and back).

The signed commitments, enterprises' size evidence and on-site photos were kept as uploaded
until issue 20 sealed them with the data key (core.crypto). Their migrations seal the rows
already there, one row at a time (a file may be 10 MB), with the current key and suite, under
the purpose the model's `sealed_fields` names; a value that already decrypts under that purpose
is left alone, so a migration run again (or after a partial run) seals only what is in clear.
Going back decrypts every value again.
"""

from dataclasses import dataclass

from jineng.core import crypto


def _opens(value: bytes, purpose: str) -> bool:
    try:
        crypto.decrypt_bytes(value, purpose)
    except Exception:  # noqa: BLE001 - InvalidTag, UnknownKey, "unknown encryption format"
        return False
    return True


@dataclass(frozen=True)
class SealUploads:
    app_label: str
    model: str
    column: str
    purpose: str  # as in the model's sealed_fields

    def _rows(self, apps):
        manager = apps.get_model(self.app_label, self.model)._base_manager
        ids = list(
            manager.filter(**{f"{self.column}__isnull": False})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for pk in ids:
            value = manager.filter(pk=pk).values_list(self.column, flat=True).get()
            yield manager.filter(pk=pk), bytes(value)

    def seal(self, apps, schema_editor):
        for row, value in self._rows(apps):
            if not _opens(value, self.purpose):
                row.update(**{self.column: crypto.encrypt_bytes(value, self.purpose)})

    def unseal(self, apps, schema_editor):
        for row, value in self._rows(apps):
            if _opens(value, self.purpose):
                row.update(**{self.column: crypto.decrypt_bytes(value, self.purpose)})
