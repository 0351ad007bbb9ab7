"""Rates per client address for what the public may do without signing in (verify a
certificate, check its holder, object to a notice): DRF's rate throttles keyed by the client's
address, each rate from a setting (empty: no limit). The API applies them as throttle classes; a
page asks one directly."""

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
