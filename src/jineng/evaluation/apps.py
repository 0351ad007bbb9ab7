from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "jineng.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.core import todo
        from jineng.core.imports import register
        from jineng.evaluation import selectors
        from jineng.evaluation.imports import IMPORTS
        from jineng.training import hooks

        for spec in IMPORTS.values():
            register(spec)
        hooks.add_class_page_part(selectors.class_page_part)  # the class's bookings
        todo.register(selectors.todo)
