"""Moving an app's own history table into the one shared history (core.StateChange), and back.

Used by the data migrations that retired the four histories (training, vouchers, claims,
institutions); each names its old model, the foreign key to the subject, and the lookups of the
subject's organisation path and owner, so the rows keep the scope they had. Nothing is lost:
every row becomes one StateChange with the same states, reason, author and time
(tests/core/test_state_machine.py counts them both ways).
"""

from dataclasses import dataclass

BATCH = 2000


@dataclass(frozen=True)
class OldHistory:
    app_label: str
    model: str  # the old history model, e.g. "ClassStateChange"
    subject: str  # its foreign key to the subject, e.g. "training_class"
    subject_model: str  # the subject's model name, e.g. "trainingclass"
    org_path: str  # lookup from the old row to the subject's organisation path
    owner: str = ""  # lookup from the old row to the subject's owning user, if any
    has_document: bool = False

    def subject_type(self, apps):
        content_types = apps.get_model("contenttypes", "ContentType").objects
        return content_types.get_or_create(app_label=self.app_label, model=self.subject_model)[0]

    def into_core(self, apps, schema_editor):
        old = apps.get_model(self.app_label, self.model)
        shared = apps.get_model("core", "StateChange")
        subject_type = self.subject_type(apps)
        fields = ["id", f"{self.subject}_id", "from_state", "to_state", "reason", "by_id", "at"]
        fields += [f"{self.org_path}"] + ([self.owner] if self.owner else [])
        fields += ["document"] if self.has_document else []
        batch = []
        for row in old.objects.order_by("id").values(*fields).iterator(chunk_size=BATCH):
            batch.append(
                shared(
                    subject_type=subject_type,
                    subject_id=row[f"{self.subject}_id"],
                    from_state=row["from_state"] or "",
                    to_state=row["to_state"],
                    reason=row["reason"] or "",
                    document=row.get("document") or "",
                    by_id=row["by_id"],
                    at=row["at"],
                    org_path=row[self.org_path] or "",
                    owner_id=row[self.owner] if self.owner else None,
                )
            )
            if len(batch) >= BATCH:
                shared.objects.bulk_create(batch)
                batch = []
        shared.objects.bulk_create(batch)

    def back_from_core(self, apps, schema_editor):
        old = apps.get_model(self.app_label, self.model)
        shared = apps.get_model("core", "StateChange")
        rows = shared.objects.filter(subject_type=self.subject_type(apps)).order_by("at", "id")
        batch = []
        for row in rows.iterator(chunk_size=BATCH):
            values = {
                f"{self.subject}_id": row.subject_id,
                "from_state": row.from_state,
                "to_state": row.to_state,
                "reason": row.reason,
                "by_id": row.by_id,
                "at": row.at,
            }
            if self.has_document:
                values["document"] = row.document
            batch.append(old(**values))
        old.objects.bulk_create(batch, batch_size=BATCH)
        rows.delete()
