"""What the registry tells the apps above it (docs/architecture.md, "Layers").

Django signals are synchronous: each receiver runs in the sender's thread and transaction, so a
receiver that raises undoes the whole change, as if its code were written in the sender.
"""

from django.dispatch import Signal

# Sent by services.add_category and services.change_category once a person's category is
# stored, inside that transaction, with `person_ids` (a list). Training decides again the
# eligibility of those persons on the rosters of classes not completed yet, so a roster never
# keeps an answer the registry no longer supports.
categories_changed = Signal()

# Sent by services.add_licence once a practising licence (从业资格, 004 §五(一)) is stored, inside
# that transaction, with `person_ids` (a list): training decides the rosters of those persons'
# classes not completed yet again, as for a category.
licences_changed = Signal()
