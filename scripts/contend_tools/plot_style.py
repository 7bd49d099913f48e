"""How every figure of plot.py looks, and the pieces the figures share.

Importing this module starts matplotlib (Agg backend, the house rcParams), so
plot.py imports it, through plot_figures, only once the input is known to be
plottable. FigureWriter holds what one result file's figures have in common:
a stable colour and marker per primitive, the titles, the thread axis with its
oversubscribed region shaded, the legends, the red x of a case whose status is
not ok, the median-and-band line panel, and saving each figure as PNG + SVG.
"""
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import matplotlib.ticker as ticker
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import contend_result as cr

NAN = float("nan")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
BAD_COLOR = "#d62728"
BAND_ALPHA = 0.18
OVERSUB_COLOR = "0.90"
DPI = 120

matplotlib.rcParams.update({
    "font.size": 10, "axes.titlesize": 10.5, "axes.labelsize": 10,
    "legend.fontsize": 9, "xtick.labelsize": 9, "ytick.labelsize": 9,
    "axes.spines.top": False, "axes.spines.right": False,
    "svg.hashsalt": "contend",  # reproducible SVG ids
})


def _nan(v):
    return NAN if v is None else v


def items_per_s(row):
    """A queue row's items/s (or a lock row's operations/s)."""
    v = cr.finite(row.get("items_per_second"))
    return v if v is not None else cr.metric(row, "throughput_ops_per_s")


def reps(rows):
    return max((r.get("repetitions") or 1) for r in rows)


def fmt_ns(v):
    """'1.5 \u00b5s' for 1500: a duration in ns, 3 significant digits."""
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "\u00b5s")):
        if v >= scale:
            return "%g %s" % (float("%.3g" % (v / scale)), unit)
    return "%g ns" % float("%.3g" % v)


def minmax_median(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None, None, None
    return cr.median(vals), min(vals), max(vals)


BAND_LABEL = "median; band: min to max of repetitions"


def band_handle():
    """The legend's key to a median line over its min-max band: a line over
    a band, unlike the flat oversubscribed patch. Its label is BAND_LABEL."""
    return (Patch(facecolor="0.35", alpha=BAND_ALPHA * 1.5, edgecolor="none"),
            Line2D([], [], color="0.35", lw=1.8))


class Style:
    """One colour and marker per primitive, stable across the figures it styles
    (plot_figures makes one per scenario)."""

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


class FigureWriter:
    """The shared pieces of the figures of one result file, and where they go."""

    def __init__(self, ctx, out_dir, primitive_names):
        self.ctx = ctx
        self.out_dir = out_dir
        self.num_cpus = ctx.get("num_cpus") if isinstance(ctx.get("num_cpus"), int) else None
        self.style = Style(primitive_names)
        self.written = []
        self.used_names = set()

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
        handles.append(band_handle())
        labels.append(BAND_LABEL)
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
                m, mn, mx = minmax_median(ok)
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
