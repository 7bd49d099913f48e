"""The sections of report.py's HTML page. Every string that comes from a
result file goes through esc() (html.escape, quotes included): case names,
primitives, parameters, hosts, warnings and details are data, never markup.
The page has no script and loads nothing: its style is inline.
"""
import html
import shlex
import statistics

from . import compare_stats as st
from . import contend_result as cr
from .compare_load import FIGURE_BY_KEY, primary_latency_key
from . import compare_render as cmp_render
from .compare_render import fmt_pct, fmt_p, fmt_value

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b}
main{max-width:1400px;margin:0 auto;padding:0 24px 48px}
header{background:#23395d;color:#fff;padding:18px 24px}
header h1{margin:0 0 4px;font-size:22px} header p{margin:0;opacity:.85}
nav{margin:12px 0;font-size:13px} nav a{margin-right:14px}
h2{border-bottom:2px solid #23395d;padding-bottom:4px;margin-top:36px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #d5d9e0;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef1f6} td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.bad td{background:#fdecea} .warn{background:#fff4d6;border-left:4px solid #e0a100;
padding:6px 10px;margin:6px 0} .banner{background:#fdecea;border-left:4px solid #c62828;
padding:8px 12px;margin:10px 0;font-weight:600}
.v-worse{color:#b71c1c;font-weight:700} .v-better{color:#1b5e20;font-weight:700}
.v-unstable{color:#8a6d00} .v-not-comparable{color:#555}
.v-ok{color:#1b5e20} .v-invalid,.v-timeout,.v-crashed,.v-deadlock{color:#b71c1c;font-weight:700}
figure{margin:14px 0 26px} figcaption{font-size:12px;color:#555}
svg.figure{max-width:100%;height:auto} code{font-size:12px}
details>summary{cursor:pointer;font-weight:600;margin:6px 0}
"""


def esc(v):
    return html.escape("" if v is None else str(v), quote=True)


def cls(text):
    return "v-" + str(text).replace(" ", "-")


def table(head, rows, numeric=(), row_class=None):
    out = ["<table><thead><tr>%s</tr></thead><tbody>" % "".join("<th>%s</th>" % esc(h)
                                                                for h in head)]
    for i, r in enumerate(rows):
        rc = row_class(i) if row_class else None
        cells = []
        for j, c in enumerate(r):
            # A cell is escaped text, or ("html", markup) built here from escaped parts.
            body = c[1] if isinstance(c, tuple) and c and c[0] == "html" else esc(c)
            cells.append("<td%s>%s</td>" % (' class="num"' if j in numeric else "", body))
        out.append("<tr%s>%s</tr>" % (' class="%s"' % rc if rc else "", "".join(cells)))
    out.append("</tbody></table>")
    return "\n".join(out)


def badge(text):
    return ("html", '<span class="%s">%s</span>' % (esc(cls(text)), esc(text)))


# --- environment ------------------------------------------------------------

def _caches(caches):
    parts = []
    for c in caches or []:
        if isinstance(c, dict) and isinstance(c.get("size"), (int, float)):
            parts.append("L%s %s %s KiB%s" % (c.get("level"), c.get("type", ""),
                                              int(c["size"]) // 1024,
                                              " x%s" % c["num_sharing"]
                                              if c.get("num_sharing", 1) not in (0, 1) else ""))
    return ", ".join(parts)


def _kv(d):
    if not isinstance(d, dict):
        return d
    return ", ".join("%s=%s" % (k, v) for k, v in d.items() if not isinstance(v, (dict, list)))


ENV_FIELDS = (
    ("date", "date"), ("host_name", "host"), ("cpu_model", "CPU model"),
    ("num_cpus", "CPUs"), ("topology", "topology"), ("mhz_per_cpu", "MHz per CPU"),
    ("caches", "caches"), ("kernel", "kernel"), ("virtual_machine", "virtual machine"),
    ("governor", "governor"), ("turbo", "turbo"), ("cpu_scaling_enabled", "CPU scaling"),
    ("load_avg", "load average"), ("compiler", "compiler"), ("cxx_flags", "C++ flags"),
    ("atomics", "atomics"), ("build_type", "build type"),
    ("library_build_type", "library build type"), ("sanitizer", "sanitizer"), ("contend_version", "contend version"),
    ("git_revision", "git revision"), ("schema_version", "schema version"),
    ("timer", "timer"), ("delay_calibration", "delay calibration"), ("options", "options"),
    ("command_line", "command line"), ("complete", "complete"),
    ("wall_seconds", "wall time (s)"),
)


def environment(ctx):
    rows = []
    for key, label in ENV_FIELDS:
        if key not in ctx:
            continue
        v = ctx[key]
        if key == "caches":
            v = _caches(v)
        elif key == "command_line" and isinstance(v, list):
            v = " ".join(shlex.quote(str(a)) for a in v)
        elif key == "load_avg" and isinstance(v, list):
            v = ", ".join("%.2f" % x for x in v if isinstance(x, (int, float)))
        elif key == "delay_calibration" and isinstance(v, dict):
            v = "%s iterations/ns; %d points" % (v.get("iterations_per_ns"),
                                                 len(v.get("points") or []))
        elif isinstance(v, dict):
            v = _kv(v)
        rows.append((label, "unknown" if v is None else v))
    known = {k for k, _ in ENV_FIELDS} | {"warnings", "executable"}
    for k, v in ctx.items():  # whatever a later version adds, shown rather than hidden
        if k not in known and not isinstance(v, (dict, list)):
            rows.append((k, v))
    out = ['<h2 id="environment">Environment</h2>']
    if ctx.get("complete") is False:
        out.append('<div class="banner">Incomplete run: it was interrupted, and the cases '
                   'after the interruption are missing.</div>')
    warnings = ctx.get("warnings") or []
    if warnings:
        out.append("<h3>Warnings</h3>")
        out += ['<div class="warn">%s</div>' % esc(w) for w in warnings]
    out.append(table(("", ""), rows))
    return "\n".join(out)


# --- validation ---------------------------------------------------------------

def ledger(doc):
    """The cases of a result: its ledger, or (older files) its rows."""
    cases = [c for c in doc.get("cases") or [] if isinstance(c, dict)]
    if cases:
        return cases
    seen = {}
    for r in cr.samples(doc):
        c = seen.setdefault(r.get("run_name") or r.get("name"),
                            {"name": r.get("run_name") or r.get("name"), "status": "ok"})
        if not cr.is_ok(r):
            c["status"] = r.get("status")
            c["detail"] = (r.get("validation") or {}).get("detail")
    return list(seen.values())


def validation(doc, cv_threshold):
    cases = ledger(doc)
    counts = {}
    for c in cases:
        counts[c.get("status")] = counts.get(c.get("status"), 0) + 1
    bad = sorted((c for c in cases if c.get("status") != "ok"),
                 key=lambda c: (-cr.severity(c.get("status")), c.get("name") or ""))
    out = ['<h2 id="validation">Validation</h2>',
           "<p>%d cases: %s.</p>" % (len(cases), esc(", ".join(
               "%d %s" % (n, s) for s, n in sorted(counts.items(), key=lambda kv: (
                   kv[0] != "ok", str(kv[0]))))))]
    if bad:
        out.append("<h3>Cases not ok (their figures are not trusted)</h3>")
        out.append(table(("status", "case", "signal", "detail", "samples"),
                         [(badge(c.get("status")), c.get("name"), c.get("signal") or "",
                           c.get("detail") or "", c.get("samples", "")) for c in bad],
                         row_class=lambda i: "bad"))
    else:
        out.append("<p>Every case passed its validation (mutual exclusion, conservation, "
                   "ordering).</p>")
    unstable = []
    by_name = cr.group_by(cr.samples(doc), lambda r: r.get("run_name") or r.get("name"))
    for c in cases:
        vals = [v for v in (FIGURE_BY_KEY["throughput"].extract(r)
                            for r in by_name.get(c.get("name"), []) if cr.is_ok(r))
                if v is not None]
        v = st.cv(vals) if len(vals) > 1 else None
        if c.get("unstable") or (v is not None and v > cv_threshold):
            unstable.append((c.get("name"), "-" if v is None else "%.1f%%" % (100 * v)))
    if unstable:
        out.append("<details><summary>%d unstable cases (throughput CV above %.0f%%)</summary>"
                   % (len(unstable), 100 * cv_threshold))
        out.append(table(("case", "CV"), unstable, numeric=(1,)))
        out.append("</details>")
    return "\n".join(out)


# --- fidelity -------------------------------------------------------------------

HARNESS_OVER_BARE_BAND = (0.85, 1.15)  # harness/sample.hpp kHarnessOverBare*


def fidelity(doc):
    """The run's own proof that the harness is not the figure: the `none`
    control against an empty loop, and each 1x1 queue against its bare loop."""
    ctx = doc.get("context") or {}
    fid = ctx.get("fidelity") or {}
    out = ['<h2 id="fidelity">Fidelity</h2>']
    controls = [c for c in fid.get("controls") or [] if isinstance(c, dict)]
    empty = fid.get("empty_loop_ns")
    if controls and isinstance(empty, (int, float)):
        out.append("<p>Controls measured at the start of the run, against an empty loop of "
                   "%.2f ns:</p>" % empty)
        out.append(table(("control", "ns/op", "over empty loop", "what it is"),
                         [(c.get("case"), fmt_value(c.get("ns_per_op"), "ns"),
                           fmt_value(c.get("over_empty_loop"), ""), c.get("what") or "")
                          for c in controls], numeric=(1, 2)))
    by_case = {}
    for r in cr.samples(doc):
        v = (r.get("metrics") or {}).get("harness_over_bare")
        if cr.is_ok(r) and isinstance(v, (int, float)):
            by_case.setdefault(r.get("run_name") or r.get("name"), []).append(v)
    if by_case:
        lo, hi = HARNESS_OVER_BARE_BAND
        body, bad = [], []
        for name, vals in sorted(by_case.items()):
            m = statistics.median(vals)
            body.append((name, len(vals), "%.2f" % m, "%.2f-%.2f" % (min(vals), max(vals))))
            bad.append(not lo <= m <= hi)
        out.append("<p>1x1 queue figures over the same queue, capacity, message and CPUs in a "
                   "bare push/pop loop measured in the same repetition (band %.2f-%.2f; a "
                   "highlighted row is a figure to read beside its bare loop).</p>" % (lo, hi))
        out.append(table(("case", "samples", "harness over bare", "range"), body,
                         numeric=(1, 2), row_class=lambda i: "bad" if bad[i] else None))
    if len(out) == 1:
        out.append("<p>This result records no fidelity figures (an older contend, or no "
                   "case that measures them).</p>")
    return "\n".join(out)


# --- summary tables -------------------------------------------------------------

def _med(rows, fig):
    vals = [v for v in (fig.extract(r) for r in rows if cr.is_ok(r)) if v is not None]
    return (statistics.median(vals) if vals else None), vals


def promises_table(doc):
    """Each primitive's declared promises as the ledger records them, printed
    without naming any key (older files have none: the section is omitted)."""
    seen = {}
    for c in ledger(doc):
        if isinstance(c.get("promises"), dict):
            seen.setdefault(c.get("primitive"), c["promises"])
    if not seen:
        return ""
    rows = [(name, ", ".join(k if v is True else "%s=%s" % (k, v)
                             for k, v in sorted(promises.items())) or "-")
            for name, promises in sorted(seen.items(), key=lambda kv: str(kv[0]))]
    return ('<h2 id="primitives">Primitives</h2>\n'
            "<p>What each primitive declares. Validation checks a lock's exclusion and a "
            "queue's delivery and ordering; shapes and limits decide which cases run.</p>\n"
            + table(("primitive", "declared promises"), rows))


def summary_tables(doc):
    rows = cr.samples(doc)
    out = ['<h2 id="summary">Summary</h2>',
           "<p>Medians over the ok repetitions of each case; CV is that of throughput.</p>"]
    lost = [c for c in ledger(doc) if c.get("status") != "ok"
            and not any((r.get("run_name") or r.get("name")) == c.get("name") for r in rows)]
    for scenario, srows in cr.by_scenario(rows).items():
        body = []
        for name, crow in cr.group_by(srows, lambda r: r.get("run_name") or r.get("name")).items():
            r0 = crow[0]
            tput, tv = _med(crow, FIGURE_BY_KEY["throughput"])
            p99, _ = _med(crow, FIGURE_BY_KEY["p99"])
            cpu, _ = _med(crow, FIGURE_BY_KEY["cpu_ns_per_op"])
            jain, _ = _med(crow, FIGURE_BY_KEY["jain_index"])
            statuses = {r.get("status") for r in crow}
            status = "ok" if statuses == {"ok"} else ", ".join(sorted(map(str, statuses - {"ok"})))
            cv = st.cv(tv) if len(tv) > 1 else None
            body.append((r0.get("primitive"), cr.params_text(cr.fixed_params(r0)),
                         cr.threads_of(r0), badge(status), len(crow),
                         fmt_value(tput, "ops/s"), "-" if cv is None else "%.1f%%" % (100 * cv),
                         fmt_value(jain, ""), fmt_value(p99, "ns"),
                         primary_latency_key(r0) or "", fmt_value(cpu, "ns")))
        body.sort(key=lambda b: (str(b[1]), str(b[0]), b[2] if isinstance(b[2], int) else 0))
        bad = ['class="v-ok"' not in b[3][1] for b in body]
        out.append("<details open><summary>%s (%d cases)</summary>" % (esc(scenario), len(body)))
        out.append(table(("primitive", "parameters", "threads", "status", "samples",
                          "throughput", "CV", "Jain", "p99", "latency kind", "CPU/op"), body,
                         numeric=(2, 4, 5, 6, 7, 8, 10),
                         row_class=lambda i, bad=bad: "bad" if bad[i] else None))
        out.append("</details>")
    if lost:
        out.append("<p>No sample at all (listed under Validation): %s</p>"
                   % esc(", ".join(str(c.get("name")) for c in lost)))
    return "\n".join(out)


# --- comparison --------------------------------------------------------------------

def comparison(report, base_path):
    s = report["summary"]
    out = ['<h2 id="comparison">Comparison with %s</h2>' % esc(base_path),
           "<p><strong>%s</strong> (%d cases matched; %d only in BASE, %d only in NEW). "
           "Gate: <span class=\"%s\">%s</span>.</p>"
           % (esc(s["line"]), s["matched"], s["only_in_base"], s["only_in_new"],
              "v-worse" if s["gate"] == "fail" else "v-better", esc(s["gate"].upper()))]
    st_ = report["settings"]
    out.append("<p>%s, %s %s, alpha %.3g; minimum effect %.0f%%; unstable above CV %.0f%%."
               "</p>" % (esc(st_["test"]), esc(st_["correction_name"]), esc(st_["family_text"]),
                         st_["alpha"], 100 * st_["min_effect"], 100 * st_["cv_threshold"]))
    for u in report["significance"]:
        if not u["lone_reachable"]:
            out.append('<div class="warn">With %d vs %d samples a change in one case alone '
                       'cannot pass the correction over %d tests (%s): only a change shared by '
                       'many cases can. %s repetitions per side would find a lone one.</div>'
                       % (u["samples"][0], u["samples"][1], u["tests"], esc(u["family"]),
                          esc(u["repetitions_needed"] or "Many more")))
            break
    rows = []
    # The console's order and folding: worst first, shared reasons once.
    for verdict, reason, members in cmp_render.fold(cmp_render.rows_of(report)):
        if reason is not None:
            rows.append((badge(verdict), "%d cases: %s" % (len(members), cmp_render.name_list(
                [m[1]["name"] for m in members], 5)), "(case)", "", "", "", "", reason))
            continue
        v, c, e, why = members[0]
        if e is None:
            rows.append((badge(v), c["name"], "(case)", c["status"]["base"],
                         c["status"]["new"], "", "", why))
        else:
            rows.append((badge(v), c["name"], e["label"],
                         fmt_value(e["base"]["median"], e["unit"]),
                         fmt_value(e["new"]["median"], e["unit"]), fmt_pct(e["effect"]),
                         fmt_p(e["p_adjusted"]), "; ".join([why] + e["notes"])))
    if rows:
        out.append(table(("verdict", "case", "figure", "BASE", "NEW", "change", "p (adj)", "why"),
                         rows, numeric=(3, 4, 5, 6)))
    else:
        out.append("<p>Every compared figure is the same.</p>")
    shapes = [x for x in report.get("shape", []) if x["verdict"] in ("worse", "better")]
    if shapes:
        out.append("<h3>Curve shape</h3>")
        out.append(table(("verdict", "scenario", "primitive", "parameters", "change"),
                         [(badge(x["verdict"]), x["scenario"], x["primitive"],
                           cr.params_text(x["params"]), "; ".join(x["changes"]))
                          for x in shapes]))
    for label, names in (("Only in BASE", report["only_in_base"]),
                         ("Only in NEW", report["only_in_new"])):
        if names:
            out.append("<p><strong>%s</strong> (%d): %s</p>" % (label, len(names),
                                                                 esc(", ".join(names))))
    return "\n".join(out)


# --- figures and page ---------------------------------------------------------------

def figures(svgs, error):
    out = ['<h2 id="figures">Figures</h2>']
    if error:
        out.append('<div class="banner">The figures could not be drawn: %s</div>' % esc(error))
    if not svgs and not error:
        out.append("<p>No samples to plot.</p>")
    for stem, svg in svgs:
        out.append("<figure>%s<figcaption>%s</figcaption></figure>" % (svg, esc(stem)))
    return "\n".join(out)


def page(title, subtitle, sections):
    nav = " ".join('<a href="#%s">%s</a>' % (anchor, esc(label)) for anchor, label, _ in sections)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>%s</h1>"
            "<p>%s</p></header>\n<main>\n<nav>%s</nav>\n%s\n</main>\n</body>\n</html>\n"
            % (esc(title), STYLE, esc(title), esc(subtitle), nav,
               "\n".join(body for _, _, body in sections)))
