from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "jineng.portal"
    label = "portal"
    verbose_name = _("Worker's portal")

    def ready(self):
        # Imported here, not at the top: models may be imported only once the registry is ready.
        from jineng.certificates.signals import certificate_issued
        from jineng.claims.signals import lines_paid
        from jineng.core import context_processors, home, todo
        from jineng.core.roles import Role
        from jineng.evaluation.signals import booked
        from jineng.portal import receivers, selectors, views
        from jineng.training.signals import enrolled

        # The apps below tell the portal what changed; none of them imports it.
        enrolled.connect(receivers.on_enrolled, dispatch_uid="portal.enrolled")
        booked.connect(receivers.on_booked, dispatch_uid="portal.booked")
        certificate_issued.connect(receivers.on_certificate_issued, dispatch_uid="portal.cert")
        lines_paid.connect(receivers.on_lines_paid, dispatch_uid="portal.paid")
        # The worker's own home, menu and unread count; the bureau's to-do of corrections.
        home.register_role_home(Role.WORKER, views.home)
        context_processors.register_navigation(Role.WORKER, views.NAVIGATION)
        context_processors.register_header_link(views.unread_link)
        todo.register(selectors.todo)
