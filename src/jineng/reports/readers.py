"""The reader a scheduled report reads as: the whole installation, narrowed to the report's
region by the selectors' `region` argument (a county's report counts its county only)."""

from jineng.core.scope import Scope


class SystemReader:
    """Not a user: it holds every row (core.scope reads its cached scope), and acts for nobody."""

    is_authenticated = True
    is_active = True
    organisation = None
    role_set = frozenset()
    pk = None
    _jineng_scope = Scope(everything=True)


SYSTEM = SystemReader()
