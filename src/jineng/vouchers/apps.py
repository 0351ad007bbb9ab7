from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "jineng.vouchers"
    label = "vouchers"
    verbose_name = _("Training vouchers")
