"""The portal listens to the apps below (docs/architecture.md, "Layers"): each signal becomes a
notification of the worker concerned. Receivers run inside the sender's transaction."""

from jineng.portal import services


def on_enrolled(sender, enrollment, **kwargs):
    services.on_enrolled(enrollment)


def on_booked(sender, booking, enrollments, **kwargs):
    services.on_booked(booking, enrollments)


def on_certificate_issued(sender, certificate, **kwargs):
    services.on_certificate_issued(certificate)


def on_lines_paid(sender, lines, **kwargs):
    services.on_lines_paid(lines)
