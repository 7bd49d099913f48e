"""Export a contend result as CSV for spreadsheets: one row per sample.

Usage: export_csv.py RESULT.json [-o OUT.csv]

One row per measured repetition (run_type "iteration"); aggregates are left
out because a spreadsheet recomputes them from the samples. Columns, in a
stable order so that two exports line up:

  name, scenario, primitive, status, repetition_index, threads
  params.<name>              every parameter but threads, sorted by name
  metrics.<name>             every metric, sorted by name
  latency.<kind>.<figure>    each latency kind, sorted by name, then count,
                             mean, p50, p90, p99, p999, max
  validation.ok

A missing figure is an empty cell; true/false are written as such. Writes to
stdout without -o.

Exit status: 0 written; 2 the file is not a readable contend result, or the
output cannot be written (one line on stderr).
"""
import argparse
import csv
import io
import os
import sys

from . import contend_result as cr
from .result_inputs import OneLineParser, read_result

PROG = "export_csv.py"
IDENTITY = ("name", "scenario", "primitive", "status", "repetition_index", "threads")
LATENCY_FIGURES = ("count", "mean", "p50", "p90", "p99", "p999", "max")


def cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float("inf"), float("-inf")) else ""
    if isinstance(v, (int, str)):
        return v
    return ""  # a nested value has no single cell


def columns(rows):
    params, metrics, lat = set(), set(), set()
    for r in rows:
        params.update(k for k in (r.get("params") or {}) if k != "threads")
        metrics.update(k for k, v in (r.get("metrics") or {}).items()
                       if not isinstance(v, (dict, list)))
        lat.update(k for k, v in (r.get("latency") or {}).items() if isinstance(v, dict))
    cols = list(IDENTITY)
    cols += ["params." + k for k in sorted(params)]
    cols += ["metrics." + k for k in sorted(metrics)]
    cols += ["latency.%s.%s" % (k, f) for k in sorted(lat) for f in LATENCY_FIGURES]
    cols.append("validation.ok")
    return cols


def record(r):
    out = {"name": r.get("run_name") or r.get("name"), "scenario": r.get("scenario"),
           "primitive": r.get("primitive"), "status": r.get("status"),
           "repetition_index": r.get("repetition_index"), "threads": cr.threads_of(r)}
    for k, v in (r.get("params") or {}).items():
        out["params." + k] = v
    for k, v in (r.get("metrics") or {}).items():
        out["metrics." + k] = v
    for k, lat in (r.get("latency") or {}).items():
        if isinstance(lat, dict):
            for f in LATENCY_FIGURES:
                out["latency.%s.%s" % (k, f)] = lat.get(f)
    val = r.get("validation")
    out["validation.ok"] = val.get("ok") if isinstance(val, dict) else None
    return out


def to_csv(doc):
    rows = cr.samples(doc)
    cols = columns(rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        rec = record(r)
        w.writerow([cell(rec.get(c)) for c in cols])
    return buf.getvalue(), len(rows)


def main(argv=None):
    ap = OneLineParser(prog=PROG, description=__doc__.split("\n\n", 2)[2],
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("result", metavar="RESULT.json")
    ap.add_argument("-o", "--output", metavar="OUT.csv", help="where to write (default stdout)")
    args = ap.parse_args(argv)
    doc = read_result(PROG, args.result)
    if doc is None:
        return 2
    text, n = to_csv(doc)
    if not args.output:
        sys.stdout.write(text)
        return 0
    tmp = args.output + ".tmp"
    try:
        # Written whole, then renamed: a spreadsheet never opens half a file.
        with open(tmp, "w", newline="") as f:
            f.write(text)
        os.replace(tmp, args.output)
    except OSError as e:
        print("%s: error: %s: cannot write: %s" % (PROG, args.output, e.strerror or e),
              file=sys.stderr)
        return 2
    print("%s: %d samples" % (args.output, n))
    return 0

