"""How often one address may use the public verification (no login): DRF's rate throttles,
keyed by the client's address, their rates from settings (empty: no limit). The API applies them
as throttle classes; the page asks them directly, as the public notice's objections do."""

from django.conf import settings
from rest_framework import throttling

from jineng.core.middleware import client_ip


class AddressThrottle(throttling.SimpleRateThrottle):
    """A rate per client address; `setting` names the rate in settings."""

    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting, "") or None

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "-"}


class VerifyThrottle(AddressThrottle):
    """Public verifications through the API (JINENG_CERT_VERIFY_RATE)."""

    scope = "certificate_verify"
    setting = "CERT_VERIFY_RATE"


class HolderCheckThrottle(AddressThrottle):
    """Checks of a certificate's holder, on the page and through the API
    (JINENG_CERT_HOLDER_CHECK_RATE): each answers only "matches" or "does not match", and the
    low rate keeps anyone from guessing an ID number or a name through it."""

    scope = "certificate_holder_check"
    setting = "CERT_HOLDER_CHECK_RATE"
