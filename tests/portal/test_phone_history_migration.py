"""The phone changes and the registration's codes move into the one table of one-time codes
(core.PhoneCode, issue 19) with nothing lost: the data migrations portal 0002 and offers 0002
run as processes, back to the two tables of before and forward again, the rows compared at each
stage (the worker's history of phone changes is in their copy of their data)."""

import json

from tests.live import jineng, prepared_environment

BEFORE = """
import json
from datetime import timedelta
from django.db import connection
from django.utils import timezone
from jineng.core import crypto
from jineng.core.models import User
user = User.objects.create(username="ph")
now = timezone.now()
with connection.cursor() as c:
    for phone, confirmed, tries in (("13900001111", True, 1), ("13900002222", False, 0)):
        c.execute(
            "INSERT INTO portal_phonechange (user_id, phone_cipher, phone_masked, code_hash, "
            "created_at, expires_at, tries, confirmed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [user.pk, crypto.encrypt(phone, "phone"), phone[:3] + "****" + phone[-4:], "h",
             now - timedelta(days=2),
             now - timedelta(days=2) if confirmed else now + timedelta(minutes=5), tries,
             now - timedelta(days=2) if confirmed else None])
    c.execute(
        "INSERT INTO offers_phonecode (phone_hash, code_hash, ip, created_at, expires_at, tries, "
        "confirmed_at, used) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        ["p", "c", "192.0.2.1", now, now, 2, now, True])
print("ok")
"""

CORE = """
import json
from django.utils import timezone
from jineng.core import crypto
from jineng.core.models import PhoneCode
rows = []
for code in PhoneCode.objects.order_by("purpose", "phone_masked"):
    number = crypto.decrypt(bytes(code.phone_cipher), "phone") if code.phone_cipher else ""
    rows.append([code.purpose, code.user.username if code.user else None, code.phone_masked,
                 number, code.tries, code.used, code.ip,
                 bool(number) and code.phone_hash == crypto.lookup_hash(number, "phone"),
                 code.expires_at > timezone.now()])
print(json.dumps(rows))
"""

OLD = """
import json
from django.db import connection
with connection.cursor() as c:
    c.execute("SELECT phone_masked, tries, confirmed_at IS NOT NULL FROM portal_phonechange "
              "ORDER BY phone_masked")
    changes = [list(row) for row in c.fetchall()]
    c.execute("SELECT used, ip, tries FROM offers_phonecode")
    codes = [list(row) for row in c.fetchall()]
print(json.dumps({"changes": changes, "codes": codes}))
"""


def last_json(result):
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_phone_changes_move_into_the_codes_and_back_with_nothing_lost(tmp_path):
    with prepared_environment(tmp_path, "setup") as env:
        jineng(env, "migrate", "portal", "0001", "-v0")
        jineng(env, "migrate", "offers", "0001", "-v0")
        jineng(env, "shell", "-c", BEFORE)
        jineng(env, "migrate", "-v0")
        moved = last_json(jineng(env, "shell", "-c", CORE))
        assert moved == [
            # the confirmed change: its number sealed, its hash the registry's, its history kept
            ["phone_change", "ph", "139****1111", "13900001111", 1, True, None, True, False],
            # the one still waiting: kept, and no longer works (codes live minutes)
            ["phone_change", "ph", "139****2222", "13900002222", 0, False, None, True, False],
            ["register", None, "", "", 2, True, "192.0.2.1", False, False],
        ]
        jineng(env, "migrate", "portal", "0001", "-v0")
        jineng(env, "migrate", "offers", "0001", "-v0")
        back = last_json(jineng(env, "shell", "-c", OLD))
        assert back["changes"] == [["139****1111", 1, True], ["139****2222", 0, False]]
        assert back["codes"] == [[True, "192.0.2.1", 2]]
        assert last_json(jineng(env, "shell", "-c", CORE)) == []
