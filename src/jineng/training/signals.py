"""What training tells the apps above it (they connect in their AppConfig.ready)."""

from django.dispatch import Signal

# A trainee left a class's roster (withdraw_enrollment): a place is free again; the sign-up
# app moves its waiting list up. Sent inside the withdrawal's transaction. Argument: enrollment.
enrollment_withdrawn = Signal()
