"""Opening the results store: one embedded SQLite file by default, or a
PostgreSQL database a team or a fleet shares, behind one small interface.

Where the store is, first found wins:
  --store URL            sqlite:///abs/path, sqlite:rel/path, a plain path
                         ('default' means the next two),
                         or postgresql://[user@]host/db (postgres:// too;
                         host=/socket/dir as a query parameter for a socket)
  CONTEND_STORE          the same, from the environment
  the default file       $XDG_DATA_HOME/contend/store.sqlite
                         (~/.local/share/contend/store.sqlite)

Both back ends get the same schema (store_schema.py) and the same SQL: the
queries are written with `?` placeholders and the portable subset of SQL both
speak (RETURNING, ON CONFLICT DO NOTHING). SQLite runs in WAL mode with a busy
timeout, and every write takes the write lock when its transaction begins
(BEGIN IMMEDIATE), so concurrent writers queue instead of failing half way;
PostgreSQL's transactions do the same job.

Every failure is a StoreError: one line, and the exit status the tools give
it (2: bad input, such as a store of a newer schema or a malformed URL; 3: the
store itself failed, such as an unreachable server or a full disk).
"""
import contextlib
import os
import re
import sqlite3
import urllib.parse

from . import store_schema as schema

ENV = "CONTEND_STORE"
BUSY_TIMEOUT_S = 120
BAD_INPUT, STORE_FAILED = 2, 3


class StoreError(Exception):
    """str() is one line; .status is the exit status."""

    def __init__(self, message, status=STORE_FAILED):
        super().__init__(message)
        self.status = status


def default_path():
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local",
                                                             "share")
    return os.path.join(base, "contend", "store.sqlite")


def locate(url=None):
    """(dialect, target, shown): where the store is, and how to name it in
    messages (a PostgreSQL password is never shown)."""
    if url == "default":
        url = None
    url = url or os.environ.get(ENV) or default_path()
    if re.match(r"^postgres(ql)?://", url):
        parts = urllib.parse.urlsplit(url)
        shown = parts._replace(netloc=re.sub(r":[^@]*@", ":***@", parts.netloc)).geturl()
        return "postgresql", url, shown
    if url.startswith("sqlite:"):
        path = url[len("sqlite:"):]
        path = path[2:] if path.startswith("//") else path  # sqlite:///abs -> /abs
        if not path:
            raise StoreError("--store: %r names no file (allowed: sqlite:///PATH, a path, "
                             "postgresql://...)" % url, BAD_INPUT)
        url = path
    elif re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", url):
        raise StoreError("--store: %r: unknown kind of store (allowed: a path, sqlite:///PATH, "
                         "postgresql://...)" % url, BAD_INPUT)
    path = os.path.abspath(os.path.expanduser(url))
    return "sqlite", path, path


class Store:
    """A connection with the dialect's few differences hidden."""

    def __init__(self, dialect, conn, shown):
        self.dialect = dialect
        self.conn = conn
        self.shown = shown
        self.created = False

    def sql(self, text):
        return text if self.dialect == "sqlite" else text.replace("?", "%s")

    def execute(self, text, params=()):
        return self.conn.execute(self.sql(text), params)

    def executemany(self, text, rows):
        if self.dialect == "sqlite":
            return self.conn.executemany(text, rows)
        with self.conn.cursor() as cur:
            cur.executemany(self.sql(text), rows)

    def query(self, text, params=()):
        return self.execute(text, params).fetchall()

    def one(self, text, params=()):
        """The first row or None; the statement is run to its end (SQLite
        cannot commit while a RETURNING statement is still open)."""
        rows = self.execute(text, params).fetchall()
        return rows[0] if rows else None

    @contextlib.contextmanager
    def write(self):
        """A write transaction: all of it lands, or none of it."""
        if self.dialect == "sqlite":
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        else:
            with self.conn.transaction():
                yield self

    @contextlib.contextmanager
    def read(self):
        """One consistent snapshot for a group of reads."""
        if self.dialect == "sqlite":
            self.conn.execute("BEGIN")
            try:
                yield self
            finally:
                self.conn.execute("ROLLBACK")
        else:
            with self.conn.transaction():
                self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield self

    def blob(self, data):
        return data if self.dialect == "sqlite" else bytes(data)

    def close(self):
        self.conn.close()


def _open_sqlite(path, create):
    if not os.path.exists(path):
        if not create:
            raise StoreError("no store at %s (add a run first: contend-store add RESULT.json, "
                             "or name one with --store or %s)" % (path, ENV), BAD_INPUT)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        except OSError as e:
            raise StoreError("cannot create the store's folder %s: %s"
                             % (os.path.dirname(path), e.strerror or e), STORE_FAILED) from None
    elif os.path.isdir(path):
        raise StoreError("--store: %s is a folder, not a store file" % path, BAD_INPUT)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = %d" % (BUSY_TIMEOUT_S * 1000))
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError("%s: cannot switch to WAL mode (the file system does not support "
                             "it?): journal mode %s" % (path, mode))
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as e:
        raise StoreError("%s: not a contend store: %s" % (path, e), BAD_INPUT) from None
    return conn


def _open_postgresql(url, shown):
    try:
        import psycopg
    except ImportError:
        raise StoreError("a PostgreSQL store needs python3-psycopg (apt-get install "
                         "python3-psycopg)", STORE_FAILED) from None
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as e:
        first = (str(e).strip().splitlines() or ["no reason given"])[0]
        raise StoreError("cannot connect to the store %s: %s" % (shown, first)) from None


def open_store(url=None, create=False):
    """The store at `url` (see the module's doc), its schema brought up to
    date. create=False refuses a SQLite file that does not exist yet (a
    reader has nothing to read); adding a run creates it."""
    dialect, target, shown = locate(url)
    if dialect == "sqlite":
        store = Store(dialect, _open_sqlite(target, create), shown)
    else:
        store = Store(dialect, _open_postgresql(target, shown), shown)
    try:
        store.created = schema.migrate(store)
    except Exception as e:  # a database error while reading or creating the schema
        store.close()
        raise translate(e, store) from None
    return store


def translate(e, store):
    """A database exception as a StoreError with one line."""
    if isinstance(e, StoreError):
        return e
    text = (str(e).strip().splitlines() or [type(e).__name__])[0]
    if isinstance(e, sqlite3.OperationalError) and "full" in text:
        return StoreError("%s: the disk is full (%s): nothing of this run was stored, the "
                          "runs stored before are intact" % (store.shown, text))
    if isinstance(e, sqlite3.DatabaseError) and ("malformed" in text or "not a database"
                                                  in text):
        return StoreError("%s: the store file is damaged: %s" % (store.shown, text), BAD_INPUT)
    return StoreError("%s: %s" % (store.shown, text))
