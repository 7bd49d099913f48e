"""A fleet description: which machine kinds to cover, what to run on each,
where the results go. JSON, checked here with one-line errors:

  {
    "name": "nightly",                      letters, digits, - and _
    "kinds": [                              one array task each
      {"name": "epyc",                      the kind's name in reports
       "partition": "epyc",                 Slurm partition (optional)
       "constraint": "zen4",                Slurm node features (optional)
       "expect": {"cpu_model": "EPYC",      what the node must be: a regular
                  "num_cpus": 64}},         expression on the CPU model, the
                                            CPU count; a node that differs is
                                            flagged, not mixed in
      {"name": "graviton", "partition": "arm"}
    ],
    "run": ["--preset", "default"],         `contend run` arguments
    "contend": "contend",                   the installed binary on the nodes
    "source": "/shared/src/contend",        or a checkout each task builds
                                            (scripts/setup.sh, build-fleet-KIND)
    "store": "postgresql://...",            where each task adds its result
                                            (optional: else `collect` adds
                                            the results to any store; a
                                            SQLite file cannot be shared by
                                            nodes: WAL needs one host)
    "time_limit": "02:00:00",               per task (Slurm --time)
    "sbatch": ["--account=perf"]            more sbatch options (optional)
  }

Exactly one of "contend" and "source".
"""
import json
import re

from .result_inputs import InputError

NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
KIND_KEYS = {"name", "partition", "constraint", "expect"}
TOP_KEYS = {"name", "kinds", "run", "contend", "source", "store", "time_limit", "sbatch"}
TIME = re.compile(r"^(\d+-)?\d{1,2}(:\d{2}){0,2}$")


def load(path):
    try:
        with open(path) as f:
            spec = json.load(f)
    except OSError as e:
        raise InputError("%s: cannot read: %s" % (path, e.strerror or e)) from None
    except ValueError as e:
        raise InputError("%s: not JSON: %s" % (path, e)) from None
    return check(spec, path)


def _fail(where, what):
    raise InputError("%s: %s" % (where, what))


def check(spec, where="fleet"):
    """The description with its defaults filled in; InputError naming the
    field and what is allowed otherwise."""
    if not isinstance(spec, dict):
        _fail(where, "the fleet description must be a JSON object")
    unknown = set(spec) - TOP_KEYS
    if unknown:
        _fail(where, "unknown field %s (allowed: %s)" % (", ".join(sorted(unknown)),
                                                         ", ".join(sorted(TOP_KEYS))))
    if not isinstance(spec.get("name"), str) or not NAME.match(spec["name"]):
        _fail(where, "name: %r: allowed: 1-64 letters, digits, - and _" % spec.get("name"))
    kinds = spec.get("kinds")
    if not isinstance(kinds, list) or not kinds:
        _fail(where, "kinds: a non-empty list of machine kinds is needed")
    seen = set()
    for i, k in enumerate(kinds):
        at = "%s: kinds[%d]" % (where, i)
        if not isinstance(k, dict):
            _fail(at, "must be an object")
        if set(k) - KIND_KEYS:
            _fail(at, "unknown field %s (allowed: %s)" % (", ".join(sorted(set(k) - KIND_KEYS)),
                                                          ", ".join(sorted(KIND_KEYS))))
        if not isinstance(k.get("name"), str) or not NAME.match(k["name"]):
            _fail(at, "name: %r: allowed: 1-64 letters, digits, - and _" % k.get("name"))
        if k["name"] in seen:
            _fail(at, "name %r used twice" % k["name"])
        seen.add(k["name"])
        for key in ("partition", "constraint"):
            if k.get(key) is not None and (not isinstance(k[key], str) or not k[key]
                                           or re.search(r"\s", k[key])):
                _fail(at, "%s: %r: a Slurm %s name without spaces" % (key, k[key], key))
        expect = k.get("expect") or {}
        if not isinstance(expect, dict) or set(expect) - {"cpu_model", "num_cpus"}:
            _fail(at, "expect: allowed keys: cpu_model (a regular expression), num_cpus")
        if "cpu_model" in expect:
            try:
                re.compile(expect["cpu_model"])
            except (re.error, TypeError) as e:
                _fail(at, "expect.cpu_model: not a regular expression: %s" % e)
        if "num_cpus" in expect and (not isinstance(expect["num_cpus"], int)
                                     or expect["num_cpus"] < 1):
            _fail(at, "expect.num_cpus: a positive integer")
        k.setdefault("partition", None)
        k.setdefault("constraint", None)
        k["expect"] = expect
    run = spec.setdefault("run", ["--preset", "default"])
    if not isinstance(run, list) or not all(isinstance(a, str) for a in run):
        _fail(where, "run: a list of `contend run` arguments (strings)")
    owned = [a for a in run if a.split("=")[0] in ("-o", "--output", "--store")]
    if owned:
        _fail(where, "run: %s is set by the fleet (each task's result file and the store)"
              % owned[0])
    if ("contend" in spec) == ("source" in spec):
        _fail(where, "give exactly one of contend (an installed binary) and source (a "
                     "checkout each task builds)")
    for key in ("contend", "source", "store"):
        if key in spec and spec[key] is not None and (not isinstance(spec[key], str)
                                                      or not spec[key]):
            _fail(where, "%s: a non-empty string" % key)
    store = spec.setdefault("store", None)
    if store is not None and not re.match(r"^postgres(ql)?://", store):
        _fail(where, "store: %r: a SQLite file cannot be shared by a fleet's nodes (its WAL "
                     "needs one host): name a postgresql:// store, or leave store out and run "
                     "fleet.py collect --store FILE" % store)
    limit = spec.setdefault("time_limit", "02:00:00")
    if not isinstance(limit, str) or not TIME.match(limit):
        _fail(where, "time_limit: %r: allowed: Slurm times such as 90, 01:30:00, 1-00:00:00"
              % limit)
    extra = spec.setdefault("sbatch", [])
    if not isinstance(extra, list) or not all(isinstance(a, str) and a.startswith("--")
                                              for a in extra):
        _fail(where, "sbatch: a list of long sbatch options such as \"--account=perf\"")
    return spec


def node_mismatch(kind, ctx):
    """Why the node a result came from is not what its kind declares (one
    line), or None."""
    expect = kind.get("expect") or {}
    why = []
    model = (ctx.get("cpu_model") or "").strip()
    if "cpu_model" in expect and not re.search(expect["cpu_model"], model):
        why.append("CPU %r does not match %r" % (model, expect["cpu_model"]))
    if "num_cpus" in expect and ctx.get("num_cpus") != expect["num_cpus"]:
        why.append("%s CPUs, %d declared" % (ctx.get("num_cpus"), expect["num_cpus"]))
    return "; ".join(why) or None
