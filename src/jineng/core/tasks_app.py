"""django-tasks' database backend under a name a reader understands (in the admin): its own
verbose name is a plain English string, never translated. Its own module, because an apps.py
with two AppConfig classes would leave Django to guess which one an app uses."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
