"""Environment for the test run, then the one settings module (jineng.settings)."""

import os
import tempfile

os.environ.setdefault("JINENG_SECRET_KEY", "test-secret-key-that-is-long-enough-for-django-0123")
os.environ.setdefault("JINENG_DATA_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
os.environ.setdefault("JINENG_DATA_DIR", tempfile.mkdtemp(prefix="jineng-test-"))
os.environ.setdefault("JINENG_HTTPS", "0")
# The certificate signing key of the tests (jineng.certificates; a seed anyone may know).
os.environ.setdefault(
    "JINENG_CERT_SIGNING_KEY", "test-1:amluZW5nLXRlc3QtY2VydGlmaWNhdGUta2V5LTAwMDE"
)

from jineng.settings import *  # noqa: E402,F403

# Static files from their finders: the tests do not need a collectstatic run.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise wants it to exist)
# Tasks run at once inside the test (the worker process itself is tested in test_tasks.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The suite signs its users in with the password alone (the `login` fixture, force_login); the
# tests of two-factor sign-in set the roles themselves (tests/core/test_two_factor.py), the
# production default among them.
TWO_FACTOR_REQUIRED_ROLES = frozenset()
# Text messages go to a list the tests read (jineng.core.sms.outbox).
SMS_BACKEND = "jineng.core.sms.OutboxBackend"
# The suite signs in users of any password age; tests/core/test_password_expiry.py sets it.
PASSWORD_MAX_AGE_DAYS = 0
