#!/usr/bin/env python3
"""The git revision a result records is the one of the binary that ran: it
is written at every build by cmake/git_revision.cmake, not fixed when CMake
configured (a rebuild after a commit used to record the older revision).

Run by CTest with CONTEND_BIN in the environment."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_support import ROOT, run  # noqa: E402

SCRIPT = os.path.join(ROOT, "cmake", "git_revision.cmake")


def git(cwd, *args):
    return subprocess.run(["git", "-C", cwd] + list(args), capture_output=True, text=True)


class BinaryRecordsItsTree(unittest.TestCase):
    def test_the_binary_records_the_tree_it_was_built_from(self):
        ctx = json.loads(run(["env", "--json"]).stdout)
        head = git(ROOT, "rev-parse", "--short=12", "HEAD")
        if head.returncode != 0:  # built from a tarball: nothing to record
            self.assertIsNone(ctx["git_revision"])
            self.assertIsNone(ctx["git_tree_dirty"])
            return
        self.assertEqual(ctx["git_revision"], head.stdout.strip())
        dirty = git(ROOT, "diff", "--quiet", "HEAD", "--").returncode == 1
        self.assertEqual(ctx["git_tree_dirty"], dirty)


class RevisionIsWrittenAtEveryBuild(unittest.TestCase):
    """The build step itself, on a throwaway repository."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.repo = os.path.join(self.tmp.name, "repo")
        self.out = os.path.join(self.tmp.name, "git_revision.cpp")
        os.mkdir(self.repo)
        git(self.repo, "init", "-q")
        for key, value in (("user.email", "t@example.com"), ("user.name", "t")):
            git(self.repo, "config", key, value)

    def tearDown(self):
        self.tmp.cleanup()

    def commit(self, text):
        with open(os.path.join(self.repo, "f"), "w") as f:
            f.write(text)
        git(self.repo, "add", "f")
        git(self.repo, "commit", "-qm", text)
        return git(self.repo, "rev-parse", "--short=12", "HEAD").stdout.strip()

    def build_step(self):
        subprocess.run(["cmake", "-DSOURCE_DIR=" + self.repo, "-DOUT=" + self.out, "-P", SCRIPT],
                       check=True, capture_output=True)
        with open(self.out) as f:
            return f.read()

    def test_a_commit_is_recorded_by_the_next_build_and_an_edit_marks_it_dirty(self):
        first = self.commit("one")
        text = self.build_step()
        self.assertIn('"%s"' % first, text)
        self.assertIn("git_tree_dirty() { return 0; }", text)
        second = self.commit("two")  # no configure in between
        text = self.build_step()
        self.assertIn('"%s"' % second, text)
        self.assertNotIn(first, text)
        with open(os.path.join(self.repo, "f"), "w") as f:
            f.write("edited")
        self.assertIn("git_tree_dirty() { return 1; }", self.build_step())

    def test_an_unchanged_revision_leaves_the_file_alone(self):
        self.commit("one")
        self.build_step()
        before = os.stat(self.out).st_mtime_ns
        os.utime(self.out, ns=(before - 10**9, before - 10**9))  # older than any rewrite
        self.build_step()
        self.assertEqual(os.stat(self.out).st_mtime_ns, before - 10**9)

    def test_outside_a_checkout_the_revision_is_empty_and_unknown(self):
        empty = os.path.join(self.tmp.name, "not_a_repo")
        os.mkdir(empty)
        env = dict(os.environ, GIT_CEILING_DIRECTORIES=self.tmp.name)
        subprocess.run(["cmake", "-DSOURCE_DIR=" + empty, "-DOUT=" + self.out, "-P", SCRIPT],
                       check=True, capture_output=True, env=env)
        with open(self.out) as f:
            text = f.read()
        self.assertIn('git_revision() { return ""; }', text)
        self.assertIn("git_tree_dirty() { return -1; }", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
