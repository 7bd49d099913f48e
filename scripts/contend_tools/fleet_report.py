"""Machine against machine: the same scenarios and parameters measured on N
machines, side by side.

Inputs are machines: a fleet session's finished tasks (each labelled with its
kind) or result files (labelled with their host). For every scenario and
parameter set, one figure with a panel per machine on shared axes
(throughput against threads, a line per primitive), and one table of each
case's median throughput on the reference machine (--reference, default the
first) and every other machine's ratio to it.

Flagged, never silently mixed in:
  - a machine whose node is not what its kind declared (fleet_spec
    node_mismatch): listed apart and left out of the ratios unless
    --allow-mismatch;
  - a machine measured with another configuration than the reference
    (compare_load.measurement_differences: protocol, sample_every, windows,
    pin, build, compiler, peer libraries; the delay calibration, kernel and
    placement belong to the machine and do not count): its ratios carry a
    mark and the differences are listed.
"""
import os
import statistics

from . import contend_result as cr
from . import report_html as rh
from .compare_load import FIGURE_BY_KEY, measurement_differences, measurement_of

THROUGHPUT = FIGURE_BY_KEY["throughput"]
MACHINE_FIELDS = ("delay_iterations_per_ns", "kernel", "placement")


class Machine:
    def __init__(self, label, doc, mismatch=None, source=None):
        self.label, self.doc, self.mismatch, self.source = label, doc, mismatch, source
        ctx = doc.get("context") or {}
        self.description = "%s: %s CPUs, %s" % (ctx.get("host_name") or "?",
                                                 ctx.get("num_cpus") or "?",
                                                 (ctx.get("cpu_model") or "unknown CPU").strip())
        self.measurement = measurement_of(ctx)
        self.cells = {}  # (scenario, primitive, params key, threads) -> median throughput
        for key, rows in cr.group_by(cr.samples(doc), lambda r: (
                r.get("scenario"), r.get("primitive"), cr.params_key(r),
                cr.threads_of(r))).items():
            vals = [v for v in (THROUGHPUT.extract(r) for r in rows if cr.is_ok(r))
                    if v is not None]
            if vals:
                self.cells[key] = statistics.median(vals)


def build(machines, reference=None, allow_mismatch=False):
    """The report as a dict: machines, reference, cases with values and
    ratios, configuration differences."""
    ref = next((m for m in machines if m.label == reference), None) if reference else None
    if reference and ref is None:
        raise ValueError("--reference: %r is not one of %s" % (
            reference, ", ".join(m.label for m in machines)))
    usable = [m for m in machines if allow_mismatch or not m.mismatch]
    ref = ref or (usable[0] if usable else None)
    if ref is None:
        raise ValueError("no machine to compare: every one differs from what it declared "
                         "(--allow-mismatch compares them anyway)")
    differs = {m.label: measurement_differences(ref.measurement, m.measurement,
                                                skip=MACHINE_FIELDS)
               for m in usable if m is not ref}
    keys = sorted({k for m in usable for k in m.cells}, key=lambda k: (
        str(k[0]), str(k[2]), str(k[1]), k[3] if isinstance(k[3], int) else 0))
    cases = []
    for k in keys:
        base = ref.cells.get(k)
        cases.append({"scenario": k[0], "primitive": k[1], "params": dict(k[2]),
                      "threads": k[3], "values": {m.label: m.cells.get(k) for m in usable},
                      "ratios": {m.label: (m.cells[k] / base if base and m.cells.get(k)
                                           is not None else None)
                                 for m in usable if m is not ref}})
    return {"reference": ref.label,
            "machines": [{"label": m.label, "description": m.description,
                          "source": m.source, "node_mismatch": m.mismatch,
                          "left_out": m not in usable,
                          "measurement_differs": differs.get(m.label, [])} for m in machines],
            "cases": cases}


def _compared(report):
    """The machines with ratios: all but the reference and those left out."""
    return [m["label"] for m in report["machines"]
            if m["label"] != report["reference"] and not m["left_out"]]


def _flags(m):
    """What is flagged about a machine of the report, as texts."""
    flags = []
    if m["node_mismatch"]:
        flags.append("NODE NOT AS DECLARED: %s%s" % (m["node_mismatch"], ", left out"
                                                     if m["left_out"] else ""))
    if m["measurement_differs"]:
        flags.append("measured differently: %s" % ", ".join(m["measurement_differs"]))
    return flags


def console(report):
    ref, others = report["reference"], _compared(report)
    out = ["machines (reference: %s):" % ref]
    for m in report["machines"]:
        flags = _flags(m)
        out.append("  %-16s %s%s" % (m["label"], m["description"],
                                     "  [%s]" % "; ".join(flags) if flags else ""))
    out.append("%-60s %14s %s" % ("case", ref + " ops/s", " ".join("%12s" % o for o in others)))
    for c in report["cases"]:
        name = "%s/%s/threads:%s %s" % (c["scenario"], c["primitive"], c["threads"],
                                        cr.params_text(c["params"]))
        base = c["values"].get(ref)
        out.append("%-60s %14s %s" % (name[:60], "%.4g" % base if base else "-", " ".join(
            "%12s" % ("x%.3f" % c["ratios"][o] if c["ratios"].get(o) else "-")
            for o in others)))
    return "\n".join(out) + "\n"


def figures(machines, report):
    """[(caption, inline SVG)]: per scenario and parameter set, a panel per
    machine, shared axes."""
    from .plot_style import plt  # starts matplotlib: only for the page
    from .report_svg import inline_svg
    import io
    usable = [m for m in machines if not next(x for x in report["machines"]
                                              if x["label"] == m.label)["left_out"]]
    groups = cr.group_by(report["cases"], lambda c: (c["scenario"], cr.params_key(c)))
    out = []
    for n, ((scenario, pkey), cases) in enumerate(groups.items()):
        fig, axes = plt.subplots(1, len(usable), sharex=True, sharey=True, squeeze=False,
                                 figsize=(3.2 * len(usable) + 1, 3.2))
        for ax, m in zip(axes[0], usable):
            for prim in cr.primitives(cases):
                pts = sorted((c["threads"], c["values"].get(m.label)) for c in cases
                             if c["primitive"] == prim and c["values"].get(m.label)
                             is not None and isinstance(c["threads"], int))
                if pts:
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=prim)
            ax.set_title(m.label, fontsize=9)
            ax.set_xlabel("threads")
            ax.set_xticks(sorted({c["threads"] for c in cases if isinstance(c["threads"], int)}))
        axes[0][0].set_ylabel("throughput (ops/s)")
        axes[0][-1].legend(fontsize=7, loc="best")
        caption = "%s, %s" % (scenario, cr.params_text(dict(pkey)))
        fig.suptitle(caption, fontsize=10, y=1.04)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight")
        plt.close(fig)
        out.append((caption, inline_svg(buf.getvalue(), "f%d-" % n)))
    return out


def html(machines, report, title):
    ref, others = report["reference"], _compared(report)
    rows = []
    for m in report["machines"]:
        flags = _flags(m)
        rows.append((m["label"] + (" (reference)" if m["label"] == ref else ""),
                     m["description"], rh.badge("flagged") if flags else "",
                     "; ".join(flags)))
    marked = {m["label"] for m in report["machines"] if m["measurement_differs"]}
    ratio_rows = [("%s/%s" % (c["scenario"], c["primitive"]), c["threads"],
                   cr.params_text(c["params"]),
                   "%.4g" % c["values"][ref] if c["values"].get(ref) else "-")
                  + tuple(("x%.3f%s" % (c["ratios"][o], " *" if o in marked else ""))
                          if c["ratios"].get(o) else "-" for o in others)
                  for c in report["cases"]]
    svgs = figures(machines, report)
    sections = [
        ("machines", "Machines", '<h2 id="machines">Machines</h2>'
         + rh.table(("machine", "node", "", "flags"), rows)),
        ("ratios", "Throughput against %s" % ref,
         '<h2 id="ratios">Throughput against %s</h2>' % rh.esc(ref) + "<p>Median throughput on %s and each machine's ratio to it (above 1: faster)%s.</p>"
         % (rh.esc(ref), "; * measured with another configuration" if marked else "")
         + rh.table(("case", "threads", "parameters", ref + " ops/s") + tuple(others),
                    ratio_rows, numeric=tuple(range(3, 4 + len(others))))),
        ("figures", "Side by side", rh.figures(svgs, None)),
    ]
    return rh.page(title, "%d machines, %d cases" % (len(report["machines"]),
                                                   len(report["cases"])), sections)


def machines_from_files(paths):
    out = []
    for p in paths:
        doc = cr.load(p, strict=False)
        label = (doc.get("context") or {}).get("host_name") or os.path.basename(p)
        out.append(Machine(label, doc, source=p))
    return out
