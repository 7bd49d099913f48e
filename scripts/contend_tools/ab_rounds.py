"""Running the rounds of an A/B session (ab.py): each round runs BASE and
NEW once each, back to back, in an order drawn from the session's seed, each
a fresh `contend run` process writing its own result file into the session
folder. Nothing measured is ever thrown away: a round's files stay where
they were written whatever goes wrong later, and the session record
(session.json) is rewritten after every round.

Checks before anything long runs: both binaries answer `--version` as
contend; after the first round, both sides ran the same cases (by name, or
one-for-one by scenario and parameters when the sides differ in their own
arguments, e.g. two primitives) with the same measurement configuration.
Each problem is one line (RoundsError) and exit status 2.
"""
import json
import os
import random
import subprocess
import time

from . import contend_result as cr
from .compare_load import machine_of, measurement_differences, measurement_of
from .result_inputs import InputError

SIDES = ("base", "new")
# ab.py sets these on every process itself: one repetition, its seed, its
# file, no progress lines.
OWNED_RUN_OPTIONS = ("-o", "--output", "-r", "--repetitions", "--seed", "-q", "--quiet")


class RoundsError(InputError):
    """Bad input discovered while running; str() is one line."""


def check_run_args(args, where):
    for a in args:
        name = a.split("=", 1)[0]
        if name in OWNED_RUN_OPTIONS or (len(a) > 2 and a[:2] in ("-o", "-r", "-q")
                                         and not a.startswith("--")):
            raise InputError("%s: %s is set by ab.py itself (one repetition per process, the "
                             "session's seed, files in the session folder)" % (where, name))


def check_binary(path, flag):
    """One line unless `path` is an executable contend binary."""
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise InputError("%s: %s is not an executable file" % (flag, path))
    try:
        p = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise InputError("%s: %s is not a contend binary (--version: %s)" % (flag, path, e))
    lines = (p.stdout or p.stderr or "").strip().splitlines()
    said = lines[0] if lines else "nothing"
    if p.returncode != 0 or not said.startswith("contend "):
        raise InputError("%s: %s is not a contend binary (--version said: %s)"
                         % (flag, path, said[:120]))
    return said


class Session:
    """The plan of a session and what has run so far (session.json)."""

    def __init__(self, folder, binaries, versions, common_args, side_args, rounds, seed):
        self.folder = folder
        self.binaries = binaries        # {"base": path, "new": path}
        self.versions = versions
        self.common_args = common_args
        self.side_args = side_args      # {"base": [...], "new": [...]}
        self.planned_rounds = rounds
        self.seed = seed
        rng = random.Random(seed)
        # Each round: which side goes first, and the contend --seed both of
        # its processes get (the same shuffle of cases on both sides).
        self.plan = [{"round": r + 1, "order": rng.sample(SIDES, 2),
                      "run_seed": rng.randrange(1, 2 ** 31)} for r in range(rounds)]
        self.rounds = []  # completed: {"round", "order", "files": {side: path}, "wall_s"}
        self.stopped = None
        self.measurement_differs = []  # compared anyway (--allow-different-measurement)

    def record(self):
        return {"tool": "ab.py", "seed": self.seed, "planned_rounds": self.planned_rounds,
                "binaries": self.binaries, "versions": self.versions,
                "common_args": self.common_args, "side_args": self.side_args,
                "rounds": self.rounds, "stopped": self.stopped,
                "measurement_differs": self.measurement_differs}

    def save(self):
        path = os.path.join(self.folder, "session.json")
        with open(path + ".tmp", "w") as f:
            json.dump(self.record(), f, indent=1)
            f.write("\n")
        os.replace(path + ".tmp", path)

    def command(self, side, plan, path):
        return ([self.binaries[side], "run"] + self.common_args + self.side_args[side]
                + ["--repetitions", "1", "--seed", str(plan["run_seed"]), "--quiet",
                   "-o", path])

    def run_round(self, plan, log):
        files = {}
        start = time.monotonic()
        for side in plan["order"]:
            path = os.path.join(self.folder, "round-%02d-%s.json" % (plan["round"], side))
            p = subprocess.run(self.command(side, plan, path), capture_output=True, text=True)
            # 0: every case ok; 1: finished, some case not ok (compared as a
            # status); anything else: the process did not run its plan.
            if p.returncode not in (0, 1) or not os.path.isfile(path):
                last = (p.stderr or p.stdout or "").strip().splitlines()[-1:] or ["no output"]
                raise RoundsError("round %d, %s (%s): contend run exited %d: %s"
                                  % (plan["round"], side.upper(), self.binaries[side],
                                     p.returncode, last[0][:200]))
            files[side] = path
        self.rounds.append({"round": plan["round"], "order": plan["order"], "files": files,
                            "wall_s": round(time.monotonic() - start, 3)})
        self.save()
        if log:
            log("round %d/%d (%s first): %.1f s"
                % (plan["round"], self.planned_rounds, plan["order"][0].upper(),
                   time.monotonic() - start))
        return files


def pairing(base_doc, new_doc):
    """{base case name: new case name} for the cases of two round files: by
    name when both sides ran the same names; otherwise one-for-one by
    scenario and parameters (the sides differ in a primitive, say), which
    must then be unique on both sides; otherwise in plan order when both
    plans run the same scenarios and primitives in the same order (the sides
    differ in a parameter value). RoundsError when none of these holds."""
    def names(doc):
        return [c["name"] for c in doc.get("cases") or [] if isinstance(c, dict)
                and isinstance(c.get("name"), str)]

    def keyed(doc):
        out = {}
        for c in doc.get("cases") or []:
            if isinstance(c, dict) and isinstance(c.get("name"), str):
                key = (c.get("scenario"), json.dumps(c.get("params"), sort_keys=True))
                out.setdefault(key, []).append(c["name"])
        return out

    nb, nn = names(base_doc), names(new_doc)
    if set(nb) == set(nn) and len(nb) == len(set(nb)):
        return {n: n for n in nb}
    kb, kn = keyed(base_doc), keyed(new_doc)
    if set(kb) == set(kn) and all(len(kb[k]) == 1 and len(kn[k]) == 1 for k in kb):
        return {kb[k][0]: kn[k][0] for k in kb}
    # Two parameter values (--base-arg=--set=cs_ns=100 --new-arg=--set=cs_ns=200):
    # the plans differ only in values, so their cases pair in plan order,
    # scenario for scenario and primitive for primitive.
    def plan(doc):
        return [(c.get("scenario"), c.get("primitive")) for c in doc.get("cases") or []
                if isinstance(c, dict) and isinstance(c.get("name"), str)]
    if len(nb) == len(nn) and plan(base_doc) == plan(new_doc) and len(set(nn)) == len(nn):
        return dict(zip(nb, nn))
    only_b = [n for n in nb if n not in nn][:1]
    only_n = [n for n in nn if n not in nb][:1]
    raise RoundsError("BASE and NEW ran different cases: %d vs %d (BASE only: %s; NEW only: %s); "
                      "the sides may differ in one primitive or build, not in their plan"
                      % (len(nb), len(nn), only_b[0] if only_b else "-",
                         only_n[0] if only_n else "-"))


def check_first_round(files, allow_different_measurement):
    """The first round's two files: the same cases, the same machine and the
    same measurement configuration (seed and order never count). Returns
    the measurement differences allowed by allow_different_measurement."""
    docs = {s: cr.load(files[s], strict=False) for s in SIDES}
    pairing(docs["base"], docs["new"])
    ctx = {s: docs[s].get("context") or {} for s in SIDES}
    if machine_of(ctx["base"]) != machine_of(ctx["new"]):
        raise RoundsError("BASE and NEW ran on different machines: %s vs %s"
                          % (machine_of(ctx["base"]), machine_of(ctx["new"])))
    diff = measurement_differences(measurement_of(ctx["base"]), measurement_of(ctx["new"]))
    if diff and not allow_different_measurement:
        raise RoundsError("BASE and NEW measure differently: %s (--allow-different-measurement "
                          "compares anyway)" % ", ".join(diff))
    return diff
