from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "jineng.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.claims import hooks
        from jineng.claims.signals import lines_paid
        from jineng.supervision import holds, receivers
        from jineng.vouchers import hooks as voucher_hooks

        # Claims refuse to approve or pay a line a finding holds, without importing this app.
        hooks.held_lines.provide(holds.held_lines)
        hooks.line_findings.provide(holds.line_findings)
        # Vouchers refuse to settle one a finding holds, the same way.
        voucher_hooks.settlement_findings.provide(holds.settlement_findings)
        # A line recorded paid before the stop of a finding already confirmed is recovered.
        lines_paid.connect(receivers.on_lines_paid, dispatch_uid="supervision.paid")
