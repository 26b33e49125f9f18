"""values.exact_sum — the live evaluator's sum of exact numbers — against Fraction
arithmetic, on ints, decimals and binary floats held as fractions, mixed."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from segdsl.tools.live.values import exact_sum, num

# magnitudes whose decimal sums stay within the default 28 digits of `decimal` (live
# evaluation adds decimals in that context, as it always has)
numbers = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(num),
    st.floats(allow_nan=False, allow_infinity=False, width=64)
    .map(num)
    .filter(lambda f: not f or abs(f) < 1e12),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-1e6, max_value=1e6),
)


@given(st.lists(numbers, max_size=12))
def test_exact_sum_is_the_sum_of_fractions(values: list[object]) -> None:
    got = exact_sum(values)
    assert Fraction(got) == sum(map(Fraction, values), Fraction(0))  # type: ignore[arg-type]
    if not any(isinstance(v, Decimal) for v in values):
        assert type(got) is int or (type(got) is Fraction and got.denominator != 1)


def test_empty_and_whole() -> None:
    assert exact_sum([]) == 0
    assert exact_sum([Fraction(1, 2), Fraction(1, 2)]) == 1
    assert type(exact_sum([Fraction(1, 2), Fraction(1, 2)])) is int
