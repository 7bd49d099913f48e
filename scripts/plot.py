#!/usr/bin/python3
"""Plot a contend result file.

Usage: plot.py RESULT.json [-o DIR]

For every scenario and every combination of its parameters other than
`threads`, writes PNG and SVG figures (same basename) into DIR, by default
RESULT-plots/ beside RESULT.json:

  <scenario>__<params>__throughput    operations/s vs threads, median and min-max band
  <scenario>__<params>__fairness      Jain's fairness index vs threads
  <scenario>__<params>__latency       p50/p90/p99/p99.9 wait at the highest thread count
  <scenario>__<params>__share         per-thread share of the operations, least fair case
  <scenario>__<params>__rw_throughput read and write operations/s (reader-writer scenarios)

Colours are fixed per primitive (sorted by name) across every figure of a
file. Only `status: ok` samples make the lines; a case with any other status
is drawn as a red x and named, never dropped. Threads beyond context.num_cpus
are shaded as oversubscribed. Prints the files it wrote.

Exit status: 0 figures written; 1 nothing to plot; 2 the file is not a
readable contend result (one line on stderr).
"""
import argparse
import math
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contend_result as cr  # noqa: E402

PROG = "plot.py"
NAN = float("nan")
PERCENTILES = (("p50", "p50"), ("p90", "p90"), ("p99", "p99"), ("p999", "p99.9"))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
BAD_COLOR = "#d62728"
BAND_ALPHA = 0.18
OVERSUB_COLOR = "0.90"
DPI = 120

# matplotlib is imported only once the input is known to be plottable, so that
# a bad file gets its one-line error without matplotlib's start-up chatter.
plt = None
ticker = None
Line2D = None
Patch = None


def _import_matplotlib():
    global plt, ticker, Line2D, Patch
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as _plt
    import matplotlib.ticker as _ticker
    from matplotlib.lines import Line2D as _Line2D
    from matplotlib.patches import Patch as _Patch
    plt, ticker, Line2D, Patch = _plt, _ticker, _Line2D, _Patch
    matplotlib.rcParams.update({
        "font.size": 10, "axes.titlesize": 10.5, "axes.labelsize": 10,
        "legend.fontsize": 9, "xtick.labelsize": 9, "ytick.labelsize": 9,
        "axes.spines.top": False, "axes.spines.right": False,
        "svg.hashsalt": "contend",  # reproducible SVG ids
    })


def throughput(row):
    v = cr.finite(row.get("items_per_second"))
    return v if v is not None else cr.metric(row, "throughput_ops_per_s")


def _nan(v):
    return NAN if v is None else v


def _minmax_median(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None, None, None
    return cr.median(vals), min(vals), max(vals)


class Style:
    """One colour and marker per primitive, stable across every figure."""

    def __init__(self, names):
        names = sorted(set(names))
        # tab10 / tab20 without their reds: red means "status not ok".
        if len(names) <= 9:
            cmap, skip = plt.get_cmap("tab10"), {3}
        else:
            cmap, skip = plt.get_cmap("tab20"), {6, 7}
        palette = [cmap(i) for i in range(cmap.N) if i not in skip]
        self.color = {p: palette[i % len(palette)] for i, p in enumerate(names)}
        self.marker = {p: MARKERS[i % len(MARKERS)] for i, p in enumerate(names)}


class Figures:
    def __init__(self, doc, out_dir):
        self.ctx = doc.get("context") or {}
        self.out_dir = out_dir
        self.num_cpus = self.ctx.get("num_cpus") if isinstance(self.ctx.get("num_cpus"), int) else None
        self.rows = [r for r in cr.samples(doc) if isinstance(cr.threads_of(r), int)]
        sampled = {r.get("name") for r in self.rows}
        # Cases that never produced a sample exist only in the ledger.
        self.lost = [c for c in doc.get("cases", []) or []
                     if isinstance(c, dict) and c.get("status") != "ok"
                     and c.get("name") not in sampled
                     and isinstance(cr.threads_of(c), int)]
        self.style = Style([r.get("primitive") for r in self.rows + self.lost
                            if r.get("primitive") is not None])
        self.written = []
        self.used_names = set()

    # --- driver -----------------------------------------------------------

    def run(self):
        lost_by_scenario = cr.by_scenario(self.lost)
        for scenario, rows in cr.by_scenario(self.rows).items():
            lost = lost_by_scenario.get(scenario, [])
            for params, members in cr.parameter_sets(rows + lost):
                srows = [r for r in members if r.get("run_type") == "iteration"]
                slost = [c for c in members if c.get("run_type") != "iteration"]
                if not srows:
                    continue
                base = "%s__%s" % (cr.slug(scenario), cr.params_slug(params))
                self.throughput_figure(scenario, params, srows, slost, base)
                if any(cr.metric(r, "jain_index") is not None for r in srows):
                    self.fairness_figure(scenario, params, srows, slost, base)
                if cr.latency_keys(srows):
                    self.latency_figure(scenario, params, srows, slost, base)
                if any(r.get("per_thread") for r in srows):
                    self.share_figure(scenario, params, srows, base)
                if cr.is_rw(srows):
                    self.rw_figure(scenario, params, srows, slost, base)
        return self.written

    # --- shared pieces ----------------------------------------------------

    def title(self, scenario, what, params, extra=None):
        host = self.ctx.get("host_name") or "unknown host"
        cpus = "%s CPUs" % self.num_cpus if self.num_cpus else "CPUs unknown"
        line2 = "%s, %s  |  %s" % (host, cpus, cr.params_text(params))
        if self.ctx.get("complete") is False:
            line2 += "  |  INCOMPLETE RUN"
        head = "%s: %s" % (scenario, what)
        if extra:
            head += " (%s)" % extra
        return head + "\n" + line2

    def save(self, fig, base, kind):
        name = "%s__%s" % (base, kind)
        stem, n = name, 2
        while stem in self.used_names:
            stem = "%s-%d" % (name, n)
            n += 1
        self.used_names.add(stem)
        for ext in ("png", "svg"):
            path = os.path.join(self.out_dir, "%s.%s" % (stem, ext))
            fig.savefig(path, dpi=DPI, bbox_inches="tight",
                        metadata={"Date": None} if ext == "svg" else None)
            self.written.append(path)
        plt.close(fig)

    def thread_axis(self, ax, threads):
        """Ticks at the thread counts; log2 spacing when they span 8x or more;
        the oversubscribed region shaded. Returns True if it shaded."""
        lo, hi = min(threads), max(threads)
        if lo > 0 and hi / lo >= 8:
            ax.set_xscale("log", base=2)
            ax.set_xlim(lo / 1.3, hi * 1.3)
        else:
            pad = max(0.4, 0.06 * (hi - lo))
            ax.set_xlim(lo - pad, hi + pad)
        ax.set_xticks(threads)
        ax.xaxis.set_major_formatter(ticker.FixedFormatter([str(t) for t in threads]))
        ax.xaxis.set_minor_locator(ticker.NullLocator())
        ax.set_xlabel("threads")
        shaded = False
        if self.num_cpus and hi > self.num_cpus:
            left, right = ax.get_xlim()
            # Start half-way to the first oversubscribed count, so the point
            # at threads == CPUs (not oversubscribed) sits outside the band.
            first_over = min(t for t in threads if t > self.num_cpus)
            if ax.get_xscale() == "log":
                start = (self.num_cpus * first_over) ** 0.5
            else:
                start = (self.num_cpus + first_over) / 2
            ax.axvspan(max(start, left), right, color=OVERSUB_COLOR, zorder=0, lw=0)
            ax.set_xlim(left, right)
            shaded = True
        return shaded

    def oversub_handle(self):
        return Patch(facecolor=OVERSUB_COLOR, edgecolor="none",
                     label="oversubscribed (threads > %d CPUs)" % self.num_cpus)

    def legend(self, ax, prims, extras):
        """Legend outside the axes, to the right: primitives, how to read a
        line, then the notes."""
        handles = [Line2D([], [], color=self.style.color[p], marker=self.style.marker[p])
                   for p in prims]
        labels = list(prims)
        # A line over a band, unlike the flat oversubscribed patch.
        handles.append((Patch(facecolor="0.35", alpha=BAND_ALPHA * 1.5, edgecolor="none"),
                        Line2D([], [], color="0.35", lw=1.8)))
        labels.append("median; band: min to max of repetitions")
        handles += extras
        labels += [h.get_label() for h in extras]
        ax.legend(handles=handles, labels=labels, frameon=False, loc="upper left",
                  bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, handlelength=1.8)

    @staticmethod
    def bad_handle(label="status not ok (named; not in lines)"):
        return Line2D([], [], color=BAD_COLOR, marker="x", ls="none", markersize=8, mew=2,
                      label=label)

    def line_panel(self, ax, srows, slost, value, ylabel, ylim=None, eng=True):
        """Median line and min-max band per primitive of `value(row)` vs
        threads. Returns (primitives drawn, whether a not-ok value was marked,
        shaded, legend notes for the not-ok cases that have no value)."""
        threads = sorted({cr.threads_of(r) for r in srows + slost})
        prims = cr.primitives(srows)
        bad_points = []  # (thread, value or None, primitive, status, why no value)
        all_vals = []
        for p in prims:
            prow = [r for r in srows if r.get("primitive") == p]
            ys, lo, hi = [], [], []
            for t in threads:
                at = [r for r in prow if cr.threads_of(r) == t]
                ok = [value(r) for r in at if cr.is_ok(r)]
                m, mn, mx = _minmax_median(ok)
                ys.append(_nan(m)); lo.append(_nan(mn)); hi.append(_nan(mx))
                all_vals.extend(v for v in ok if v is not None)
                for r in at:
                    if not cr.is_ok(r):
                        v = value(r)
                        bad_points.append((t, v, p, r.get("status"), "no value"))
                        if v is not None:
                            all_vals.append(v)
            c = self.style.color[p]
            ax.plot(threads, ys, color=c, marker=self.style.marker[p], lw=1.8, ms=5,
                    label=p, zorder=3)
            ax.fill_between(threads, lo, hi, color=c, alpha=BAND_ALPHA, lw=0, zorder=2)
        for c in slost:
            bad_points.append((cr.threads_of(c), None, c.get("primitive"), c.get("status"),
                               "no sample"))

        pos = [v for v in all_vals if v > 0]
        if ylim is not None:
            ax.set_ylim(*ylim)
        elif pos and max(pos) / min(pos) > 100:
            ax.set_yscale("log")
            if max(pos) / min(pos) < 1e4:  # few decades: label 1-2-5 steps too
                ax.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
        elif all_vals:
            ax.set_ylim(0, max(all_vals) * 1.08 if max(all_vals) > 0 else 1)
        if eng:
            ax.yaxis.set_major_formatter(ticker.EngFormatter(sep=" "))
        ax.set_ylabel(ylabel)
        ax.grid(True, which="major", alpha=0.3, lw=0.6)
        shaded = self.thread_axis(ax, threads)
        named, notes = self.mark_bad(ax, bad_points, max(threads))
        return prims, named, shaded, notes

    def mark_bad(self, ax, bad_points, tmax):
        """Red x at each not-ok value, the case named beside it; cases with
        no value get an x on the floor and are named in the legend instead
        (returned as notes), where their labels cannot collide.
        Returns (whether any value was marked, notes)."""
        stacked = {}
        floor = ax.get_xaxis_transform()  # x in data, y in axes fraction
        missing = {}
        cases = cr.group_by(bad_points, lambda b: (b[0], b[2], b[3]))
        for (t, prim, status), pts in cases.items():
            vals = [b[1] for b in pts if b[1] is not None and b[1] > 0]
            if vals:
                k = stacked.get(t, 0)
                stacked[t] = k + 1
                ax.plot([t] * len(vals), vals, marker="x", color=BAD_COLOR, ms=9, mew=2.2,
                        ls="none", zorder=5)
                left = t == tmax  # keep the label inside the axes
                ax.annotate("%s: %s" % (prim, status), (t, max(vals)),
                            xytext=(-7 if left else 7, 4 + 11 * k), textcoords="offset points",
                            ha="right" if left else "left", fontsize=7.5, color=BAD_COLOR,
                            zorder=6, bbox=dict(boxstyle="round,pad=0.15", fc="white",
                                                ec="none", alpha=0.75))
            else:
                ax.plot([t], [0.03], transform=floor, marker="x", color=BAD_COLOR, ms=9,
                        mew=2.2, ls="none", zorder=5, clip_on=False)
                missing.setdefault((prim, status, pts[0][4]), []).append(t)
        return bool(stacked), ["%s: %s, %s at %s thread%s" % (
            p, st, why, ", ".join(map(str, sorted(ts))), "" if ts == [1] else "s")
            for (p, st, why), ts in sorted(missing.items())]

    def extras(self, any_bad, shaded, notes=()):
        out = []
        if shaded:
            out.append(self.oversub_handle())
        if any_bad:
            out.append(self.bad_handle())
        for note in dict.fromkeys(notes):  # in order, once
            out.append(Line2D([], [], color=BAD_COLOR, marker="x", ls="none", markersize=6,
                              mew=1.5, label=note))
        return out

    # --- the figures ------------------------------------------------------

    def throughput_figure(self, scenario, params, srows, slost, base):
        fig, ax = plt.subplots(figsize=(9.6, 4.8), layout="constrained")
        prims, bad, shaded, notes = self.line_panel(
            ax, srows, slost, throughput, "throughput (operations/s)")
        n_reps = max((r.get("repetitions") or 1) for r in srows)
        ax.set_title(self.title(scenario, "throughput vs threads", params,
                                "median of %d repetitions" % n_reps), loc="left")
        self.legend(ax, prims, self.extras(bad, shaded, notes))
        self.save(fig, base, "throughput")

    def fairness_figure(self, scenario, params, srows, slost, base):
        fig, ax = plt.subplots(figsize=(9.6, 4.8), layout="constrained")
        prims, bad, shaded, notes = self.line_panel(
            ax, srows, slost, lambda r: cr.metric(r, "jain_index"),
            "Jain fairness index (1 = fair)", ylim=(0, 1.05), eng=False)
        lo, hi = ax.get_xlim()
        xs = [lo * (hi / lo) ** (i / 100) for i in range(101)] if ax.get_xscale() == "log" \
            else [lo + (hi - lo) * i / 100 for i in range(101)]
        ax.plot(xs, [min(1.0, 1 / x) if x > 0 else 1.0 for x in xs], ls=":", color="0.35",
                lw=1.2, zorder=1)
        ax.set_xlim(lo, hi)
        floor = Line2D([], [], ls=":", color="0.35", lw=1.2,
                       label="1/n: one thread does all the work")
        ax.set_title(self.title(scenario, "fairness vs threads", params,
                                "Jain index of per-thread operations, median"), loc="left")
        self.legend(ax, prims, [floor] + self.extras(bad, shaded, notes))
        self.save(fig, base, "fairness")

    def latency_figure(self, scenario, params, srows, slost, base):
        keys = cr.wait_latency_keys(srows)
        tmax = max(cr.threads_of(r) for r in srows)
        at = [r for r in srows if cr.threads_of(r) == tmax]
        prims = cr.primitives(srows)
        lost_here = [c for c in slost if cr.threads_of(c) == tmax]
        fig, axes = plt.subplots(1, len(keys), figsize=(4.6 + 4.2 * len(keys), 4.8),
                                 squeeze=False, layout="constrained")
        any_bad = bool(lost_here)
        sample_every = set()
        for ax, key in zip(axes[0], keys):
            width = 0.8 / max(1, len(prims))
            ymin = None
            unit = "ns"
            for i, p in enumerate(prims):
                prow = [r for r in at if r.get("primitive") == p
                        and isinstance((r.get("latency") or {}).get(key), dict)]
                ok = [r for r in prow if cr.is_ok(r)]
                use = ok or prow  # not-ok samples are drawn hatched, never hidden
                lost_p = any(c.get("primitive") == p for c in lost_here)
                if prow and not ok:
                    any_bad = True
                for r in prow:
                    lat = r["latency"][key]
                    unit = lat.get("unit") or unit
                    if isinstance(lat.get("sample_every"), int) and lat["sample_every"] > 1:
                        sample_every.add(lat["sample_every"])
                for j, (pk, _) in enumerate(PERCENTILES):
                    x = j - 0.4 + width * (i + 0.5)
                    vals = [cr.finite(r["latency"][key].get(pk)) for r in use]
                    m, mn, mx = _minmax_median(vals)
                    if m is None or m <= 0:
                        if not use and not lost_p:
                            continue  # not run at this thread count
                        ax.plot([x], [0.03], transform=ax.get_xaxis_transform(),
                                marker="x", color=BAD_COLOR, ms=7, mew=2, clip_on=False)
                        continue
                    ymin = m if ymin is None else min(ymin, m)
                    if ok:
                        ax.bar(x, m, width * 0.92, color=self.style.color[p], zorder=3)
                    else:
                        ax.bar(x, m, width * 0.92, color=self.style.color[p], alpha=0.35,
                               hatch="//", edgecolor=BAD_COLOR, zorder=3)
                        ax.plot([x], [m], marker="x", color=BAD_COLOR, ms=7, mew=2, zorder=5)
                    if len(use) > 1 and mx > mn:
                        ax.errorbar([x], [m], yerr=[[m - mn], [mx - m]], fmt="none",
                                    ecolor="0.15", elinewidth=0.9, capsize=2, zorder=4)
            ax.set_yscale("log")
            if ymin is not None:
                ax.set_ylim(bottom=ymin / 3)
            ax.set_xticks(range(len(PERCENTILES)))
            ax.set_xticklabels([lab for _, lab in PERCENTILES])
            ax.set_xlim(-0.55, len(PERCENTILES) - 0.45)
            ax.set_xlabel("percentile")
            ax.set_ylabel("%s (%s, log scale)" % (key.replace("_", " "), unit))
            ax.grid(True, axis="y", which="major", alpha=0.3, lw=0.6)
            if len(keys) > 1:
                ax.set_title(key.replace("_", " "), fontsize=10)
        extra = "%d threads" % tmax
        if self.num_cpus and tmax > self.num_cpus:
            extra += ", oversubscribed: %d CPUs" % self.num_cpus
        if sample_every:
            extra += ", sampled 1 in %s" % "/".join(str(s) for s in sorted(sample_every))
        fig.suptitle(self.title(scenario, "wait-time percentiles", params, extra),
                     x=0.01, ha="left", fontsize=10.5)
        handles = [Patch(facecolor=self.style.color[p], label=p) for p in prims]
        handles.append(Line2D([], [], color="0.15", marker="|", ls="none", ms=10,
                              label="whisker: min to max of repetitions"))
        if any_bad:
            handles.append(self.bad_handle("status not ok (hatched bar, or x: no sample)"))
        for c in lost_here:
            handles.append(Line2D([], [], color=BAD_COLOR, marker="x", ls="none", markersize=6,
                                  mew=1.5, label="%s: %s, no sample at %d threads"
                                  % (c.get("primitive"), c.get("status"), tmax)))
        axes[0][-1].legend(handles=handles, frameon=False, loc="upper left",
                           bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        self.save(fig, base, "latency")

    def share_figure(self, scenario, params, srows, base):
        candidates = [r for r in srows if cr.is_ok(r) and r.get("per_thread")
                      and cr.metric(r, "jain_index") is not None]
        note = ""
        if not candidates:  # nothing trustworthy: show the least fair sample anyway
            candidates = [r for r in srows if r.get("per_thread")]
            note = ", status not ok"
        tmax = max(cr.threads_of(r) for r in candidates)
        at = [r for r in candidates if cr.threads_of(r) == tmax]
        by_prim = cr.group_by(at, lambda r: r.get("primitive"))

        def med_jain(rows):
            m = cr.median(cr.metric(r, "jain_index") for r in rows)
            return 2.0 if m is None else m
        prim = min(sorted(by_prim), key=lambda p: med_jain(by_prim[p]))
        rows = by_prim[prim]
        jm = med_jain(rows)
        # The repetition whose Jain index is the primitive's median.
        row = min(rows, key=lambda r: (abs((cr.metric(r, "jain_index") or 2.0) - jm),
                                       r.get("repetition_index") or 0))
        pt = sorted((t for t in row["per_thread"] if isinstance(t, dict)),
                    key=lambda t: t.get("thread", 0))
        ops = [cr.finite(t.get("ops")) or 0.0 for t in pt]
        total = sum(ops)
        n = len(pt)
        fig, ax = plt.subplots(figsize=(max(9.6, min(14, 6.0 + 0.2 * n)), 4.8),
                               layout="constrained")
        xs = list(range(n))
        color = self.style.color[prim]
        handles = []
        split = all(cr.finite(t.get("reads")) is not None and cr.finite(t.get("writes"))
                    is not None for t in pt)
        if total > 0 and split:
            reads = [cr.finite(t["reads"]) / total for t in pt]
            writes = [cr.finite(t["writes"]) / total for t in pt]
            ax.bar(xs, reads, 0.75, color=color, zorder=3)
            ax.bar(xs, writes, 0.75, bottom=reads, color=color, alpha=0.45, hatch="//",
                   edgecolor="white", zorder=3)
            handles += [Patch(facecolor=color, label="reads"),
                        Patch(facecolor=color, alpha=0.45, hatch="//", edgecolor="white",
                              label="writes")]
        else:
            ax.bar(xs, [o / total if total else 0 for o in ops], 0.75, color=color, zorder=3,
                   label="%s: share of ops" % prim)
            handles.append(Patch(facecolor=color, label="share of operations"))
        fair = 1.0 / n if n else 0
        starved = [x for x, o in zip(xs, ops) if total and o / total < 0.1 * fair]
        # A starved thread's bar is too short to see: say so where it would be.
        for x in (starved if n <= 16 else []):
            ax.annotate("starved" if ops[x] else "0 ops", (x, 0), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom",
                        rotation=90, fontsize=7.5, color="0.25", zorder=5)
        ax.axhline(fair, color="0.1", ls="--", lw=1.2, zorder=4)
        ax.axhline(0.1 * fair, color="0.45", ls=":", lw=1.0, zorder=4)
        handles += [Line2D([], [], color="0.1", ls="--", lw=1.2,
                           label="fair share 1/n = %.3g" % fair),
                    Line2D([], [], color="0.45", ls=":", lw=1.0,
                           label="starved: below 10 %% of fair share\n(%d of %d threads)"
                           % (len(starved), n))]
        step = max(1, math.ceil(n / 32))  # at most 32 tick labels
        ax.set_xticks(xs[::step])
        ax.set_xticklabels([str(t.get("thread", i)) for i, t in enumerate(pt)][::step])
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_xlabel("thread")
        ax.set_ylabel("share of the case's operations")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0, decimals=0))
        ax.grid(True, axis="y", alpha=0.3, lw=0.6)
        over = ", oversubscribed" if self.num_cpus and tmax > self.num_cpus else ""
        extra = "%s: the lowest Jain index (%.3f) at the highest thread count (%d threads%s);\n" \
                "repetition %s, the one with the primitive's median Jain index%s" % (
                    prim, cr.metric(row, "jain_index") or NAN, tmax, over,
                    row.get("repetition_index", "?"), note)
        ax.set_title(self.title(scenario, "per-thread share of operations", params) +
                     "\n" + extra, loc="left")
        ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                  borderaxespad=0.0)
        self.save(fig, base, "share")

    def rw_figure(self, scenario, params, srows, slost, base):
        fig, axes = plt.subplots(1, 2, figsize=(13.5, 4.8), layout="constrained")
        out = []
        for ax, key, what in ((axes[0], "read_ops_per_s", "reads"),
                              (axes[1], "write_ops_per_s", "writes")):
            out.append(self.line_panel(ax, srows, slost, lambda r, k=key: cr.metric(r, k),
                                       "%s (operations/s)" % what))
            ax.set_title(what, fontsize=10)
        prims = out[0][0]
        bad = any(o[1] for o in out)
        shaded = any(o[2] for o in out)
        notes = out[0][3] + out[1][3]
        fig.suptitle(self.title(scenario, "read and write throughput vs threads", params,
                                "median of repetitions"), x=0.01, ha="left", fontsize=10.5)
        self.legend(axes[1], prims, self.extras(bad, shaded, notes))
        self.save(fig, base, "rw_throughput")


def default_out_dir(result_path):
    stem = os.path.basename(result_path)
    if stem.endswith(".json"):
        stem = stem[:-len(".json")]
    return os.path.join(os.path.dirname(os.path.abspath(result_path)), stem + "-plots")


def main(argv=None):
    ap = argparse.ArgumentParser(prog=PROG, description="Plot a contend result file "
                                 "(PNG and SVG per figure).")
    ap.add_argument("result", metavar="RESULT.json")
    ap.add_argument("-o", "--out-dir", metavar="DIR",
                    help="where to write (default: RESULT-plots/ beside RESULT.json)")
    args = ap.parse_args(argv)
    try:
        # Lenient about NaN tokens (read as missing); validate_result.py is the judge.
        doc = cr.load(args.result, strict=False)
    except cr.ContendResultError as e:
        print("%s: error: %s: %s" % (PROG, args.result, e), file=sys.stderr)
        return 2
    rows = [r for r in cr.samples(doc) if isinstance(cr.threads_of(r), int)]
    if not rows:
        not_ok = sum(1 for c in doc.get("cases") or [] if isinstance(c, dict)
                     and c.get("status") != "ok")
        print("%s: %s: no plottable rows (no iteration samples with a thread count%s)"
              % (PROG, args.result, "; %d cases not ok" % not_ok if not_ok else ""),
              file=sys.stderr)
        return 1
    out_dir = args.out_dir or default_out_dir(args.result)
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        print("%s: error: %s: cannot create output directory: %s"
              % (PROG, out_dir, e.strerror or e), file=sys.stderr)
        return 2
    _import_matplotlib()
    written = Figures(doc, out_dir).run()
    if not written:
        print("%s: %s: no plottable rows" % (PROG, args.result), file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
