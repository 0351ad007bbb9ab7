from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "jineng.claims"
    label = "claims"
    verbose_name = _("Subsidy claims")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.certificates.signals import certificate_revoked
        from jineng.claims import history, recovery, selectors
        from jineng.core import todo
        from jineng.training import hooks

        certificate_revoked.connect(recovery.on_certificate_revoked, dispatch_uid="claims.recovery")
        hooks.subsidy_history.provide(history.history_of)
        todo.register(selectors.todo)
