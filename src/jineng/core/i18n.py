from django.utils.translation import get_language, ngettext_lazy


def language() -> str:
    """ "zh" or "en": which of the policy engine's and identity checks' messages to show."""
    return "en" if (get_language() or "").startswith("en") else "zh"


# Django 5.2 words its password-length message anew and its own catalogue has no Chinese for the
# new wording yet. Marked here, makemessages keeps it in our .po, where it is translated.
DJANGO_MESSAGES_WE_TRANSLATE = [
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    ),
]
