"""System checks of the deployment (`jineng check --deploy`) beyond Django's own."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@register(Tags.security, deploy=True)
def public_address(app_configs, **kwargs) -> list[Warning]:
    """Certificates print JINENG_PUBLIC_URL as the page to verify them: in production it must
    be the platform's public https address, not the demo's default 127.0.0.1."""
    if settings.DEBUG or settings.DEMO:
        return []
    address = urlsplit(settings.PUBLIC_URL)
    if address.scheme == "https" and address.hostname not in LOOPBACK:
        return []
    return [
        Warning(
            f"JINENG_PUBLIC_URL is {settings.PUBLIC_URL!r}: certificate PDFs would send the "
            "public there to verify them.",
            hint="Set JINENG_PUBLIC_URL to the address the public reaches the platform at, "
            "e.g. https://jineng.hrss.example.cn",
            id="jineng.W001",
        )
    ]
