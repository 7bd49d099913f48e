"""Draw the results store as one self-contained HTML trend page.

Usage: dashboard.py [--store URL] -o FILE [options]

For a machine, a scenario and a parameter set (thread count included), each
primitive's figure over its runs: the median of its repetitions as a line,
their min..max as a band, change points marked on the chart and listed under
it with the two revisions around each, and a table of the latest verdicts
(every series' latest median against the level before its last change
point: worse first). Filters in the page (machine, scenario, primitives,
figure, parameters, x axis, log scale) redraw it; they live in the URL's
hash, so a view can be linked: dashboard.html#figure=cpu_ns_per_op&
primitive=ticket. Nothing is fetched: uPlot (scripts/fetch-web-deps.sh puts
it in build/web; $CONTEND_WEB_DIR names another folder) and every number are
inside the file, numbers as one compact JSON blob.

Change points are history.py's, by its own analyse(): binary segmentation
with a permutation test (999 permutations, more where the correction needs
them), Benjamini-Hochberg across every series of the page, min shift 5 %,
min segment 2 runs; over the runs drawn (--last N: each machine's last N).
Their cost grows with series x runs: on the 2-vCPU development VM (another
build running), a store of 1,000 runs x 289 cases (the reference run
cloned, 270 MB) took 74 s and made a 20 MB page for all four figures (the
default: the figure filter needs them), two thirds of it in the permutation
tests (199 first-pass permutations instead of 999 saved only a sixth: more
series then need the closer look the correction asks for, so history.py's
count is kept); 21 s and 6.5 MB for --figure throughput alone. Chromium
draws either page in 1-1.5 s. Per machine, the runs of its latest run's
measurement configuration are drawn (as history.py --store); the summary
line counts the others.

Exit status: 0 written; 2 bad input (an empty store, an unknown machine or
figure, an unwritable -o, uPlot not installed: one line on stderr); 3 the
store failed.
"""
import os
import re
import shutil
import subprocess
import sys
import time

from . import dashboard_data as data
from . import dashboard_page as page
from . import store_db as db
from .result_inputs import InputError, exit_status, tool_parser

PROG = "dashboard.py"


def parser():
    ap = tool_parser(PROG, __doc__)
    ap.add_argument("--store", metavar="URL", help="the store (default: $%s, else %s)"
                    % (db.ENV, db.default_path()))
    ap.add_argument("-o", "--out", required=True, metavar="FILE", help="the HTML file to write")
    ap.add_argument("--machine", metavar="M",
                    help="only this machine (id, fingerprint or host name); default: all")
    ap.add_argument("--figure", default="throughput,cpu_ns_per_op,jain_index,p99",
                    help="comma-separated figures: throughput, cpu_ns_per_op, jain_index, p99 "
                         "(default: %(default)s)")
    ap.add_argument("--x", choices=("date", "revision"), default="date",
                    help="x axis the page opens with: run date, or runs in order labelled "
                         "with their revision (default: date)")
    ap.add_argument("--revision-url", metavar="URL",
                    help="link for a revision, {rev} replaced by it, e.g. "
                         "https://github.com/o/r/commit/{rev}")
    ap.add_argument("--last", type=int, metavar="N", help="only each machine's last N runs")
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return exit_status(PROG, lambda: run(args))
    except db.StoreError as e:
        print("%s: error: %s" % (PROG, e), file=sys.stderr)
        return e.status


def run(args):
    if args.last is not None and args.last < 1:
        raise InputError("--last must be at least 1")
    if args.revision_url is not None and "{rev}" not in args.revision_url:
        raise InputError("--revision-url: %r has no {rev} to replace" % args.revision_url)
    figures = data.figures_of(args.figure)
    uplot = page.find_uplot()
    if uplot is None:
        raise InputError("%s (looked in %s)" % (page.MISSING, ", ".join(page.web_dirs())))
    out = os.path.abspath(args.out)
    if os.path.isdir(out) or not os.path.isdir(os.path.dirname(out)) \
            or not os.access(os.path.dirname(out), os.W_OK):
        raise InputError("-o: %s: cannot write there (%s)" % (args.out, "a folder" if
                         os.path.isdir(out) else "no such writable folder"))
    started = time.monotonic()
    store = db.open_store(args.store)
    try:
        model = data.build(store, args.machine, figures, args.last)
    except db.StoreError:
        raise
    except Exception as e:  # a database error while reading
        raise db.translate(e, store) from None
    finally:
        store.close()
    text = page.page(model, figures, args.x, args.revision_url, store.shown, uplot)
    tmp = out + ".tmp%d" % os.getpid()
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, out)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError("-o: %s: cannot write: %s" % (args.out, e.strerror or e)) from None
    runs = sum(len(m["runs"]) for m in model["machines"])
    other = sum(m["other_config_runs"] for m in model["machines"])
    print("%d run%s on %d machine%s, %d series (%d tested), %d change point%s; wrote %s "
          "(%.1f MB) in %.1f s%s" % (runs, "" if runs == 1 else "s", len(model["machines"]),
                                   "" if len(model["machines"]) == 1 else "s",
                                   len(model["series"]), model["tested"], model["changes"],
                                   "" if model["changes"] == 1 else "s", args.out,
                                   len(text.encode("utf-8")) / 1e6, time.monotonic() - started,
                                   "; %d runs of other measurement configurations left out"
                                   % other if other else ""))
    return 0


# --- rendering in a real browser (the tests and the benchmark) ------------------

def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_command(tmpdir):
    browser = chromium()
    if not browser:
        raise RuntimeError("Chromium is not installed (Debian package `chromium`; "
                           "scripts/setup.sh --with-test-tools installs it)")
    return [browser, "--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
            "--user-data-dir=" + os.path.join(tmpdir, "chromium-profile"),
            # Nothing may be fetched: every host name fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND"]


def _attrs(tag):
    return {k: v for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def render_in_chromium(html_path, tmpdir, screenshot=None, fragment="", timeout=300,
                       window="1400,2000"):
    """Open the page (with #fragment, if given) in headless Chromium and read
    what it drew from the dumped DOM: {drawn_ms (performance.now() when the
    last chart had drawn), charts, series, points (summed over the charts),
    per_chart [{series, points, changes, labels, params}], error (a script
    error, or None), dom (the DOM text), wall_s}. With `screenshot`, a PNG of
    the page is written there too (a second load)."""
    cmd = chromium_command(tmpdir)
    url = "file://" + os.path.abspath(html_path) + ("#" + fragment if fragment else "")
    t0 = time.monotonic()
    # --dump-dom prints the DOM once the load event has fired; the page draws
    # from an inline script and uPlot's microtasks, all before that event.
    p = subprocess.run(cmd + ["--window-size=" + window, "--dump-dom", url],
                       capture_output=True, text=True, timeout=timeout)
    wall = time.monotonic() - t0
    if p.returncode != 0 or "<body" not in p.stdout:
        raise RuntimeError("chromium --dump-dom failed (exit %d): %s"
                           % (p.returncode, p.stderr.strip()[-500:]))
    dom = p.stdout
    body = _attrs(re.search(r"<body[^>]*>", dom).group(0))
    charts = [_attrs(m.group(0)) for m in re.finditer(r'<div class="chart"[^>]*>', dom)]
    per_chart = [{"series": int(c.get("data-series", 0)), "points": int(c.get("data-points", 0)),
                  "changes": int(c.get("data-changes", 0)),
                  "labels": [x for x in c.get("data-labels", "").split(",") if x],
                  "params": c.get("data-params")} for c in charts]
    res = {"drawn_ms": float(body["data-drawn-ms"]) if "data-drawn-ms" in body else None,
           "charts": len(per_chart), "series": sum(c["series"] for c in per_chart),
           "points": sum(c["points"] for c in per_chart), "per_chart": per_chart,
           "error": body.get("data-error"), "dom": dom, "wall_s": wall}
    if screenshot:
        p = subprocess.run(cmd + ["--window-size=" + window, "--screenshot=" +
                                  os.path.abspath(screenshot), url],
                           capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0 or not os.path.exists(screenshot):
            raise RuntimeError("chromium --screenshot failed (exit %d): %s"
                               % (p.returncode, p.stderr.strip()[-500:]))
    return res


if __name__ == "__main__":
    sys.exit(main())
