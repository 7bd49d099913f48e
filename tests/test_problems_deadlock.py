#!/usr/bin/env python3
"""End-to-end tests of problems.deadlock and problems.starvation through the
contend binary: the naive philosophers are reported `deadlock` (with who
holds and who waits for which fork) inside the watchdog's limit, the cases
after it still run, the exit status is 1, and the file validates and plots;
the same in-process (--isolate none), where the stuck threads must not keep
the process alive; the starvation scenario's rows, its validation, its
per-role fairness (the harness's) and its delays (the harness's, per role);
bad parameters exit 2 with one line.

Run by CTest with CONTEND_BIN in the environment."""
import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402
from e2e_support import load, run  # noqa: E402

FAST = ["--duration", "40ms", "--warmup", "10ms", "--repetitions", "2", "--quiet"]
# The harness's report of a delay (harness/delays.hpp, report_delays).
DELAY_KEYS = e2e.DELAY_KEYS
STRATEGIES = ["naive", "ordered", "scoped_lock", "trylock_backoff", "waiter"]


class Tmp(e2e.TempResult):
    def cases(self, doc):
        return {c["primitive"]: c for c in doc["cases"]}

    def assert_plotted(self, scenario):
        """The scenario's own figure module drew it (its figure kind, not the
        generic throughput-vs-threads set)."""
        names = self.plot(self.out, os.path.join(self.dir.name, "plots"))
        kind = {"problems.deadlock": "__strategies.png",
                "problems.starvation": "__writers.png"}[scenario]
        self.assertTrue(any(f.startswith(scenario) and f.endswith(kind) for f in names), names)

    def assert_deadlock_reported(self, doc):
        naive = self.cases(doc)["naive"]
        self.assertEqual(naive["status"], "deadlock", naive)
        self.assertEqual(naive["expected_status"], "deadlock", naive)
        self.assertIn("5 philosophers each hold their left fork and wait for their right",
                      naive["detail"])
        self.assertIn("P4 holds F4, waits F0", naive["detail"])
        dl = naive["deadlock"]
        self.assertEqual(dl["kind"], "wait_for_cycle")
        self.assertEqual(dl["cycle"], [0, 1, 2, 3, 4])
        for p in dl["philosophers"]:
            i = p["philosopher"]
            self.assertEqual(p["holds"], [i])
            self.assertEqual(p["waits_for"], [(i + 1) % 5])
            self.assertEqual(p["blocked_by"], (i + 1) % 5)
        self.assertEqual([f["held_by"] for f in dl["forks"]], [0, 1, 2, 3, 4])
        self.assertGreaterEqual(dl["stalled_ns"], dl["stall_limit_ns"])
        # Detected after the stall limit, long before the watchdog's
        # 3 x expected + 10 s would have killed it as a timeout.
        self.assertLess(naive["wall_seconds"], 5.0)
        for r in doc["benchmarks"]:  # a row, if the deadlock came inside the window
            if r["primitive"] == "naive":
                self.assertEqual(r["status"], "deadlock")
                self.assertEqual(r["deadlock"]["cycle"], [0, 1, 2, 3, 4])

    def assert_others_ran(self, doc, names):
        cases = self.cases(doc)
        for name in names:
            c = cases[name]
            # Not deadlocked, not killed, fork exclusion held. A philosopher
            # that ate nothing in the window (an unfair arbiter on a loaded
            # machine) is a measurement, not a failure.
            self.assertEqual(c["status"], "ok", c)
            self.assertGreater(c["samples"], 0, c)


class Deadlock(Tmp):
    def test_naive_is_reported_and_the_run_goes_on(self):
        p = run(["run", "problems.deadlock", "-o", self.out] + FAST)
        # naive's deadlock is the outcome it exists to show: not a failure.
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = load(self.out)
        self.assertTrue(doc["context"]["complete"])
        self.assertEqual([c["primitive"] for c in doc["cases"]], STRATEGIES)
        self.assert_deadlock_reported(doc)
        self.assert_others_ran(doc, STRATEGIES[1:])
        ok_rows = [r for r in doc["benchmarks"] if r["run_type"] == "iteration"
                   and r["status"] == "ok"]
        for r in ok_rows:
            self.assertEqual(r["threads"], 5)
            self.assertEqual(len(r["per_thread"]), 5)
            self.assertIn("fork_wait", r["latency"])
            self.assertEqual(r["validation"]["checks"]["fork_uses"],
                             r["validation"]["checks"]["expected_fork_uses"])
            self.assertEqual(r["validation"]["checks"]["fork_exclusion_violations"], 0)
            self.assertEqual(set(r["delays"]), {"eat_ns", "think_ns", "pickup_gap_ns"})
            for name, d in r["delays"].items():
                self.assertEqual(set(d), DELAY_KEYS, name)
            self.assertGreater(r["delays"]["eat_ns"]["iterations_per_ns"], 0)
            self.assertIsNone(r["delays"]["pickup_gap_ns"]["iterations_per_ns"])  # a sleep
        self.assert_valid(self.out)
        self.assert_plotted("problems.deadlock")

    def test_in_process_the_stuck_threads_do_not_hold_the_run(self):
        p = run(["run", "problems.deadlock", "--primitive", "naive,ordered", "--isolate", "none",
                 "-o", self.out] + FAST, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = load(self.out)
        self.assert_deadlock_reported(doc)
        self.assert_others_ran(doc, ["ordered"])


class Starvation(Tmp):
    def test_rows_roles_and_a_broken_lock_caught(self):
        p = run(["run", "problems.starvation", "--primitive",
                 "pthread_rwlock,pthread_rwlock_wpref,broken_rw", "-o", self.out] + FAST)
        self.assertEqual(p.returncode, 1, p.stderr)
        doc = load(self.out)
        cases = self.cases(doc)
        self.assertEqual(cases["pthread_rwlock"]["status"], "ok")
        self.assertEqual(cases["pthread_rwlock_wpref"]["status"], "ok")
        self.assertEqual(cases["broken_rw"]["status"], "invalid")
        self.assertIn("reader-writer exclusion broken", cases["broken_rw"]["detail"])
        for r in doc["benchmarks"]:
            if r["run_type"] != "iteration":
                continue
            self.assertEqual(r["threads"], 4)
            self.assertEqual([t["role"] for t in r["per_thread"]], ["reader"] * 3 + ["writer"])
            m = r["metrics"]
            self.assertEqual(m["write_ops"], r["per_thread"][3]["ops"])
            self.assertEqual(m["starved_writers"], int(r["per_thread"][3]["ops"] == 0))
            self.assertEqual(set(r["latency"]), {"write_wait", "read_wait"})
            # Fairness within a role: the harness's, beside its reason when null.
            self.assertNotIn("reader_jain", m)
            self.assertNotIn("writer_jain", m)
            for role in ("reader", "writer"):
                self.assertIn(role + "_jain_index", m)
                self.assertEqual(m[role + "_jain_index"] is None,
                                 m[role + "_fairness_null_reason"] is not None, role)
            self.assertEqual(set(r["delays"]),
                             {"read_cs_ns", "read_think_ns", "write_cs_ns", "write_think_ns"})
            for name, d in r["delays"].items():
                self.assertEqual(set(d), DELAY_KEYS, name)
                self.assertGreater(d["iterations_per_ns"], 0, name)
        self.assert_valid(self.out)
        self.assert_plotted("problems.starvation")


class BadInput(e2e.Case):
    CASES = [
        (["run", "problems.deadlock", "--set", "seats=1"], "seats"),
        (["run", "problems.deadlock", "--set", "seats=many"], "seats"),
        (["run", "problems.deadlock", "--set", "pickup_gap_ns=-1"], "pickup_gap_ns"),
        (["run", "problems.deadlock", "--set", "stall_ns=1ms"], "stall_ns"),
        (["run", "problems.deadlock", "--threads", "4"], "--threads"),
        (["run", "problems.deadlock", "--primitive", "std_mutex"], "--primitive"),
        (["run", "problems.starvation", "--set", "readers=0"], "readers"),
        (["run", "problems.starvation", "--set", "writers=x"], "writers"),
        (["run", "problems.starvation", "--set", "read_cs_ns=1parsec"], "read_cs_ns"),
        (["run", "problems.starvation", "--set", "relax=spin"], "relax"),
        (["run", "problems.starvation", "--primitive", "naive"], "--primitive"),
    ]

    def test_each_bad_input_exits_2_with_one_line(self):
        self.assert_refused(self.CASES)


if __name__ == "__main__":
    unittest.main()
