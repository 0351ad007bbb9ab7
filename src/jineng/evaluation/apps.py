from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "jineng.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from jineng.core.imports import register
        from jineng.evaluation.imports import IMPORTS

        for spec in IMPORTS.values():
            register(spec)
