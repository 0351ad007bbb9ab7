"""API token authentication: `Authorization: Token <key>`, keys stored only as hashes. A token
works until it expires, is revoked, or has gone API_TOKEN_IDLE_DAYS without use."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from jineng.core.models import ApiToken, TokenState
from jineng.core.services import hash_token


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        try:
            token = ApiToken.objects.select_related("user").get(key_hash=hash_token(key))
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        now = timezone.now()
        state = token.state_at(now)
        if state == TokenState.REVOKED:
            raise exceptions.AuthenticationFailed(_("The token has been revoked."))
        if state == TokenState.EXPIRED:
            raise exceptions.AuthenticationFailed(_("The token has expired."))
        if state == TokenState.IDLE:
            raise exceptions.AuthenticationFailed(
                _("The token has expired: it was not used for %(days)d days.")
                % {"days": settings.API_TOKEN_IDLE_DAYS}
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The user is inactive."))
        # Touch at most once a minute: a device posting every second should not write each time.
        if not token.last_used_at or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
