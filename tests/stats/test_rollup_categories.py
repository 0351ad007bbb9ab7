"""The rollup's rows per person category (004 §二: a fact counts in each category its person
holds on the fact's day): a person with two records of one category valid on that day counts
once in it (the rebuild makes the pairs distinct only when such records exist, so both of its
ways are tried), a person in two categories counts in both, and the rows read as the
drill-down lists them. The dataset is test_stats.world (its docstring): class A's three
trainees p1 p2 p3 (农村转移) and the others of 洛阳市."""

from datetime import timedelta

import pytest

from jineng.people import services as people
from jineng.stats import rollup, selectors
from tests.actors import act
from tests.stats.test_stats import END, START, TODAY, WIDE, reader
from tests.stats.test_stats import world as world  # noqa: PLC0414 (the shared fixture)

pytestmark = pytest.mark.django_db


def by_category(user) -> dict:
    return selectors.measure_totals(user, "training", START, END, "category")


def listed(user, code: str) -> int:
    return selectors.measure_rows(user, "training", START, END, key_by="category", key=code).count()


def test_one_category_held_twice_counts_once_and_two_categories_count_in_both(world):
    """004 §二: p1 gets a second 农村转移 record overlapping the first and a 登记失业 one; the
    training of class A counts p1 once as 农村转移 and once as 登记失业."""
    user = reader()
    assert by_category(user) == {"rural_migrant": 5, "-": 1}
    p1, since = world["p"][0], TODAY - timedelta(days=100)
    with act(None):
        people.add_category(p1, "rural_migrant", valid_from=since, source="test")
        people.add_category(p1, "registered_unemployed", valid_from=since, source="test")
        rollup.rebuild(WIDE - timedelta(days=200), TODAY)
    figures = by_category(user)
    assert figures == {"rural_migrant": 5, "registered_unemployed": 1, "-": 1}
    assert {code: listed(user, code) for code in figures} == figures
    assert selectors.measure_totals(user, "training", START, END)["total"] == 6
