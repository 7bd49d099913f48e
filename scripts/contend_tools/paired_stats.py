"""The statistics of the A/B mode (ab.py): rounds are pairs, one BASE and
one NEW process run back to back, so the machine's state of that minute is
common to both and cancels in their ratio. The sample is the per-round log
ratio d = ln(NEW / BASE).

- Wilcoxon's signed-rank test of "the ratios are centred on 1": exact
  (permutation distribution of the rank sum over the actual mid-ranks, ties
  included; zero differences dropped, as Wilcoxon did), two-sided. With 10
  rounds the smallest p is 2/1024 = 0.002, so a change in one case alone can
  be significant even after a correction over hundreds of cases, which five
  repetitions per side of an unpaired test never could.
- The Hodges-Lehmann estimate of the change (the median of the Walsh
  averages (d_i + d_j) / 2, i <= j) and its distribution-free confidence
  interval, read off the sorted Walsh averages at the signed-rank
  distribution's critical value (Hollander & Wolfe, Nonparametric
  Statistical Methods, 3.2). Estimate and interval belong to the test: an
  interval that excludes 0 is a significant test at the same level.

No random numbers: the same rounds always give the same verdicts.
"""
import math

import numpy as np

from .compare_stats import doubled_midranks

# Rounds above this count use the normal approximation with tie correction
# (the subset counts grow past float64's exact integers around n = 50).
EXACT_MAX_ROUNDS = 50

_NULL_CACHE = {}


def _subset_sum_counts(weights):
    """counts[s] = how many subsets of the integer weights sum to s (each
    subset is one sign assignment of the signed-rank statistic)."""
    key = tuple(weights)
    got = _NULL_CACHE.get(key)
    if got is not None:
        return got
    counts = np.zeros(sum(weights) + 1)
    counts[0] = 1.0
    for w in weights:
        counts[w:] = counts[w:] + counts[:len(counts) - w].copy()
    _NULL_CACHE[key] = counts
    return counts


def signed_rank(d):
    """Two-sided Wilcoxon signed-rank test of the differences d against 0.
    Returns (n used, p). Zeros are dropped; p is 1 when nothing is left."""
    nz = [x for x in d if x != 0]
    n = len(nz)
    if n == 0:
        return 0, 1.0
    ranks2, _ = doubled_midranks([abs(x) for x in nz])
    w2 = sum(r for r, x in zip(ranks2, nz) if x > 0)
    total2 = sum(ranks2)
    if n <= EXACT_MAX_ROUNDS:
        counts = _subset_sum_counts(sorted(ranks2))
        dev = abs(2 * w2 - total2)  # |W+ - W-|, doubled ranks
        s = np.arange(len(counts))
        extreme = counts[np.abs(2 * s - total2) >= dev].sum()
        return n, min(1.0, float(extreme / counts.sum()))
    var = sum((r / 2.0) ** 2 for r in ranks2) / 4.0
    z = abs(w2 / 2.0 - total2 / 4.0) / math.sqrt(var) if var > 0 else 0.0
    return n, min(1.0, math.erfc(z / math.sqrt(2.0)))


def smallest_p(n):
    """The smallest two-sided p n non-zero differences can give: all of one
    sign, 2 / 2**n. Five rounds give 0.0625 and can never reach 0.05."""
    return min(1.0, 2.0 / 2 ** n) if n > 0 else 1.0


def rounds_needed(cutoff, limit=60):
    """Fewest rounds whose smallest p is at most cutoff."""
    for n in range(1, limit + 1):
        if smallest_p(n) <= cutoff:
            return n
    return None


def walsh_averages(d):
    a = np.asarray(d, dtype=float)
    i, j = np.triu_indices(len(a))
    return np.sort((a[i] + a[j]) / 2.0)


def hodges_lehmann(d):
    """The median of the Walsh averages: the signed-rank test's estimate of
    the centre of d (the median of the differences for a symmetric spread)."""
    if not d:
        return None
    return float(np.median(walsh_averages(d)))


def hodges_lehmann_ci(d, level=0.95):
    """Distribution-free interval of the centre of d: the C-th smallest and
    C-th largest Walsh averages, C the largest count with P(W+ < C) <= (1 -
    level) / 2 under the no-ties null of n = len(d). None when n is too small
    for the level (fewer than 6 rounds for 95 %)."""
    n = len(d)
    if n == 0:
        return None
    counts = _subset_sum_counts(list(range(1, n + 1)))
    cdf = np.cumsum(counts) / counts.sum()  # cdf[k] = P(W+ <= k)
    tail = (1.0 - level) / 2.0
    c = 0
    while c < len(cdf) and cdf[c] <= tail:  # P(W+ <= c) <= tail -> P(W+ < c+1)
        c += 1
    if c == 0:
        return None
    w = walsh_averages(d)
    return float(w[c - 1]), float(w[len(w) - c])


def ratio_change(log_ratio):
    """A log ratio as a relative change: exp(x) - 1."""
    return None if log_ratio is None else math.expm1(log_ratio)
