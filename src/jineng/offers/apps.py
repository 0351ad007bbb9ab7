from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "jineng.offers"
    label = "offers"
    verbose_name = _("Published training and sign-up")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.offers import services
        from jineng.training.signals import enrollment_withdrawn

        # A trainee leaving a class frees a place: the waiting list moves up (training tells
        # by a signal and imports nothing of this app, docs/architecture.md "Layers").
        enrollment_withdrawn.connect(services.on_enrollment_withdrawn, dispatch_uid="offers")
