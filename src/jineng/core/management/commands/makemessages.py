"""Django's makemessages, without guessing: a new message starts untranslated, never fuzzy.

msgmerge would otherwise give a new msgid the translation of a similar old one, marked fuzzy; such
guesses are easy to miss (a fuzzy entry is not used), so scripts/i18n leaves new entries empty and
lists them for a translator.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = ["-q", "--backup=none", "--update", "--no-fuzzy-matching"]
