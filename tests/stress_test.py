#!/usr/bin/env python3
"""End-to-end tests of `contend stress`: healthy primitives pass, each
detector is proven by a control it must catch (validation: a lock that
admits a second thread about once in 10^5, a queue that loses items only
when full, a queue that reorders neighbours about once in 10^5, a pool that
runs a task twice about once in 10^5; stall: a futex lock that skips one
owed wake-up in 1,000, a blocking queue that skips one consumer (or one
producer) wake-up in 1,000 and a pool that skips one worker wake-up in
1,000, each rescued by a later event; hang and
crash: the test-only primitives), a failure's replay command reruns the same
trial, Ctrl-C keeps the report, bad input gets one line and exit 2, and the
report matches results/contend-stress.schema.json.

Run by CTest with CONTEND_BIN in the environment."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import BIN, ROOT, Case, load, run  # noqa: E402

SCHEMA = os.path.join(ROOT, "results", "contend-stress.schema.json")
TEST_PRIMITIVES = {"CONTEND_TEST_PRIMITIVES": "1"}


class StressCase(Case):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = os.path.join(self.tmp.name, "stress.json")

    def tearDown(self):
        self.tmp.cleanup()

    def stress(self, args, env_extra=None, timeout=180):
        return run(["stress"] + args + ["--quiet", "-o", self.out], env_extra, timeout)

    def report(self):
        doc = load(self.out)
        import jsonschema  # Debian's python3-jsonschema, installed by setup.sh
        with open(SCHEMA) as f:
            jsonschema.validate(doc, json.load(f))
        return doc

    def caught(self, scenario, primitive, detector, budget="60s", env_extra=None, extra=()):
        """The first failure of `primitive` within `budget`, by `detector`."""
        p = self.stress([scenario, "--primitive", primitive, "--for", budget, "--max-failures",
                         "1", "--seed", "1"] + list(extra), env_extra)
        self.assertEqual(p.returncode, 1, p.stderr)
        doc = self.report()
        self.assertEqual(doc["summary"]["failures"], 1)
        failure = doc["failures"][0]
        self.assertEqual(failure["primitive"], primitive)
        self.assertEqual(failure["detector"], detector, failure["detail"])
        return doc, failure


class Detectors(StressCase):
    def test_healthy_primitives_pass(self):
        p = self.stress(["locks.contention", "--primitive", "tas,std_mutex", "--for", "4s"])
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = self.report()
        self.assertTrue(doc["context"]["complete"])
        self.assertEqual(doc["failures"], [])
        per = {t["primitive"]: t["trials"] for t in doc["summary"]["targets"]}
        self.assertGreater(per["tas"], 0)
        self.assertGreater(per["std_mutex"], 0)
        self.assertEqual(sum(per.values()), doc["summary"]["trials"])

    def test_rare_double_admission_is_caught(self):
        _, f = self.caught("locks.contention", "rare_double_tas", "validation")
        self.assertIn("mutual exclusion", f["detail"])

    def test_loss_only_when_full_is_caught(self):
        _, f = self.caught("queues.throughput", "lossy_when_full", "validation")
        self.assertIn("delivery", f["detail"])

    def test_rare_reorder_is_caught(self):
        _, f = self.caught("queues.throughput", "rare_reorder", "validation")
        self.assertIn("FIFO", f["detail"])

    def test_pool_running_a_task_twice_is_caught(self):
        _, f = self.caught("threads.pool", "runs_twice", "validation")
        self.assertIn("ran twice", f["detail"])

    def stalled(self, scenario, primitive):
        """A stall among the first three failures of `primitive`. A lost
        wake-up can also surface as a hang (when the watch finds no quiet
        instant to judge it at), so a hang first is allowed, and kept short."""
        p = self.stress([scenario, "--primitive", primitive, "--for", "90s", "--max-failures",
                         "3", "--trial-timeout", "5s", "--seed", "1"])
        self.assertEqual(p.returncode, 1, p.stderr)
        failures = self.report()["failures"]
        self.assertTrue({f["detector"] for f in failures} <= {"stall", "hang"}, failures)
        stalls = [f for f in failures if f["detector"] == "stall"]
        self.assertTrue(stalls, [f["detail"] for f in failures])
        self.assertIn("lost wake-up", stalls[0]["detail"])
        self.assertIsNotNone(stalls[0]["stacks"])

    def test_lock_that_loses_a_wake_up_is_caught_by_the_stall_watch(self):
        self.stalled("locks.contention", "lost_wake_futex")

    def test_rw_lock_that_loses_a_wake_up_is_caught_by_the_stall_watch(self):
        self.stalled("locks.rw", "lost_wake_futex")

    def test_queue_that_skips_a_notify_is_caught_by_the_stall_watch(self):
        self.stalled("queues.throughput", "skips_notify")

    def test_queue_that_skips_a_producer_wake_up_is_caught_by_the_stall_watch(self):
        self.stalled("queues.throughput", "skips_room_notify")

    def test_pool_that_skips_a_worker_wake_up_is_caught_by_the_stall_watch(self):
        self.stalled("threads.pool", "skips_wake")

    def test_hang_is_reported_with_every_thread_stack(self):
        _, f = self.caught("locks.contention", "test_never_releases", "hang", "30s",
                           TEST_PRIMITIVES, ["--trial-timeout", "1s"])
        self.assertIsNotNone(f["stacks"])
        self.assertIn("NeverReleasesLock", f["stacks"])

    def test_crash_is_reported_with_its_signal_and_stacks(self):
        _, f = self.caught("locks.contention", "test_crashes", "crash", "30s", TEST_PRIMITIVES)
        self.assertEqual(f["signal"], "SIGSEGV")
        self.assertIsNotNone(f["stacks"])
        self.assertIn("CrashingLock", f["stacks"])

    def test_replay_reruns_the_same_trial(self):
        _, f = self.caught("locks.contention", "broken_tas", "validation")
        replay = f["replay"].split()
        self.assertEqual(replay[:2], ["contend", "stress"])
        first = self.out
        self.out = os.path.join(self.tmp.name, "replay.json")
        p = self.stress(replay[2:] + ["--repeat", "50"])
        self.assertEqual(p.returncode, 1, p.stderr)
        again = self.report()["failures"][0]
        for key in ("case", "params", "threads", "duration_ns", "perturbation", "id", "seed"):
            self.assertEqual(again[key], f[key], key)
        self.assertEqual(again["replay"], f["replay"])
        self.assertTrue(os.path.exists(first))


class Interrupt(StressCase):
    def test_ctrl_c_keeps_the_partial_report(self):
        proc = subprocess.Popen([BIN, "stress", "locks.contention", "--primitive", "tas", "--for",
                                 "60s", "--quiet", "-o", self.out],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if load(self.out)["summary"]["trials"] >= 2:
                    break
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130, err)
        doc = self.report()
        self.assertFalse(doc["context"]["complete"])
        self.assertGreaterEqual(doc["summary"]["trials"], 2)


class BadInput(StressCase):
    def test_each_bad_input_exits_2_with_one_line(self):
        o = ["-o", self.out]
        self.assert_refused([
            (["stress", "--for", "0s"] + o, "--for"),
            (["stress", "--for", "soon"] + o, "--for"),
            (["stress", "--replay", "3"] + o, "--seed"),
            (["stress", "--replay", "-1", "--seed", "5"] + o, "--replay"),
            (["stress", "--repeat", "0"] + o, "--repeat"),
            (["stress", "--trial-timeout", "1ms"] + o, "--trial-timeout"),
            (["stress", "--max-failures", "-2"] + o, "--max-failures"),
            (["stress", "locks.contention", "--primitive", "spsc_ring"] + o, "--primitive"),
            (["stress", "nosuch"] + o, "nosuch"),
            (["stress", "--bogus"] + o, "bogus"),
        ])


if __name__ == "__main__":
    unittest.main(verbosity=2)
