from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "jineng.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.certificates.imports import CERTIFICATES
        from jineng.core.imports import register

        register(CERTIFICATES)
