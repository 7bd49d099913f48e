"""The verdicts of an A/B session (ab.py): paired rounds in, one JSON-ready
report out.

Per paired case and tracked figure (compare_load.FIGURES), over the rounds
where both sides measured it: d = ln(NEW / BASE) per round;
paired_stats.signed_rank gives p, corrected over the cases of each figure
(Benjamini-Hochberg by default, like compare.py); the Hodges-Lehmann
estimate and its interval give the change. Verdicts:

  worse / better   corrected p <= alpha AND the estimated change is at least
                   half of --min-effect in the bad / good direction. Half,
                   because a true change of exactly min-effect is estimated
                   below it in about half of the sessions: the gate must find
                   a real 5 % slowdown, not one that happened to read 5.3 %.
                   A significant 1 % wobble is not an alarm.
  same             the whole interval lies inside +-min-effect.
  inconclusive     neither: the interval reaches past +-min-effect; more
                   rounds would decide.
  not comparable   fewer than MIN_ROUNDS usable rounds (5 rounds cannot give
                   p < 0.05): the reason names what left rounds out.

Rounds are left out of a figure, never silently (the reason counts them):
where either side's case was not ok, and for throughput and CPU per
operation where either side's window was extended (a stall the window
waited out: that round measured the stall). A round whose ratio lies beyond
3 robust sigmas of the others is kept (the rank test is robust to it) and
named with what its two records show.

Statuses come first, as in compare.py: ok in every BASE round and not ok in
some NEW round is worse (a correctness regression), the other way better.
"""
import math
import statistics

from . import compare_stats as st
from . import contend_result as cr
from . import paired_stats as ps
from .compare_load import FIGURES, p99_ungated, primary_latency_key

WORSE, BETTER, SAME, INCONCLUSIVE, NOT_COMPARABLE = (
    "worse", "better", "same", "inconclusive", "not comparable")
VERDICTS = (WORSE, BETTER, SAME, INCONCLUSIVE, NOT_COMPARABLE)
CASE_PRECEDENCE = (WORSE, BETTER, NOT_COMPARABLE, INCONCLUSIVE, SAME)
MIN_ROUNDS = ps.rounds_needed(0.05)  # 6: 2/2**6 = 0.031
WINDOW_FIGURES = ("throughput", "cpu_ns_per_op")


class Settings:
    def __init__(self, alpha=0.05, min_effect=0.05, correction="bh", level=0.95):
        self.alpha = alpha
        self.min_effect = min_effect
        self.alarm_floor = min_effect / 2
        self.correction = correction
        self.level = level

    def as_dict(self):
        return {"test": "Wilcoxon signed-rank of ln(NEW/BASE) per round, two-sided, exact "
                        "up to %d rounds" % ps.EXACT_MAX_ROUNDS,
                "estimate": "Hodges-Lehmann, with its distribution-free interval",
                "alpha": self.alpha, "min_effect": self.min_effect,
                "alarm_floor": self.alarm_floor, "correction": self.correction,
                "level": self.level, "min_rounds": MIN_ROUNDS}


def _row_of(doc, name):
    rows = [r for r in cr.samples(doc) if (r.get("run_name") or r.get("name")) == name]
    return rows[0] if rows else None


def _status_of(doc, name):
    for c in doc.get("cases") or []:
        if isinstance(c, dict) and c.get("name") == name:
            return c.get("status")
    row = _row_of(doc, name)
    return row.get("status") if row else "missing"


def _extended_ns(row):
    return cr.finite((row.get("metrics") or {}).get("window_extended_ns")) or 0.0


def causes_of(row):
    """What one repetition's record says could have disturbed it."""
    out = []
    if _extended_ns(row) > 0:
        out.append("window extended %.2g ms" % (_extended_ns(row) / 1e6))
    flagged = [k for k, d in (row.get("delays") or {}).items()
               if isinstance(d, dict) and d.get("flagged")]
    if flagged:
        out.append("delay off (%s)" % ", ".join(flagged))
    threads = [t for t in row.get("per_thread") or [] if isinstance(t, dict)]
    if any(t.get("pinned") is False for t in threads):
        out.append("unpinned thread")
    inv = sum(t.get("involuntary_cs") or 0 for t in threads)
    if inv:
        out.append("%d involuntary context switches" % inv)
    return out


class PairedCase:
    """One case, paired across the rounds: per round its BASE and NEW rows."""

    def __init__(self, base_name, new_name):
        self.base_name = base_name
        self.new_name = new_name
        self.rounds = []  # (round number, base row or None, new row or None, statuses)
        self.statuses = {"base": [], "new": []}

    def add(self, number, base_doc, new_doc):
        b, n = _row_of(base_doc, self.base_name), _row_of(new_doc, self.new_name)
        sb, sn = _status_of(base_doc, self.base_name), _status_of(new_doc, self.new_name)
        self.statuses["base"].append(sb)
        self.statuses["new"].append(sn)
        self.rounds.append((number, b, n))

    def describe(self):
        row = next((r for _, b, n in self.rounds for r in (b, n) if r), {})
        rows = [r for _, b, n in self.rounds for r in (b, n) if r]
        return {"scenario": row.get("scenario"), "params": row.get("params") or {},
                "oversubscribed": bool(row.get("oversubscribed")),
                "ungated": sorted({p99_ungated(r) for r in rows} - {None})}


def _figure(case, fig, settings):
    """The figure's entry before correction, or None when no round has it."""
    d, left_out, outlier_rows = [], [], []
    label = fig.label
    for number, b, n in case.rounds:
        if b is None or n is None or not (cr.is_ok(b) and cr.is_ok(n)):
            left_out.append("round %d not ok" % number)
            continue
        if fig.key == "p99":
            k = primary_latency_key(n) or primary_latency_key(b)
            label = "p99 %s" % k if k else label
        vb, vn = fig.extract(b), fig.extract(n)
        if vb is None or vn is None:
            continue
        if fig.key in WINDOW_FIGURES and (_extended_ns(b) > 0 or _extended_ns(n) > 0):
            left_out.append("round %d window extended (%s)"
                            % (number, "BASE" if _extended_ns(b) > 0 else "NEW"))
            continue
        if vb <= 0 or vn <= 0:
            if vb == vn:
                d.append(0.0)
                outlier_rows.append((number, b, n))
            else:
                left_out.append("round %d %s is 0" % (number, "BASE" if vb <= 0 else "NEW"))
            continue
        d.append(math.log(vn / vb))
        outlier_rows.append((number, b, n))
    if not d and not left_out:
        return None
    e = {"figure": fig.key, "label": label, "unit": fig.unit,
         "higher_is_better": fig.higher_is_better, "rounds": len(d), "left_out": left_out,
         "ratios": [math.exp(x) for x in d], "effect": None, "ci": None, "p": None,
         "p_adjusted": None, "verdict": None, "reason": "", "outliers": []}
    if len(d) < MIN_ROUNDS:
        e["verdict"] = NOT_COMPARABLE
        e["reason"] = ("too few rounds: %d usable (%d needed for p < %.2g)%s"
                       % (len(d), MIN_ROUNDS, settings.alpha,
                          "; left out: " + ", ".join(left_out) if left_out else ""))
        return e
    e["p"] = ps.signed_rank(d)[1]
    e["effect"] = ps.ratio_change(ps.hodges_lehmann(d))
    ci = ps.hodges_lehmann_ci(d, settings.level)
    e["ci"] = [ps.ratio_change(ci[0]), ps.ratio_change(ci[1])] if ci else None
    med = statistics.median(d)
    scale = max(3 * 1.4826 * statistics.median([abs(x - med) for x in d]), 0.02)
    for x, (number, b, n) in zip(d, outlier_rows):
        if abs(x - med) > scale:
            causes = ["BASE " + c for c in causes_of(b)] + ["NEW " + c for c in causes_of(n)]
            e["outliers"].append({"round": number, "ratio": math.exp(x),
                                  "causes": causes or ["none recorded"]})
    return e


def _decide(e, settings):
    if e["verdict"] is not None:
        return
    eff, ci, m = e["effect"], e["ci"], settings.min_effect
    bad = eff if not e["higher_is_better"] else -eff  # > 0: NEW is worse
    interval = "%+.1f%% [%s]" % (100 * eff, ", ".join("%+.1f" % (100 * c) for c in ci)) \
        if ci else "%+.1f%%" % (100 * eff)
    extra = ""
    if e["left_out"]:
        extra += "; left out: " + ", ".join(e["left_out"])
    if e["outliers"]:
        extra += "; outlying " + ", ".join("round %d (x%.3f: %s)" % (o["round"], o["ratio"],
                                                                   ", ".join(o["causes"]))
                                           for o in e["outliers"])
    if e["p_adjusted"] <= settings.alpha and abs(eff) >= settings.alarm_floor:
        e["verdict"] = WORSE if bad > 0 else BETTER
        e["reason"] = "%s, p(adj) %.2g over %d rounds%s" % (interval, e["p_adjusted"],
                                                            e["rounds"], extra)
    elif ci and -m < ci[0] and ci[1] < m:
        e["verdict"] = SAME
        e["reason"] = "%s inside +-%.3g%%%s" % (interval, 100 * m, extra)
    else:
        e["verdict"] = INCONCLUSIVE
        e["reason"] = ("%s reaches past +-%.3g%% (p(adj) %.2g, paired spread %.1f%%)%s"
                       % (interval, 100 * m, e["p_adjusted"],
                          100 * (st.robust_spread(e["ratios"]) or 0), extra))


def _status_verdict(case):
    bad_b = [s for s in case.statuses["base"] if s != "ok"]
    bad_n = [s for s in case.statuses["new"] if s != "ok"]
    if not bad_b and not bad_n:
        return None
    what = "not ok in %d BASE and %d NEW rounds (%s)" % (
        len(bad_b), len(bad_n), ", ".join(sorted(set(bad_b + bad_n))))
    if not bad_b:
        return WORSE, what + ": correctness regression"
    if not bad_n:
        return BETTER, what + ": fixed"
    return None  # not ok on both sides sometimes: the figures say what is left


def analyse(cases, settings):
    """cases: PairedCase objects with their rounds; returns the report dict."""
    out, tests = [], []
    for case in cases:
        c = {"name": case.new_name, "base_name": case.base_name, **case.describe(),
             "verdict": None, "reason": "", "figures": []}
        out.append(c)
        status = _status_verdict(case)
        if status:
            c["verdict"], c["reason"] = status
        for fig in FIGURES:
            e = _figure(case, fig, settings)
            if e is None:
                continue
            c["figures"].append(e)
            if e["verdict"] is None:
                tests.append((fig.key, e))
    families = {}
    for key, e in tests:
        families.setdefault(key, []).append(e)
    for entries in families.values():
        for e, a in zip(entries, st.adjust([e["p"] for e in entries], settings.correction)):
            e["p_adjusted"] = a
    for _, e in tests:
        _decide(e, settings)
    for c in out:
        if c["verdict"] is None:
            verdicts = [e["verdict"] for e in c["figures"]]
            c["verdict"] = next((v for v in CASE_PRECEDENCE if v in verdicts), NOT_COMPARABLE)
            c["reason"] = "; ".join("%s %s" % (e["label"], e["reason"]) for e in c["figures"]
                                    if e["verdict"] == c["verdict"]) or "no tracked figure"
    return {"settings": settings.as_dict(), "cases": out, "summary": summarize(out)}


def summarize(cases):
    counts = {v: 0 for v in VERDICTS}
    figures = {}
    for c in cases:
        counts[c["verdict"]] += 1
        for e in c["figures"]:
            figures.setdefault(e["figure"], {v: 0 for v in VERDICTS})[e["verdict"]] += 1
    plain = [c for c in cases if not c["oversubscribed"]]
    failed = counts[WORSE] > 0
    return {"cases": counts, "figures": figures, "matched": len(cases),
            "not_oversubscribed": len(plain),
            "same_not_oversubscribed": sum(1 for c in plain if c["verdict"] == SAME),
            "gate": "fail" if failed else "pass", "exit_status": 1 if failed else 0,
            "line": ", ".join("%d %s" % (counts[v], v) for v in VERDICTS)}


def console(report, session, show_same=False):
    s = report["summary"]
    lines = ["A/B session %s: %d rounds, seed %d" % (session["folder"], len(session["rounds"]),
                                                     session["seed"]),
             "  BASE %s %s" % (session["binaries"]["base"], " ".join(session["side_args"]["base"])),
             "  NEW  %s %s" % (session["binaries"]["new"], " ".join(session["side_args"]["new"])),
             s["line"],
             "not oversubscribed: %d of %d cases same" % (s["same_not_oversubscribed"],
                                                          s["not_oversubscribed"])]
    if session.get("measurement_differs"):
        lines.append("warning: the sides measure differently, compared anyway "
                     "(--allow-different-measurement): " + ", ".join(session["measurement_differs"]))
    order = {v: i for i, v in enumerate(CASE_PRECEDENCE)}
    for c in sorted(report["cases"], key=lambda c: order[c["verdict"]]):
        if c["verdict"] == SAME and not show_same:
            continue
        tag = " (oversubscribed)" if c["oversubscribed"] else ""
        lines.append("%-14s %s%s: %s" % (c["verdict"], c["name"], tag, c["reason"]))
    lines.append("gate: %s" % ("FAIL: something got significantly worse" if s["gate"] == "fail"
                               else "pass"))
    return "\n".join(lines) + "\n"
