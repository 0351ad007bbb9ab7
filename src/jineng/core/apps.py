from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jineng.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from jineng.core import checks, signals  # noqa: F401  (deploy checks; login logging)
