#!/usr/bin/env python3
"""End-to-end tests of `contend stress`: healthy primitives pass, each
detector is proven by the controls it must catch (stress_controls.json, one
test each: validation: locks that admit a second thread always or about
once in 10^5, queues that lose an item only when full or reorder neighbours
about once in 10^5, a pool that runs a task twice about once in 10^5;
stall: locks and queues that skip one notify in 5,000 and a futex lock and
a pool that skip one wake-up in 1,000, each rescued by the next operation
or a later one; hang and crash: the test-only primitives), a failure's
replay command reruns the same trial, Ctrl-C keeps the report, bad input
gets one line and exit 2, and the report matches
results/contend-stress.schema.json.

Run by CTest with CONTEND_BIN in the environment; one CTest test per class,
and one per control (tests/CMakeLists.txt). CONTEND_CATCH_LOG=FILE appends
each control's catch time to FILE (scripts/catch_times.py)."""
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
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "stress_controls.json")) as f:
    CONTROLS = json.load(f)["controls"]


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

    def catches(self, c):
        """The first failure of control `c` (an entry of stress_controls.json)
        within its budget, by its detector. A stall control may first
        surface as a hang (a lost wake-up the watch found no quiet instant
        for, with a short trial timeout): then the next seed gets the rest
        of the budget, twice at most."""
        stall = c["detector"] == "stall"
        trial_timeout = c.get("trial_timeout", "5s" if stall else None)
        env = TEST_PRIMITIVES if c.get("test_primitives") else None
        left, hangs = float(c["budget_s"]), []
        for seed in (1, 2, 3) if stall else (1,):
            args = [c["scenario"], "--primitive", c["primitive"], "--for", "%.0fs" % left,
                    "--max-failures", "1", "--seed", str(seed)]
            if trial_timeout:
                args += ["--trial-timeout", trial_timeout]
            p = self.stress(args, env, timeout=left + 120)
            doc = self.report()
            log_catch(c, doc, seed)
            self.assertEqual(p.returncode, 1, "not caught in %ds: %s" % (c["budget_s"], p.stderr))
            f = doc["failures"][0]
            self.assertEqual(f["primitive"], c["primitive"])
            left -= catch_seconds(doc)
            if f["detector"] == "hang" and stall and left > 0:
                hangs.append(f["detail"])
                continue
            self.assertEqual(f["detector"], c["detector"], (f["detail"], hangs))
            self.assertIn(c.get("detail", ""), f["detail"])
            if c["detector"] != "validation":
                self.assertIsNotNone(f["stacks"])
            for text in c.get("stacks_contain", []):
                self.assertIn(text, f["stacks"])
            if "signal" in c:
                self.assertEqual(f["signal"], c["signal"])
            return f
        self.fail("only hangs: %s" % hangs)


def control_test_name(control):
    """The unittest name, and the CTest name after e2e_stress_, of a control's test."""
    return "%s_in_%s" % (control["primitive"], control["scenario"].replace(".", "_"))


def catch_seconds(doc):
    """The trials' own wall time up to and including the first failure: the
    catch time the budgets are sized from (scripts/catch_times.py)."""
    return sum(t["wall_seconds"] for t in doc["summary"]["targets"])


def log_catch(control, doc, seed):
    """With CONTEND_CATCH_LOG set, one JSON line per stress run of a control:
    how long and how many trials its catch took, for scripts/catch_times.py."""
    path = os.environ.get("CONTEND_CATCH_LOG")
    if not path:
        return
    with open(path, "a") as f:
        f.write(json.dumps({"control": control_test_name(control), "seed": seed,
                            "budget_s": control["budget_s"],
                            "detectors": [x["detector"] for x in doc["failures"]],
                            "seconds": catch_seconds(doc),
                            "trials": doc["summary"]["trials"]}) + "\n")


class Controls(StressCase):
    """One test per control of stress_controls.json, each its own CTest test
    (tests/CMakeLists.txt): its detector catches it within its budget."""


def add_control_tests():
    for c in CONTROLS:
        setattr(Controls, "test_" + control_test_name(c), lambda self, c=c: self.catches(c))


add_control_tests()


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

    def test_replay_reruns_the_same_trial(self):
        f = self.catches(next(c for c in CONTROLS if c["primitive"] == "broken_tas"))
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
