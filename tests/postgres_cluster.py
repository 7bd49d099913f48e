"""A throwaway PostgreSQL 15 cluster for the store tests: initdb and pg_ctl
from Debian's postgresql-15 in a temporary folder, listening on a Unix
socket only, stopped and removed at the end. PostgreSQL refuses to run as
root, and CI runs as root: there the server runs as the `postgres` system
user (runuser), which the package creates. No mock: the real server.
"""
import os
import pwd
import shutil
import subprocess
import tempfile

BIN = "/usr/lib/postgresql/15/bin"


class Cluster:
    def __init__(self):
        if not os.path.exists(os.path.join(BIN, "initdb")):
            raise RuntimeError("PostgreSQL 15 is not installed (Debian package postgresql-15; "
                               "scripts/test.sh installs it)")
        self.root = os.geteuid() == 0
        self.tmp = tempfile.mkdtemp(prefix="contend-pg-")
        self.data = os.path.join(self.tmp, "data")
        self.socket = os.path.join(self.tmp, "socket")
        os.mkdir(self.socket)
        self.user = "postgres" if self.root else pwd.getpwuid(os.geteuid()).pw_name
        if self.root:
            pw = pwd.getpwnam("postgres")
            os.chmod(self.tmp, 0o755)
            for d in (self.tmp, self.socket):
                os.chown(d, pw.pw_uid, pw.pw_gid)
        self.databases = 0
        self._as_server([os.path.join(BIN, "initdb"), "-D", self.data, "-A", "trust", "-U",
                         self.user, "-E", "UTF8", "--no-sync"])
        # fsync off: a test cluster, thrown away; the tests' subject is the
        # store's transactions, not the disk's durability.
        self._as_server([os.path.join(BIN, "pg_ctl"), "-D", self.data, "-w", "-t", "60", "-l",
                         os.path.join(self.tmp, "server.log"), "-o",
                         "-k %s -c listen_addresses='' -c fsync=off -c max_connections=50"
                         % self.socket, "start"])

    def _as_server(self, args, timeout=120):
        cmd = (["runuser", "-u", "postgres", "--"] if self.root else []) + args
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s%s" % (os.path.basename(args[0]), p.returncode,
                                                         p.stdout[-2000:], p.stderr[-2000:]))
        return p

    def url(self, db):
        return "postgresql:///%s?host=%s&user=%s" % (db, self.socket, self.user)

    def new_database(self):
        """A fresh, empty database; its URL."""
        self.databases += 1
        name = "contend_test_%d" % self.databases
        self._as_server([os.path.join(BIN, "createdb"), "-h", self.socket, "-U", self.user,
                         name])
        return self.url(name)

    def stop(self):
        try:
            self._as_server([os.path.join(BIN, "pg_ctl"), "-D", self.data, "-m", "immediate",
                             "-w", "stop"])
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
