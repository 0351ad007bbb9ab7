"""Numbers of claims, payment batches and whatever else the claims app numbers: a prefix, a dash
and a serial of at least 6 digits ("BT2026-000123").

Serials come from the certificates' `NumberSequence` rows (the same mechanism: an UPDATE that
holds the row's lock until the transaction ends; PostgreSQL's row lock, SQLite's write lock), so
two transactions never get the same number and a rolled-back one gives its number back. The rows
of this module are kept apart from the certificates' by a leading "#" that no certificate prefix
has.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jineng.certificates.numbers import next_serial

CLAIM_PREFIX = "BT"  # 补贴申请 (subsidy claim)
NAMESPACE = "#"
MAX_PREFIX = 23  # NumberSequence.prefix holds 24 characters, the namespace takes one


def next_number(prefix: str) -> str:
    """The next number under `prefix`: "BT2026" -> "BT2026-000123". Call it inside the
    transaction that stores the numbered object, so the number and the object commit together."""
    if not prefix or len(prefix) > MAX_PREFIX or not prefix.isascii() or "-" in prefix:
        raise ValidationError(_("“%(prefix)s” cannot prefix a number.") % {"prefix": prefix})
    with transaction.atomic():  # outside a transaction, the update and the read stay together
        serial = next_serial(NAMESPACE + prefix)
    return f"{prefix}-{serial:06d}"


def claim_number(on=None) -> str:
    """A claim's number: BT, the year of filing, a serial ("BT2026-000123")."""
    year = (on or timezone.localdate()).year
    return next_number(f"{CLAIM_PREFIX}{year}")
