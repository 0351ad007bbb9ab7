"""The signed payload: round trip, tampering, unknown keys, rotation (pure, no database)."""

import base64
import json

import pytest

from jineng.certificates import signing

CLAIMS = {"no": "S023141411001264000123", "occ": "6-18-02-04", "holder": "张*三"}


def test_round_trip_and_jwks():
    keys = signing.KeySet.parse(signing=signing.new_signing_key("k1"))
    token = signing.sign(keys, CLAIMS)
    checked = signing.verify(keys.public, token)
    assert checked.valid and checked.reason == "" and checked.kid == "k1"
    assert checked.claims == CLAIMS
    (jwk,) = keys.jwks()["keys"]
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and jwk["kid"] == "k1"
    assert "d" not in jwk  # never the private part


def _tamper(token: str) -> str:
    header, body, signature = token.split(".")
    claims = json.loads(signing.unb64url(body))
    claims["occ"] = "4-10-01-05"
    return ".".join([header, signing.b64url(json.dumps(claims).encode()), signature])


def test_a_tampered_payload_has_a_bad_signature():
    keys = signing.KeySet.parse(signing=signing.new_signing_key("k1"))
    token = signing.sign(keys, CLAIMS)
    assert signing.verify(keys.public, _tamper(token)).reason == signing.BAD_SIGNATURE
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    assert signing.verify(keys.public, flipped).reason == signing.BAD_SIGNATURE


def test_an_unknown_key_is_reported_as_such():
    ours = signing.KeySet.parse(signing=signing.new_signing_key("k1"))
    theirs = signing.KeySet.parse(signing=signing.new_signing_key("k1"))  # same id, other key
    forged = signing.sign(theirs, CLAIMS)
    assert signing.verify(ours.public, forged).reason == signing.BAD_SIGNATURE
    other = signing.KeySet.parse(signing=signing.new_signing_key("k9"))
    assert signing.verify(ours.public, signing.sign(other, CLAIMS)).reason == signing.UNKNOWN_KEY


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c", "!!.??.**", "x" * 5000,
     base64.urlsafe_b64encode(b'{"alg":"none"}').decode() + ".e30.",
     signing.b64url(b'{"alg":"HS256","kid":"k1","typ":"jineng-cert+jws"}') + ".e30.AAAA",
     signing.b64url(b"[1]") + ".e30.AAAA"],
)  # fmt: skip
def test_malformed_tokens(token):
    keys = signing.KeySet.parse(signing=signing.new_signing_key("k1"))
    assert signing.verify(keys.public, token).reason == signing.MALFORMED


def test_rotation_old_keys_keep_verifying_and_the_new_one_signs():
    old = signing.new_signing_key("2026a")
    before = signing.KeySet.parse(signing=old)
    old_token = signing.sign(before, CLAIMS)
    after = signing.KeySet.parse(
        signing=signing.new_signing_key("2027a"), retired=signing.public_of(old)
    )
    new_token = signing.sign(after, CLAIMS)
    assert after.kid == "2027a"
    assert signing.verify(after.public, old_token).valid
    assert signing.verify(after.public, new_token).kid == "2027a"
    assert {k["kid"] for k in after.jwks()["keys"]} == {"2026a", "2027a"}
    assert not signing.verify(before.public, new_token).valid


@pytest.mark.parametrize(
    "signing_key, retired",
    [("nokid", ""), ("k1:short", ""), (":AAAA", ""), ("k 1:" + "A" * 43, ""),
     ("", "k1:tooshort"), ("", "k1"), ("k1:" + "B" * 43, "k1:" + "A" * 43)],
)  # fmt: skip
def test_malformed_key_configuration_is_refused(signing_key, retired):
    with pytest.raises(signing.KeyConfigError):
        signing.KeySet.parse(signing=signing_key, retired=retired)
