#!/usr/bin/env python3
"""End-to-end tests of threads.tls and threads.pool through the contend
binary: bad parameters exit 2 with one line; a small real run of both
scenarios is ok, exact (the counters' totals, every task once), reports the
pool's task delay as the harness does, is valid against the schema, and
plots.

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
        (["run", "threads.tls", "--set", "read_pct=101"], "read_pct"),
        (["run", "threads.tls", "--set", "think_ns=-1"], "think_ns"),
        (["run", "threads.tls", "--threads", "0"], "--threads"),
        (["run", "threads.tls", "--primitive", "thread_local_merge", "--set", "read_pct=10"],
         "thread_local_merge"),
        (["run", "threads.pool", "--set", "spawn=sideways"], "spawn"),
        (["run", "threads.pool", "--set", "task_ns=lots"], "task_ns"),
        (["run", "threads.pool", "--set", "inflight=0"], "inflight"),
        (["run", "threads.pool", "--set", "submitters=65"], "submitters"),
        (["run", "threads.pool", "--threads", "257"], "--threads"),
        # A drain of 100 tasks of 10 ms after every window: refused, with why.
        (["run", "threads.pool", "--primitive", "mutex_queue", "--set", "task_ns=10ms",
          "--set", "inflight=100"], "inflight"),
    ]

    def test_exit_2_with_one_line(self):
        self.assert_refused(self.CASES)


class SmallRun(e2e.OneRun):
    RUN = ["run", "threads.tls", "threads.pool", "--threads", "1,3",
           "--set", "read_pct=0,10", "--set", "spawn=external,recursive",
           "--duration", "30ms", "--warmup", "5ms", "--repetitions", "1", "--quiet"]

    def test_every_case_ok(self):
        self.assert_every_case_ok()
        # thread_local_merge has no read_pct=10 case: skipped, not failed.
        names = {c["name"] for c in self.doc["cases"]}
        self.assertFalse(any("thread_local_merge" in n and "read_pct:10" in n for n in names))
        self.assertEqual(len([n for n in names if n.startswith("threads.pool/")]), 4 * 2 * 2)

    def test_counts_exact(self):
        tls = [r for r in self.rows if r["scenario"] == "threads.tls"]
        self.assertTrue(tls)
        for r in tls:
            checks = r["validation"]["checks"]
            self.assertEqual(checks["final_total"], checks["expected_total"], r["name"])
            self.assertEqual(checks["read_violations"], 0, r["name"])
            self.assertGreater(r["iterations"], 0, r["name"])

    def test_every_task_once(self):
        pool = [r for r in self.rows if r["scenario"] == "threads.pool"]
        self.assertTrue(pool)
        for r in pool:
            checks = r["validation"]["checks"]
            self.assertEqual(checks["tasks_submitted"], checks["tasks_completed"], r["name"])
            self.assertTrue(checks["sequence_sums_match"], r["name"])
            self.assertTrue(checks["drained"], r["name"])
            roles = [t.get("role") for t in r["per_thread"]]
            self.assertEqual(roles.count("worker"), r["threads"], r["name"])
            self.assertIsNotNone(r["metrics"]["shutdown_ns"], r["name"])
            self.assertIn("submit_to_complete", r["latency"])
            self.assertGreater(r["latency"]["handoff"]["count"], 0, r["name"])
            # The task's busy work, timed on the threads that ran it.
            self.assertEqual(set(r["delays"]), {"task_ns"}, r["name"])
            self.assertEqual(set(r["delays"]["task_ns"]), DELAY_KEYS, r["name"])

    def test_schema_and_plots(self):
        self.assert_valid(self.out)
        files = self.plot(self.out, os.path.join(self.dir.name, "plots"))
        for scenario in ("threads.tls", "threads.pool"):
            self.assertTrue(any(f.startswith(scenario) and f.endswith(".png") for f in files),
                            "%s: no figure in %s" % (scenario, files))


if __name__ == "__main__":
    unittest.main()
