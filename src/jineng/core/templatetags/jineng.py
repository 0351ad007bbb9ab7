from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """{{ row|get:column.key }}: a value of a dict by a key held in a variable."""
    return mapping.get(key, "")
