from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "jineng.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.reports import snapshot
        from jineng.stats import hooks

        # The statistics read the kept snapshots "as of a past day" without importing reports.
        hooks.kept_snapshot.provide(snapshot.kept_for_stats)
