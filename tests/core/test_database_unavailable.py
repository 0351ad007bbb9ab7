"""A database out of reach is told apart from a bug (core.availability): the page and the API
answer 503 with a message in Chinese and no traceback, while any other database error stays a
server error. The errors are real: a PostgreSQL connection to a port where nothing listens (the
driver refuses at once), and SQLite refusing a query. tests/core/test_faults.py stops a real
server in the middle of the work."""

import json

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test import RequestFactory

from jineng.core import views
from jineng.core.api import exception_handler
from jineng.core.availability import is_database_unavailable
from tests.live import free_port

OUTAGE_MESSAGE = "数据库暂时无法连接"
pytestmark = pytest.mark.django_db


def unreachable_postgres_error() -> OperationalError:
    wrapper = DatabaseWrapper({
        **connection.settings_dict, "ENGINE": "django.db.backends.postgresql",
        "NAME": "jineng", "USER": "postgres", "PASSWORD": "", "HOST": "127.0.0.1",
        "PORT": str(free_port()), "OPTIONS": {"connect_timeout": 2},
    })  # fmt: skip
    with pytest.raises(OperationalError) as refused:
        wrapper.ensure_connection()
    return refused.value


def test_an_unreachable_server_is_an_outage_and_a_bad_query_is_not():
    assert is_database_unavailable(unreachable_postgres_error())
    with pytest.raises(DatabaseError) as bad_query, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_here")
    assert not is_database_unavailable(bad_query.value)


@pytest.mark.parametrize("path", ["/claims/", "/api/v1/claims/"])
def test_the_page_and_the_api_answer_503_in_chinese(path):
    request = RequestFactory().get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    request.request_id = "req-12345678"
    try:
        raise unreachable_postgres_error()
    except OperationalError:
        response = views.server_error(request)  # Django's handler500, inside the except
    text = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert OUTAGE_MESSAGE in text
    assert "Traceback" not in text and "psycopg" not in text and "127.0.0.1" not in text
    if path.startswith("/api/"):
        assert json.loads(text)["request_id"] == "req-12345678"


def test_an_api_view_meeting_an_outage_answers_503():
    request = RequestFactory().post("/api/v1/claims/1/submit/")
    response = exception_handler(unreachable_postgres_error(), {"request": request})
    assert response.status_code == 503
    assert OUTAGE_MESSAGE in str(response.data["detail"])


def test_another_server_error_stays_a_500():
    request = RequestFactory().get("/claims/")
    try:
        raise ZeroDivisionError
    except ZeroDivisionError:
        response = views.server_error(request)
    assert response.status_code == 500
