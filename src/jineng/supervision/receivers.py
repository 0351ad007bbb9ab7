"""What supervision does when claims tell it something (claims.signals, connected in
SupervisionConfig.ready)."""

from jineng.supervision import services


def on_lines_paid(sender, lines, **kwargs):
    """Lines recorded paid: those a confirmed finding touches (paid before the stop after the
    finding was confirmed) are recovered (services.recover_lines_paid_after_confirmation)."""
    services.recover_lines_paid_after_confirmation(lines)
