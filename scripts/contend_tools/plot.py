"""Plot a contend result file.

Usage: plot.py RESULT.json [-o DIR]

For every scenario and every combination of its parameters other than
`threads`, writes PNG and SVG figures (same basename) into DIR, by default
RESULT-plots/ beside RESULT.json (scenario_figures/kind_generic.py):

  <scenario>__<params>__throughput    operations/s vs threads, median and min-max band
  <scenario>__<params>__fairness      Jain's fairness index vs threads
  <scenario>__<params>__latency       p50/p90/p99/p99.9 wait at the highest thread count
  <scenario>__<params>__share         per-thread share of the operations, least fair case
  <scenario>__<params>__rw_throughput read and write operations/s (reader-writer scenarios)

Queue scenarios get their own figures instead, <params> being the parameters
other than producers and consumers (scenario_figures/kind_queues.py):

  queues.throughput__<params>__heatmap     items/s over producers x consumers, per queue
  queues.throughput__<params>__throughput  items/s vs producers + consumers, per queue
  queues.throughput__<params>__latency     enqueue->dequeue percentiles at the 1x1 shape
  queues.pingpong__<params>__round_trip    round trip per queue beside the cache-line floor

Paced queue scenarios (rows with an offered `rate`) get one figure per
combination of the parameters other than the rate (scenario_figures/kind_paced.py):

  queues.paced__<params>__paced   enqueue->dequeue p50/p99 and achieved/offered
                                  vs offered rate per queue, saturation ringed

A scenario with a plugin of its own (scenario_figures/<suite>_<name>.py:
the threads and problems scenarios) gets that plugin's figures instead,
named in its module.

Colours are fixed per primitive (sorted by name) across every figure of a
scenario. Only `status: ok` samples make the lines and colours; a case with any
other status is drawn in red and named, never dropped. Threads beyond context.num_cpus
are shaded as oversubscribed. Prints the files it wrote.

Exit status: 0 figures written; 1 nothing to plot; 2 the file is not a
readable contend result (one line on stderr).
"""
import argparse
import os
import sys

from . import contend_result as cr
from .result_inputs import read_result

# The figures are drawn by plot_figures.py in the look of plot_style.py. Both
# start matplotlib when imported, so main() imports them only once the input
# is known to be plottable: a bad file gets its one-line error without
# matplotlib's start-up chatter.

PROG = "plot.py"


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
    doc = read_result(PROG, args.result)
    if doc is None:
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
    from . import plot_figures  # starts matplotlib; see the note above PROG
    written = plot_figures.Figures(doc, out_dir).run()
    if not written:
        print("%s: %s: no plottable rows" % (PROG, args.result), file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0

