"""What training tells the apps above it (docs/architecture.md, "Layers"); they connect in their
AppConfig.ready.

Django signals are synchronous: each receiver runs in the sender's thread and transaction, so a
receiver that raises undoes the whole change, as if its code were written in the sender.
"""

from django.dispatch import Signal

# Sent by services.enrol once a person is on a class's roster (新入学 or back after
# withdrawing), inside the enrolment's transaction, with `enrollment`. The portal tells the
# worker they were accepted into the class.
enrolled = Signal()

# A trainee left a class's roster (withdraw_enrollment): a place is free again; the sign-up
# app moves its waiting list up. Sent inside the withdrawal's transaction, with `enrollment`.
enrollment_withdrawn = Signal()
