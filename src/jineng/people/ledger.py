"""The one interface through which every app writes a person's ledger (动态跟踪台帐, 000 §三(六)).

    ledger.add(person, "class", "入学：焊工 四级 第3期", obj=enrollment, decision=record)

Events are appended, never edited: the ledger is the person's history as it happened.
"""

from django.db import models
from django.utils.translation import pgettext_lazy

from jineng.people.models import LedgerEvent, Person


class Kind(models.TextChoices):
    """The kind of an event, shown as a badge on the person's page (in a "ledger" context: the
    same English words name other things elsewhere)."""

    REGISTERED = "registered", pgettext_lazy("ledger", "registered")
    CATEGORY = "category", pgettext_lazy("ledger", "category")
    LICENCE = "licence", pgettext_lazy("ledger", "licence")
    EMPLOYMENT = "employment", pgettext_lazy("ledger", "employment")
    EDUCATION = "education", pgettext_lazy("ledger", "education")
    VOUCHER = "voucher", pgettext_lazy("ledger", "voucher")
    CLASS = "class", pgettext_lazy("ledger", "class")
    ATTENDANCE = "attendance", pgettext_lazy("ledger", "attendance")
    EVALUATION = "evaluation", pgettext_lazy("ledger", "evaluation")
    CERTIFICATE = "certificate", pgettext_lazy("ledger", "certificate")
    SUBSIDY = "subsidy", pgettext_lazy("ledger", "subsidy")


def event(person: Person, kind: str, title: str, *, at=None, obj=None, detail=None, decision=None):
    """The values of an event, {attname: value}, as bulk inserts take them; `add` saves one."""
    values = {"person_id": person.pk, "kind": kind, "title": title[:200], "detail": detail or {}}
    if at is not None:
        values["at"] = at
    if obj is not None:
        values["object_type"], values["object_id"] = obj._meta.label_lower, str(obj.pk)
    if decision is not None:
        values["decision_id"] = decision.pk
    return values


def add(person: Person, kind: str, title: str, **options) -> LedgerEvent:
    entry = LedgerEvent(**event(person, kind, title, **options))
    entry.save(force_insert=True)
    return entry
