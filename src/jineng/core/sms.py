"""Text messages to phones (短信), through a pluggable gateway.

Everything that texts a person (a one-time code, a notification the person agreed to) calls
`send_sms`; which gateway carries it is the setting JINENG_SMS_BACKEND, a dotted path to a class
with `send(phone, text)`, as Django does for e-mail. Three ship here:

- `LogBackend` (the demo's default): writes the message to the server log under the phone's
  masked form, so a demo user reads their code in the console and no whole number is logged;
- `OutboxBackend` (the tests'): keeps each message in `outbox`, a list the tests read;
- `NullBackend`: drops it (a deployment that sends no texts).

A real provider (a carrier's or a cloud's SMS service) is one more class with `send` that raises
`SmsError` when the provider refuses; the caller tells the person the text could not be sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from jineng.core.personal import mask_phone

logger = logging.getLogger("jineng.sms")


class SmsError(Exception):
    """The gateway did not take the message; the text says why, in the user's language."""


@dataclass(frozen=True)
class Sms:
    phone: str
    text: str


class LogBackend:
    """Writes each message to the log: the demo's gateway. The phone is masked, the text whole
    (the demo's user needs the code in it); a deployment must not keep this backend."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


# The messages OutboxBackend took, oldest first; tests read and clear it.
outbox: list[Sms] = []


class OutboxBackend:
    """Keeps each message in `outbox`: the tests' gateway."""

    def send(self, phone: str, text: str) -> None:
        outbox.append(Sms(phone=phone, text=text))


class NullBackend:
    """Sends nothing."""

    def send(self, phone: str, text: str) -> None:
        return None


@cache
def _backend(path: str):
    return import_string(path)()


def send_sms(phone: str, text: str) -> None:
    """Send `text` to `phone` through the configured gateway; raises SmsError when it refuses."""
    _backend(settings.SMS_BACKEND).send(phone, text)
