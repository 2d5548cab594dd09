"""A tiny condition language: every rule table of the check is written once in it and read two ways.

``expr()`` gives a Polars expression over the columns of a frame (the vectorised engine); ``value(row)`` gives
the same answer for one record held as a mapping from the same column names to Python values (a struct column
is a mapping or a named tuple of its fields): :mod:`himozuke.verification` judges one record without a frame.
``value`` follows Polars' three-valued logic — ``None`` is null: a comparison with a null is null, ``~null`` is
null, ``True | null`` is true, ``False & null`` is false — so the two readings agree on every row, not only on
the rows the tables are meant for. A rule "holds" where the answer is true (a ``pl.when`` skips a null).

>>> rule = AnyOf((Eq(Col("a"), Col("b")), IsTrue(Col("flag"))))
>>> rule.value({"a": "x", "b": None, "flag": None}), rule.value({"a": "x", "b": "x", "flag": None})
(None, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl

Row = Mapping[str, object]


# --- terms: a value of a row ------------------------------------------------------------------------
class Term:
    def expr(self) -> pl.Expr:
        raise NotImplementedError

    def value(self, row: Row) -> object:
        raise NotImplementedError


@dataclass(frozen=True)
class Col(Term):
    """A column (absent from the row: null)."""

    name: str

    def expr(self) -> pl.Expr:
        return pl.col(self.name)

    def value(self, row: Row) -> object:
        return row.get(self.name)


@dataclass(frozen=True)
class Field(Term):
    """A field of a struct column (null where the struct is)."""

    column: str
    name: str

    def expr(self) -> pl.Expr:
        return pl.col(self.column).struct.field(self.name)

    def value(self, row: Row) -> object:
        st = row.get(self.column)
        if st is None:
            return None
        return st.get(self.name) if isinstance(st, Mapping) else getattr(st, self.name)


@dataclass(frozen=True)
class Lit(Term):
    value_: object

    def expr(self) -> pl.Expr:
        return pl.lit(self.value_)

    def value(self, row: Row) -> object:
        return self.value_


# --- conditions -------------------------------------------------------------------------------------
class Cond:
    def expr(self) -> pl.Expr:
        raise NotImplementedError

    def value(self, row: Row) -> bool | None:
        """The condition of one record: True, False or None (null)."""
        raise NotImplementedError

    def holds(self, row: Row) -> bool:
        """What a ``pl.when`` makes of it: only true holds."""
        return self.value(row) is True


@dataclass(frozen=True)
class Eq(Cond):
    left: Term
    right: Term

    def expr(self) -> pl.Expr:
        return self.left.expr() == self.right.expr()

    def value(self, row: Row) -> bool | None:
        a, b = self.left.value(row), self.right.value(row)
        return None if a is None or b is None else a == b


@dataclass(frozen=True)
class Ne(Cond):
    left: Term
    right: Term

    def expr(self) -> pl.Expr:
        return self.left.expr() != self.right.expr()

    def value(self, row: Row) -> bool | None:
        a, b = self.left.value(row), self.right.value(row)
        return None if a is None or b is None else a != b


@dataclass(frozen=True)
class Gt(Cond):
    left: Term
    right: Term

    def expr(self) -> pl.Expr:
        return self.left.expr() > self.right.expr()

    def value(self, row: Row) -> bool | None:
        a, b = self.left.value(row), self.right.value(row)
        return None if a is None or b is None else a > b  # type: ignore[operator]


@dataclass(frozen=True)
class IsNull(Cond):
    term: Term

    def expr(self) -> pl.Expr:
        return self.term.expr().is_null()

    def value(self, row: Row) -> bool:
        return self.term.value(row) is None


@dataclass(frozen=True)
class IsIn(Cond):
    """The term is one of ``values`` (null stays null)."""

    term: Term
    values: tuple[object, ...]

    def expr(self) -> pl.Expr:
        return self.term.expr().is_in(list(self.values))

    def value(self, row: Row) -> bool | None:
        v = self.term.value(row)
        return None if v is None else v in self.values


@dataclass(frozen=True)
class Truth(Cond):
    """A Boolean term as it is (null stays null)."""

    term: Term

    def expr(self) -> pl.Expr:
        return self.term.expr()

    def value(self, row: Row) -> bool | None:
        v = self.term.value(row)
        return None if v is None else bool(v)


@dataclass(frozen=True)
class IsTrue(Cond):
    """A Boolean term, null read as false (``fill_null(False)``)."""

    term: Term

    def expr(self) -> pl.Expr:
        return self.term.expr().fill_null(False)

    def value(self, row: Row) -> bool:
        return self.term.value(row) is True


@dataclass(frozen=True)
class Predicate(Cond):
    """A test of one text, given in both of its forms (the pairs :mod:`himozuke.text` keeps and property-tests:
    ``is_blank``/``is_blank_expr``, ``identifies``/``identifies_expr`` …). Both must say the same of a null."""

    term: Term
    scalar: Callable[[object], bool]
    vectorised: Callable[[pl.Expr], pl.Expr]

    def expr(self) -> pl.Expr:
        return self.vectorised(self.term.expr())

    def value(self, row: Row) -> bool:
        return bool(self.scalar(self.term.value(row)))


@dataclass(frozen=True)
class Not(Cond):
    part: Cond

    def expr(self) -> pl.Expr:
        return ~self.part.expr()

    def value(self, row: Row) -> bool | None:
        v = self.part.value(row)
        return None if v is None else not v


@dataclass(frozen=True)
class AnyOf(Cond):
    parts: tuple[Cond, ...]

    def expr(self) -> pl.Expr:
        return pl.any_horizontal([p.expr() for p in self.parts])

    def value(self, row: Row) -> bool | None:
        values = [p.value(row) for p in self.parts]
        return True if True in values else (None if None in values else False)


@dataclass(frozen=True)
class AllOf(Cond):
    parts: tuple[Cond, ...]

    def expr(self) -> pl.Expr:
        return pl.all_horizontal([p.expr() for p in self.parts])

    def value(self, row: Row) -> bool | None:
        values = [p.value(row) for p in self.parts]
        return False if False in values else (None if None in values else True)


@dataclass(frozen=True)
class Always(Cond):
    def expr(self) -> pl.Expr:
        return pl.lit(True)

    def value(self, row: Row) -> bool:
        return True


def first_holding(conditions: tuple[Cond, ...] | list[Cond], row: Row) -> int | None:
    """Index of the first condition that holds for ``row`` — a ``pl.when`` chain's answer for one record."""
    for i, cond in enumerate(conditions):
        if cond.holds(row):
            return i
    return None


@dataclass(frozen=True)
class Or(Cond):
    """``a | b | …`` as Polars' operator (the item levels' form; :class:`AnyOf` is the horizontal one)."""

    parts: tuple[Cond, ...]

    def expr(self) -> pl.Expr:
        out = self.parts[0].expr()
        for p in self.parts[1:]:
            out = out | p.expr()
        return out

    def value(self, row: Row) -> bool | None:
        return AnyOf(self.parts).value(row)


@dataclass(frozen=True)
class And(Cond):
    """``a & b & …`` as Polars' operator."""

    parts: tuple[Cond, ...]

    def expr(self) -> pl.Expr:
        out = self.parts[0].expr()
        for p in self.parts[1:]:
            out = out & p.expr()
        return out

    def value(self, row: Row) -> bool | None:
        return AllOf(self.parts).value(row)


@dataclass(frozen=True)
class Differ(Cond):
    """Two conditions give different answers (``a != b``; null when either is)."""

    left: Cond
    right: Cond

    def expr(self) -> pl.Expr:
        return self.left.expr() != self.right.expr()

    def value(self, row: Row) -> bool | None:
        a, b = self.left.value(row), self.right.value(row)
        return None if a is None or b is None else a != b
