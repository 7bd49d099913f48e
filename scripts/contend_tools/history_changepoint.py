"""Level changes in a series of runs: binary segmentation with a permutation
test, for history.py.

A series is one case's figure across runs: per run the median of its
repetitions and the spread of those repetitions. Comparing each run with the
previous one (what most trackers do) fires on every noisy run; instead the
whole series is asked one question: is there a point where the level before
differs from the level after, by more than run-to-run noise can explain?

- Statistic: for every split with at least `min_segment` runs on each side,
  the difference of the weighted mean levels before and after, over its
  standard error, sqrt(1/W_before + 1/W_after); the largest over the splits.
  Levels are taken on a log scale when every median is positive, because
  performance moves by factors. Each run weighs 1 / (var_i + v0): var_i is
  the variance of its median estimated from its own repetitions (robustly,
  from their MAD), v0 the mean of those, so a run whose repetitions
  disagreed counts for less and a run with suspiciously tight ones for at
  most a few times more than the others.
- Null distribution: the same maximum over random reorderings of the runs
  (their weights travel with them). If nothing changed, the order of the
  runs carries no information, so this is an exact test whatever the noise
  looks like; p = (1 + #{reordered >= observed}) / (1 + permutations).
- A change needs p <= alpha and a shift of the segment medians of at least
  min_shift; then both halves are searched again (binary segmentation).

numpy only. The random generator is seeded: the same series always gives the
same answer.
"""
import math
import statistics

import numpy as np

MAD_TO_SIGMA = 1.4826      # MAD of a normal sample -> its standard deviation
MEDIAN_VARIANCE = math.pi / 2  # var(median) ~ pi/2 * sigma^2 / n for a normal sample


def point_variance(samples, log):
    """Variance of one run's median, estimated from its repetitions."""
    vals = [math.log(v) for v in samples if v > 0] if log else list(samples)
    if len(vals) < 2:
        return 0.0
    med = statistics.median(vals)
    mad = statistics.median(abs(v - med) for v in vals)
    sigma = MAD_TO_SIGMA * mad
    if sigma == 0:  # more than half tie: fall back to the plain spread
        sigma = statistics.pstdev(vals)
    return MEDIAN_VARIANCE * sigma * sigma / len(vals)


def prepare(medians, samples):
    """(levels, weights, log) of a series: log levels when all are positive."""
    log = all(m > 0 for m in medians)
    y = np.array([math.log(m) for m in medians] if log else medians, dtype=float)
    var = np.array([point_variance(s, log) for s in samples], dtype=float)
    v0 = float(var.mean()) if len(var) else 0.0
    if v0 <= 0:
        v0 = 1.0  # no spread known anywhere: every run weighs the same
    return y, 1.0 / (var + v0), log


def _max_stats(y, w, min_segment):
    """Largest standardised level difference over the allowed splits, per row
    of y (shape (P, L)); also the split (index of the first run after it)."""
    cw = np.cumsum(w, axis=1)
    cwy = np.cumsum(w * y, axis=1)
    lo, hi = min_segment - 1, y.shape[1] - min_segment - 1
    wl = cw[:, lo:hi + 1]
    sl = cwy[:, lo:hi + 1]
    wr = cw[:, -1:] - wl
    sr = cwy[:, -1:] - sl
    stat = np.abs(sr / wr - sl / wl) / np.sqrt(1.0 / wl + 1.0 / wr)
    best = np.argmax(stat, axis=1)
    return stat[np.arange(stat.shape[0]), best], best + lo + 1


def split_test(y, w, rng, permutations=999, min_segment=2):
    """(split, p) of the best split of the whole of y, or None if too short."""
    n = len(y)
    if n < 2 * min_segment:
        return None
    obs, split = _max_stats(y[None, :], w[None, :], min_segment)
    if not np.isfinite(obs[0]):
        return None
    if obs[0] == 0:
        return int(split[0]), 1.0
    exceed, done = 0, 0
    # In batches, so that memory stays small on long series.
    batch = max(1, min(permutations, 200000 // n))
    while done < permutations:
        k = min(batch, permutations - done)
        idx = rng.permuted(np.tile(np.arange(n), (k, 1)), axis=1)
        stats, _ = _max_stats(y[idx], w[idx], min_segment)
        exceed += int(np.count_nonzero(stats >= obs[0] * (1 - 1e-12)))
        done += k
    return int(split[0]), (1 + exceed) / (1 + permutations)


def segment_levels(medians, cuts):
    """Median of the run medians in each segment between the cuts."""
    bounds = [0] + sorted(cuts) + [len(medians)]
    return [statistics.median(medians[a:b]) for a, b in zip(bounds, bounds[1:])]


def shift_of(before, after):
    if before == 0:
        return None if after else 0.0
    return after / before - 1.0


def detect(medians, samples, alpha=0.01, min_shift=0.05, min_segment=2,
           permutations=999, seed=0, first_p=None):
    """Change points of one series, sorted: [{"index": first run of the new
    level, "p": p, "before": level, "after": level, "shift": relative}].

    first_p: the already-computed (split, p) of the whole series, when the
    caller tested it itself (history.py does, to correct across series).
    """
    y, w, _ = prepare(medians, samples)
    rng = np.random.default_rng(seed)
    found = []

    def search(a, b, known=None):
        res = known if known is not None else split_test(y[a:b], w[a:b], rng, permutations,
                                                         min_segment)
        if res is None:
            return
        split, p = res
        cut = a + split
        before = statistics.median(medians[a:cut])
        after = statistics.median(medians[cut:b])
        shift = shift_of(before, after)
        if p > alpha or shift is None or abs(shift) < min_shift:
            return
        found.append({"index": cut, "p": p, "before": before, "after": after, "shift": shift})
        search(a, cut)
        search(cut, b)

    search(0, len(medians), first_p)
    found.sort(key=lambda c: c["index"])
    # Levels as finally segmented: a later cut refines what "before" meant.
    cuts = [c["index"] for c in found]
    levels = segment_levels(medians, cuts)
    for i, c in enumerate(found):
        c["before"], c["after"] = levels[i], levels[i + 1]
        c["shift"] = shift_of(c["before"], c["after"])
    return found
