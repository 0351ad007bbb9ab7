from django import template
from django.utils.translation import get_language

from jineng.core import rules
from jineng.core.roles import has_capability

register = template.Library()


@register.filter
def get(mapping, key):
    """{{ row|get:column.key }}: a value of a dict by a key held in a variable."""
    return mapping.get(key, "")


@register.filter
def rule_name(code):
    """{{ check.code|rule_name }}: the plain name of a decision's rule check."""
    return rules.rule_name(code)


@register.filter
def assumption_note(check):
    """{{ check|assumption_note }}: why a check's assumed value is assumed, in the reader's
    language: the pack's note_zh for zh-hans, its English note for English; "" when the pack
    gives none in that language (a Chinese page never shows the English note)."""
    evidence = getattr(check, "evidence", None) or {}
    if not evidence.get("assumed"):
        return ""
    english = (get_language() or "").startswith("en")
    return evidence.get("note" if english else "note_zh") or ""


@register.filter
def decision_kind(kind):
    """{{ record.kind|decision_kind }}: what a decision decided, in words."""
    return rules.decision_kind_name(kind)


@register.filter
def subject_name(label):
    """{{ record.subject_type|subject_name }}: the name of the record a decision concerns."""
    return rules.subject_name(label)


@register.filter
def can(user, capability):
    """{% if user|can:"manage_catalogs" %}: whether the user holds the capability."""
    return has_capability(user, capability)
