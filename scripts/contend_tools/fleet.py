"""Run the suite across a fleet of machines through Slurm, and compare them.

Usage: fleet.py submit FLEET.json [-o DIR] [--dry-run]
       fleet.py status SESSION
       fleet.py collect SESSION [--store URL] [--resubmit]
       fleet.py report SESSION|RESULT.json... [-o report.html] [--reference M]

submit writes a session folder (DIR/<name>-<UTC time>/, DIR default
results/fleet) holding the array job script, the script that submits it and
the description (fleet_job.py says what each holds), then submits it: one
sbatch job array, one task per machine kind, each on an exclusive node,
held until each task's partition and node features are set, then released.
--dry-run writes the folder and submits nothing (read job.sh, submit it by
hand with submit.sh, or run one task in a shell without Slurm:
SLURM_ARRAY_TASK_ID=0 bash job.sh).

status prints each task's state (waiting, running, done, failed and why) from
Slurm and from the task's own events. collect adds every finished task's
result to the store (the description's, else --store, else the default
store; one transaction each, an incomplete result never), flags a node that
is not what its kind declared, prints each failed task's log tail, and with
--resubmit submits the failed tasks again (only those). report puts the
machines side by side (fleet_report.py): figures on shared axes, ratios to a
reference machine, flags.

Exit status: 0 every task done (status, collect) or written (submit,
report); 4 some task is still waiting or running; 1 every task has ended
and some failed; 2 bad input (one line on stderr); 3 the store failed
(collect: as store.py, nothing of that run written).
"""
import datetime
import json
import os
import subprocess
import sys

from . import fleet_report
from . import fleet_session as fs
from . import fleet_spec
from . import store_db
from . import store_ingest
from .result_inputs import InputError, exit_status, tool_parser

PROG = "fleet.py"
LOG_TAIL = 8


def parser():
    ap = tool_parser(PROG, __doc__)
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    s = sub.add_parser("submit", help="write a session and submit its job array")
    s.add_argument("fleet", metavar="FLEET.json")
    s.add_argument("-o", "--out-dir", default=os.path.join("results", "fleet"), metavar="DIR")
    s.add_argument("--dry-run", action="store_true", help="write the session, submit nothing")
    st = sub.add_parser("status", help="each task's state")
    st.add_argument("session", metavar="SESSION")
    st.add_argument("--json", action="store_true")
    c = sub.add_parser("collect", help="store the finished results, show the failures")
    c.add_argument("session", metavar="SESSION")
    c.add_argument("--store", metavar="URL", help="where the results go when the description "
                                                  "names no store ('default' or a URL)")
    c.add_argument("--resubmit", action="store_true", help="submit the failed tasks again")
    r = sub.add_parser("report", help="the machines side by side")
    r.add_argument("inputs", nargs="+", metavar="SESSION|RESULT.json")
    r.add_argument("-o", "--out", metavar="FILE", help="the HTML page (default: none)")
    r.add_argument("--json", metavar="FILE", help="the report as JSON")
    r.add_argument("--reference", metavar="MACHINE", help="the machine ratios are to "
                                                           "(default: the first)")
    r.add_argument("--allow-mismatch", action="store_true",
                   help="compare nodes that are not what their kind declared (flagged)")
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return exit_status(PROG, lambda: COMMANDS[args.command](args))
    except store_db.StoreError as e:  # the store failed: its own status (3), one line
        print("%s: error: %s" % (PROG, e), file=sys.stderr)
        return e.status


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def submit(session, tasks):
    """Run the session's submit.sh for `tasks`; the job id."""
    try:
        p = subprocess.run(["bash", os.path.join(session.path, "submit.sh")]
                           + [str(t) for t in tasks], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise InputError("submit.sh: %s" % e) from None
    if p.returncode != 0 or not p.stdout.strip():
        last = (p.stderr.strip().splitlines() or ["no output"])[-1]
        raise InputError("submitting %s failed (exit %d): %s; the session is kept: %s"
                         % (session.path, p.returncode, last, session.path))
    job = p.stdout.strip().splitlines()[-1]
    session.add_submission(job, list(tasks), now().strftime("%Y-%m-%dT%H:%M:%SZ"))
    return job


def cmd_submit(args):
    spec = fleet_spec.load(args.fleet)
    path = os.path.abspath(os.path.join(args.out_dir, "%s-%s" % (
        spec["name"], now().strftime("%Y%m%dT%H%M%SZ"))))
    try:
        session = fs.Session.create(spec, path)
    except OSError as e:
        raise InputError("-o: cannot create %s: %s" % (path, e.strerror or e)) from None
    print("session %s: job.sh, submit.sh, fleet.json" % path)
    if args.dry_run:
        print("not submitted (--dry-run): bash %s/submit.sh" % path)
        return 0
    job = submit(session, range(len(spec["kinds"])))
    print("submitted job %s: %d tasks (%s)" % (job, len(spec["kinds"]), ", ".join(
        k["name"] for k in spec["kinds"])))
    return 0


def _table(states):
    for s in states:
        print("%-3d %-16s %-8s %-14s %s%s" % (
            s["index"], s["kind"], s["state"], s["job"], s["host"] or "-",
            "  " + s["why"] if s["why"] else ""))
        if s["node_mismatch"]:
            print("    NODE NOT AS DECLARED: %s" % s["node_mismatch"])


STILL_GOING = 4


def _exit(states):
    if any(s["state"] in (fs.WAITING, fs.RUNNING) for s in states):
        return STILL_GOING
    return 1 if any(s["state"] == fs.FAILED for s in states) else 0


def cmd_status(args):
    states = fs.Session(args.session).states()
    if args.json:
        json.dump(states, sys.stdout, indent=1)
        print()
    else:
        _table(states)
    return _exit(states)


def cmd_collect(args):
    session = fs.Session(args.session)
    states = session.states()
    _table(states)
    url = session.spec["store"] or args.store
    done = [s for s in states if s["state"] == fs.DONE]
    if done:
        store = store_db.open_store(url, create=True)
        try:
            for s in done:
                run_id, added = store_ingest.add(store, s["result"], label="fleet %s %s" % (
                    session.spec["name"], s["kind"]))
                print("task %d %s: %s run %d in %s%s" % (
                    s["index"], s["kind"], "added as" if added else "already stored as",
                    run_id, store.shown, " (NODE NOT AS DECLARED: flagged in the report)"
                    if s["node_mismatch"] else ""))
        finally:
            store.close()
    failed = [s for s in states if s["state"] == fs.FAILED]
    for s in failed:
        log = session.log(s["index"])
        print("task %d %s failed: %s; log %s" % (s["index"], s["kind"], s["why"], log or "none"))
        if log:
            with open(log, errors="replace") as f:
                for line in f.read().splitlines()[-LOG_TAIL:]:
                    print("    | " + line)
    if failed and args.resubmit:
        job = submit(session, [s["index"] for s in failed])
        print("resubmitted %d failed task%s as job %s" % (
            len(failed), "" if len(failed) == 1 else "s", job))
    return _exit(states)


def cmd_report(args):
    machines = []
    for path in args.inputs:
        if os.path.isdir(path):
            session = fs.Session(path)
            for s in session.states():
                if s["state"] == fs.DONE:
                    machines.append(fleet_report.Machine(
                        s["kind"], fleet_report.cr.load(s["result"], strict=False),
                        mismatch=s["node_mismatch"], source=s["result"]))
                else:
                    print("task %d %s: %s, not in the report" % (s["index"], s["kind"],
                                                                   s["state"]), file=sys.stderr)
        else:
            try:
                machines += fleet_report.machines_from_files([path])
            except fleet_report.cr.ContendResultError as e:
                raise InputError("%s: %s" % (path, e)) from None
    seen = set()
    for m in machines:  # two runs of one host (or kind) stay two machines
        while m.label in seen:
            m.label += "'"
        seen.add(m.label)
    if len(machines) < 2:
        raise InputError("a side-by-side report needs at least 2 machines, found %d"
                         % len(machines))
    try:
        report = fleet_report.build(machines, args.reference, args.allow_mismatch)
    except ValueError as e:
        raise InputError(str(e)) from None
    sys.stdout.write(fleet_report.console(report))
    for path, text in ((args.json, lambda: json.dumps(report, indent=1) + "\n"),
                       (args.out, lambda: fleet_report.html(machines, report,
                                                            "contend: machines side by side"))):
        if path:
            try:
                with open(path, "w") as f:
                    f.write(text())
            except OSError as e:
                raise InputError("%s: cannot write: %s" % (path, e.strerror or e)) from None
            print("wrote %s" % path)
    return 0


COMMANDS = {"submit": cmd_submit, "status": cmd_status, "collect": cmd_collect,
            "report": cmd_report}
