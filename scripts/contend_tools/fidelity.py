"""The harness-fidelity benchmark: does contend measure the primitive or itself?

Usage: fidelity.py [--bin build/contend] [--repetitions 5] [--json FILE]

Measures, side by side in the same minute on the same CPUs, every figure
contend prints against its reference (issue 9, README "Methodology"):

  locks   locks.contention at 1 thread, cs_ns=0, think_ns=0, cs_lines=0,
          pinned (validation on), in ns/op, against the micro suite's
          lock/<name> (Google Benchmark, same binary); the `none` control
          against loop/empty.
          Targets: none <= 1.5x loop/empty; every lock within +-15 %.
  queues  queues.throughput at 1 producer x 1 consumer, capacity 1024,
          32-byte messages, wait=spin, pinned to the first two CPUs: the
          harness's items/s against the project's bare push/pop loop of the
          same queue measured in the same repetition (harness_over_bare,
          the median over repetitions of each one's ratio).
          Targets: 0.85..1.15, and the bare loop's ranking preserved (pairs
          inverted are counted; those the bare loop separates by more than
          1.3x are named).

Prints one table per group with the ratio and whether it is inside its
target. A benchmark, not a test: the machine's noise is part of what it
shows, so it exits 0 whatever the ratios (2 when contend cannot be run).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from . import contend_result as cr

LOCK_TARGET = 0.15
NONE_TARGET = 1.5
QUEUE_TARGET = (0.85, 1.15)  # harness/sample.hpp kHarnessOverBare*
CLEAR_GAP = 1.3  # bare figures this far apart must keep their order


def run_contend(binary, args):
    p = subprocess.run([binary] + args, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.stderr.write("fidelity.py: contend %s failed (%d): %s\n"
                         % (" ".join(args[:2]), p.returncode, p.stderr.strip()[-400:]))
        sys.exit(2)
    return p.stdout


def medians(path, extract):
    """{primitive: median of extract(row)} over the file's ok samples."""
    doc = cr.read_json(path)
    values = {}
    for row in cr.samples(doc):
        if row.get("status") != "ok":
            continue
        v = extract(row)
        if v is not None:
            values.setdefault(row["primitive"], []).append(v)
    return {p: cr.median(v) for p, v in values.items()}


def scenario_primitives(binary, scenario):
    """The primitives `contend list` names for a scenario (controls left out)."""
    listing = json.loads(run_contend(binary, ["list", "--json"]))
    for suite in listing["suites"]:
        for sc in suite["scenarios"]:
            if sc["name"] == scenario:
                return sc["primitives"]
    return []


def locks(binary, reps, tmp):
    out = os.path.join(tmp, "locks.json")
    prims = ["none"] + scenario_primitives(binary, "locks.contention")
    run_contend(binary, ["run", "locks.contention", "--primitive", ",".join(prims),
                         "--threads", "1", "--set", "cs_ns=0",
                         "--set", "think_ns=0", "--set", "cs_lines=0", "--pin", "compact",
                         "--repetitions", str(reps), "--duration", "100ms", "-q", "-o", out])
    harness = medians(out, lambda r: 1e9 / r["items_per_second"]
                      if r.get("items_per_second") else None)
    micro_json = run_contend(binary, ["micro", "--benchmark_format=json",
                                      "--benchmark_repetitions=%d" % reps,
                                      "--benchmark_report_aggregates_only=true",
                                      "--benchmark_filter=^(loop/empty|lock/[a-z0-9_]+)$"])
    micro = {}
    for b in json.loads(micro_json)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            micro[b["run_name"]] = b["real_time"]
    rows = []
    for prim in sorted(harness):
        ref_name = "loop/empty" if prim == "none" else "lock/" + prim
        ref = micro.get(ref_name)
        if ref is None:
            continue
        ratio = harness[prim] / ref
        ok = ratio <= NONE_TARGET if prim == "none" else abs(ratio - 1) <= LOCK_TARGET
        rows.append({"primitive": prim, "harness_ns": harness[prim], "reference": ref_name,
                     "reference_ns": ref, "ratio": ratio, "within_target": ok})
    return rows


def queues(binary, reps, tmp):
    out = os.path.join(tmp, "queues.json")
    run_contend(binary, ["run", "queues.throughput", "--set", "producers=1", "--set",
                         "consumers=1", "--set", "capacity=1024", "--set", "payload_bytes=32",
                         "--set", "wait=spin", "--pin", "compact", "--repetitions", str(reps),
                         "--duration", "100ms", "-q", "-o", out])
    harness = medians(out, lambda r: r.get("items_per_second"))
    bare = medians(out, lambda r: (r.get("metrics") or {}).get("bare_items_per_s"))
    # The ratio of each repetition (harness and bare loop in the same minute),
    # then their median: the machine's drift between repetitions cancels.
    ratio = medians(out, lambda r: (r.get("metrics") or {}).get("harness_over_bare"))
    rows = []
    for prim in sorted(set(harness) & set(bare) & set(ratio)):
        ok = QUEUE_TARGET[0] <= ratio[prim] <= QUEUE_TARGET[1]
        rows.append({"primitive": prim, "harness_items_per_s": harness[prim],
                     "bare_items_per_s": bare[prim], "ratio": ratio[prim], "within_target": ok})
    return rows, ranking_inversions(rows)


def ranking_inversions(rows):
    """Pairs of queues whose order contend inverts: (all inverted pairs,
    inverted pairs the bare loop separates by more than CLEAR_GAP). Two queues
    within a few per cent of each other swap with the machine's noise; an
    inversion of a clear gap is the harness changing the answer."""
    every, clear = [], []
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            if (a["bare_items_per_s"] - b["bare_items_per_s"]) * \
                    (a["harness_items_per_s"] - b["harness_items_per_s"]) >= 0:
                continue
            pair = (a["primitive"], b["primitive"])
            every.append(pair)
            hi, lo = sorted((a["bare_items_per_s"], b["bare_items_per_s"]), reverse=True)
            if lo > 0 and hi / lo > CLEAR_GAP:
                clear.append(pair)
    return every, clear


def mark(ok):
    return "ok" if ok else "MISS"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), os.pardir,
                                                  os.pardir, "build", "contend"))
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args(argv)
    if not os.access(args.bin, os.X_OK):
        sys.stderr.write("fidelity.py: --bin: %s is not an executable contend\n" % args.bin)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        lock_rows = locks(args.bin, args.repetitions, tmp)
        queue_rows, (inverted, clear_inversions) = queues(args.bin, args.repetitions, tmp)

    print("Locks, 1 thread, no delays, validation on (ns/op, medians of %d):"
          % args.repetitions)
    print("  %-22s %9s  %-24s %9s %7s" % ("primitive", "contend", "reference", "ref", "ratio"))
    for r in lock_rows:
        print("  %-22s %9.2f  %-24s %9.2f %7.2f  %s" % (
            r["primitive"], r["harness_ns"], r["reference"], r["reference_ns"], r["ratio"],
            mark(r["within_target"])))
    print("  targets: none <= %.1fx loop/empty; locks within +-%d %% of the micro suite"
          % (NONE_TARGET, LOCK_TARGET * 100))
    print()
    print("Queues, 1x1, capacity 1024, 32-byte messages, spin, pinned (M items/s):")
    print("  %-22s %9s %9s %7s" % ("queue", "contend", "bare", "ratio"))
    for r in queue_rows:
        print("  %-22s %9.2f %9.2f %7.2f  %s" % (
            r["primitive"], r["harness_items_per_s"] / 1e6, r["bare_items_per_s"] / 1e6,
            r["ratio"], mark(r["within_target"])))
    inside = sum(r["within_target"] for r in queue_rows)
    print("  target: %.2f..%.2f: %d of %d inside" % (QUEUE_TARGET[0], QUEUE_TARGET[1], inside,
                                                    len(queue_rows)))
    print("  bare ranking: %d of %d pairs inverted; %d of them further apart than %.1fx in the "
          "bare loop%s" % (len(inverted), len(queue_rows) * (len(queue_rows) - 1) // 2,
                           len(clear_inversions), CLEAR_GAP,
                           (": " + ", ".join("%s/%s" % p for p in clear_inversions))
                           if clear_inversions else ""))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"locks": lock_rows, "queues": queue_rows,
                       "queue_pairs_inverted": inverted,
                       "queue_clear_pairs_inverted": clear_inversions}, f, indent=1)
    return 0

