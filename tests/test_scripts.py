#!/usr/bin/python3
"""Tests of the Python scripts: the result schema, validate_result.py, plot.py
and the contend_result module.

    /usr/bin/python3 tests/test_scripts.py RESULT.json [unittest options]

RESULT.json (or the environment variable CONTEND_RESULT) is a result file
written by a real `contend run`; the tests that need one are skipped, with a
message saying so, when neither is given. Everything is written under
temporary directories, never into the source tree.
"""
import functools
import json
import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCRIPTS = os.path.join(ROOT, "scripts")
SCHEMA = os.path.join(ROOT, "results", "contend-result.schema.json")
VALIDATE = os.path.join(SCRIPTS, "validate_result.py")
PLOT = os.path.join(SCRIPTS, "plot.py")
sys.path.insert(0, HERE)
from e2e_support import ToolCase  # noqa: E402
sys.path.insert(0, SCRIPTS)
from contend_tools import contend_result as cr  # noqa: E402

RESULT = None
NO_RESULT = ("no real result file: pass RESULT.json as the first argument or set "
             "CONTEND_RESULT (the CTest harness always passes one)")
NO_QUEUE_RESULT = ("CONTEND_QUEUE_RESULT is not set: it names a result of `contend run queues` "
                   "(queues.throughput and queues.pingpong) for the queue figures")
NO_PACED_RESULT = ("CONTEND_PACED_RESULT is not set: it names a result of `contend run "
                   "queues.paced` for the paced (offered rate) figures")


def _take_result_argument():
    """The first non-option argument is the result file; the rest go to unittest."""
    global RESULT
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        RESULT = sys.argv.pop(1)
    elif os.environ.get("CONTEND_RESULT"):
        RESULT = os.environ["CONTEND_RESULT"]


def needs_result(test):
    """Skip at run time (the argument is parsed after the classes are built)."""
    @functools.wraps(test)
    def wrapper(self, *args, **kwargs):
        if not RESULT:
            self.skipTest(NO_RESULT)
        return test(self, *args, **kwargs)
    return wrapper


def fixture():
    """A small, hand-written, valid result: 2 primitives x threads 1,2 x 2
    repetitions of one scenario, one median aggregate per case and one case
    that timed out before its first sample."""
    ctx = {
        "date": "2026-11-24T19:30:00+00:00", "host_name": "fixture", "executable": "contend",
        "num_cpus": 1, "mhz_per_cpu": 2400, "cpu_scaling_enabled": False,
        "caches": [], "load_avg": [0.0, 0.0, 0.0], "library_build_type": "release",
        "schema_version": 1, "contend_version": "0.0.0", "git_revision": None,
        "compiler": "GNU 12.2.0", "cxx_flags": "-O2", "build_type": "Release",
        "kernel": "Linux", "cpu_model": None,
        "topology": {"packages": 1, "cores": 1, "pus": 1, "numa_nodes": 1},
        "governor": None, "turbo": None, "virtual_machine": None,
        "timer": {"source": "steady_clock", "ticks_per_ns": 1.0,
                  "overhead_ns_min": 20.0, "overhead_ns_median": 25.0},
        "options": {"duration_ns": 1000000, "warmup_ns": 0, "repetitions": 2,
                    "pin": "none", "isolate": "none", "preset": "test", "sample_every": 1},
        "command_line": ["contend", "run", "locks.contention"],
        "complete": True, "warnings": [], "wall_seconds": 0.1,
    }
    cases, rows = [], []
    for prim, speed, skew in (("alpha", 2.0e7, 0.0), ("beta", 1.0e7, 0.4)):
        for threads in (1, 2):
            params = {"threads": threads, "cs_ns": 100}
            name = "locks.contention/%s/threads:%d/cs_ns:100" % (prim, threads)
            cases.append({"name": name, "scenario": "locks.contention", "primitive": prim,
                          "params": params, "status": "ok", "detail": None, "signal": None,
                          "samples": 2, "wall_seconds": 0.01})
            for rep in range(2):
                ops = int(speed / 1000 / threads) + rep * 10
                per = [ops * (1 + skew) / threads] + [ops * (1 - skew) / threads] * (threads - 1)
                per = [int(x) for x in per][:threads]
                total = sum(per)
                jain = total ** 2 / (threads * sum(x * x for x in per))
                rows.append({
                    "name": name, "run_name": name, "run_type": "iteration",
                    "repetitions": 2, "repetition_index": rep, "threads": threads,
                    "iterations": total, "real_time": 1.0e6 * threads / total,
                    "cpu_time": 1.0e6 * threads / total, "time_unit": "ns",
                    "items_per_second": total * 1000.0, "suite": "locks",
                    "scenario": "locks.contention", "primitive": prim, "params": params,
                    "status": "ok", "cpus": 1, "oversubscribed": threads > 1,
                    "metrics": {"window_ns": 1.0e6, "total_ops": total,
                                "throughput_ops_per_s": total * 1000.0, "jain_index": jain,
                                "min_max_ratio": min(per) / max(per), "handoff_rate": None},
                    "per_thread": [{"thread": i, "cpu": None, "ops": x}
                                   for i, x in enumerate(per)],
                    "latency": {"acquire_wait": {
                        "unit": "ns", "count": total, "sample_every": 1, "mean": 50.0,
                        "p50": 40.0 * threads, "p90": 90.0 * threads, "p99": 300.0 * threads,
                        "p999": 900.0 * threads, "max": 5000.0}},
                    "thread_cpus": None,
                    "validation": {"ok": True, "checks": {"mutual_exclusion_violations": 0},
                                   "detail": None},
                })
            rows.append({
                "name": name + "_median", "run_name": name, "run_type": "aggregate",
                "aggregate_name": "median", "aggregate_unit": "time", "repetitions": 2,
                "threads": threads, "iterations": rows[-1]["iterations"],
                "real_time": rows[-1]["real_time"], "cpu_time": rows[-1]["cpu_time"],
                "time_unit": "ns", "items_per_second": rows[-1]["items_per_second"],
                "suite": "locks", "scenario": "locks.contention", "primitive": prim,
                "params": params, "status": "ok", "metrics": {"jain_index": None}})
    cases.append({"name": "locks.contention/beta/threads:4/cs_ns:100",
                  "scenario": "locks.contention", "primitive": "beta",
                  "params": {"threads": 4, "cs_ns": 100}, "status": "timeout",
                  "detail": "watchdog: no progress", "signal": "SIGKILL", "samples": 0,
                  "wall_seconds": 5.0})
    return {"context": ctx, "cases": cases, "benchmarks": rows}


class ScriptCase(ToolCase):
    """ToolCase with this file's folder prefix, and the time plot.py may take
    over a whole real result."""
    TMP_PREFIX = "contend-test-scripts-"
    TIMEOUT = 600

    def real_copy(self):
        with open(RESULT, "rb") as f:
            return f.read()


class SchemaTest(ScriptCase):
    def test_schema_is_a_valid_schema(self):
        import jsonschema
        with open(SCHEMA) as f:
            schema = json.load(f)
        jsonschema.validators.validator_for(schema).check_schema(schema)

    def test_fixture_is_valid(self):
        p = self.run_script(VALIDATE, self.write("fixture.json", fixture()))
        self.assertExit(p, 0)
        self.assertEqual(len(p.stdout.splitlines()), 1)
        self.assertIn(": ok", p.stdout)

    def test_schema_catches_real_mistakes(self):
        def bad_status(d):
            d["benchmarks"][0]["status"] = "fine"

        def threads_as_string(d):
            d["benchmarks"][0]["threads"] = "2"

        def iteration_without_metrics(d):
            del d["benchmarks"][0]["metrics"]

        def iteration_without_repetition_index(d):
            del d["benchmarks"][0]["repetition_index"]

        def aggregate_without_name(d):
            del [r for r in d["benchmarks"] if r["run_type"] == "aggregate"][0]["aggregate_name"]

        def unknown_run_type(d):
            d["benchmarks"][0]["run_type"] = "sample"

        def no_num_cpus(d):
            del d["context"]["num_cpus"]

        def complete_as_string(d):
            d["context"]["complete"] = "yes"

        def case_bad_status(d):
            d["cases"][0]["status"] = "failed"

        def jain_as_string(d):
            d["benchmarks"][0]["metrics"]["jain_index"] = "0.9"

        def percentile_missing(d):
            del d["benchmarks"][0]["latency"]["acquire_wait"]["p99"]

        def no_cases(d):
            del d["cases"]

        for mutate in (bad_status, threads_as_string, iteration_without_metrics,
                       iteration_without_repetition_index, aggregate_without_name,
                       unknown_run_type, no_num_cpus, complete_as_string, case_bad_status,
                       jain_as_string, percentile_missing, no_cases):
            with self.subTest(mutation=mutate.__name__):
                d = fixture()
                mutate(d)
                p = self.run_script(VALIDATE, self.write(mutate.__name__ + ".json", d))
                self.assertExit(p, 1)
                self.assertIn("invalid", p.stdout)

    def test_later_fields_are_allowed(self):
        d = fixture()
        d["context"]["new_context_field"] = {"x": 1}
        d["benchmarks"][0]["new_row_field"] = [1, 2]
        d["benchmarks"][0]["metrics"]["new_metric"] = 3.5
        self.assertExit(self.run_script(VALIDATE, self.write("later.json", d)), 0)


class ValidateResultTest(ScriptCase):
    @needs_result
    def test_real_result_is_valid(self):
        p = self.run_script(VALIDATE, RESULT)
        self.assertExit(p, 0)
        self.assertEqual(len(p.stdout.splitlines()), 1, p.stdout)

    @needs_result
    def test_rejects_nan_copy(self):
        d = json.loads(self.real_copy())
        if d.get("benchmarks"):
            d["benchmarks"][0]["real_time"] = float("nan")
        else:
            d["context"]["wall_seconds"] = float("inf")
        path = self.write("nan.json", d)
        with open(path) as f:
            self.assertRegex(f.read(), r"\bNaN\b|\bInfinity\b")
        p = self.run_script(VALIDATE, path)
        self.assertExit(p, 1)
        self.assertRegex(p.stdout, r"NaN|Infinity")

    @needs_result
    def test_rejects_truncated_copy(self):
        raw = self.real_copy()
        p = self.run_script(VALIDATE, self.write("truncated.json", raw[:len(raw) // 2]))
        self.assertExit(p, 2)
        self.assertIn("truncated", p.stdout)

    def test_rejects_non_contend_json(self):
        p = self.run_script(VALIDATE, self.write("a.json", '{"a":1}'))
        self.assertExit(p, 1)
        self.assertEqual(len(p.stdout.splitlines()), 1)

    def test_missing_file_is_unreadable(self):
        p = self.run_script(VALIDATE, os.path.join(self.tmp, "does-not-exist.json"))
        self.assertExit(p, 2)

    def test_worst_status_wins(self):
        good = self.write("good.json", fixture())
        bad = self.write("bad.json", '{"a":1}')
        p = self.run_script(VALIDATE, good, bad)
        self.assertExit(p, 1)
        self.assertEqual(len(p.stdout.splitlines()), 2)


class PlotTest(ScriptCase):
    def check_plots(self, proc, out_dir, kinds=("throughput", "fairness")):
        self.assertExit(proc, 0)
        listed = proc.stdout.split()
        self.assertTrue(listed, "plot.py printed no files")
        on_disk = sorted(os.path.join(out_dir, n) for n in os.listdir(out_dir))
        self.assertEqual(sorted(os.path.abspath(p) for p in listed),
                         [os.path.abspath(p) for p in on_disk])
        pngs = [p for p in on_disk if p.endswith(".png")]
        svgs = [p for p in on_disk if p.endswith(".svg")]
        self.assertTrue(pngs)
        self.assertEqual([p[:-4] for p in pngs], [p[:-4] for p in svgs])
        for p in pngs + svgs:
            self.assertGreater(os.path.getsize(p), 1024, p)
        for p in pngs:
            with open(p, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", p)
        found = {os.path.basename(p)[:-4].rsplit("__", 1)[-1] for p in pngs}
        self.assertTrue(set(kinds) <= found, found)
        return on_disk

    @needs_result
    def test_plot_real_result(self):
        out = os.path.join(self.tmp, "plots")
        self.check_plots(self.run_script(PLOT, RESULT, "-o", out), out)

    def test_plot_queue_result(self):
        path = os.environ.get("CONTEND_QUEUE_RESULT")
        if not path:
            self.skipTest(NO_QUEUE_RESULT)
        self.assertTrue(os.path.isfile(path), "CONTEND_QUEUE_RESULT=%s: no such file" % path)
        out = os.path.join(self.tmp, "plots")
        names = [os.path.basename(p) for p in self.check_plots(
            self.run_script(PLOT, os.path.abspath(path), "-o", out), out,
            kinds=("heatmap", "round_trip"))]
        for scenario, kind in (("queues.throughput", "heatmap"),
                               ("queues.pingpong", "round_trip")):
            pngs = [n for n in names if n.startswith(scenario + "__")
                    and n.endswith("__%s.png" % kind)]
            self.assertTrue(pngs, "no %s figure for %s in %s" % (kind, scenario, names))
        # One figure per parameter set, never one per (producers, consumers) pair.
        # The heatmap spans producers x consumers: no queues.throughput figure
        # is split by shape (paced figures are, one per shape, by design).
        self.assertFalse([n for n in names if n.startswith("queues.throughput")
                          and ("producers-" in n or "consumers-" in n)], names)

    def test_plot_paced_result(self):
        path = os.environ.get("CONTEND_PACED_RESULT")
        if not path:
            self.skipTest(NO_PACED_RESULT)
        self.assertTrue(os.path.isfile(path), "CONTEND_PACED_RESULT=%s: no such file" % path)
        out = os.path.join(self.tmp, "plots")
        files = self.check_plots(self.run_script(PLOT, os.path.abspath(path), "-o", out), out,
                                 kinds=("paced",))
        names = [os.path.basename(p) for p in files]
        pngs = [p for p in files if os.path.basename(p).startswith("queues.paced__")
                and p.endswith("__paced.png")]
        self.assertTrue(pngs, "no paced figure for queues.paced in %s" % names)
        for png in pngs:
            self.assertGreater(os.path.getsize(png), 1024, png)
        # Paced rows get the paced figure only: not the lock figures, not the
        # queues.throughput ones, and one figure per parameter set, not per rate.
        paced = [n for n in names if n.startswith("queues.paced__")]
        self.assertFalse([n for n in paced if not n.endswith(("__paced.png", "__paced.svg"))],
                         paced)
        self.assertFalse([n for n in paced if "rate-" in n], paced)

    def test_plot_fixture(self):
        out = os.path.join(self.tmp, "plots")
        files = self.check_plots(self.run_script(PLOT, self.write("f.json", fixture()),
                                                 "-o", out), out)
        names = {os.path.basename(p) for p in files}
        for kind in ("throughput", "fairness", "latency", "share"):
            self.assertIn("locks.contention__cs_ns-100__%s.png" % kind, names)

    def test_default_out_dir_is_beside_the_json(self):
        path = self.write("run1.json", fixture())
        p = self.run_script(PLOT, path)
        self.check_plots(p, os.path.join(self.tmp, "run1-plots"))

    def test_non_contend_file(self):
        path = self.write("a.json", '{"a":1}')
        p = self.run_script(PLOT, path, "-o", os.path.join(self.tmp, "plots"))
        self.assertExit(p, 2)
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("plot.py: error: %s: " % path), lines[0])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "plots")))

    def test_no_plottable_rows(self):
        d = fixture()
        d["benchmarks"] = [r for r in d["benchmarks"] if r["run_type"] == "aggregate"]
        p = self.run_script(PLOT, self.write("agg.json", d), "-o", self.tmp + "/plots")
        self.assertExit(p, 1)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)


class ModuleTest(ScriptCase):
    def test_statuses_are_the_schemas_and_rank_by_severity(self):
        with open(cr.SCHEMA_PATH) as f:
            enum = json.load(f)["$defs"]["status"]["enum"]
        self.assertEqual(set(cr.STATUSES), set(enum))
        self.assertEqual(cr.worst_status(["ok", "crashed", "invalid"]), "crashed")
        self.assertEqual(cr.worst_status(["", None, "ok"]), "ok")
        self.assertEqual(cr.worst_status([]), "ok")
        self.assertGreater(cr.severity("something new"), cr.severity("crashed"))

    def assertLoadError(self, path, cls, text):
        with self.assertRaises(cls) as cm:
            cr.load(path)
        self.assertIn(text, str(cm.exception))
        self.assertNotIn("\n", str(cm.exception))

    def test_load_errors(self):
        self.assertLoadError(os.path.join(self.tmp, "nope.json"), cr.UnreadableError,
                             "no such file")
        self.assertLoadError(self.write("e.json", ""), cr.UnreadableError, "empty")
        self.assertLoadError(self.write("t.json", '{"context": {"a": [1, 2'),
                             cr.UnreadableError, "truncated")
        self.assertLoadError(self.write("g.json", "{x}"), cr.UnreadableError, "not JSON")
        self.assertLoadError(self.write("a.json", '{"a":1}'), cr.NotAResultError,
                             "not a contend result")
        self.assertLoadError(self.write("l.json", "[1]"), cr.NotAResultError,
                             "not a contend result")
        self.assertLoadError(self.write("n.json", '{"context": {"schema_version": 1}, '
                                        '"benchmarks": [], "x": NaN}'),
                             cr.NonFiniteError, "NaN")
        for cls in (cr.UnreadableError, cr.NotAResultError, cr.NonFiniteError):
            self.assertTrue(issubclass(cls, cr.ContendResultError))

    def test_lenient_load_reads_nan_as_none(self):
        doc = cr.load(self.write("n.json", '{"context": {"schema_version": 1}, '
                                 '"benchmarks": [{"x": NaN}]}'), strict=False)
        self.assertIsNone(doc["benchmarks"][0]["x"])

    def test_grouping(self):
        doc = fixture()
        rows = cr.samples(doc)
        self.assertTrue(all(r["run_type"] == "iteration" for r in rows))
        self.assertEqual(len(rows), 8)
        self.assertEqual(len(cr.aggregates(doc, "median")), 4)
        groups = cr.group_cases(rows)
        self.assertEqual(set(groups), {("locks.contention", "alpha", (("cs_ns", 100),)),
                                       ("locks.contention", "beta", (("cs_ns", 100),))})
        self.assertTrue(all(len(g) == 4 for g in groups.values()))
        self.assertEqual(cr.params_slug({"cs_ns": 100, "relax": "pause"}),
                         "cs_ns-100_relax-pause")
        self.assertEqual(cr.params_slug({}), "default")
        self.assertNotIn("/", cr.slug("a/b c:d"))

    def test_parameter_sets_merge_subsets(self):
        rows = [{"scenario": "s", "primitive": "a", "params": {"threads": 1, "x": 1, "r": "p"}},
                {"scenario": "s", "primitive": "a", "params": {"threads": 1, "x": 1, "r": "q"}},
                {"scenario": "s", "primitive": "b", "params": {"threads": 1, "x": 1}},
                {"scenario": "s", "primitive": "b", "params": {"threads": 1, "x": 2}}]
        sets = {tuple(sorted(p.items())): [r["primitive"] for r in m]
                for p, m in cr.parameter_sets(rows)}
        self.assertEqual(sets, {(("r", "p"), ("x", 1)): ["a", "b"],
                                (("r", "q"), ("x", 1)): ["a", "b"],
                                (("x", 2),): ["b"]})


class FidelityRankingTest(unittest.TestCase):
    """fidelity.py's ranking check: noise may swap close neighbours, but an
    inversion of a clear gap in the bare loop is named."""

    def test_inversions_count_every_pair_and_name_the_clear_ones(self):
        from contend_tools import fidelity
        rows = [{"primitive": p, "bare_items_per_s": b, "harness_items_per_s": h}
                for p, b, h in (("fast", 40e6, 20e6), ("close", 21e6, 22e6),
                                ("slow", 20e6, 23e6))]
        every, clear = fidelity.ranking_inversions(rows)
        self.assertEqual(sorted(every), [("close", "slow"), ("fast", "close"),
                                         ("fast", "slow")])
        self.assertEqual(sorted(clear), [("fast", "close"), ("fast", "slow")])
        kept = [dict(r, harness_items_per_s=r["bare_items_per_s"]) for r in rows]
        self.assertEqual(fidelity.ranking_inversions(kept), ([], []))


def main():
    global RESULT
    _take_result_argument()
    if RESULT is None:
        print("test_scripts.py: %s; those tests are skipped." % NO_RESULT, file=sys.stderr)
    elif not os.path.isfile(RESULT):
        print("test_scripts.py: error: %s: no such file" % RESULT, file=sys.stderr)
        sys.exit(2)
    else:
        RESULT = os.path.abspath(RESULT)  # the scripts run in a temporary directory
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
