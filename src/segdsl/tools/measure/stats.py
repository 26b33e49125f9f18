"""The statistics of `segdsl lift`, in plain Python from a handful of sums.

Welch's t-test (difference of means, its 95% interval and p-value), the delta method
for the relative lift, CUPED, the sample-ratio-mismatch chi-square test and the
minimum detectable effect. Student's t distribution comes from the regularized
incomplete beta function (the continued fraction of Numerical Recipes §6.4, evaluated
with Lentz's method); the tests compare every number with SciPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_975 = 1.959963984540054  # the normal quantile of 0.975 (two-sided 95%)
Z_80 = 0.8416212335729143  # the normal quantile of 0.8 (80% power)


# ---- Student's t ---------------------------------------------------------------------


def _betacf(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return h


def _log_beta(a: float, b: float) -> float:
    """log B(a, b); for b = 1/2 and large a, an asymptotic series keeps full precision
    where differences of log-gamma values of size ~a·log a would lose digits."""
    if b == 0.5 and a > 1000:
        # Γ(a + ½)/Γ(a) = √a · (1 − 1/(8a) + 1/(128a²) + 5/(1024a³) − 21/(32768a⁴) + …)
        inv = 1.0 / a
        series = 1 - inv / 8 + inv**2 / 128 + 5 * inv**3 / 1024 - 21 * inv**4 / 32768
        return math.lgamma(0.5) - 0.5 * math.log(a) - math.log(series)
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def betainc(a: float, b: float, x: float, y: float | None = None) -> float:
    """The regularized incomplete beta function I_x(a, b); ``y`` is 1 − x when the
    caller knows it more precisely than ``1 - x``."""
    if y is None:
        y = 1.0 - x
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_x = math.log1p(-y) if y < 0.5 else math.log(x)
    log_y = math.log1p(-x) if x < 0.5 else math.log(y)
    front = math.exp(a * log_x + b * log_y - _log_beta(a, b))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, y) / b


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| ≥ |t|) for Student's t with ``df`` degrees of freedom."""
    if math.isnan(t):
        return math.nan
    if math.isinf(t):
        return 0.0
    t2 = t * t
    # I_x(df/2, 1/2) at x = df/(df + t²); 1 − x = t²/(df + t²) without cancellation
    return betainc(df / 2.0, 0.5, df / (df + t2), t2 / (df + t2))


def t_quantile_975(df: float) -> float:
    """The 0.975 quantile of Student's t (the half-width factor of a 95% interval):
    Newton's method on the two-sided p-value from the Cornish–Fisher start, with
    bisection as a fallback."""
    z = Z_975
    t = z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df * df)
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    close = False
    for _ in range(30):
        pdf = math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))
        step = (t_two_sided_p(t, df) - 0.05) / (2 * pdf)
        if not math.isfinite(step):
            break
        t += step
        if close:  # quadratic convergence: one step after 1e-9 is at full precision
            return t
        close = abs(step) <= 1e-9 * t
    lo, hi = 0.0, 1.0
    while t_two_sided_p(hi, df) > 0.05:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if mid in (lo, hi):
            break
        if t_two_sided_p(mid, df) > 0.05:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


# ---- summaries -----------------------------------------------------------------------


@dataclass(frozen=True)
class Moments:
    """One group's values: count, mean and sample variance (n − 1)."""

    n: int
    mean: float
    var: float

    @property
    def sd(self) -> float:
        return math.sqrt(self.var) if self.var > 0 else 0.0

    @classmethod
    def from_sums(cls, n: int, centre: float, s1: float, s2: float) -> Moments:
        """From Σ(y − a) and Σ(y − a)² about any centre ``a`` (close to the mean keeps
        the digits): mean = a + s1/n, var = (s2 − s1²/n)/(n − 1)."""
        if n == 0:
            return cls(0, math.nan, math.nan)
        mean = centre + s1 / n
        var = max(0.0, (s2 - s1 * s1 / n) / (n - 1)) if n > 1 else math.nan
        return cls(n, mean, var)


@dataclass(frozen=True)
class Joint:
    """One group's metric y and covariate x: counts, means, variances, covariance."""

    n: int
    mean_y: float
    mean_x: float
    var_y: float
    var_x: float
    cov: float


@dataclass(frozen=True)
class Welch:
    difference: float
    se: float
    df: float
    ci95: tuple[float, float]
    p_value: float


def welch(t: Moments, c: Moments) -> Welch:
    """Welch's unequal-variance t-test of mean(t) − mean(c)."""
    diff = t.mean - c.mean
    vt, vc = t.var / t.n, c.var / c.n
    se2 = vt + vc
    if se2 <= 0.0:
        # No spread in either group: the difference is exact.
        return Welch(diff, 0.0, math.inf, (diff, diff), 1.0 if diff == 0 else 0.0)
    se = math.sqrt(se2)
    df = se2 * se2 / (vt * vt / (t.n - 1) + vc * vc / (c.n - 1))
    q = t_quantile_975(df)
    return Welch(diff, se, df, (diff - q * se, diff + q * se), t_two_sided_p(diff / se, df))


def relative_lift(t: Moments, c: Moments) -> tuple[float, tuple[float, float]] | None:
    """mean(t)/mean(c) − 1 with a delta-method 95% interval; None when the control's
    mean is 0 (no ratio)."""
    if c.mean == 0.0:
        return None
    r = t.mean / c.mean - 1.0
    var = t.var / (t.n * c.mean**2) + t.mean**2 * c.var / (c.n * c.mean**4)
    half = Z_975 * math.sqrt(max(var, 0.0))
    return r, (r - half, r + half)


@dataclass(frozen=True)
class Cuped:
    theta: float
    variance_reduction: float
    welch: Welch


def cuped(t: Joint, c: Joint) -> Cuped:
    """CUPED: y − θ(x − x̄) with θ = cov(x, y)/var(x) over both groups pooled, then
    Welch on the adjusted values. The variance reduction is 1 − SE²(adjusted)/SE²
    (unadjusted) on the same entities."""
    n = t.n + c.n
    mx = (t.n * t.mean_x + c.n * c.mean_x) / n
    my = (t.n * t.mean_y + c.n * c.mean_y) / n
    sxy = sxx = 0.0
    for g in (t, c):
        sxy += (g.n - 1) * g.cov + g.n * (g.mean_x - mx) * (g.mean_y - my)
        sxx += (g.n - 1) * g.var_x + g.n * (g.mean_x - mx) ** 2
    theta = sxy / sxx if sxx > 0 else 0.0

    def adjusted(g: Joint) -> Moments:
        var = g.var_y - 2 * theta * g.cov + theta * theta * g.var_x
        return Moments(g.n, g.mean_y - theta * (g.mean_x - mx), max(var, 0.0))

    raw = t.var_y / t.n + c.var_y / c.n
    w = welch(adjusted(t), adjusted(c))
    reduction = 1.0 - (w.se * w.se) / raw if raw > 0 else 0.0
    return Cuped(theta, reduction, w)


def srm_p_value(n_treatment: int, n_control: int, control_share: float) -> float:
    """Pearson's chi-square test (1 degree of freedom) of the observed split against
    the expected share of the control group."""
    n = n_treatment + n_control
    exp_c, exp_t = n * control_share, n * (1.0 - control_share)
    if exp_c <= 0 or exp_t <= 0:
        return math.nan
    chi2 = (n_control - exp_c) ** 2 / exp_c + (n_treatment - exp_t) ** 2 / exp_t
    return math.erfc(math.sqrt(chi2 / 2.0))


def mde(t: Moments, c: Moments) -> float:
    """The smallest true difference of means that a two-sided 5% test detects with
    80% power, for these group sizes and standard deviations."""
    return (Z_975 + Z_80) * math.sqrt(t.var / t.n + c.var / c.n)
