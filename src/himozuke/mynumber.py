"""My Number (個人番号): check digit, masking, generation for tests and samples.

The check digit (SPEC §4; 行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 §8):
with the first 11 digits P(n) counted from the right (n = 1 … 11) and Q(n) = n + 1 for n ≤ 6,
n − 5 for n ≥ 7, r = Σ P(n)·Q(n) mod 11; the check digit is 0 when r ≤ 1, otherwise 11 − r.

Both forms agree (property-tested against ``stdnum.jp.in_``):

>>> check_digit("12345678901")
8
>>> is_valid("123456789018")
True
>>> import polars as pl
>>> pl.DataFrame({"n": ["123456789018", "123456789010", "1234"]}).select(is_valid_expr(pl.col("n")))["n"].to_list()
[True, False, False]
>>> mask("123456789018")
'1234 **** 9018'
"""

from __future__ import annotations

import functools
import random
import re
from enum import StrEnum

import polars as pl

from himozuke.text.blank import BLANK_CLASS

#: Weights Q(n) for the 11 payload digits, left to right (position 1 = leftmost = n 11).
WEIGHTS: tuple[int, ...] = tuple((n + 1) if n <= 6 else (n - 5) for n in range(11, 0, -1))


def check_digit(payload: str) -> int:
    """Check digit of an 11-digit payload (SPEC §4)."""
    if len(payload) != 11 or not payload.isascii() or not payload.isdigit():
        raise ValueError("payload must be 11 ASCII digits")
    r = sum(int(d) * w for d, w in zip(payload, WEIGHTS, strict=True)) % 11
    return 0 if r <= 1 else 11 - r


def is_valid(number: str | None) -> bool:
    """True when ``number`` is 12 ASCII digits with a correct check digit."""
    if number is None or len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


def _numpy():
    import numpy  # deferred: ~0.1 s of start-up, for one step of a check (see preload)

    return numpy


def preload() -> None:
    """Import and build what the vectorised check digit needs, ahead of time: a check calls this in a thread
    while Polars reads the input files (it runs while the reader holds no GIL), not on the critical path."""
    _digit_sums()


@functools.cache
def _digit_sums():
    """Σ P(n)·Q(n) mod 11 of every 5-digit head and every 6-digit tail of an 11-digit payload, as two tables
    (10⁵ and 10⁶ entries, ~10 ms once): the sum of a payload is then two lookups instead of 11 digit passes."""
    np = _numpy()

    def table(weights: tuple[int, ...]):
        x = np.arange(10 ** len(weights), dtype=np.int64)
        total = np.zeros_like(x)
        for k, weight in enumerate(reversed(weights)):  # k-th digit from the right
            total += (x // 10**k) % 10 * weight
        return (total % 11).astype(np.int8)  # 1 MB: the lookups stay in cache

    return table(WEIGHTS[:5]), table(WEIGHTS[5:])


def _valid_integers(numbers: pl.Series) -> pl.Series:
    """Check digits of 12-digit integers, whole batch at once in numpy (null → False)."""
    np = _numpy()
    head, tail = _digit_sums()
    missing = numbers.is_null().to_numpy()
    n = numbers.fill_null(0).to_numpy().astype(np.int64)
    payload = n // 10
    r = (head[payload // 10**6] + tail[payload % 10**6]) % 11
    return pl.Series(numbers.name, (np.where(r <= 1, 0, 11 - r) == n % 10) & ~missing, dtype=pl.Boolean)


def _unsigned_12_bytes(e: pl.Expr) -> pl.Expr:
    return (e.str.len_bytes() == 12) & ~e.str.starts_with("+") & ~e.str.starts_with("-")


def integer_expr(e: pl.Expr) -> pl.Expr:
    """A number of exactly 12 ASCII digits as an Int64, null otherwise.

    No regex (a third of the cost): Polars' integer parser takes only an optional sign and ASCII digits, so
    "12 bytes, no sign, parses" is "12 ASCII digits" (property-tested against ``^[0-9]{12}$``).
    """
    return pl.when(_unsigned_12_bytes(e)).then(e.str.to_integer(base=10, strict=False, dtype=pl.Int64))


def is_twelve_digits_expr(e: pl.Expr) -> pl.Expr:
    """``e`` is exactly 12 ASCII digits (null → null): the test of :func:`integer_expr`."""
    return _unsigned_12_bytes(e) & e.str.to_integer(base=10, strict=False, dtype=pl.Int64).is_not_null()


def is_valid_integer_expr(n: pl.Expr) -> pl.Expr:
    """:func:`is_valid` of numbers already parsed by :func:`integer_expr` (null → False)."""
    # elementwise: lets the streaming engine call it per batch (else it gathers the whole column first)
    return n.map_batches(_valid_integers, return_dtype=pl.Boolean, is_elementwise=True).fill_null(False)


def is_valid_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`is_valid` (null → False): one integer per number, its digits summed in numpy."""
    return is_valid_integer_expr(integer_expr(e))


# ---- a number as typed --------------------------------------------------------------------------------
#: Dropped from a number as typed: blanks (:mod:`himozuke.text.blank`) and hyphen look-alikes
#: (「1234-5678-9018」, 「１２３４　５６７８　９０１８」).
_SEPARATORS = f"[{BLANK_CLASS}\\-\u2010\u2015\u30fc\uff0d]"
_SEPARATORS_RE = re.compile(_SEPARATORS)
_WIDE_DIGITS = {chr(0xFF10 + d): str(d) for d in range(10)}
_WIDE_TRANS = str.maketrans(_WIDE_DIGITS)


def normalize(s: str | None) -> str | None:
    """A 個人番号 as typed → its digits: full-width digits folded, blanks and hyphens dropped; None when nothing
    is left. Whatever else it holds stays (and makes it no number).

    >>> normalize("１２３４ 5678-9018"), normalize("\u3000"), normalize("12345678901X")
    ('123456789018', None, '12345678901X')
    """
    if s is None:
        return None
    return _SEPARATORS_RE.sub("", s.translate(_WIDE_TRANS)) or None


def normalize_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`normalize`.

    >>> pl.select(normalize_expr(pl.lit("１２３４ 5678-9018"))).item()
    '123456789018'
    """
    # cheap path: a number already written as 12 ASCII digits (nearly all) is kept; a null skips the rewriting
    plain = is_twelve_digits_expr(e)
    n = pl.when(~plain).then(e).str.replace_many(_WIDE_DIGITS).str.replace_all(_SEPARATORS, "")
    return pl.when(plain).then(e).when(n != "").then(n)


class Problem(StrEnum):
    """Why a typed 個人番号 is no number (:func:`problem`); the check turns each into an E reason and the
    pre-flight into a finding that blocks the inquiry — one rule for both."""

    MISSING = "missing"  #: nothing but blanks
    FORMAT = "format"  #: not 12 digits once normalised
    CHECK_DIGIT = "check_digit"  #: 12 digits, the check digit fails (SPEC §4)


def problem(s: str | None) -> Problem | None:
    """What is wrong with a 個人番号 as typed (:func:`normalize` first); None when it is a valid number.

    >>> problem("123456789018"), problem(" "), problem("1234"), problem("１２３４５６７８９０１０")
    (None, <Problem.MISSING: 'missing'>, <Problem.FORMAT: 'format'>, <Problem.CHECK_DIGIT: 'check_digit'>)
    """
    n = normalize(s)
    if n is None:
        return Problem.MISSING
    if len(n) != 12 or not n.isascii() or not n.isdigit():
        return Problem.FORMAT
    return None if is_valid(n) else Problem.CHECK_DIGIT


def problem_expr(normalized: pl.Expr, integer: pl.Expr | None = None) -> pl.Expr:
    """Vectorised :func:`problem` of numbers already passed through :func:`normalize_expr` (``integer``: their
    :func:`integer_expr`, when the caller has it already). String codes of :class:`Problem`, null when valid.
    """
    key = integer_expr(normalized) if integer is None else integer
    return (
        pl.when(normalized.is_null()).then(pl.lit(str(Problem.MISSING)))
        .when(key.is_null()).then(pl.lit(str(Problem.FORMAT)))
        .when(~is_valid_integer_expr(key)).then(pl.lit(str(Problem.CHECK_DIGIT)))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


#: The longest run of stars a masked non-number shows (its length is all a mask reveals).
MASK_MAX = 64


def mask(number: str | None) -> str:
    """Mask a number for display: first 4 and last 4 digits kept (``1234 **** 9018``).

    Anything that is not 12 characters is masked whole but for its length (up to ``MASK_MAX`` stars), so a
    mistyped number never leaks either.
    """
    if number is None or number == "":
        return ""
    if len(number) == 12:
        return f"{number[:4]} **** {number[8:]}"
    return "*" * min(len(number), MASK_MAX)


def mask_expr(e: pl.Expr) -> pl.Expr:
    """Vectorised :func:`mask`."""
    return (
        pl.when(e.str.len_chars() == 12)
        .then(pl.concat_str([e.str.slice(0, 4), pl.lit(" **** "), e.str.slice(8, 4)]))
        .when(e.is_not_null())
        .then(pl.lit("*" * MASK_MAX).str.slice(0, e.str.len_chars()))  # no regex over every row
    )


def generate(rng: random.Random) -> str:  # pragma: no mutate block (sample data, not a rule; docs/testing.md)
    """A random valid My Number (for tests and sample data only; never a real person's on purpose)."""
    payload = f"{rng.randrange(10**11):011d}"
    return payload + str(check_digit(payload))


def mistype(number: str, rng: random.Random) -> str:  # pragma: no mutate block (sample data, not a rule; docs/testing.md)
    """``number`` with one digit changed so that the check digit fails (a typical transcription error)."""
    for _ in range(100):
        i = rng.randrange(11)
        d = str((int(number[i]) + rng.randrange(1, 10)) % 10)
        typo = number[:i] + d + number[i + 1 :]
        if not is_valid(typo):
            return typo
    raise AssertionError("no single-digit typo found that breaks the check digit")


def valid_neighbours(number: str) -> tuple[int, int] | None:
    """How many valid numbers are one slip away from a 12-digit ``number``: (one digit changed, two adjacent
    different digits swapped). Counts only: a failing check digit says *that* the number is wrong, never which
    of these was meant — often several are valid (「マイナンバー情報総点検について」: a typo in the number is one
    of the causes of a wrong link), so the number must be asked again, not guessed.

    >>> valid_neighbours("123456789010")  # the last digit should be 8: that is one of the 22
    (22, 0)
    >>> valid_neighbours("1234") is None  # not 12 digits: no count
    True
    """
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return None
    typos = sum(is_valid(number[:i] + d + number[i + 1:]) for i in range(12) for d in "0123456789" if d != number[i])
    swaps = sum(is_valid(number[:i] + number[i + 1] + number[i] + number[i + 2:])
                for i in range(11) if number[i] != number[i + 1])
    return typos, swaps
