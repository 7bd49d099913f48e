"""The verdicts of compare.py: BASE and NEW sides in, one JSON-ready dict out.

Per matched case and tracked figure (compare_load.FIGURES), in this order:

1. not comparable: a side has no ok samples of it, fewer than MIN_REPETITIONS
   (3 vs 3 can never give p < 0.05), the machines differ (host, CPU model,
   CPU count) and --allow-different-machine was not given, or the
   measurement configurations differ (compare_load.measurement_differences:
   protocol_version, sample_every, latency_window_ns, duration_ns, warmup_ns,
   pin, build_type, cxx_flags, sanitizer exactly, the delay calibration
   within --delay-tolerance; a file without context.measurement is protocol
   1) between the sides or among one side's pooled files, and
   --allow-different-measurement was not given. Both are case-level: the
   reason names every differing field.
2. better / worse: the Mann-Whitney p-value, corrected for the number of
   comparisons, is <= alpha AND the relative change of the medians is at
   least min_effect in the figure's good / bad direction. Significance wins
   over a high spread: the rank test already accounts for it, and a
   significant 20 % loss in a noisy case is still a loss (it is marked noisy).
   The sample unit: with at least MIN_RUNS (3) runs (result files) per
   side, the run: the p-value and interval come from a hierarchical
   bootstrap (runs resampled, then each run's repetitions;
   compare_stats.hierarchical_change), so a shift between sessions is in the
   interval. With fewer, the repetitions, which share their run's session:
   a significant change of min_effect is then inconclusive ("one run per
   side cannot tell a change from a shift between two sessions"), never an
   alarm, unless --one-session says both sides come from one session.
   One NEW run against at least MIN_RUNS BASE runs (compare.py --store: the
   new run against the last k runs of its machine and configuration) is a
   prediction: the new run's median against the earlier runs' medians
   (compare_stats.history_change, Student's t on the log medians), so it
   alarms only where the new run lies outside what the earlier runs did.
   Repetitions whose window was extended are left out of throughput and CPU
   per operation, and counted in the figure's notes.
3. unstable: robust spread (1.4826 MAD / median, read like a CV) above
   cv_threshold on either side, no significant change. The CV is reported.
4. not comparable (underpowered): the medians differ by at least min_effect
   but even a complete separation of the samples could not have passed the
   correction (the smallest p that n vs n samples can give is above the
   cutoff). Saying "same" there would be a claim the data cannot support.
5. same: none of the above, and the whole 95 % bootstrap interval of the
   relative change of the medians (compare_stats.bootstrap_change_ci:
   percentile, each side's repetitions resampled on their own, 2000 times,
   fixed seed) lies strictly inside +-min_effect. A significant move smaller
   than min_effect can be same; the interval is what decides.
6. inconclusive: everything else: the medians differ by less than
   min_effect but the interval reaches beyond +-min_effect, or they differ by
   more, significance was reachable and the test did not find it. Neither
   "same" nor a change can be claimed; more repetitions or a quieter machine
   would decide.

Every tested figure (rules 2 to 6) carries its interval ("ci", in the
direction of "effect"; "ci_improvement" oriented like "improvement").

A case's status comes first: ok in BASE and not ok in NEW is worse (a
correctness regression, it fails the gate); not ok in BASE and ok in NEW is
better; not ok on both sides is not comparable. Its figures are not tested.

The gate (summarize): only worse fails it (and, with --gate-shape, a worse
curve shape). unstable, inconclusive and not comparable say that the data
cannot decide; they are listed right after worse but never fail the gate.
"""
import statistics

from . import compare_stats as st
from .compare_load import DELAY_TOLERANCE, FIGURES, machine_text, measurement_check, p99_ungated

WORSE, BETTER, SAME, UNSTABLE, INCONCLUSIVE, NOT_COMPARABLE = (
    "worse", "better", "same", "unstable", "inconclusive", "not comparable")
VERDICTS = (WORSE, BETTER, SAME, UNSTABLE, INCONCLUSIVE, NOT_COMPARABLE)
# Severity: the order of the tables (what needs reading first).
ORDER = (WORSE, NOT_COMPARABLE, UNSTABLE, INCONCLUSIVE, BETTER, SAME)
# What a case is, given its figures' verdicts: the first one present.
CASE_PRECEDENCE = (WORSE, BETTER, UNSTABLE, NOT_COMPARABLE, INCONCLUSIVE, SAME)
MIN_REPETITIONS = 5
# Runs per side from which a run is the unit (hierarchical bootstrap): with
# two, the spread between sessions is one difference, too little to place an
# interval.
MIN_RUNS = 3
SINGLE_RUN = "repetitions of one run per side"
ONE_SESSION = "repetitions (--one-session)"
RUNS = "runs (hierarchical bootstrap)"
HISTORY = "one new run against earlier runs (prediction interval)"

FAMILIES = {
    "figure": "per figure (each of throughput, CPU ns/op, Jain index, p99 over all cases)",
    "all": "over every comparison of the run",
    "case": "per case (its figures only)",
}


class Settings:
    def __init__(self, alpha=0.05, min_effect=0.05, cv_threshold=0.10, correction="bh",
                 family="figure", allow_different_machine=False, shape_threshold=0.10,
                 gate_shape=False, allow_different_measurement=False,
                 delay_tolerance=DELAY_TOLERANCE, bootstrap_resamples=st.BOOTSTRAP_RESAMPLES,
                 ci_level=st.BOOTSTRAP_LEVEL, one_session=False):
        self.alpha = alpha
        self.min_effect = min_effect
        self.cv_threshold = cv_threshold
        self.correction = correction
        self.family = family
        self.allow_different_machine = allow_different_machine
        self.shape_threshold = shape_threshold
        self.gate_shape = gate_shape
        self.allow_different_measurement = allow_different_measurement
        self.delay_tolerance = delay_tolerance
        self.bootstrap_resamples = bootstrap_resamples
        self.ci_level = ci_level
        self.one_session = one_session

    def as_dict(self):
        return {"test": "Mann-Whitney U, two-sided, exact with ties up to %d samples"
                        % st.EXACT_MAX_TOTAL,
                "alpha": self.alpha, "min_effect": self.min_effect,
                "cv_threshold": self.cv_threshold, "correction": self.correction,
                "correction_name": st.CORRECTIONS[self.correction],
                "family": self.family, "family_text": FAMILIES[self.family],
                "min_repetitions": MIN_REPETITIONS,
                "allow_different_machine": self.allow_different_machine,
                "shape_threshold": self.shape_threshold, "gate_shape": self.gate_shape,
                "allow_different_measurement": self.allow_different_measurement,
                "delay_tolerance": self.delay_tolerance, "one_session": self.one_session,
                "min_runs": MIN_RUNS,
                "bootstrap": {"method": "percentile, each side resampled on its own",
                              "statistic": "median(NEW) / median(BASE) - 1",
                              "resamples": self.bootstrap_resamples, "level": self.ci_level,
                              "seed": st.BOOTSTRAP_SEED}}


def _side_stats(values):
    return {"n": len(values), "median": statistics.median(values) if values else None,
            "cv": st.cv(values), "spread": st.robust_spread(values),
            "min": min(values) if values else None, "max": max(values) if values else None}


def _figure_entry(case_b, case_n, fig, settings, notes):
    """The figure's entry before correction; None when neither side has it."""
    b_runs, n_runs = case_b.values_by_run(fig), case_n.values_by_run(fig)
    b = [v for vs in b_runs.values() for v in vs]
    n = [v for vs in n_runs.values() for v in vs]
    if not b and not n:
        return None
    notes = list(notes)
    for side, c in (("BASE", case_b), ("NEW", case_n)):
        if fig.key == "throughput" and c.outliers:
            notes.append("%s outliers: %s" % (side, "; ".join(c.outliers)))
        if c.left_out(fig):
            notes.append("%d %s repetition%s left out: window extended"
                         % (c.left_out(fig), side, "" if c.left_out(fig) == 1 else "s"))
    by_runs = len(b_runs) >= MIN_RUNS and len(n_runs) >= MIN_RUNS
    by_history = not settings.one_session and len(b_runs) >= MIN_RUNS and len(n_runs) == 1
    label = fig.label
    if fig.key == "p99":
        k = case_n.latency_key() or case_b.latency_key()
        if k:
            label = "p99 %s" % k
    e = {"figure": fig.key, "label": label, "unit": fig.unit,
         "higher_is_better": fig.higher_is_better,
         "base": _side_stats(b), "new": _side_stats(n), "effect": None, "improvement": None,
         "ci": None, "ci_improvement": None,
         "p": None, "p_adjusted": None, "significant": False, "verdict": None, "reason": "",
         "notes": notes, "runs": {"base": len(b_runs), "new": len(n_runs)},
         "sample_unit": RUNS if by_runs else HISTORY if by_history else
         ONE_SESSION if settings.one_session else SINGLE_RUN}
    if not b or not n:
        e["verdict"] = NOT_COMPARABLE
        e["reason"] = "no %s in %s" % (label, "BASE" if not b else "NEW")
        return e
    e["effect"] = st.relative_change(e["base"]["median"], e["new"]["median"])
    if e["effect"] is not None:
        e["improvement"] = e["effect"] if fig.higher_is_better else -e["effect"]
    if by_runs:
        base_runs, new_runs = list(b_runs.values()), list(n_runs.values())
        _tested(e, fig, st.relative_change(st.run_level_centre(base_runs),
                                           st.run_level_centre(new_runs)),
                *st.hierarchical_change(base_runs, new_runs, level=settings.ci_level))
        return e
    if by_history:
        base_runs = list(b_runs.values())
        _tested(e, fig, st.relative_change(st.history_centre(base_runs), e["new"]["median"]),
                *st.history_change(base_runs, n, level=settings.ci_level))
        return e
    if len(b) < MIN_REPETITIONS or len(n) < MIN_REPETITIONS:
        e["verdict"] = NOT_COMPARABLE
        e["reason"] = ("too few repetitions: %d vs %d (at least %d per side are needed; "
                       "%d vs %d cannot give p below %.2g)"
                       % (len(b), len(n), MIN_REPETITIONS, len(b), len(n),
                          st.min_p(len(b), len(n))))
        return e
    e["p"] = st.mann_whitney(b, n)[1]
    ci = st.bootstrap_change_ci(b, n, settings.bootstrap_resamples, settings.ci_level)
    if ci is not None:
        e["ci"] = list(ci)
        e["ci_improvement"] = list(ci) if fig.higher_is_better else [-ci[1], -ci[0]]
    return e


def _tested(e, fig, effect, p, ci):
    """Fill the entry's effect, p and interval from a run-level test."""
    e["effect"], e["p"] = effect, p
    if effect is not None:
        e["improvement"] = effect if fig.higher_is_better else -effect
    if ci is not None:
        e["ci"] = list(ci)
        e["ci_improvement"] = list(ci) if fig.higher_is_better else [-ci[1], -ci[0]]


def _family_key(settings, case_name, entry):
    if settings.family == "all":
        return "all"
    if settings.family == "case":
        return case_name
    return entry["figure"]


def _correct(tests, settings):
    """Fill p_adjusted and significant; return {family: (cutoff, m)}."""
    families = {}
    for key, e in tests:
        families.setdefault(key, []).append(e)
    cutoffs = {}
    for key, entries in families.items():
        adj = st.adjust([e["p"] for e in entries], settings.correction)
        for e, a in zip(entries, adj):
            e["p_adjusted"] = a
            e["significant"] = a <= settings.alpha
        cutoffs[key] = (st.next_cutoff(adj, settings.alpha, settings.correction), len(entries))
    return cutoffs


def _decide(e, settings, cutoff, m):
    if e["verdict"] is not None:
        return
    eff, imp = e["effect"], e["improvement"]
    big = eff is not None and abs(eff) >= settings.min_effect
    # The robust spread, not the CV: one repetition at a slow moment among
    # four that agree to 0.5 % made 247 of 289 cases of an A/A pair
    # "unstable" by CV.
    spreads = [(side, e[side].get("spread")) for side in ("base", "new")]
    noisy = [(side, c) for side, c in spreads if c is not None and c > settings.cv_threshold]
    noisy_text = ", ".join("spread %.0f%% in %s" % (100 * c, side.upper()) for side, c in noisy)
    if e["significant"] and big and e["sample_unit"] == SINGLE_RUN:
        # The repetitions of one run share its session: the machine's state
        # that minute, the code and memory layout its process drew. Within
        # a run they are independent; between two runs they are not, so a
        # shift between two sessions of one build reads as significant.
        e["verdict"] = INCONCLUSIVE
        e["reason"] = ("p(adj) %.2g within the runs, but one run per side cannot tell a "
                       "change from a shift between two sessions: %d runs per side or ab.py "
                       "would decide" % (e["p_adjusted"], MIN_RUNS))
        return
    if e["significant"] and big:
        e["verdict"] = BETTER if imp > 0 else WORSE
        e["reason"] = "%+.1f%%, p(adj) %.2g" % (100 * eff, e["p_adjusted"])
        if noisy:
            e["notes"].append("noisy: %s" % noisy_text)
        return
    if noisy:
        e["verdict"] = UNSTABLE
        e["reason"] = "%s > %.0f%%" % (noisy_text, 100 * settings.cv_threshold)
        return
    if not big:
        _same_or_inconclusive(e, settings, "no median change" if eff is None or eff == 0 else
                              "%+.1f%% is below the %s floor"
                              % (100 * eff, _pct(settings.min_effect)))
        return
    best = st.min_p(e["base"]["n"], e["new"]["n"])
    if best > cutoff and e["sample_unit"] not in (RUNS, HISTORY):
        need = st.repetitions_needed(cutoff)
        e["verdict"] = NOT_COMPARABLE
        e["underpowered"] = True
        e["reason"] = ("%+.1f%% but significance unreachable: %d vs %d samples give p >= %.2g, "
                       "%s over %d tests needs p <= %.2g%s"
                       % (100 * eff, e["base"]["n"], e["new"]["n"], best,
                          settings.correction.upper() if settings.correction == "bh"
                          else "Holm", m, cutoff,
                          "; %d repetitions per side could" % need if need else ""))
        return
    _same_or_inconclusive(e, settings, "%+.1f%% not significant (p(adj) %.2g)"
                          % (100 * eff, e["p_adjusted"]))


def _pct(v):
    return "%.3g%%" % (100 * v)


def ci_text(ci):
    """[-1.2, +7.4] in percent; "-" without an interval."""
    return "-" if ci is None else "[%+.1f, %+.1f]" % (100 * ci[0], 100 * ci[1])


def _same_or_inconclusive(e, settings, what):
    """"same" needs the whole bootstrap interval strictly inside +-min_effect;
    otherwise the data cannot tell a change of min_effect from none."""
    ci, m = e["ci"], settings.min_effect
    level = "%.0f%% CI" % (100 * settings.ci_level)
    if ci is not None and -m < ci[0] and ci[1] < m:
        e["verdict"] = SAME
        e["reason"] = "%s; %s %s inside +-%s" % (what, level, ci_text(ci), _pct(m))
        return
    e["verdict"] = INCONCLUSIVE
    e["reason"] = ("%s, but the %s %s reaches beyond +-%s" % (what, level, ci_text(ci), _pct(m))
                   if ci is not None else
                   "%s, but no %s (a base median of 0)" % (what, level))


def _status_entry(cb, cn):
    """The case's verdict from its statuses alone, or None when both are ok."""
    if cb.ok and cn.ok:
        return None
    what = "status %s -> %s" % (cb.status, cn.status)
    det = cn.detail_text() if not cn.ok else cb.detail_text()
    if det:
        what += " (%s)" % det
    if cb.ok:
        return WORSE, what + ": correctness regression"
    if cn.ok:
        return BETTER, what + ": fixed"
    return NOT_COMPARABLE, what + ": not ok on both sides"


def compare(base, new, settings):
    """Compare two compare_load.Side objects; returns the report dict."""
    matched = [n for n in base.cases if n in new.cases]
    only_base = [n for n in base.cases if n not in new.cases]
    only_new = [n for n in new.cases if n not in base.cases]
    cases, tests = [], []
    for name in matched:
        cb, cn = base.cases[name], new.cases[name]
        c = {"name": name, "scenario": cb.scenario or cn.scenario,
             "primitive": cb.primitive or cn.primitive, "params": cb.params or cn.params,
             "status": {"base": cb.status, "new": cn.status}, "verdict": None, "reason": "",
             "case_level": False, "measurement_differs": [], "figures": [],
             "ungated": sorted({p99_ungated(r) for r in cb.rows + cn.rows} - {None})}
        cases.append(c)
        status = _status_entry(cb, cn)
        if status:
            c["verdict"], c["reason"] = status
            c["case_level"] = True
            continue
        refused, notes = [], []
        if cb.machine != cn.machine:
            text = "different machine: %s vs %s" % (machine_text(cb.machine),
                                                    machine_text(cn.machine))
            if settings.allow_different_machine:
                notes.append(text + " (compared anyway: --allow-different-machine)")
            else:
                refused.append(text)
        c["measurement_differs"], measured_refused, measured_notes = \
            measurement_check(cb, cn, settings)
        refused += measured_refused
        notes += measured_notes
        if refused:
            c["verdict"], c["reason"], c["case_level"] = NOT_COMPARABLE, "; ".join(refused), True
            continue
        nb = sum(1 for r in cb.rows if r.get("status") == "ok")
        nn = sum(1 for r in cn.rows if r.get("status") == "ok")
        rb, rn = (len({s for r, s in zip(c_.rows, c_.row_sources) if r.get("status") == "ok"})
                  for c_ in (cb, cn))
        against_history = rb >= MIN_RUNS and rn == 1 and not settings.one_session
        if min(nb, nn) < MIN_REPETITIONS and min(rb, rn) < MIN_RUNS and not against_history:
            # One reason for the whole case; its figures are kept for reading.
            c["verdict"], c["case_level"] = NOT_COMPARABLE, True
            c["reason"] = ("too few repetitions: %d vs %d (at least %d per side are needed; "
                           "%d vs %d cannot give p below %.2g)"
                           % (nb, nn, MIN_REPETITIONS, nb, nn, st.min_p(nb, nn)))
        for fig in FIGURES:
            e = _figure_entry(cb, cn, fig, settings, notes)
            if e is None:
                continue
            c["figures"].append(e)
            if e["verdict"] is None and not c.get("case_level"):
                tests.append((_family_key(settings, name, e), e))
            elif e["verdict"] is None:
                e["verdict"], e["reason"] = NOT_COMPARABLE, c["reason"]
    cutoffs = _correct(tests, settings)
    for key, e in tests:
        _decide(e, settings, *cutoffs[key])
    for c in cases:
        if c["verdict"] is None:
            verdicts = [e["verdict"] for e in c["figures"]]
            c["verdict"] = next((v for v in CASE_PRECEDENCE if v in verdicts), NOT_COMPARABLE)
            if not verdicts:
                c["reason"] = "no tracked figure on either side"
            else:
                c["reason"] = "; ".join("%s %s" % (e["label"], e["verdict"])
                                        for e in c["figures"] if e["verdict"] == c["verdict"])
    return {
        "settings": settings.as_dict(),
        "cases": cases,
        "only_in_base": only_base,
        "only_in_new": only_new,
        "significance": _significance_summary(tests, cutoffs, settings),
    }


def _significance_summary(tests, cutoffs, settings):
    """Per correction family: could one change on its own, with no other
    change beside it, have been significant with these sample counts? With
    5 vs 5 and BH over 266 cases it could not (0.0079 > 0.05/266); only a
    change shared by many cases can. Said up front rather than left to be
    guessed from a table of "same"."""
    out = []
    for key, (cutoff, m) in cutoffs.items():
        entries = [e for k, e in tests if k == key]
        lone = settings.alpha / m
        best = max(st.min_p(e["base"]["n"], e["new"]["n"]) if e["sample_unit"] != RUNS else 0.0
                   for e in entries)
        out.append({"family": key, "tests": m, "lone_cutoff": lone,
                    "lone_reachable": best <= lone, "best_p_of_fewest_samples": best,
                    "samples": min((e["base"]["n"], e["new"]["n"]) for e in entries),
                    "repetitions_needed": st.repetitions_needed(lone),
                    "underpowered": sum(1 for e in entries if e.get("underpowered"))})
    return out


def summarize(report):
    """Counts of case verdicts and the gate; stored in report['summary']."""
    counts = {v: 0 for v in VERDICTS}
    for c in report["cases"]:
        counts[c["verdict"]] += 1
    worse_shapes = [s for s in report.get("shape", []) if s.get("verdict") == WORSE]
    gate_shape = report["settings"]["gate_shape"] and bool(worse_shapes)
    failed = counts[WORSE] > 0 or gate_shape
    report["summary"] = {
        "cases": counts, "matched": len(report["cases"]),
        "only_in_base": len(report["only_in_base"]), "only_in_new": len(report["only_in_new"]),
        "shape_changes": len([s for s in report.get("shape", [])
                              if s.get("verdict") in (WORSE, BETTER)]),
        "gate": "fail" if failed else "pass", "exit_status": 1 if failed else 0,
        "line": summary_line(counts),
    }
    return report["summary"]


def summary_line(counts):
    return ", ".join("%d %s" % (counts.get(v, 0), v) for v in VERDICTS)
