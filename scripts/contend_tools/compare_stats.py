"""The statistics behind compare.py: an exact two-sided Mann-Whitney U test
that stays exact with ties, its smallest reachable p-value, the two
corrections for multiple comparisons (Benjamini-Hochberg and Holm), and a
bootstrap confidence interval of the relative change of two medians.

Why exact: a regression gate runs on 5 to 10 repetitions per side, where the
normal approximation is poor (for 5 vs 5 with no overlap it says p = 0.012,
the exact answer is 2/252 = 0.0079) and where "could this comparison have been
significant at all?" must be answered with the true smallest p-value. Ties are
common here (p99 latencies come from histogram buckets, a one-thread Jain
index is always 1), so the permutation distribution is built over the actual
mid-ranks instead of assuming distinct values.

Why a confidence interval too: "not significant" is not "the same". With 5
noisy repetitions a real 8 % loss is rarely significant; calling it "same"
would claim what the data cannot show. "Same" needs the whole interval of
plausible changes to lie inside the minimum effect (bootstrap_change_ci).

numpy only for the exact test (it comes with Debian's python3-matplotlib);
the bootstrap is the standard library's random.Random with a fixed seed.
"""
import math
import random
import statistics

import numpy as np

# Above this many samples in total the subset counts no longer fit a float64
# exactly (C(50, 25) ~ 1.3e14 < 2**53); the normal approximation with tie
# correction is accurate there anyway.
EXACT_MAX_TOTAL = 50

_DIST_CACHE = {}


def doubled_midranks(pooled):
    """Mid-ranks times two (so that ties stay integers), in input order, and
    the sizes of the tie groups in sorted order."""
    order = sorted(range(len(pooled)), key=lambda i: pooled[i])
    ranks2 = [0] * len(pooled)
    groups = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and pooled[order[j + 1]] == pooled[order[i]]:
            j += 1
        # Ranks i+1 .. j+1 share their mean; doubled: (i+1) + (j+1).
        for k in range(i, j + 1):
            ranks2[order[k]] = i + j + 2
        groups.append(j - i + 1)
        i = j + 1
    return ranks2, tuple(groups)


def _rank_sum_counts(n1, groups):
    """counts[s] = how many n1-subsets of the pooled mid-ranks have doubled
    rank sum s. Depends only on n1 and the tie pattern, so it is cached."""
    key = (n1, groups)
    got = _DIST_CACHE.get(key)
    if got is not None:
        return got
    ranks2 = []
    pos = 0
    for g in groups:
        ranks2 += [2 * pos + g + 1] * g
        pos += g
    top = sum(sorted(ranks2)[-n1:]) if n1 else 0
    counts = np.zeros((n1 + 1, top + 1))
    counts[0, 0] = 1.0
    for r in ranks2:
        # Adding one element: every (k, s) subset becomes a (k+1, s+r) one.
        shifted = counts[:-1, :top + 1 - r].copy()
        counts[1:, r:] += shifted
    _DIST_CACHE[key] = counts[n1]
    return counts[n1]


def mann_whitney(x, y):
    """Two-sided Mann-Whitney U test of samples x and y.

    Returns (U of x, p-value). Exact (permutation distribution of the rank
    sum, ties included) up to EXACT_MAX_TOTAL samples, normal approximation
    with tie and continuity correction beyond. p is 1 when every value ties.
    """
    n1, n2 = len(x), len(y)
    if n1 == 0 or n2 == 0:
        raise ValueError("mann_whitney needs samples on both sides")
    ranks2, groups = doubled_midranks(list(x) + list(y))
    w2 = sum(ranks2[:n1])
    u = w2 / 2.0 - n1 * (n1 + 1) / 2.0
    n = n1 + n2
    if len(groups) == 1:
        return u, 1.0
    if n <= EXACT_MAX_TOTAL:
        counts = _rank_sum_counts(n1, groups)
        mean2 = n1 * (n + 1)  # expected doubled rank sum, an integer
        dev = abs(w2 - mean2)
        s = np.arange(len(counts))
        extreme = counts[np.abs(s - mean2) >= dev].sum()
        return u, min(1.0, float(extreme / counts.sum()))
    ties = sum(g ** 3 - g for g in groups)
    var = n1 * n2 / 12.0 * ((n + 1) - ties / (n * (n - 1)))
    if var <= 0:
        return u, 1.0
    z = max(0.0, abs(u - n1 * n2 / 2.0) - 0.5) / math.sqrt(var)
    return u, min(1.0, math.erfc(z / math.sqrt(2.0)))


def min_p(n1, n2):
    """The smallest two-sided p-value n1 vs n2 samples can give: complete
    separation, 2 / C(n1+n2, n1). 3 vs 3 gives 0.1 and can never reach 0.05."""
    if n1 == 0 or n2 == 0:
        return 1.0
    return min(1.0, 2.0 / math.comb(n1 + n2, n1))


def repetitions_needed(cutoff, limit=200):
    """Smallest n such that n vs n samples could reach p <= cutoff."""
    for n in range(2, limit + 1):
        if min_p(n, n) <= cutoff:
            return n
    return None


# --- multiple comparisons -------------------------------------------------

CORRECTIONS = {
    "bh": "Benjamini-Hochberg (false discovery rate)",
    "holm": "Holm (family-wise error rate)",
}


def adjust(pvalues, method):
    """Adjusted p-values, in input order: compare each with alpha."""
    m = len(pvalues)
    if m == 0:
        return []
    order = sorted(range(m), key=lambda i: pvalues[i])
    adj = [1.0] * m
    if method == "bh":
        running = 1.0
        for rank in range(m, 0, -1):  # step up from the largest p
            i = order[rank - 1]
            running = min(running, pvalues[i] * m / rank)
            adj[i] = min(1.0, running)
    elif method == "holm":
        running = 0.0
        for rank in range(1, m + 1):  # step down from the smallest p
            i = order[rank - 1]
            running = max(running, pvalues[i] * (m - rank + 1))
            adj[i] = min(1.0, running)
    else:
        raise ValueError("unknown correction %r" % method)
    return adj


def next_cutoff(adjusted, alpha, method):
    """The raw p-value a test not yet significant would have had to beat,
    given the others: BH's threshold (k+1)*alpha/m, Holm's next step
    alpha/(m-k), with k tests already significant. A test whose smallest
    reachable p (min_p) is above this could not have been found significant,
    whatever its data said."""
    m = len(adjusted)
    if m == 0:
        return alpha
    k = sum(1 for p in adjusted if p <= alpha)
    if method == "bh":
        return min(1.0, (k + 1) * alpha / m)
    return alpha / max(1, m - k)


# --- descriptive ----------------------------------------------------------

def cv(values):
    """Coefficient of variation (sample stddev / mean); None when undefined."""
    if len(values) < 2:
        return 0.0 if values else None
    mean = statistics.fmean(values)
    if mean == 0:
        return None if any(values) else 0.0
    return statistics.stdev(values) / abs(mean)


def robust_spread(values):
    """1.4826 x the median absolute deviation / |median|: read like a CV, but
    one outlying repetition among five cannot move it (harness/stats.hpp);
    None when undefined."""
    if not values:
        return None
    med = statistics.median(values)
    if med == 0:
        return None if any(values) else 0.0
    return 1.4826 * statistics.median([abs(v - med) for v in values]) / abs(med)


def relative_change(base, new):
    """(new - base) / base of two medians; None where base is 0 and new is not."""
    if base is None or new is None:
        return None
    if base == 0:
        return 0.0 if new == 0 else None
    return (new - base) / abs(base)


# --- bootstrap ----------------------------------------------------------------

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_LEVEL = 0.95
# Fixed: the same samples always give the same interval, so verdicts are
# reproducible from the files alone.
BOOTSTRAP_SEED = 20261124


def _bootstrap_medians(values, resamples, rng):
    """Medians of `resamples` resamples (with replacement, same size) of values."""
    n = len(values)
    half = n // 2
    # One call draws every resample (random.choices: floor(random() * n) per
    # pick), then each n-long slice is one resample: a third faster than
    # drawing resample by resample, with the same distribution.
    flat = rng.choices(values, k=n * resamples)
    if n % 2:
        return [sorted(flat[i:i + n])[half] for i in range(0, n * resamples, n)]
    out = []
    for i in range(0, n * resamples, n):
        s = sorted(flat[i:i + n])
        out.append((s[half - 1] + s[half]) / 2.0)
    return out


def quantile(sorted_values, q):
    """Linear interpolation between order statistics (numpy's default)."""
    n = len(sorted_values)
    pos = q * (n - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, n - 1)
    frac = pos - lo
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * frac


def bootstrap_change_ci(base, new, resamples=BOOTSTRAP_RESAMPLES, level=BOOTSTRAP_LEVEL,
                        seed=BOOTSTRAP_SEED):
    """Percentile bootstrap interval of relative_change(median(base), median(new)).

    Each side is resampled on its own (its repetitions with replacement, same
    count), `resamples` times, with random.Random(seed): the interval depends
    on the samples only. Returns (low, high), or None when a side is empty or
    more than (1 - level) / 2 of the resamples have a base median of 0 (the
    relative change is then undefined too often to place the interval)."""
    if not base or not new:
        return None
    if resamples < 1 or not 0 < level < 1:
        raise ValueError("bootstrap needs resamples >= 1 and 0 < level < 1")
    rng = random.Random(seed)
    mb = _bootstrap_medians(list(base), resamples, rng)
    mn = _bootstrap_medians(list(new), resamples, rng)
    changes = sorted(c for c in (relative_change(b, n) for b, n in zip(mb, mn))
                     if c is not None)
    tail = (1.0 - level) / 2.0
    if len(changes) < resamples * (1.0 - tail):
        return None
    return quantile(changes, tail), quantile(changes, 1.0 - tail)


# --- runs as the unit -----------------------------------------------------------

HIERARCHICAL_RESAMPLES = 10000


def _run_level(runs, resamples, rng):
    """Per resample: the mean over a resample of the runs (with replacement)
    of the median of a resample of that run's repetitions (with
    replacement). runs: list of non-empty value lists."""
    k = len(runs)
    medians = np.empty((k, resamples))
    for i, values in enumerate(runs):
        v = np.asarray(values, dtype=float)
        picks = rng.integers(0, len(v), size=(resamples, len(v)))
        medians[i] = np.median(v[picks], axis=1)
    which_run = rng.integers(0, k, size=(resamples, k))
    which_draw = rng.integers(0, resamples, size=(resamples, k))
    return medians[which_run, which_draw].mean(axis=1)


def run_level_centre(runs):
    """The statistic the hierarchical bootstrap resamples: the mean of the
    runs' medians."""
    return float(np.mean([np.median(r) for r in runs]))


def hierarchical_change(base_runs, new_runs, resamples=HIERARCHICAL_RESAMPLES,
                        level=BOOTSTRAP_LEVEL, seed=BOOTSTRAP_SEED):
    """Two-level bootstrap of the relative change of run_level_centre (Kalibera
    and Jones, "Rigorous benchmarking in reasonable time", ISMM 2013): runs
    are resampled, then each resampled run's repetitions, so the spread
    between sessions (the machine's state, the code and memory layout a
    process drew) is in the interval, not only the spread within one.

    Returns (p, (low, high)): the percentile interval, and a two-sided p
    from the bootstrap distribution of the log ratio read as normal (a
    percentile p-value could not go below 2 / resamples, and a change in one
    case alone must be able to pass a correction over hundreds). (1.0,
    None) where a side's centre is not positive.

    Known limit: resampling k runs understates the spread between runs by a
    factor (k - 1) / k in variance (3 runs: the interval is ~18 % too
    narrow); more runs per side shrink it, and ab.py's paired rounds do not
    rest on it."""
    rng = np.random.default_rng(seed)
    b = _run_level(base_runs, resamples, rng)
    n = _run_level(new_runs, resamples, rng)
    if np.any(b <= 0) or np.any(n <= 0):
        return 1.0, None
    logs = np.log(n / b)
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(np.expm1(logs), [tail, 1.0 - tail])
    sd = float(np.std(logs))
    if sd == 0:
        return (1.0 if float(np.mean(logs)) == 0 else 0.0), (float(lo), float(hi))
    z = abs(float(np.mean(logs))) / sd
    return min(1.0, math.erfc(z / math.sqrt(2.0))), (float(lo), float(hi))


def history_change(base_runs, new_values, level=BOOTSTRAP_LEVEL):
    """One new run against k >= 3 earlier runs, each run one observation:
    the new run's median against the earlier runs' medians, on a log scale,
    as a prediction (the lookback-window check of conbench and its kin, with
    Student's t for k - 1 degrees of freedom instead of a z-score, because k
    is ten, not a hundred). The spread between the earlier runs carries
    every source of noise a run has (its session, its layout, its
    repetitions), so nothing about the new run's own repetitions is assumed.

    Returns (p, (low, high)): the two-sided p of "the new run belongs to the
    earlier runs' distribution" and the prediction interval of the relative
    change of the new run's median against the earlier runs' centre
    (exp(mean of log medians)). (1.0, None) where a median is not positive.
    Assumes the runs' log medians are roughly normal; with k below 3 there
    is no spread to judge by."""
    from scipy import stats
    meds = np.array([np.median(r) for r in base_runs], dtype=float)
    new = float(np.median(new_values))
    if np.any(meds <= 0) or new <= 0 or len(meds) < 3:
        return 1.0, None
    logs = np.log(meds)
    k = len(logs)
    centre, sd = float(np.mean(logs)), float(np.std(logs, ddof=1))
    d = math.log(new) - centre
    scale = sd * math.sqrt(1.0 + 1.0 / k)
    t = stats.t.ppf(0.5 + level / 2.0, k - 1)
    ci = (math.expm1(d - t * scale), math.expm1(d + t * scale))
    if scale == 0:
        return (1.0 if d == 0 else 0.0), ci
    return float(2.0 * stats.t.sf(abs(d) / scale, k - 1)), ci


def history_centre(base_runs):
    """The centre history_change measures against: the geometric mean of the
    runs' medians."""
    return float(np.exp(np.mean(np.log([np.median(r) for r in base_runs]))))

