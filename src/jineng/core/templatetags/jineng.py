from django import template

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
