"""A throwaway single-node Slurm cluster for the fleet tests: Debian's
slurm-wlm 22.05 and munge, configured in a temporary folder (its own munge
key and socket, its own ports, state and logs), slurmctld and slurmd on
localhost, stopped and removed at the end. Two partitions on the one node
(kind_a, kind_b) and a node feature (fast), so that a fleet's tasks can ask
for different partitions and features as on a real cluster. No mock: the
real scheduler runs the real job array.

Run as root (CI does): slurmd runs the jobs as the user who submitted them.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time

MUNGED, SLURMCTLD, SLURMD = "/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self):
        missing = [p for p in (MUNGED, SLURMCTLD, SLURMD) if not os.path.exists(p)]
        if missing:
            raise RuntimeError("Slurm is not installed (%s; Debian packages slurm-wlm and "
                               "munge: scripts/test.sh installs them)" % ", ".join(missing))
        if os.geteuid() != 0:
            raise RuntimeError("the Slurm test cluster runs as root (CI does)")
        self.tmp = tempfile.mkdtemp(prefix="contend-slurm-")
        self.node = socket.gethostname().split(".")[0]
        munge = os.path.join(self.tmp, "munge")
        os.makedirs(munge, mode=0o700)
        for d in ("state", "spool"):
            os.mkdir(os.path.join(self.tmp, d))
        key = os.path.join(munge, "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(128))
        os.chmod(key, 0o600)
        self.munge_socket = os.path.join(munge, "munge.sock")
        self._run([MUNGED, "--socket=" + self.munge_socket, "--key-file=" + key,
                   "--pid-file=" + os.path.join(munge, "munged.pid"),
                   "--log-file=" + os.path.join(munge, "munged.log"),
                   "--seed-file=" + os.path.join(munge, "seed"), "--force"])
        self.conf = os.path.join(self.tmp, "slurm.conf")
        with open(self.conf, "w") as f:
            f.write(self._config(os.cpu_count() or 1))
        self.env = dict(os.environ, SLURM_CONF=self.conf)
        self._run([SLURMCTLD, "-f", self.conf])
        self._run([SLURMD, "-f", self.conf])
        self._wait_idle()

    def _config(self, cpus):
        t = self.tmp
        return "\n".join([
            "ClusterName=contendtest",
            "SlurmctldHost=%s(127.0.0.1)" % self.node,
            "SlurmUser=root", "SlurmdUser=root",
            "SlurmctldPort=%d" % _free_port(), "SlurmdPort=%d" % _free_port(),
            "AuthType=auth/munge", "CredType=cred/munge",
            "AuthInfo=socket=%s" % self.munge_socket,
            "StateSaveLocation=%s/state" % t, "SlurmdSpoolDir=%s/spool" % t,
            "SlurmctldPidFile=%s/slurmctld.pid" % t, "SlurmdPidFile=%s/slurmd.pid" % t,
            "SlurmctldLogFile=%s/slurmctld.log" % t, "SlurmdLogFile=%s/slurmd.log" % t,
            # No cgroups in a test container: processes are tracked by
            # parentage, tasks are not confined (the exclusive node is).
            "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none",
            "SchedulerType=sched/backfill", "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core", "ReturnToService=2", "MpiDefault=none",
            "JobCompType=jobcomp/none", "AccountingStorageType=accounting_storage/none",
            "JobAcctGatherType=jobacct_gather/none", "InactiveLimit=0", "KillWait=5",
            "SchedulerParameters=sched_interval=1", "MinJobAge=300",
            "NodeName=%s NodeAddr=127.0.0.1 CPUs=%d RealMemory=1000 Feature=fast "
            "State=UNKNOWN" % (self.node, cpus),
            "PartitionName=kind_a Nodes=%s Default=YES MaxTime=INFINITE State=UP" % self.node,
            "PartitionName=kind_b Nodes=%s MaxTime=INFINITE State=UP" % self.node,
        ]) + "\n"

    def _run(self, args, timeout=60):
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                           env=getattr(self, "env", None))
        if p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s%s%s" % (
                os.path.basename(args[0]), p.returncode, p.stdout[-1500:], p.stderr[-1500:],
                self.logs()))
        return p

    def logs(self):
        out = []
        for name in ("slurmctld.log", "slurmd.log"):
            try:
                with open(os.path.join(self.tmp, name), errors="replace") as f:
                    out.append("\n--- %s ---\n%s" % (name, "".join(f.readlines()[-20:])))
            except OSError:
                pass
        return "".join(out)

    def _wait_idle(self, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            p = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True,
                               env=self.env)
            if p.returncode == 0 and p.stdout.split() and all(
                    s.startswith("idle") for s in p.stdout.split()):
                return
            time.sleep(0.5)
        raise RuntimeError("the Slurm node did not become idle in %d s%s" % (timeout,
                                                                            self.logs()))

    def stop(self):
        try:
            subprocess.run(["scontrol", "shutdown"], capture_output=True, timeout=60,
                           env=self.env)
            for pidfile in ("slurmd.pid", "slurmctld.pid", "munge/munged.pid"):
                try:
                    with open(os.path.join(self.tmp, pidfile)) as f:
                        os.kill(int(f.read().strip()), 15)
                except (OSError, ValueError):
                    pass
            time.sleep(1)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
