from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jineng.people"
    label = "people"
    verbose_name = _("Real-name registry")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.core.imports import register
        from jineng.people.imports import IMPORTS

        for spec in IMPORTS.values():
            register(spec)
