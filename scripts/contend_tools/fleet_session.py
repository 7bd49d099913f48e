"""A fleet session's state: what each task of the latest submission is doing
or did, read from Slurm (squeue, while the scheduler still knows the task)
and from the task's own events file (which outlives the job: a finished,
failed or killed task says so there).

A task's state, one of:
  waiting    Slurm has it pending
  running    Slurm runs it
  done       it finished with exit 0 or 1 (1: the run completed and some
             case was not ok, which the result says) and its result is
             complete
  failed     anything else, with why: its exit status, the signal it was
             killed by (time limit, scancel), a result that is missing or
             incomplete, or no word at all (SIGKILL, node failure)
"""
import json
import os
import shutil
import subprocess

from . import contend_result as cr
from . import fleet_job
from . import fleet_spec
from .result_inputs import InputError

WAITING, RUNNING, DONE, FAILED = "waiting", "running", "done", "failed"
SLURM_STATES = {"PENDING": WAITING, "CONFIGURING": RUNNING, "RUNNING": RUNNING,
                "COMPLETING": RUNNING, "SUSPENDED": WAITING, "REQUEUED": WAITING}


class Session:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.file = os.path.join(self.path, "fleet.json")
        try:
            with open(self.file) as f:
                self.record = json.load(f)
        except OSError as e:
            raise InputError("%s: not a fleet session (no readable fleet.json: %s)"
                             % (path, e.strerror or e)) from None
        except ValueError as e:
            raise InputError("%s: fleet.json is not JSON: %s" % (path, e)) from None
        self.spec = fleet_spec.check(self.record.get("fleet"), self.file)
        self.kinds = self.spec["kinds"]

    @staticmethod
    def create(spec, path):
        os.makedirs(path, exist_ok=False)
        tasks = fleet_job.write_session(spec, path)
        with open(os.path.join(path, "fleet.json"), "w") as f:
            json.dump({"fleet": spec, "tasks": tasks, "submissions": []}, f, indent=1)
        return Session(path)

    def save(self):
        tmp = self.file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.record, f, indent=1)
        os.replace(tmp, self.file)

    def add_submission(self, job, tasks, when):
        self.record["submissions"].append({"job": job, "tasks": tasks, "time": when})
        self.save()

    def latest_job(self, index):
        """The Slurm job id of the latest submission that holds task `index`."""
        for s in reversed(self.record["submissions"]):
            if index in s["tasks"]:
                return s["job"]
        return None

    def task_dir(self, index):
        return fleet_job.task_dir(self.path, index, self.kinds[index])

    def events(self, index):
        path = os.path.join(self.task_dir(index), "events")
        out = []
        try:
            with open(path) as f:
                for line in f:
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        out.append({"event": "unreadable", "line": line.strip()})
        except OSError:
            pass
        return out

    def log(self, index):
        """The Slurm log of the task's latest attempt (or None)."""
        job = self.latest_job(index)
        path = os.path.join(self.path, "tasks", "%d-%s.log" % (index, job))
        return path if job and os.path.exists(path) else None

    def states(self):
        """[{index, kind, state, why, job, host, result, node_mismatch}]."""
        queued = squeue_states({s["job"] for s in self.record["submissions"]})
        return [self._state(i, queued) for i in range(len(self.kinds))]

    def _state(self, i, queued):
        job = self.latest_job(i)
        tag = "%s_%d" % (job if job else "none", i)
        mine = [e for e in self.events(i) if e.get("job") == tag]
        out = {"index": i, "kind": self.kinds[i]["name"], "job": tag, "state": None, "why": "",
               "host": mine[0].get("host") if mine else None, "result": None,
               "node_mismatch": None}
        result = os.path.join(self.task_dir(i), "result.json")
        if job is not None and tag in queued:
            out["state"] = queued[tag]
            return out
        last = mine[-1] if mine else None
        if last is None:
            out["state"] = WAITING if job is None else FAILED
            out["why"] = ("not submitted" if job is None else
                          "never started, and Slurm no longer knows it (cancelled while "
                          "pending?): see its log")
            return out
        if last["event"] == "started":
            out["state"], out["why"] = FAILED, ("ended without a word (SIGKILL: time limit, "
                                                "node failure) or still running outside Slurm")
            return out
        if last["event"] == "killed":
            out["state"], out["why"] = FAILED, "killed by %s (time limit or scancel)" % (
                last.get("signal") or "a signal")
            return out
        code = last.get("exit")
        if code not in (0, 1):
            out["state"] = FAILED
            out["why"] = "exit %s%s" % (code, ": " + last["why"] if last.get("why") else "")
            return out
        try:
            doc = cr.load(result, strict=False)
        except cr.ContendResultError as e:
            out["state"], out["why"] = FAILED, "exit %s but no usable result: %s" % (code, e)
            return out
        ctx = doc.get("context") or {}
        if ctx.get("complete") is not True:
            out["state"], out["why"] = FAILED, "the result is incomplete (interrupted run)"
            return out
        out["state"], out["result"] = DONE, result
        out["why"] = "exit %d%s" % (code, ": some case not ok" if code == 1 else "")
        out["node_mismatch"] = fleet_spec.node_mismatch(self.kinds[i], ctx)
        return out


def squeue_states(jobs):
    """{"JOB_TASK": state} of the array tasks Slurm still knows; {} without
    squeue or jobs."""
    jobs = [str(j) for j in jobs if j]
    if not jobs or not shutil.which("squeue"):
        return {}
    # All of them, then filtered: squeue -j fails whole when one id is too old.
    p = subprocess.run(["squeue", "-h", "-r", "-o", "%i %T"],
                       capture_output=True, text=True, timeout=60)
    out = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].split("_")[0] in jobs:
            out[parts[0]] = SLURM_STATES.get(parts[1], RUNNING)
    return out
