import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation

from jineng.core import audit, demo
from jineng.core.management.commands.demo import demo_loaders
from jineng.core.models import Organisation, User
from tests import actors
from tests.live import TEMPLATES_VARIABLE, drop_stages, running_server


def pytest_configure(config):
    # The run's first process names the directory of the prepared stages (tests/live.py); the
    # xdist workers it starts inherit the variable, so each stage is built once per run.
    if not hasattr(config, "workerinput") and TEMPLATES_VARIABLE not in os.environ:
        os.environ[TEMPLATES_VARIABLE] = tempfile.mkdtemp(prefix="jineng-stages-")
        config.jineng_stages = Path(os.environ[TEMPLATES_VARIABLE])


def pytest_unconfigure(config):
    stages = getattr(config, "jineng_stages", None)
    if stages is not None:
        drop_stages(stages)
        del os.environ[TEMPLATES_VARIABLE]


def _group_of(item) -> str | None:
    fixtures = getattr(item, "fixturenames", ())
    if "live_url" in fixtures:
        return "live"
    if "full_demo" in fixtures:
        return "demo"
    return None


# The order of the run: the live server's group first (the longest: its worker then goes on with
# single tests), the demo's group next (so that the other worker starts with it rather than
# finishing alone on it while the first waits), then every test on its own. With
# `--no-loadscope-reorder` (pyproject's addopts) xdist gives out the work in this order, one group
# to a worker. The demo is loaded inside a transaction that is rolled back before the worker's
# first test outside the group (`pytest_runtest_setup`), so no later test meets its rows.
GROUP_ORDER = {"live": 0, "demo": 1, None: 2}


def pytest_collection_modifyitems(items):
    for item in items:
        group = _group_of(item)
        if group is not None:
            # One xdist worker runs each group: one demo load; one server, one browser.
            item.add_marker(pytest.mark.xdist_group(group))
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: GROUP_ORDER[_group_of(item)])  # stable: keeps each part's order


@pytest.fixture(scope="session")
def live_url(tmp_path_factory):
    """A real jineng server (gunicorn) with the demo loaded, on its own database."""
    with running_server(tmp_path_factory.mktemp("live")) as url:
        yield url


# The base every database test stands on: the reference data, the bureau tree of 411400 with
# the demo organisations and users (the catalog demo), and the demo institutions and evaluation
# organisations, whose teachers and examiners are demo people. Everything else a test needs it
# builds (tests/factories.py); the rest of the demo is `full_demo`.
BASE_DEMOS = ("jineng.catalog.demo", "jineng.people.demo", "jineng.institutions.demo")


def load_demos(django_db_blocker, base: bool) -> None:
    with django_db_blocker.unblock(), audit.system_context("test: demo data"):
        for module in demo_loaders():
            if (module.__name__ in BASE_DEMOS) == base:
                module.load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The base data, loaded once per test database; tests roll back."""
    load_demos(django_db_blocker, base=True)


# The transaction holding the demo's rows on this worker, while its group runs.
_demo: dict = {"atomic": None, "blocker": None}


def _enter_demo(django_db_blocker) -> None:
    """Load the rest of the demo in a transaction of its own; each test of the group runs in a
    savepoint inside it, as pytest-django's per-test transaction nests."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # A transactional test before (PostgreSQL's concurrency test) leaves the database
            # empty: load the base again where it is gone (the loaders are idempotent).
            if not User.objects.filter(username="admin").exists():
                load_demos(django_db_blocker, base=True)
            load_demos(django_db_blocker, base=False)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    _demo.update(atomic=atomic, blocker=django_db_blocker)


def _leave_demo() -> None:
    atomic, blocker = _demo["atomic"], _demo["blocker"]
    if atomic is None:
        return
    _demo["atomic"] = None
    with blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before a test's fixtures: leave the demo when the worker moves on to a test outside its
    group, or load it again for a test of the group that comes after such a test."""
    in_group = _group_of(item) == "demo"
    if not in_group:
        _leave_demo()
    elif _demo["atomic"] is None and _demo["blocker"] is not None:
        _enter_demo(_demo["blocker"])


@pytest.fixture(scope="session")
def full_demo(django_db_setup, django_db_blocker):
    """The rest of the demo (classes, certificates, evaluations, vouchers, claims), for the tests
    of the demo itself and those that still read its rows. Such tests run on one xdist worker
    (`pytest_collection_modifyitems`), so only that one pays for it, and their rows are rolled
    back when the group is done (`pytest_runtest_setup`). JINENG_TESTS_WITHOUT_DEMO=1 skips
    them, to check that the others stand alone."""
    if os.environ.get("JINENG_TESTS_WITHOUT_DEMO"):
        pytest.skip("JINENG_TESTS_WITHOUT_DEMO: this test reads the demo's rows")
    _enter_demo(django_db_blocker)
    yield
    _leave_demo()


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Each test starts in the default language, whatever an earlier request activated."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def act(db):
    """Run services as someone: `with act("city_reviewer"):`, `act(user)`, `act(None)` (system)."""
    return actors.act


@pytest.fixture
def users(db):
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def orgs(db):
    """Demo organisations by a short name used in the tests."""
    by_code = {org.code: org for org in Organisation.objects.all()}
    inst = {org.serial: demo.demo_uscc(org) for org in demo.INSTITUTIONS + demo.EVALUATION_ORGS}
    return {
        "province": by_code["410000"],
        "city": by_code["411400"],
        "liangyuan": by_code["411402"],
        "yongcheng": by_code["411481"],
        "union": by_code["DEPT-411400-25"],  # 市总工会
        "finance_dept": by_code["DEPT-411400-17"],  # 市财政局
        "inst_city": by_code[inst[1]],
        "inst_liangyuan": by_code[inst[2]],
        "inst_yongcheng": by_code[inst[3]],
        "eval_city": by_code[inst[11]],
        "eval_yongcheng": by_code[inst[12]],
    }


@pytest.fixture
def login(client):
    """Log the test client in as a demo user (through the real login page)."""

    def do(username: str):
        client.logout()  # the login page sends a signed-in user away without logging in
        response = client.post(
            "/accounts/login/", {"username": username, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, response.content[:500]
        return client

    return do
