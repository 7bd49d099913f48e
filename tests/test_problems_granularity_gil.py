#!/usr/bin/env python3
"""End-to-end tests of problems.granularity and problems.gil through the
contend binary: bad parameters are refused with one line and exit 2; a short
real run of both scenarios is valid, matches the schema, carries the
scenarios' own figures and the harness's report of their delays, and plot.py
draws one figure per scenario from it.

Run by CTest with CONTEND_BIN (the binary) in the environment."""
import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402

# The harness's report of a delay (harness/delays.hpp, report_delays).
DELAY_KEYS = e2e.DELAY_KEYS


class BadParameters(e2e.Case):
    CASES = [
        (["run", "problems.granularity", "--set", "stripes=0"], "stripes"),
        (["run", "problems.granularity", "--set", "stripes=many"], "stripes"),
        (["run", "problems.granularity", "--set", "accounts=0"], "accounts"),
        (["run", "problems.granularity", "--set", "lock=rwlock"], "lock"),
        (["run", "problems.granularity", "--set", "cs_ns=-1"], "cs_ns"),
        (["run", "problems.granularity", "--set", "audit_us=2000000"], "audit_us"),
        (["run", "problems.granularity", "--primitive", "striped_locks",
          "--set", "stripes=4096"], "stripes"),
        (["run", "problems.gil", "--set", "io_pct=100"], "io_pct"),
        (["run", "problems.gil", "--set", "switch_us=5"], "switch_us"),
        (["run", "problems.gil", "--set", "task_us=x"], "task_us"),
        (["run", "problems.gil", "--set", "unit_ns=0"], "unit_ns"),
        (["run", "problems.gil", "--primitive", "gil_io", "--set", "task_us=100",
          "--set", "unit_ns=50000"], "unit_ns"),
    ]

    def test_exit_2_with_one_line(self):
        self.assert_refused(self.CASES, ["--quiet"])


class ShortRun(e2e.OneRun):
    # 40 ms windows: on a loaded machine (other tests, other builds) a
    # thread can wait 20 ms for a CPU, and a window in which nothing ran
    # is rightly reported as no progress.
    RUN = ["run", "problems.granularity", "problems.gil", "--threads", "1,2",
           "--duration", "40ms", "--warmup", "5ms", "--repetitions", "2", "--quiet"]
    TIMEOUT = 150

    def test_every_case_ok(self):
        self.assert_every_case_ok()
        prims = {c["primitive"] for c in self.doc["cases"]}
        self.assertEqual(prims, {"global_lock", "striped_locks", "account_locks",
                                 "account_locks_padded", "atomic_accounts",
                                 "gil_cpu", "gil_io", "no_gil_cpu", "no_gil_io"})

    def test_schema(self):
        self.assert_valid(self.out)

    def test_granularity_figures(self):
        rows = [r for r in self.rows if r["scenario"] == "problems.granularity"]
        by = {r["primitive"]: r for r in rows}
        self.assertEqual(by["atomic_accounts"]["metrics"]["lock_bytes"], 0)
        self.assertLess(by["global_lock"]["metrics"]["lock_bytes"],
                        by["striped_locks"]["metrics"]["lock_bytes"])
        self.assertLess(by["striped_locks"]["metrics"]["lock_bytes"],
                        by["account_locks"]["metrics"]["lock_bytes"])
        for r in rows:
            v = r["validation"]["checks"]
            self.assertEqual(v["total_final"], v["total_expected"], r["name"])
            self.assertEqual(v["negative_balances"], 0, r["name"])

    def test_gil_figures(self):
        rows = [r for r in self.rows if r["scenario"] == "problems.gil"]
        for r in rows:
            io = r["io_pct_applied"]
            self.assertEqual(io, 90 if r["primitive"].endswith("_io") else 0, r["name"])
            if r["primitive"].startswith("gil"):
                self.assertIn("gil_wait", r["latency"])
                self.assertEqual(r["validation"]["checks"]["mutual_exclusion_violations"], 0)
            self.assertEqual(set(r["delays"]), {"unit_ns", "io_ns"}, r["name"])
            for name, d in r["delays"].items():
                self.assertEqual(set(d), DELAY_KEYS, (r["name"], name))
            self.assertGreater(r["delays"]["unit_ns"]["iterations_per_ns"], 0, r["name"])
            self.assertIsNone(r["delays"]["io_ns"]["iterations_per_ns"], r["name"])  # a sleep

    def test_plot_draws_one_figure_per_scenario(self):
        names = self.plot(self.out, os.path.join(self.dir.name, "plots"))
        for scenario in ("problems.granularity", "problems.gil"):
            pngs = [n for n in names if n.startswith(scenario + "__") and n.endswith(".png")]
            self.assertEqual(len(pngs), 1, (scenario, names))


if __name__ == "__main__":
    unittest.main()
