#!/usr/bin/env python3
"""End-to-end tests of threads.lifecycle and threads.timers through the
contend binary: bad parameters exit 2 with one line and start nothing; a
small real run of both scenarios is ok (every thread ran and was joined, no
timer fired early), valid against the schema, and plots the two figures.

Run by CTest with CONTEND_BIN (the binary) in the environment."""
import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_support as e2e  # noqa: E402


class BadParameters(e2e.Case):
    CASES = [
        (["run", "threads.lifecycle", "--threads", "0"], "--threads"),
        (["run", "threads.lifecycle", "--set", "stack_kib=100000"], "stack_kib"),
        (["run", "threads.lifecycle", "--set", "stack_kib=big"], "stack_kib"),
        (["run", "threads.lifecycle", "--set", "parked=-1"], "parked"),
        (["run", "threads.lifecycle", "--primitive", "pthread", "--set", "stack_kib=8"],
         "PTHREAD_STACK_MIN"),
        (["run", "threads.lifecycle", "--primitive", "std_thread", "--set", "stack_kib=64"],
         "pthread only"),
        (["run", "threads.timers", "--set", "delay_us=0"], "delay_us"),
        (["run", "threads.timers", "--set", "delay_us=1s"], "delay_us"),
        (["run", "threads.timers", "--set", "delay_us=100001"], "delay_us"),
        (["run", "threads.timers", "--set", "pattern=oneshot"], "pattern"),
        (["run", "threads.timers", "--set", "slack_ns=-1"], "slack_ns"),
        (["run", "threads.timers", "--threads", "2"], "--threads"),
        (["run", "threads.timers", "--primitive", "sleep_for", "--set", "pattern=cancel"],
         "cannot be cancelled"),
        (["run", "threads.timers", "--primitive", "timerfd_periodic", "--set", "pattern=cancel"],
         "timerfd_oneshot"),
    ]

    def test_exit_2_with_one_line(self):
        self.assert_refused(self.CASES)


class SmallRun(e2e.OneRun):
    # 30 ms windows: on a loaded machine a new thread can wait a whole
    # scheduler tick to start, and a window with no finished item is
    # reported as no progress.
    RUN = ["run", "threads.lifecycle", "threads.timers", "--threads", "1,3",
           "--set", "parked=8", "--set", "delay_us=200,2000", "--set", "pattern=periodic,cancel",
           "--duration", "30ms", "--warmup", "2ms", "--repetitions", "1", "--quiet"]

    def test_every_case_ok(self):
        self.assert_every_case_ok()

    def test_lifecycle_threads_ran_once_and_were_joined(self):
        rows = [r for r in self.rows if r["scenario"] == "threads.lifecycle"]
        self.assertEqual(len(rows), 5 * 2)  # five methods x threads 1,3
        for r in rows:
            with self.subTest(r["name"]):
                k = r["validation"]["checks"]
                self.assertGreater(k["launched"], 0)
                self.assertEqual(k["ran"], k["launched"])
                self.assertEqual(k["finished"], k["launched"])
                self.assertEqual(k["threads_after"], k["threads_before"])
                self.assertEqual(len(r["per_thread"]), r["params"]["threads"])
                self.assertEqual(list(r["latency"])[0], "round_trip")
                created = r["primitive"] != "pool_handoff"
                self.assertEqual(r["metrics"]["rss_kib_per_thread"] is not None, created)

    def test_timers_never_early_and_patterns_planned(self):
        rows = [r for r in self.rows if r["scenario"] == "threads.timers"]
        periodic = [r for r in rows if r["params"]["pattern"] == "periodic"]
        cancel = [r for r in rows if r["params"]["pattern"] == "cancel"]
        self.assertEqual(len(periodic), 6 * 2)  # six methods x two delays
        self.assertEqual(len(cancel), 3 * 2)  # only the cancellable three
        for r in rows:
            with self.subTest(r["name"]):
                self.assertEqual(r["metrics"]["early_fires"], 0)
                self.assertIsNotNone(r["metrics"]["timer_slack_ns"])
        for r in periodic:
            self.assertGreaterEqual(r["metrics"]["periods"], 2)
            self.assertGreaterEqual(r["metrics"]["drift_ns"], 0)
        for r in cancel:
            self.assertEqual(r["metrics"]["lost_cancels"], 0)
            self.assertEqual(r["threads"], 2)

    def test_schema_and_figures(self):
        self.assert_valid(self.out)
        names = self.plot(self.out, os.path.join(self.dir.name, "plots"))
        for prefix, kind in (("threads.lifecycle__", "__cost"), ("threads.timers__", "__timers")):
            for ext in (".png", ".svg"):
                found = [n for n in names if n.startswith(prefix) and n.endswith(kind + ext)]
                self.assertEqual(len(found), 1, (prefix, kind, ext, names))


if __name__ == "__main__":
    unittest.main()
