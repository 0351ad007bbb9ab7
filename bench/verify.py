"""Certificate verification speed (issue 7): verifications per second of the platform's
`verify_payload` (the whole check: parse the compact JWS, Ed25519 signature against the published
keys, then the certificate's status with one indexed query) against raw Ed25519 verifications per
second of the cryptography library, in the same run on the same payloads.

    .venv/bin/python bench/verify.py [--certificates 200] [--seconds 2] [--postgres URL] [--smoke]

Builds a scratch database (SQLite in a temporary directory, or with --postgres a new database on
that PostgreSQL server, dropped afterwards), issues the certificates through the services
(a tenth of them revoked), then times both loops in alternating rounds and keeps each one's best
round. Target: ratio ≥ 0.5.
"""

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import benchdb

ROOT = Path(__file__).resolve().parents[1]


def environment(database_url: str | None) -> None:
    """benchdb's environment, with a certificate signing key of the run's own."""
    from jineng.certificates.signing import new_signing_key

    benchdb.environment(database_url)
    os.environ["JINENG_CERT_SIGNING_KEY"] = new_signing_key("bench-1")


def build(count: int) -> list[str]:
    """Migrate, load the least reference data, issue `count` certificates; their payloads."""
    from django.core.management import call_command
    from django.utils import timezone
    from stdnum.cn import ric

    from jineng.catalog import setup
    from jineng.catalog.models import Occupation, SkillLevel
    from jineng.certificates import services
    from jineng.core import audit
    from jineng.core import demo as core_demo
    from jineng.core.models import Organisation
    from jineng.institutions import services as institutions
    from jineng.people.services import register_person

    call_command("migrate", interactive=False, verbosity=0)
    with audit.system_context("bench:verify"):
        setup.run(region="411400", admin=None)  # catalogs, regions, packs, the bureau tree
        core_demo.load_organisations_and_users()
        bureau = Organisation.objects.get(code="411481")
        centre_org = Organisation.objects.get(name=core_demo.EVALUATION_ORGS[0].name)
        centre = institutions.register_evaluation_org(centre_org, type="social")
        institutions.set_numbering_codes(centre, register_code="0231", station_code="411001")
        welder = Occupation.objects.get(code="6-18-02-04")
        level = SkillLevel.objects.get(code="4")
        today = timezone.localdate()
        payloads = []
        for n in range(count):
            body = f"411481{date(1970, 1, 1) + timedelta(days=97 * n):%Y%m%d}{n % 1000:03d}"
            person = register_person(
                name=f"测试{n}号",
                id_number=body + ric.calc_check_digit(body + "0"),
                organisation=bureau,
                source="bench",
            )
            certificate = services.issue(
                person,
                kind="skill_level",
                occupation=welder,
                level=level,
                evaluation_org=centre,
                issued_on=today,
            )
            if n % 10 == 9:
                services.revoke(certificate, "bench")
            payloads.append(certificate.signed_payload)
    return payloads


def rate(loop, payloads: list, seconds: float) -> float:
    done, started = 0, time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for payload in payloads:
            loop(payload)
        done += len(payloads)
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL server URL: bench on a scratch database")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="20 certificates, one short round (the test suite's check that it runs)",
    )
    arguments = parser.parse_args()
    if arguments.smoke:
        arguments.certificates, arguments.seconds, arguments.rounds = 20, 0.2, 1

    sys.path.insert(0, str(ROOT / "src"))
    with benchdb.scratch(arguments.postgres) as url:
        try:
            run(arguments, url)
        finally:
            benchdb.close_connections()  # before the scratch database is dropped


def run(arguments, database_url: str | None) -> None:
    environment(database_url)
    import django

    django.setup()
    from django.db import connection

    from jineng.certificates import services, signing

    payloads = build(arguments.certificates)
    # The same work without the platform: the signature check alone, on pre-split input.
    public = services.keys().public["bench-1"]
    raw = []
    for payload in payloads:
        signed, _, signature = payload.rpartition(".")
        raw.append((signing.unb64url(signature), signed.encode()))
    results = [services.verify_payload(payload) for payload in payloads]
    assert sum(r["valid"] for r in results) == len(payloads) - len(payloads) // 10
    assert sum(r["reason"] == "revoked" for r in results) == len(payloads) // 10

    def full(payload):
        services.verify_payload(payload)

    def bare(pair):
        public.verify(*pair)

    best_full = best_raw = 0.0
    for _round in range(arguments.rounds):
        best_raw = max(best_raw, rate(bare, raw, arguments.seconds))
        best_full = max(best_full, rate(full, payloads, arguments.seconds))
    ratio = best_full / best_raw
    connection.close()
    print(f"database: {connection.vendor}; certificates: {len(payloads)} (a tenth revoked)")
    print(f"raw Ed25519 verify (cryptography): {best_raw:10,.0f} /s")
    print(f"verify_payload (signature+status): {best_full:10,.0f} /s")
    verdict = "meets" if ratio >= 0.5 else "BELOW"
    print(f"ratio: {ratio:.2f} ({verdict} the target of 0.5)")


if __name__ == "__main__":
    main()
