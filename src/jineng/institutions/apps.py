from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "jineng.institutions"
    label = "institutions"
    verbose_name = _("Institutions")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.core import todo
        from jineng.core.imports import register
        from jineng.institutions import selectors
        from jineng.institutions.imports import INSTITUTIONS, TEACHERS

        register(TEACHERS)
        register(INSTITUTIONS)
        todo.register(selectors.todo)
