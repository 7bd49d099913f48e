#!/usr/bin/python3
"""contend across a fleet (scripts/fleet.py): on a real single-node Slurm
cluster started for the test (slurm_cluster.py: slurm-wlm 22.05 and munge
from Debian, two partitions and a node feature), a two-task job array whose
tasks ask for different partitions and features, each running a short
`contend run` that adds its result to a PostgreSQL store (a throwaway
cluster, postgres_cluster.py: a fleet's nodes share a server, not a SQLite
file): both results reach the store and the side-by-side report. A task cancelled mid-run (scancel: TERM, then
KILL) is reported failed with its log, leaves nothing half-written in the
store, and `collect --resubmit` submits it alone again. Without Slurm: the
job script runs in a plain shell, bad descriptions are one line, and the
report flags a node that is not what its kind declared and a machine
measured with another configuration.

Needs CONTEND_BIN (the release binary) and CONTEND_RESULT (a real result of
this machine); runs as root (the Slurm daemons).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import BIN, PYTHON as PY, ROOT, SCRIPTS  # noqa: E402
import postgres_cluster  # noqa: E402
import slurm_cluster  # noqa: E402
sys.path.insert(0, SCRIPTS)
from contend_tools import store_db, store_query  # noqa: E402

FLEET = os.path.join(SCRIPTS, "fleet.py")
RESULT = os.environ.get("CONTEND_RESULT", os.path.join(ROOT, "build", "e2e", "result.json"))
SHORT = ["locks.contention", "--primitive", "tas", "--threads", "1", "--duration", "5ms",
         "--repetitions", "1", "-q"]
LONG = ["locks.contention", "--primitive", "tas,ticket,mcs", "--threads", "1,2",
        "--duration", "100ms", "--repetitions", "6", "-q"]


def fleet(*args, env=None, timeout=300):
    return subprocess.run([PY, FLEET] + [str(a) for a in args], capture_output=True, text=True,
                          timeout=timeout, env=env)


class FleetCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="contend-fleet-test-")
        # The fleet's own store where the description names one (PostgreSQL,
        # FleetOnSlurm), else the SQLite file `collect --store` fills.
        self.store = getattr(self, "pg_url", None) or os.path.join(self.tmp, "store.sqlite")
        with open(RESULT) as f:
            ctx = json.load(f)["context"]
        self.cpu, self.cpus = ctx["cpu_model"].strip(), ctx["num_cpus"]

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def description(self, run, name="smoke", **extra):
        spec = {"name": name, "contend": BIN, "store": getattr(self, "pg_url", None),
                "run": run, "time_limit": "00:10:00",
                "kinds": [{"name": "kind-a", "partition": "kind_a",
                           "expect": {"num_cpus": self.cpus}},
                          {"name": "kind-b", "partition": "kind_b", "constraint": "fast",
                           "expect": {"cpu_model": re.escape(self.cpu)}}]}
        spec.update(extra)
        path = os.path.join(self.tmp, "%s.json" % name)
        with open(path, "w") as f:
            json.dump(spec, f)
        return path

    def submit(self, path, *more):
        p = fleet("submit", path, "-o", os.path.join(self.tmp, "sessions"), *more)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return re.search(r"^session (\S+):", p.stdout, re.M).group(1)

    def status(self, session):
        p = fleet("status", session, "--json")
        self.assertIn(p.returncode, (0, 1, 4), p.stderr)
        return json.loads(p.stdout), p.returncode

    def wait(self, session, until=None, timeout=300):
        """Poll status until `until(states, exit status)`; by default until no
        task waits or runs (Slurm may start an array's tasks in any order)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            states, code = self.status(session)
            if (until or (lambda s, c: all(x["state"] in ("done", "failed") for x in s)))(
                    states, code):
                return states, code
            time.sleep(0.5)
        self.fail("the fleet did not get there in %d s: %s%s" % (
            timeout, states, getattr(self, "cluster", None) and self.cluster.logs()))

    def stored(self):
        s = store_db.open_store(self.store)
        try:
            return store_query.runs(s)
        finally:
            s.close()


class FleetOnSlurm(FleetCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = slurm_cluster.Cluster()
        cls.pg = postgres_cluster.Cluster()
        cls.saved = os.environ.get("SLURM_CONF")
        os.environ["SLURM_CONF"] = cls.cluster.conf

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()
        cls.pg.stop()
        if cls.saved is None:
            os.environ.pop("SLURM_CONF", None)
        else:
            os.environ["SLURM_CONF"] = cls.saved

    def setUp(self):
        self.pg_url = self.pg.new_database()
        super().setUp()

    def test_a_two_task_array_reaches_the_store_and_the_report(self):
        session = self.submit(self.description(SHORT))
        states, code = self.wait(session)
        self.assertEqual(code, 0, states)
        self.assertEqual([s["state"] for s in states], ["done", "done"])
        self.assertEqual([s["node_mismatch"] for s in states], [None, None])
        runs = self.stored()
        self.assertEqual(len(runs), 2)  # each task added its own result
        self.assertEqual({r["source_path"] for r in runs},
                         {os.path.join(session, "tasks", d, "result.json")
                          for d in ("0-kind-a", "1-kind-b")})
        # Each task ran where its kind asked (the partition is in its log).
        for i, part in ((0, "kind_a"), (1, "kind_b")):
            job = states[i]["job"].split("_")[0]
            out = subprocess.run(["scontrol", "show", "job", "%s_%d" % (job, i)],
                                 capture_output=True, text=True).stdout
            self.assertIn("Partition=%s" % part, out)
        p = fleet("collect", session)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(p.stdout.count("already stored as run"), 2, p.stdout)
        page = os.path.join(self.tmp, "report.html")
        p = fleet("report", session, "-o", page, "--json", os.path.join(self.tmp, "r.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.tmp, "r.json")) as f:
            report = json.load(f)
        self.assertEqual(report["reference"], "kind-a")
        self.assertEqual([m["label"] for m in report["machines"]], ["kind-a", "kind-b"])
        case = report["cases"][0]
        self.assertEqual(case["primitive"], "tas")
        self.assertGreater(case["ratios"]["kind-b"], 0)
        with open(page) as f:
            self.assertEqual(f.read().count("<svg"), 1)  # one scenario, two panels

    def test_a_task_killed_mid_run_fails_alone_and_is_resubmitted(self):
        session = self.submit(self.description(LONG, name="kill"))
        result = os.path.join(session, "tasks", "1-kind-b", "result.json")

        def running_with_a_result(states, code):
            return states[1]["state"] == "running" and os.path.exists(result)
        states, _ = self.wait(session, running_with_a_result)
        job = states[1]["job"]
        subprocess.run(["scancel", job], check=True)
        states, code = self.wait(session)
        self.assertEqual(code, 1, states)
        self.assertEqual(states[0]["state"], "done")
        self.assertEqual(states[1]["state"], "failed")
        self.assertRegex(states[1]["why"], "killed|without a word|incomplete")
        with open(result) as f:
            self.assertFalse(json.load(f)["context"]["complete"])  # interrupted, and says so
        runs = self.stored()
        self.assertEqual([r["source_path"] for r in runs],
                         [os.path.join(session, "tasks", "0-kind-a", "result.json")])
        p = fleet("collect", session, "--resubmit")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("task 1 kind-b failed", p.stdout)
        self.assertIn("    | ", p.stdout)  # its log's tail
        self.assertIn("resubmitted 1 failed task", p.stdout)
        with open(os.path.join(session, "fleet.json")) as f:
            subs = json.load(f)["submissions"]
        self.assertEqual([s["tasks"] for s in subs], [[0, 1], [1]])
        states, code = self.wait(session)
        self.assertEqual(code, 0, states)
        self.assertNotEqual(states[1]["job"], job)
        self.assertEqual(len(self.stored()), 2)
        with open(result) as f:
            self.assertTrue(json.load(f)["context"]["complete"])


class FleetWithoutSlurm(FleetCase):
    def test_the_job_script_runs_in_a_plain_shell(self):
        session = self.submit(self.description(SHORT), "--dry-run")
        env = dict(os.environ, SLURM_ARRAY_TASK_ID="1")
        env.pop("SLURM_ARRAY_JOB_ID", None)
        p = subprocess.run(["bash", os.path.join(session, "job.sh")], capture_output=True,
                           text=True, timeout=300, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        states, code = self.status(session)
        self.assertEqual([s["state"] for s in states], ["waiting", "done"])
        self.assertEqual(states[1]["job"], "none_1")
        self.assertEqual(code, 4)  # task 0 still waits
        p = fleet("collect", session, "--store", self.store)
        self.assertEqual(p.returncode, 4, p.stdout + p.stderr)
        self.assertIn("task 1 kind-b: added as run 1", p.stdout)
        self.assertEqual(len(self.stored()), 1)

    def test_a_task_builds_from_source_and_a_failed_build_is_said(self):
        # A stand-in checkout whose setup.sh "builds" by linking the real
        # binary (a real build takes minutes), or fails when told to.
        src = os.path.join(self.tmp, "src")
        os.makedirs(os.path.join(src, "scripts"))
        with open(os.path.join(src, "scripts", "setup.sh"), "w") as f:
            f.write('#!/bin/bash\n[ -z "${FAIL_BUILD:-}" ] || { echo "no compiler"; exit 1; }\n'
                    'mkdir -p "$BUILD_DIR" && ln -sf %s "$BUILD_DIR/contend"\n' % BIN)
        os.chmod(os.path.join(src, "scripts", "setup.sh"), 0o755)
        path = self.description(SHORT, name="src")
        with open(path) as f:
            spec = json.load(f)
        del spec["contend"]
        spec["source"] = src
        with open(path, "w") as f:
            json.dump(spec, f)
        session = self.submit(path, "--dry-run")
        job = os.path.join(session, "job.sh")
        env = dict(os.environ, SLURM_ARRAY_TASK_ID="0")
        self.assertEqual(subprocess.run(["bash", job], env=env, timeout=300).returncode, 0)
        self.assertTrue(os.path.islink(os.path.join(src, "build-fleet-kind-a", "contend")))
        env.update(SLURM_ARRAY_TASK_ID="1", FAIL_BUILD="1")
        self.assertEqual(subprocess.run(["bash", job], env=env, timeout=300).returncode, 90)
        states, code = self.status(session)
        self.assertEqual([s["state"] for s in states], ["done", "failed"])
        self.assertIn("build failed: see build.log", states[1]["why"])
        self.assertEqual(code, 1)
        with open(os.path.join(session, "tasks", "1-kind-b", "build.log")) as f:
            self.assertIn("no compiler", f.read())

    def test_bad_descriptions_are_one_line(self):
        with open(self.description(SHORT)) as f:
            good = json.load(f)
        cases = [({"colour": "red"}, "unknown field colour"),
                 ({"source": "/src"}, "exactly one of contend"),
                 ({"time_limit": "soon"}, "time_limit"),
                 ({"run": ["-o", "x.json"]}, "set by the fleet"),
                 ({"kinds": [{"name": "a"}, {"name": "a"}]}, "used twice"),
                 ({"kinds": [{"name": "a", "expect": {"cpu_model": "("}}]}, "regular expr"),
                 ({"store": self.store}, "cannot be shared by a fleet")]
        for change, why in cases:
            path = os.path.join(self.tmp, "bad.json")
            with open(path, "w") as f:
                json.dump(dict(good, **change), f)
            p = fleet("submit", path, "--dry-run", "-o", self.tmp)
            self.assertEqual(p.returncode, 2, (change, p.stderr))
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            self.assertIn(why, p.stderr)
        p = fleet("status", self.tmp)
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a fleet session", p.stderr)

    def test_the_report_flags_a_foreign_node_and_another_configuration(self):
        with open(RESULT) as f:
            doc = json.load(f)
        other = json.loads(json.dumps(doc))
        other["context"]["host_name"] = "other"
        other["context"]["measurement"]["sample_every"] = 1000
        paths = []
        for name, d in (("a.json", doc), ("b.json", other)):
            paths.append(os.path.join(self.tmp, name))
            with open(paths[-1], "w") as f:
                json.dump(d, f)
        p = fleet("report", *paths, "--json", os.path.join(self.tmp, "r.json"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("measured differently: sample_every", p.stdout)
        with open(os.path.join(self.tmp, "r.json")) as f:
            report = json.load(f)
        self.assertTrue(all(abs(r - 1) < 1e-9 for c in report["cases"]
                            for r in c["ratios"].values() if r is not None))
        # A node that is not what its kind declared: flagged and left out.
        from contend_tools import fleet_report, fleet_spec
        kind = {"name": "k", "expect": {"cpu_model": "^EPYC", "num_cpus": 64}}
        why = fleet_spec.node_mismatch(kind, doc["context"])
        self.assertIn("does not match", why)
        self.assertIn("64 declared", why)
        machines = [fleet_report.Machine("good", doc), fleet_report.Machine("x", doc, why),
                    fleet_report.Machine("also", doc)]
        report = fleet_report.build(machines)
        self.assertEqual(list(report["cases"][0]["ratios"]), ["also"])
        self.assertIn("NODE NOT AS DECLARED", fleet_report.console(report))
        self.assertIn("x", fleet_report.build(machines, allow_mismatch=True)["cases"][0][
            "ratios"])


if __name__ == "__main__":
    unittest.main()
