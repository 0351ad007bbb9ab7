"""What claims tells the apps above it (docs/architecture.md, "Layers").

Django signals are synchronous: each receiver runs in the sender's thread and transaction, so a
receiver that raises undoes the whole change, as if its code were written in the sender.
"""

from django.dispatch import Signal

# Sent by payment.record_outcomes (and record_paid_before_stop) once the lines finance paid are
# recorded paid, inside that transaction, with `lines` (the ClaimLines paid, each once: a line
# already paid is refused before). The portal tells each person whose line it is (a training or
# evaluation subsidy); supervision recovers a line a confirmed finding touches (paid before the
# stop of a finding confirmed meanwhile).
lines_paid = Signal()
