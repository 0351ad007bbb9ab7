"""Services fail closed (issue 13): with no signed-in user and no named system work, a service
that needs a capability refuses before it reads or writes anything; and every page and API
address needs a login unless it is on the one declared list of public ones."""

import importlib
import inspect
import pkgutil
import re
import sys
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve
from django.utils import timezone

import jineng
from jineng import urls as site_urls
from jineng.core import audit, roles
from jineng.core.models import AuditEntry
from jineng.core.public import PUBLIC_URL_NAMES
from jineng.training import services as training
from jineng.training.models import ClassState, TrainingClass
from tests.factories import TrainingClassFactory


def guarded_services():
    """Every function of jineng whose body asks for a capability or an actor, found by reading
    the code, so that a service added later is covered without being listed here."""
    found = []
    for module_info in pkgutil.walk_packages(jineng.__path__, "jineng."):
        name = module_info.name
        if ".migrations" in name or name.endswith((".demo", ".tests")):
            continue
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if not inspect.isfunction(value) or value.__module__ != name:
                continue
            source = inspect.getsource(value)
            guarded = "require_capability(" in source or "require_actor(" in source
            if guarded and not attr.startswith(("require_", "_")):  # services, not helpers
                found.append(value)
    return sorted(found, key=lambda f: (f.__module__, f.__name__))


GUARDED = guarded_services()


def none_arguments(function) -> dict:
    """None for every parameter without a default: a refusal must come before any is read."""
    return {
        name: None
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.default is inspect.Parameter.empty
        and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    }


def test_the_guarded_services_are_found():
    names = {f"{f.__module__}.{f.__name__}" for f in GUARDED}
    assert len(GUARDED) >= 30
    assert {"jineng.training.services.change_state", "jineng.vouchers.services.issue"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("service", GUARDED, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_a_guarded_service_refuses_without_an_actor(service):
    with pytest.raises(PermissionDenied, match="Sign in first|请先登录"):
        service(**none_arguments(service))


def submitted_class() -> TrainingClass:
    """An opening application of 鸿鹄 submitted for a class that starts in two weeks."""
    return TrainingClassFactory(state="submitted", start=timezone.localdate() + timedelta(days=14))


@pytest.mark.django_db
def test_an_anonymous_approval_is_refused_and_changes_nothing():
    training_class = submitted_class()
    with pytest.raises(PermissionDenied, match="Sign in first|请先登录"):
        training.approve(training_class, "无人审核")
    training_class.refresh_from_db()
    assert training_class.state == ClassState.SUBMITTED


@pytest.mark.django_db
def test_without_the_check_an_anonymous_approval_would_go_through(monkeypatch):
    """The refusal above is the fail-closed check's doing: take it away and the same anonymous
    call approves the class (so the tests above would fail)."""
    check = roles.require_actor
    for module in list(sys.modules.values()):
        if getattr(module, "require_actor", None) is check:
            monkeypatch.setattr(module, "require_actor", lambda: None)
    training_class = submitted_class()
    training.approve(training_class, "无人审核")
    training_class.refresh_from_db()
    assert training_class.state == ClassState.APPROVED


@pytest.mark.django_db
def test_the_system_acts_only_under_its_name_and_the_log_says_so():
    training_class = submitted_class()
    with audit.system_context("test:fail-closed"):
        training.approve(training_class, "系统批准（测试）")
    entry = AuditEntry.objects.filter(object_type="training.trainingclass").latest("id")
    assert entry.actor_label == "system:test:fail-closed" and entry.actor_id is None


# --- every address needs a login, but the declared public ones ------------------------------


def url_patterns(resolver=None, prefix="", namespace=""):
    """(route, view name with its namespaces) of every pattern of the project."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if "(?P<format>" in route or "<drf_format_suffix:" in route:
            continue  # DRF's format-suffix twins of the routes walked anyway
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, namespace + (pattern.name or route)


def concrete(route: str) -> str:
    """A path for a route: each converter or group filled with a value of its kind."""
    # Regex routes (the admin, DRF's routers): each named group becomes a value.
    path = re.sub(r"\(\?P<[^>]+>[^()]*\)", "1", route)
    path = re.sub(r"<int:[^>]+>", "1", path)
    path = re.sub(r"<(?:str|slug):[^>]+>", "x", path)
    path = re.sub(r"<path:[^>]+>", "x/y", path)
    path = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000001", path)
    path = re.sub(r"<[^>]+>", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + path


def asks_for_login(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/login/" in response["Location"]


def open_addresses(client) -> dict[str, tuple[str, int]]:
    """Each address an anonymous visitor gets an answer from, other than "sign in first"."""
    opened = {}
    for route, name in url_patterns():
        path = concrete(route)
        assert resolve(path), route  # the walk itself must reach every pattern
        response = client.get(path, HTTP_ACCEPT="text/html")
        if response.status_code == 405:  # a form's or an action's address: post to it
            response = client.post(path, HTTP_ACCEPT="text/html")
        if not asks_for_login(response):
            opened[name] = (path, response.status_code)
    return opened


@pytest.mark.django_db
def test_every_address_needs_a_login_but_the_declared_public_ones(client):
    opened = open_addresses(client)
    undeclared = {name: seen for name, seen in opened.items() if name not in PUBLIC_URL_NAMES}
    assert not undeclared, f"open without a login, not declared public: {undeclared}"
    names = {name for _route, name in url_patterns()}
    assert names >= PUBLIC_URL_NAMES  # the list names no address that does not exist


def undecorated_page(request):
    return HttpResponse("personal data")


urlpatterns = [*get_resolver().url_patterns, path("forgotten/", undecorated_page)]
# The site's error handlers too: a request that keeps this urlconf (Django's thread-local
# urlconf outlives the override) answers an API 404 as the site does, in JSON.
handler400, handler403, handler404, handler500 = (
    site_urls.handler400,
    site_urls.handler403,
    site_urls.handler404,
    site_urls.handler500,
)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_page_that_forgot_its_decorator_still_asks_for_a_login(client, settings):
    """The middleware is the check that fails closed: without it, a view that forgot its own
    decorator is open to anyone, and the walk above finds it."""
    response = client.get("/forgotten/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "LoginRequiredMiddleware" not in m]
    without_the_check = Client()
    assert without_the_check.get("/forgotten/").status_code == 200
    assert "forgotten/" in open_addresses(without_the_check)
