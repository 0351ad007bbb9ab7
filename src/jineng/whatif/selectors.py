from jineng.core.scope import scoped
from jineng.whatif.models import DraftPack, DraftRevision, Scenario


def drafts_for(user):
    return scoped(user, DraftPack.objects.select_related("bureau", "base"))


def revisions_for(user):
    return scoped(user, DraftRevision.objects.select_related("draft")).filter(valid=True)


def scenarios_for(user):
    return scoped(user, Scenario.objects.select_related("bureau", "revision__draft"))
