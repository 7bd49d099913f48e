"""The files of a fleet session: the array job script every task runs, the
script that submits it, and where each task leaves its traces.

A session folder (fleet.py submit) holds:

  fleet.json         the checked description, the tasks (index -> kind) and
                     every submission (Slurm job id, task ids, time)
  job.sh             the array job: one task per machine kind. Readable, and
                     runnable without Slurm: SLURM_ARRAY_TASK_ID=1 bash job.sh
  submit.sh          sbatch --hold of job.sh, then each task's partition and
                     node features (scontrol update: an array's tasks share one
                     sbatch line, a fleet's tasks must not), then release
  tasks/I-KIND/      per task: events (JSON lines: started, finished with
                     the exit status, killed) and result.json (contend writes
                     it atomically)
  tasks/I-JOB.log    Slurm's output of task I in job JOB (a resubmitted task
                     keeps the failed attempt's log)

Each task runs on an exclusive node (--exclusive: nobody else measures
there), and contend pins its threads inside the CPUs the allocation allows
(it reads them with sched_getaffinity). With a store in the description the
task adds its finished result itself (contend run --store: one transaction,
an interrupted run is never stored); without one, fleet.py collect adds the
results folder.
"""
import datetime
import os
import shlex


def task_dir(session, index, kind):
    return os.path.join(session, "tasks", "%d-%s" % (index, kind["name"]))


def _q(text):
    return shlex.quote(str(text))


def job_script(spec, session):
    kinds = spec["kinds"]
    lines = [
        "#!/bin/bash",
        "# contend fleet %r, written by fleet.py on %s." % (
            spec["name"], datetime.datetime.now(datetime.timezone.utc).strftime(
                "%Y-%m-%d %H:%M UTC")),
        "# One array task per machine kind; submit.sh gives each its partition and",
        "# node features. Without Slurm, one task runs in any shell on this machine:",
        "#   SLURM_ARRAY_TASK_ID=0 bash %s" % _q(os.path.join(session, "job.sh")),
        "# Tasks:",
    ]
    for i, k in enumerate(kinds):
        where = ", ".join(x for x in (
            "partition %s" % k["partition"] if k["partition"] else "",
            "features %s" % k["constraint"] if k["constraint"] else "") if x) or "any node"
        lines.append("#   %d  %-16s %s" % (i, k["name"], where))
    lines += [
        "#SBATCH --job-name=contend-%s" % spec["name"],
        "#SBATCH --array=0-%d" % (len(kinds) - 1),
        "#SBATCH --exclusive",
        "#SBATCH --nodes=1",
        "#SBATCH --time=%s" % spec["time_limit"],
        "#SBATCH --output=%s" % os.path.join(session, "tasks", "%a-%A.log"),
    ] + ["#SBATCH %s" % a for a in spec["sbatch"]] + [
        "set -uo pipefail",
        "session=%s" % _q(session),
        "task=${SLURM_ARRAY_TASK_ID:-0}",
        "kinds=(%s)" % " ".join(_q(k["name"]) for k in kinds),
        "kind=${kinds[$task]:?no such task: $task}",
        'dir="$session/tasks/$task-$kind"',
        'mkdir -p "$dir"',
        'event() {  # one JSON line per event; fleet.py status reads them',
        '  printf \'{"event": "%s", "time": "%s", "host": "%s", "job": "%s"%s}\\n\' \\',
        '    "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(hostname)" \\',
        '    "${SLURM_ARRAY_JOB_ID:-none}_${SLURM_ARRAY_TASK_ID:-$task}" "${2:-}" >> "$dir/events"',
        '}',
        'event started',
        "# Slurm sends TERM at the time limit or on scancel, then KILL: say so while we can.",
        "trap 'event killed \", \\\"signal\\\": \\\"TERM\\\"\"; exit 143' TERM",
    ]
    if "source" in spec:
        lines += [
            "# Build this kind's contend from the shared checkout (its own build folder).",
            "src=%s" % _q(spec["source"]),
            '(cd "$src" && BUILD_DIR="build-fleet-$kind" scripts/setup.sh) >> "$dir/build.log" 2>&1'
            ' || { event finished \', "exit": 90, "why": "build failed: see build.log"\';'
            ' exit 90; }',
            'contend="$src/build-fleet-$kind/contend"',
        ]
    else:
        lines.append("contend=%s" % _q(spec["contend"]))
    store = " --store %s" % _q(spec["store"]) if spec["store"] else ""
    lines += [
        "# The result is written atomically; an interrupted run says complete: false and",
        "# is never stored.",
        '"$contend" run %s -o "$dir/result.json"%s &' % (
            " ".join(_q(a) for a in spec["run"]), store),
        "wait $!",
        "status=$?",
        'event finished ", \\"exit\\": $status"',
        "exit $status",
    ]
    return "\n".join(lines) + "\n"


def submit_script(spec):
    """submit.sh [TASK...]: the given tasks (default all) as one held array,
    each task's partition and features set, then released. Prints the job id."""
    kinds = spec["kinds"]
    lines = [
        "#!/bin/bash",
        "# Submits job.sh: tasks TASK... (default: all) as one held array, sets each",
        "# task's partition and node features, releases it; prints the job id.",
        "set -euo pipefail",
        'cd "$(dirname "$0")"',
        "[ $# -gt 0 ] || set -- %s" % " ".join(str(i) for i in range(len(kinds))),
        'array=$(IFS=,; echo "$*")',
        'job=$(sbatch --parsable --hold --array="$array" job.sh)',
        'job=${job%%;*}',
        'for task in "$@"; do',
        '  case $task in',
    ]
    for i, k in enumerate(kinds):
        opts = " ".join(x for x in (
            "Partition=%s" % _q(k["partition"]) if k["partition"] else "",
            "Features=%s" % _q(k["constraint"]) if k["constraint"] else "") if x)
        lines.append('    %d) %s ;;' % (i, 'scontrol update JobId="${job}_%d" %s' % (i, opts)
                                        if opts else ":"))
    lines += [
        '    *) echo "submit.sh: no task $task (tasks: 0-%d)" >&2; scancel "$job"; exit 2 ;;'
        % (len(kinds) - 1),
        "  esac",
        "done",
        'scontrol release "$job"',
        'echo "$job"',
    ]
    return "\n".join(lines) + "\n"


def write_session(spec, session):
    os.makedirs(os.path.join(session, "tasks"), exist_ok=True)
    for name, text in (("job.sh", job_script(spec, session)), ("submit.sh", submit_script(spec))):
        path = os.path.join(session, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)
    return [{"index": i, "kind": k["name"]} for i, k in enumerate(spec["kinds"])]

