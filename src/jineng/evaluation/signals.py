"""What evaluation tells the apps above it (docs/architecture.md, "Layers").

Django signals are synchronous: each receiver runs in the sender's thread and transaction, so a
receiver that raises undoes the whole change, as if its code were written in the sender.
"""

from django.dispatch import Signal

# Sent by services.book once a completed class is booked for evaluation (预约评价), inside the
# booking's transaction, with `booking` and `enrollments` (the trainees who completed the class,
# the ones to be evaluated). The portal tells each of them the organisation and the date.
booked = Signal()
