"""How often one address may use the public verification (no login); see core.throttles."""

from jineng.core.throttles import AddressThrottle


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
