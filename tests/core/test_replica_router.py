"""The read replica's router without a replica (jineng.core.replica; issue 21): the settings of
every run but tests/core/test_replica.py, which starts a primary and a standby of its own."""

import pytest
from django.conf import settings
from django.urls import resolve, reverse

from jineng.catalog.models import Region
from jineng.core import replica
from jineng.core.replica import ReplicaRouter, read_replica

# The read-only work the replica may serve (docs/operations.md, "A province's deployment").
READ_ONLY = [
    ("stats:index", {}),
    ("stats:measure-rows", {}),
    ("stats:indicator-rows", {}),
    ("targets:dashboard", {}),
    ("institutions:directory", {}),
    ("claims:notices", {}),
    ("catalog:export", {"slug": "regions"}),
    ("catalog:pack-assumed", {"pk": 1}),
    ("core:audit-export", {}),
    ("api:stats-measures", {}),
    ("api:stats-indicators", {}),
    ("api:targets-dashboard", {}),
]


def marked(view) -> bool:
    while view is not None:
        if getattr(view, "read_replica", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


@pytest.mark.parametrize(("name", "kwargs"), READ_ONLY)
def test_the_read_only_views_are_marked(name, kwargs):
    assert marked(resolve(reverse(name, kwargs=kwargs)).func), name


def test_writing_and_working_views_are_not_marked():
    """The certificate check stays on the primary: a revoked certificate must fail at once."""
    for name in ("certificates:verify", "home", "institutions:list", "claims:object"):
        kwargs = {"pk": 1} if name == "claims:object" else {}
        assert not marked(resolve(reverse(name, kwargs=kwargs)).func), name


def test_without_a_replica_everything_reads_from_the_primary(db):
    assert "replica" not in settings.DATABASES
    with read_replica():
        assert replica.alias_for_read() == "default"
        assert Region.objects.all().db == "default"


def test_the_router_writes_and_migrates_on_the_primary_only():
    router = ReplicaRouter()
    with read_replica() as scope:
        assert router.db_for_write(Region) == "default"
        assert scope.wrote  # the block's later reads are the primary's
    assert router.allow_migrate("default", "catalog")
    assert not router.allow_migrate("replica", "catalog")
