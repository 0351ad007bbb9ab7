from django.utils.translation import get_language


def language() -> str:
    """ "zh" or "en": which of the policy engine's and identity checks' messages to show."""
    return "en" if (get_language() or "").startswith("en") else "zh"
