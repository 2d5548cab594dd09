"""A pytest plugin for ``make mutate`` only (``-p tests.mutation.order`` in ``[tool.mutmut]``): the rule-table
tests first, property tests last. mutmut stops a mutant's run at the first failing test (``-x``), so a mutant the
fast table tests kill costs a second, not the property tests' 5 s each (docs/testing.md "Mutation testing")."""

from __future__ import annotations

_FIRST = ("tests/rules/", "tests/mutation/")
#: property tests (hypothesis) and whole-file comparisons: they kill what the tables miss, at 2–5 s each
_LAST = ("test_conditions.py::test_every_item_level", "test_vectorised_check_agrees_with_stdnum",
         "test_integer_parse_is_exactly_twelve_ascii_digits", "_equals_scalar")


def _rank(nodeid: str) -> int:
    if any(s in nodeid for s in _LAST):
        return 2
    return 0 if nodeid.startswith(_FIRST) else 1


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: _rank(item.nodeid))  # stable: file order kept within a rank
