from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "jineng.training"
    label = "training"
    verbose_name = _("Training classes")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.core import home, todo
        from jineng.core.imports import register
        from jineng.people.signals import categories_changed, licences_changed
        from jineng.training import eligibility, selectors
        from jineng.training.imports import IMPORTS

        for spec in IMPORTS.values():
            register(spec)
        categories_changed.connect(
            eligibility.on_categories_changed, dispatch_uid="training.eligibility"
        )
        licences_changed.connect(
            eligibility.on_licences_changed, dispatch_uid="training.eligibility.licences"
        )
        todo.register(selectors.todo)
        home.register(selectors.funded_card)
