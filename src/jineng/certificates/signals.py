"""What the certificates app tells the apps above it (docs/architecture.md, "Layers").

Django signals are synchronous: each receiver runs in the sender's thread and transaction, so a
receiver that raises undoes the whole change, as if its code were written in the sender.
"""

from django.dispatch import Signal

# Sent by services.revoke once the certificate is revoked and on its holder's ledger, inside the
# revocation's transaction, with `certificate`. Claims turns the subsidies resting on it into
# recoveries (无证无价).
certificate_revoked = Signal()

# Sent by services.issue once a certificate issued here is numbered, signed and on its holder's
# ledger, inside the transaction, with `certificate`. The portal tells the holder.
certificate_issued = Signal()
