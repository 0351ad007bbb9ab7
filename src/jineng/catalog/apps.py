from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "jineng.catalog"
    label = "catalog"
    verbose_name = _("Catalogs")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.catalog import timetable
        from jineng.catalog.registry import CATALOGS
        from jineng.core import todo
        from jineng.core.imports import register

        for catalog in CATALOGS.values():
            register(catalog.spec)
        todo.register(timetable.todo)
