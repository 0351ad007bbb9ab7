from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacesConfig(AppConfig):
    name = "jineng.faces"
    label = "faces"
    verbose_name = _("Face verification")
