"""The compact facts of the training decisions stored before they were kept beside the trace
(jineng.policy.facts), taken from each trace, a chunk at a time. A record left without them ("")
is read from its trace by the replay; going back leaves the facts in place (the previous
migration drops the column)."""

from django.db import migrations

from jineng.policy.decision import TRAINING_SUBSIDY
from jineng.policy.facts import training_facts

CHUNK = 2000


def fill(apps, schema_editor):
    DecisionRecord = apps.get_model("catalog", "DecisionRecord")
    records = DecisionRecord.objects.filter(kind=TRAINING_SUBSIDY, facts="")
    last = 0
    while True:
        chunk = list(records.filter(pk__gt=last).order_by("pk").only("pk", "detail")[:CHUNK])
        if not chunk:
            return
        for record in chunk:
            record.facts = training_facts(record.detail or {})
        DecisionRecord.objects.bulk_update(chunk, ["facts"])
        last = chunk[-1].pk


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_decision_facts")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
