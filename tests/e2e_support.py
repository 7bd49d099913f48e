"""What the tests that drive contend and its scripts as a user would share:
where things are, running the binary and reading its result, the checks
every end-to-end test makes (bad input refused with one line and exit 2, a
result valid against the schema, figures drawn), and ToolCase for the tests
of the results tools (compare.py, history.py, report.py, ...).

The tests import it with this folder put on sys.path, and bytecode off so
that no __pycache__ lands in the source tree:

    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import e2e_support as e2e
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCRIPTS = os.path.join(ROOT, "scripts")
VALIDATE = os.path.join(SCRIPTS, "validate_result.py")
PLOT = os.path.join(SCRIPTS, "plot.py")
# CTest names the binary it built; run by hand, the default build folder's.
BIN = os.environ.get("CONTEND_BIN", os.path.join(ROOT, "build", "contend"))
# Debian's python3 has jsonschema and matplotlib, which the scripts need.
# Every delay record's fields (harness/delays.hpp).
DELAY_KEYS = {"requested", "achieved", "samples", "iterations_per_ns", "overshoot_ns",
              "check_off_by", "off_by", "flagged"}

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def run(args, env_extra=None, timeout=120):
    """`contend ARGS`, its output captured as text."""
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run([BIN] + args, capture_output=True, text=True, timeout=timeout, env=env)


def load(path):
    """A result file, strictly: JSON has no NaN or Infinity, so neither token may appear."""
    with open(path) as f:
        return json.load(f, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))


def iterations(doc):
    """The measured repetitions of a result (no aggregates)."""
    return [r for r in doc["benchmarks"] if r["run_type"] == "iteration"]


class Case(unittest.TestCase):
    """The checks the end-to-end tests share; no tests of its own."""

    def assert_refused(self, cases, extra=()):
        """Every (args, needle) of `cases`: `contend ARGS EXTRA` exits 2 with
        one line on stderr that names `needle`. A `run` without its own -o
        writes into an empty temporary folder, which must stay empty: bad
        input starts no run."""
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.json")
            for args, needle in cases:
                with self.subTest(args=args):
                    names_output = args[0] != "run" or "-o" in args
                    p = run(args + list(extra) + ([] if names_output else ["-o", out]))
                    self.assertEqual(p.returncode, 2, p.stderr)
                    lines = p.stderr.strip().splitlines()
                    self.assertEqual(len(lines), 1, p.stderr)
                    self.assertIn(needle, lines[0])
                    self.assertFalse(os.path.exists(out), "bad input must not start a run")

    def assert_valid(self, path):
        """validate_result.py accepts the result at `path`."""
        p = subprocess.run([PYTHON, VALIDATE, path], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def plot(self, path, out_dir):
        """Runs plot.py on the result at `path` into `out_dir`, which must
        succeed; returns the names of the files there, sorted."""
        p = subprocess.run([PYTHON, PLOT, path, "-o", out_dir], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return sorted(os.listdir(out_dir))


class TempResult(Case):
    """Each test gets a temporary folder (self.dir) and a path in it for its
    result (self.out)."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.out = os.path.join(self.dir.name, "r.json")

    def tearDown(self):
        self.dir.cleanup()


class OneRun(Case):
    """One real run that every test of the class reads, made once:
    `contend RUN -o r.json` (RUN and its TIMEOUT are class attributes) in a
    temporary folder (cls.dir), giving cls.proc, cls.doc (the result) and
    cls.rows (its iteration samples)."""
    RUN = []
    TIMEOUT = 120

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.dir.name, "r.json")
        cls.proc = run(cls.RUN + ["-o", cls.out], timeout=cls.TIMEOUT)
        with open(cls.out) as f:
            cls.doc = json.load(f)
        cls.rows = iterations(cls.doc)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def assert_every_case_ok(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        bad = [(c["name"], c["status"], c["detail"]) for c in self.doc["cases"]
               if c["status"] != "ok"]
        self.assertEqual(bad, [])


# --- the results tools ------------------------------------------------------

def real_result(var="CONTEND_RESULT"):
    """The absolute path of the real result that the environment variable
    `var` names (the CTest fixture e2e_result sets CONTEND_RESULT and
    CONTEND_QUEUE_RESULT), or None."""
    p = os.environ.get(var)
    return os.path.abspath(p) if p and os.path.isfile(p) else None


class ToolCase(unittest.TestCase):
    """A temporary folder per test, and the scripts run there with their
    output captured; no tests of its own."""
    TMP_PREFIX = "contend-test-tooling-"
    TIMEOUT = 300

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix=self.TMP_PREFIX)
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1",
                        MPLCONFIGDIR=os.path.join(self.tmp, "mpl"), MPLBACKEND="Agg")

    def run_script(self, script, *args):
        return subprocess.run([sys.executable, script] + [str(a) for a in args], cwd=self.tmp,
                              env=self.env, capture_output=True, text=True,
                              timeout=self.TIMEOUT)

    def write(self, name, content):
        """Writes `content` (JSON for a dict or list) to `name` in the
        temporary folder; returns the path."""
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb" if isinstance(content, bytes) else "w") as f:
            if isinstance(content, (dict, list)):
                json.dump(content, f)
            else:
                f.write(content)
        return path

    def real_result(self, var="CONTEND_RESULT"):
        """real_result(var); without one the test is skipped, saying why."""
        path = real_result(var)
        if not path:
            self.skipTest("%s is not set (the CTest fixture e2e_result sets it)" % var)
        return path

    def assertExit(self, proc, code):
        self.assertEqual(proc.returncode, code, "exit %d, expected %d\nstdout:\n%s\nstderr:\n%s"
                         % (proc.returncode, code, proc.stdout[-4000:], proc.stderr[-4000:]))

    def assertOneLineError(self, proc, *needles):
        self.assertExit(proc, 2)
        lines = proc.stderr.splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)
        for n in needles:
            self.assertIn(n, lines[0])
