from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "jineng.vouchers"
    label = "vouchers"
    verbose_name = _("Training vouchers")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.core import todo
        from jineng.training import hooks
        from jineng.vouchers import selectors, services

        # Training takes a voucher at enrolment without importing this app (docs/architecture.md).
        hooks.find_voucher.provide(services.find)
        hooks.check_voucher.provide(services.check_redeemable)
        hooks.redeem_voucher.provide(services.redeem)
        todo.register(selectors.todo)
