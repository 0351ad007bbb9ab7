"""The one data-scope mechanism. Every list, detail, API call and export filters through it.

A model declares how its rows hang on the organisation tree with a ScopeSpec:

    scope = ScopeSpec(org_paths=("institution__path",), owner="person__user")

`org_paths` are lookups that reach an Organisation.path (several: a row is visible if any of
them is inside the viewer's subtrees); `owner` is a lookup to the user who owns the row
(a worker sees only rows they own). `public=True` marks reference data everyone may read.

`path_copies` pairs a column of the row with the lookup whose path it copies, for a model whose
scope is an OR over several paths reached through joins: `org_paths` then names the row's own
columns, which PostgreSQL can index and combine (docs/architecture.md, "Lists at a province's
size"). The model takes `PathCopies` first among its bases, so each save fills the copies;
`move_organisation` rewrites them with the paths (`rewrite_path_copies`); a data migration or a
bulk load fills existing rows with `refresh_path_copies`.

A viewer's scope is the union over their roles:
- the three administrators (system, security, audit): everything;
- reviewer, finance/audit: the subtree of the nearest bureau at or above their organisation,
  that is their region and everything below it;
- institution, evaluation and department staff: their own organisation's subtree;
- worker: rows they own.

Objects outside the scope are simply absent, so detail pages and the API answer 404 for them.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.apps import apps
from django.db.models import CharField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Substr
from django.http import Http404


@dataclass(frozen=True)
class ScopeSpec:
    org_paths: tuple[str, ...] = ()
    owner: str | None = None
    public: bool = False
    # (column, lookup): the row's column holding the Organisation.path the lookup reaches.
    path_copies: tuple[tuple[str, str], ...] = ()

    def fill_path_copies(self, obj: Model) -> list[str]:
        """Set the copied path columns of one object from its relations; their names."""
        for column, lookup in self.path_copies:
            setattr(obj, column, str(_follow(obj, lookup) or ""))
        return [column for column, _lookup in self.path_copies]

    def org_path_of(self, obj: Model) -> str:
        """The organisation path of one object (its first org lookup), for audit entries."""
        for lookup in self.org_paths:
            value = _follow(obj, lookup)
            if value:
                return str(value)
        return ""

    def owner_of(self, obj: Model):
        """The user who owns one object (a worker's own rows), or None."""
        return _follow(obj, self.owner) if self.owner and self.owner != "pk" else None


class PathCopies:
    """First base of a model whose ScopeSpec has path_copies: saving it keeps them true (on an
    insert, a full save, or a save of the fields they are reached through)."""

    def save(self, *args, **kwargs):
        spec: ScopeSpec = type(self).scope
        fields = kwargs.get("update_fields")
        if fields is not None:
            fields = set(fields)
            through = {lookup.split("__")[0] for _column, lookup in spec.path_copies}
            if through & {name.removesuffix("_id") for name in fields}:
                kwargs["update_fields"] = fields | set(spec.fill_path_copies(self))
        else:
            spec.fill_path_copies(self)
        super().save(*args, **kwargs)


def refresh_path_copies(queryset: QuerySet, path_copies=None) -> int:
    """Fill the copied path columns of every row of `queryset` in the database, all in one
    UPDATE: each UPDATE rewrites every row and its indexes, so one a column tripled the work of
    a bulk load (`path_copies` defaults to the model's spec: a migration passes its own)."""
    model = queryset.model
    pairs = path_copies if path_copies is not None else model.scope.path_copies
    if not pairs:
        return 0
    return queryset.update(**{column: _copied(model, lookup) for column, lookup in pairs})


def _copied(model, lookup: str) -> Coalesce:
    """The value of `lookup` for the row being updated, "" where the relation is missing."""
    source = model._base_manager.filter(pk=OuterRef("pk")).values(lookup)[:1]
    return Coalesce(Subquery(source), Value(""), output_field=CharField())


def rewrite_path_copies(old_prefix: str, new_prefix: str) -> None:
    """A subtree moved: every copied path under `old_prefix` now starts with `new_prefix`."""
    for model in apps.get_models():
        spec = getattr(model, "scope", None)
        if not isinstance(spec, ScopeSpec):
            continue
        for column, _lookup in spec.path_copies:
            model._base_manager.filter(**{f"{column}__startswith": old_prefix}).update(
                **{
                    column: Concat(
                        Value(new_prefix),
                        Substr(column, len(old_prefix) + 1),
                        output_field=CharField(),
                    )
                }
            )


def _follow(obj: Model, lookup: str):
    value = obj
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    org_prefixes: frozenset[str] = field(default_factory=frozenset)
    owner_id: int | None = None

    def q_for(self, spec: ScopeSpec) -> Q | None:
        """A filter for a model with this spec, or None when the viewer may see nothing."""
        conditions = [
            Q(**{f"{lookup}__startswith": prefix})
            for lookup in spec.org_paths
            for prefix in sorted(self.org_prefixes)
        ]
        if spec.owner and self.owner_id is not None:
            conditions.append(Q(**{spec.owner: self.owner_id}))
        return reduce(or_, conditions) if conditions else None


def scope_of(user) -> Scope:
    """Compute a user's scope from their roles and organisation (cached on the user object)."""
    cached = getattr(user, "_jineng_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    if getattr(user, "is_authenticated", False):
        user._jineng_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    from jineng.core.roles import ORGANISATION_ROLES, PLATFORM_ROLES, REGIONAL_ROLES, Role

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    roles = user.role_set
    if roles & PLATFORM_ROLES:
        return Scope(everything=True)
    prefixes: set[str] = set()
    org = user.organisation
    if org is not None:
        if roles & REGIONAL_ROLES:
            bureau = org.nearest_bureau()
            if bureau is not None:
                prefixes.add(bureau.path)
        if roles & ORGANISATION_ROLES:
            prefixes.add(org.path)
    owner_id = user.pk if Role.WORKER in roles else None
    return Scope(org_prefixes=frozenset(prefixes), owner_id=owner_id)


def scoped(user, queryset: QuerySet) -> QuerySet:
    """Restrict a queryset to the rows the user may see."""
    spec: ScopeSpec = queryset.model.scope
    scope = scope_of(user)
    if scope.everything or spec.public:
        return queryset
    condition = scope.q_for(spec)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def get_scoped_or_404(user, queryset: QuerySet, **lookup):
    """One object inside the user's scope; outside it the object does not exist (404)."""
    try:
        return scoped(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
