"""`jineng cert`: verify a certificate from the command line, make signing keys.

jineng cert verify PAYLOAD|NUMBER|-     one JSON line; exit 0 when valid, 1 when not
jineng cert verify --keys FILE PAYLOAD  offline: the signature only, against a saved copy of
                                        /.well-known/jineng-cert-keys.json (no status look-up)
jineng cert keygen KID                  a new signing key (and its public key, as a comment)
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from jineng.certificates import services, signing


class Command(BaseCommand):
    help = "Verify a certificate (exit 0 when valid, 1 when not), or make a signing key."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="verify a signed payload (the QR code's text) or a certificate number"
        )
        verify.add_argument("payload", help="the payload or number; - reads it from stdin")
        verify.add_argument(
            "--keys",
            metavar="FILE",
            help="check offline against this saved JWK Set (the keys endpoint's answer): the "
            "signature only, since the status (revoked or not) needs the platform",
        )
        keygen = sub.add_parser("keygen", help="print a new JINENG_CERT_SIGNING_KEY")
        keygen.add_argument("kid", help="the key id, e.g. 2027a (letters, digits, . _ -)")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def verify(self, payload, keys=None, **options):
        text = sys.stdin.read() if payload == "-" else payload
        result = services.verify(text) if keys is None else self._offline(text, keys)
        self.stdout.write(json.dumps(result, ensure_ascii=False, sort_keys=True))
        if not result["valid"]:
            sys.exit(1)

    @staticmethod
    def _offline(text: str, path: str) -> dict:
        try:
            with open(path, encoding="utf-8") as handle:
                public = signing.public_keys_from_jwks(json.load(handle))
        except (OSError, ValueError) as problem:  # KeyConfigError and JSON errors are ValueErrors
            raise CommandError(f"cannot use the key file {path}: {problem}") from None
        checked = signing.verify(public, text)
        return {
            "valid": checked.valid,
            "reason": checked.reason or "signature_valid",
            "key_id": checked.kid,
            "claims": checked.claims if checked.valid else {},
            "status": "not checked offline: ask the platform's /verify/ whether it was revoked",
        }

    def keygen(self, kid, **options):
        if not signing.KID_RE.match(kid):
            raise CommandError("the key id takes 1 to 32 letters, digits, '.', '_' or '-'")
        key = signing.new_signing_key(kid)
        self.stdout.write(f"JINENG_CERT_SIGNING_KEY={key}")
        self.stdout.write(
            "# its public key: for JINENG_CERT_RETIRED_KEYS once a newer key signs\n"
            f"# {signing.public_of(key)}"
        )
