"""A real start from nothing: `jineng setup` on an empty database, then a roster of people from
all over China (and one with the code 412301, abolished in 1997) is stored whole; the deployment
section of docs/operations.md walked on an empty PostgreSQL database; the bureau tree of any
region, named from the region catalog."""

import base64
import contextlib
import json
import os
import uuid

import psycopg
import pytest

from jineng.catalog import setup
from jineng.core import audit
from jineng.core.models import Organisation
from jineng.people.identity import gb11643_check_character
from tests.live import jineng, prepared_environment, scratch_environment

# Region of the ID number → the bureau it registers with after `jineng setup --region 411400`
# (people.services.BureauOfRegion: the nearest bureau covering the region, else the top one).
ROSTER_REGIONS = {
    "341202": "410000",  # 安徽 阜阳 颍州区: another province, the installation's top bureau
    "371402": "410000",  # 山东 德州 德城区
    "440304": "410000",  # 广东 深圳 福田区
    "110101": "410000",  # 北京 东城区
    "510104": "410000",  # 四川 成都 锦江区
    "412301": "410000",  # 商丘市 of the former 商丘地区, abolished in 1997: Henan's
    "411402": "411402",  # 梁园区: its own bureau
    "411481": "411481",  # 永城市
}
# The first process runs migrate, so a PostgreSQL walk may take a while on a busy machine.
SLOW = 600


def id_number(region: str, serial: int) -> str:
    body = f"{region}19880214{serial:03d}"
    return body + gb11643_check_character(body)


def write_roster(path) -> dict[str, str]:
    numbers = {region: id_number(region, 101 + n) for n, region in enumerate(ROSTER_REGIONS)}
    lines = ["姓名,身份证号码"] + [f"学员{region},{number}" for region, number in numbers.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return numbers


def where_they_went(env, numbers: dict[str, str]) -> dict[str, str]:
    script = (
        "import json\nfrom jineng.people.services import find_by_id_number\n"
        f"numbers = {numbers!r}\n"
        "print(json.dumps({r: find_by_id_number(n).organisation.code for r, n in numbers.items()}))"
    )
    return json.loads(jineng(env, "shell", "-v0", "-c", script).stdout.strip().splitlines()[-1])


def last_json(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_setup_then_a_national_roster_on_an_empty_database(tmp_path):
    """Done-when of issue 13 item 7, as processes on an empty (SQLite) database."""
    numbers = write_roster(tmp_path / "roster.csv")
    with prepared_environment(tmp_path / "data", "migrated") as env:  # an empty database
        env["JINENG_ADMIN_PASSWORD"] = "Setup#Walk2026"
        first = last_json(jineng(env, "setup", "--region", "411400", "--admin", "root"))
        assert first["bureaus"] == {"created": 11, "existing": 0}  # 河南, 商丘 and its 9 counties
        assert first["regions"]["created"] > 6000 and first["admin"] == "created"
        again = last_json(jineng(env, "setup", "--region", "411400", "--admin", "root"))
        assert again["bureaus"] == {"created": 0, "existing": 11} and again["admin"] == "exists"
        assert set(again["regions"]) == {"unchanged"}
        imported = last_json(jineng(env, "import", "people", str(tmp_path / "roster.csv")))
        assert imported == {"rows": 8, "created": 8, "updated": 0, "unchanged": 0, "rejected": 0}
        assert where_they_went(env, numbers) == ROSTER_REGIONS


def postgres_server() -> str | None:
    """The PostgreSQL server of the PostgreSQL run (DATABASE_URL), if it answers. The SQLite run
    leaves the walk to that run (`make test` runs both) rather than walking it twice."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    server = url.rsplit("/", 1)[0]
    try:  # the maintenance database: the one named in the URL may not exist yet
        psycopg.connect(f"{server}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return None
    return server


@contextlib.contextmanager
def scratch_database(server: str):
    name = f"jineng_setup_walk_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_deployment_section_walked_on_an_empty_postgresql_database(tmp_path):
    """docs/operations.md, Deploying: production settings, then check, migrate, collectstatic,
    setup with its administrator, and a first roster; each a `jineng` process."""
    server = postgres_server()
    if server is None:
        pytest.skip("the PostgreSQL run walks it (DATABASE_URL names a PostgreSQL server)")
    numbers = write_roster(tmp_path / "roster.csv")
    with scratch_environment(tmp_path / "data") as env, scratch_database(server) as url:
        env.pop("JINENG_DEMO")  # production: keys from the environment, https settings
        env.update(
            DATABASE_URL=url,
            JINENG_SECRET_KEY="walk-" + uuid.uuid4().hex + uuid.uuid4().hex,
            JINENG_DATA_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
            JINENG_ALLOWED_HOSTS="jineng.example.cn",
            JINENG_PUBLIC_URL="https://jineng.example.cn",
            JINENG_ADMIN_PASSWORD="Setup#Walk2026",
        )
        jineng(env, "check", "--deploy", "--fail-level", "WARNING")
        jineng(env, "migrate", "-v0", timeout=SLOW)
        jineng(env, "collectstatic", "--noinput", "-v0", timeout=SLOW)
        summary = last_json(jineng(env, "setup", "--region", "411400", "--admin", "admin"))
        assert summary["bureaus"]["created"] == 11 and summary["admin"] == "created"
        imported = last_json(jineng(env, "import", "people", str(tmp_path / "roster.csv")))
        assert imported["created"] == len(ROSTER_REGIONS) and imported["rejected"] == 0
        assert where_they_went(env, numbers) == ROSTER_REGIONS


@pytest.mark.django_db
def test_the_bureau_tree_of_a_city_is_named_from_the_region_catalog(users):
    with audit.audit_context(actor=users["admin"]):
        counts = setup.create_bureau_tree("510100")  # 成都市
    chengdu = Organisation.objects.get(code="510100")
    assert chengdu.name == "成都市人力资源和社会保障局"
    assert chengdu.parent.code == "510000" and chengdu.parent.name == "四川省人力资源和社会保障厅"
    jinjiang = Organisation.objects.get(code="510104")
    assert jinjiang.name == "锦江区人力资源和社会保障局" and jinjiang.parent == chengdu
    assert not Organisation.objects.filter(code="510124").exists()  # 郫县, abolished in 2015
    assert counts["created"] == Organisation.objects.filter(code__startswith="51").count()


@pytest.mark.django_db
def test_a_municipality_has_a_bureau_not_a_department(users):
    with audit.audit_context(actor=users["admin"]):
        setup.create_bureau_tree("110000")
    assert Organisation.objects.get(code="110000").name == "北京市人力资源和社会保障局"
    assert Organisation.objects.get(code="110105").parent.code == "110000"  # 朝阳区


def test_a_chongqing_bureau_set_up_from_an_empty_database(tmp_path):
    """003 (渝人社办〔2022〕46号) is addressed to 重庆市's district and county bureaus:
    `jineng setup --region 500000` on an empty database makes 重庆市人力资源和社会保障局 (a
    municipality's bureau is a 局) and one bureau per current district and county, with the
    chongqing-2022 pack loaded and deciding for each of them."""
    with prepared_environment(tmp_path / "data", "migrated") as env:
        env["JINENG_ADMIN_PASSWORD"] = "Setup#Walk2026"
        summary = last_json(jineng(env, "setup", "--region", "500000", "--admin", "root"))
        assert summary["bureaus"] == {"created": 39, "existing": 0}  # 26 districts, 12 counties
        assert summary["packs"]["chongqing-2022"] == "created" and summary["admin"] == "created"
        script = (
            "import json\nfrom datetime import date\nfrom jineng.catalog.packs import pack_for\n"
            "from jineng.core.models import Organisation, User\n"
            "found = {c: pack_for(c, date(2022, 6, 1))[1].id for c in ('500103', '500243')}\n"
            "pengshui = Organisation.objects.get(code='500243')\n"
            "print(json.dumps({'packs': found, 'name': pengshui.name,\n"
            "    'parent': pengshui.parent.name,\n"
            "    'admin': User.objects.get(username='root').organisation.code}))"
        )
        out = json.loads(jineng(env, "shell", "-v0", "-c", script).stdout.strip().splitlines()[-1])
    assert out == {
        "packs": {"500103": "chongqing-2022", "500243": "chongqing-2022"},
        "name": "彭水苗族土家族自治县人力资源和社会保障局",
        "parent": "重庆市人力资源和社会保障局",
        "admin": "500000",
    }
