"""The statistics of `segdsl lift` against SciPy and hand computations.

Every number is computed here from the raw values (NumPy, SciPy) and compared with
segdsl's, which sees only counts and sums — to 1e-9 relative.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as ss

from segdsl.tools.measure import stats

REL = 1e-9


def moments(a: np.ndarray) -> stats.Moments:
    n = len(a)
    centre = float(a.mean())
    d = a - centre
    return stats.Moments.from_sums(n, centre, float(d.sum()), float((d * d).sum()))


def joint(y: np.ndarray, x: np.ndarray) -> stats.Joint:
    return stats.Joint(
        len(y),
        float(y.mean()),
        float(x.mean()),
        float(y.var(ddof=1)),
        float(x.var(ddof=1)),
        float(np.cov(x, y, ddof=1)[0, 1]),
    )


CASES = [
    (5, 7, 0.3),
    (2, 2, 1.0),
    (30, 1000, 0.0),
    (500, 5000, 0.2),
    (20_000, 2_000, 0.05),
]


@pytest.mark.parametrize(("n_t", "n_c", "shift"), CASES)
def test_welch_equals_scipy(n_t: int, n_c: int, shift: float) -> None:
    rng = np.random.default_rng(n_t * 7 + n_c)
    t = rng.gamma(2.0, 3.0, n_t) + shift
    c = rng.gamma(1.5, 4.0, n_c)
    ref = ss.ttest_ind(t, c, equal_var=False)
    ci = ref.confidence_interval(0.95)
    w = stats.welch(moments(t), moments(c))
    assert w.difference == pytest.approx(t.mean() - c.mean(), rel=REL)
    assert w.p_value == pytest.approx(ref.pvalue, rel=REL)
    assert w.ci95[0] == pytest.approx(ci.low, rel=REL)
    assert w.ci95[1] == pytest.approx(ci.high, rel=REL)
    assert w.df == pytest.approx(ref.df, rel=REL)


@pytest.mark.parametrize("df", [1.0, 2.5, 7.0, 31.3, 400.0, 12_345.0, 2_000_000.0])
@pytest.mark.parametrize("t", [0.0, 0.3, 1.96, 4.0, 9.0])
def test_student_t_equals_scipy(t: float, df: float) -> None:
    assert stats.t_two_sided_p(t, df) == pytest.approx(2 * ss.t.sf(t, df), rel=1e-10, abs=1e-300)
    assert stats.t_quantile_975(df) == pytest.approx(ss.t.ppf(0.975, df), rel=1e-12)


def test_delta_method_by_hand() -> None:
    rng = np.random.default_rng(3)
    t, c = rng.poisson(1.3, 800).astype(float), rng.poisson(1.0, 700).astype(float)
    r, (lo, hi) = stats.relative_lift(moments(t), moments(c)) or (0.0, (0.0, 0.0))
    # gradient of mean_t/mean_c − 1 is (1/mean_c, −mean_t/mean_c²)
    mt, mc = t.mean(), c.mean()
    var = (1 / mc) ** 2 * t.var(ddof=1) / len(t) + (mt / mc**2) ** 2 * c.var(ddof=1) / len(c)
    assert r == pytest.approx(mt / mc - 1, rel=REL)
    assert lo == pytest.approx(mt / mc - 1 - 1.959963984540054 * math.sqrt(var), rel=REL)
    assert hi == pytest.approx(mt / mc - 1 + 1.959963984540054 * math.sqrt(var), rel=REL)


def test_no_relative_lift_when_the_control_mean_is_zero() -> None:
    assert stats.relative_lift(stats.Moments(3, 1.0, 1.0), stats.Moments(3, 0.0, 0.0)) is None


def test_cuped_by_hand() -> None:
    rng = np.random.default_rng(11)
    n_t, n_c = 900, 300
    x_t, x_c = rng.gamma(2, 5, n_t), rng.gamma(2, 5, n_c)
    y_t = 0.8 * x_t + rng.normal(0, 3, n_t) + 1.5
    y_c = 0.8 * x_c + rng.normal(0, 3, n_c)
    cup = stats.cuped(joint(y_t, x_t), joint(y_c, x_c))
    x, y = np.concatenate([x_t, x_c]), np.concatenate([y_t, y_c])
    theta = np.cov(x, y, ddof=1)[0, 1] / x.var(ddof=1)
    adj_t, adj_c = y_t - theta * (x_t - x.mean()), y_c - theta * (x_c - x.mean())
    ref = ss.ttest_ind(adj_t, adj_c, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert cup.theta == pytest.approx(theta, rel=REL)
    assert cup.welch.difference == pytest.approx(adj_t.mean() - adj_c.mean(), rel=REL)
    assert cup.welch.p_value == pytest.approx(ref.pvalue, rel=1e-8)
    assert cup.welch.ci95[0] == pytest.approx(ci.low, rel=REL)
    assert cup.welch.ci95[1] == pytest.approx(ci.high, rel=REL)
    raw = y_t.var(ddof=1) / n_t + y_c.var(ddof=1) / n_c
    adj = adj_t.var(ddof=1) / n_t + adj_c.var(ddof=1) / n_c
    assert cup.variance_reduction == pytest.approx(1 - adj / raw, rel=REL)
    assert cup.variance_reduction > 0.5  # a strong covariate shrinks the interval


def test_srm_flags_a_broken_split_and_not_a_sound_one() -> None:
    # Sound: 10% expected, 10.1% observed of 20,000.
    assert stats.srm_p_value(17_980, 2_020, 0.1) > 0.05
    # Broken: 10% expected, 9% observed of 20,000 (2,000 expected, 1,800 came).
    assert stats.srm_p_value(18_200, 1_800, 0.1) < 1e-5
    ref = ss.chisquare([18_200, 1_800], [18_000, 2_000])
    assert stats.srm_p_value(18_200, 1_800, 0.1) == pytest.approx(ref.pvalue, rel=1e-9)


def test_srm_is_uniform_under_a_sound_split() -> None:
    """Over 1,000 seeded sound splits, about 5% are flagged at p < 0.05 (2%–8%)."""
    rng = np.random.default_rng(20260630)
    n = 5_000
    controls = rng.binomial(n, 0.1, 1000)
    flagged = sum(stats.srm_p_value(int(n - k), int(k), 0.1) < 0.05 for k in controls)
    assert 20 <= flagged <= 80


def test_mde_by_hand() -> None:
    t, c = stats.Moments(400, 1.0, 4.0), stats.Moments(100, 1.0, 9.0)
    se = math.sqrt(4 / 400 + 9 / 100)
    expected = (ss.norm.ppf(0.975) + ss.norm.ppf(0.8)) * se
    assert stats.mde(t, c) == pytest.approx(expected, rel=1e-12)


def test_the_95_percent_interval_covers_the_true_effect_95_percent_of_the_time() -> None:
    """1,000 seeded experiments with a known effect (skewed data, unequal groups):
    the Welch interval covers it in 93%–97% of them (the binomial standard error at
    1,000 runs is 0.7 points), and the delta-method interval of the relative lift
    likewise. The groups' sums are computed vectorised, as the SQL would."""
    rng = np.random.default_rng(16)
    runs, n_t, n_c = 1000, 400, 150
    mean_c, effect = 2.0, 0.5  # exponential: sd = mean
    t = rng.exponential(mean_c + effect, (runs, n_t))
    c = rng.exponential(mean_c, (runs, n_c))
    mt, mc = t.mean(axis=1), c.mean(axis=1)
    vt, vc = t.var(axis=1, ddof=1), c.var(axis=1, ddof=1)
    covered = covered_rel = 0
    for i in range(runs):
        a, b = stats.Moments(n_t, mt[i], vt[i]), stats.Moments(n_c, mc[i], vc[i])
        lo, hi = stats.welch(a, b).ci95
        covered += lo <= effect <= hi
        rel = stats.relative_lift(a, b)
        assert rel is not None
        covered_rel += rel[1][0] <= effect / mean_c <= rel[1][1]
    assert 930 <= covered <= 970
    assert 930 <= covered_rel <= 970


def test_no_spread_gives_an_exact_difference() -> None:
    w = stats.welch(stats.Moments(3, 2.0, 0.0), stats.Moments(4, 1.0, 0.0))
    assert w.ci95 == (1.0, 1.0) and w.p_value == 0.0
