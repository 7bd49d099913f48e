"""Check contend result files against results/contend-result.schema.json.

Usage: validate_result.py [--schema SCHEMA] FILE...

Prints one line per file: "FILE: ok (...)" or "FILE: invalid: <where>: <what>".
Besides the schema it rejects the bare NaN / Infinity tokens that Python's
json module would otherwise accept (FORMAT.md: a missing figure is null).

Exit status: 0 every file is valid; 1 some file is invalid (schema violation
or a NaN/Infinity token); 2 some file could not be read as JSON at all
(missing, empty, truncated, not JSON) or the schema itself is unusable.
"""
import argparse
import os
import sys

from . import contend_result as cr

try:
    import jsonschema
except ImportError:  # pragma: no cover - Debian's python3-jsonschema is a dependency
    jsonschema = None


def _where(error):
    path = "".join("[%d]" % p if isinstance(p, int) else ".%s" % p
                   for p in error.absolute_path)
    return "$" + path


def _describe(row_error, doc):
    """One line naming the failing field and, for a benchmark row, its name."""
    where = _where(row_error)
    path = list(row_error.absolute_path)
    label = ""
    if len(path) >= 2 and path[0] in ("benchmarks", "cases") and isinstance(path[1], int):
        try:
            name = doc[path[0]][path[1]].get("name")
            if name:
                label = " (%s)" % name
        except (AttributeError, IndexError, KeyError, TypeError):
            pass
    msg = " ".join(row_error.message.split())
    if len(msg) > 200:
        msg = msg[:197] + "..."
    return "%s%s: %s" % (where, label, msg)


def make_validator(schema_path):
    schema = cr.read_json(schema_path)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_file(path, validator):
    """(exit status, one-line message) for one file."""
    try:
        doc = cr.read_json(path, strict=True)
    except cr.NonFiniteError as e:
        return 1, "invalid: %s" % e
    except cr.ContendResultError as e:
        return 2, "unreadable: %s" % e
    errors = list(validator.iter_errors(doc))
    if errors:
        first = jsonschema.exceptions.best_match(errors)
        more = " (+%d more)" % (len(errors) - 1) if len(errors) > 1 else ""
        return 1, "invalid: %s%s" % (_describe(first, doc), more)
    rows = doc.get("benchmarks", [])
    n_samples = sum(1 for r in rows if r.get("run_type") == "iteration")
    not_ok = sum(1 for c in doc.get("cases", []) if c.get("status") != "ok")
    return 0, "ok (%d cases, %d samples, %d aggregates%s%s)" % (
        len(doc.get("cases", [])), n_samples, len(rows) - n_samples,
        ", %d not ok" % not_ok if not_ok else "",
        "" if doc["context"].get("complete", True) else ", incomplete run")


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="validate_result.py",
        description="Validate contend result files against the JSON Schema.")
    ap.add_argument("files", nargs="+", metavar="FILE")
    ap.add_argument("--schema", default=os.path.normpath(cr.SCHEMA_PATH),
                    help="schema file (default: %(default)s)")
    args = ap.parse_args(argv)
    if jsonschema is None:
        print("validate_result.py: error: python3-jsonschema is not installed", file=sys.stderr)
        return 2
    try:
        validator = make_validator(args.schema)
    except (cr.ContendResultError, jsonschema.exceptions.SchemaError) as e:
        msg = e if isinstance(e, cr.ContendResultError) else " ".join(e.message.split())
        print("validate_result.py: error: schema %s: %s" % (args.schema, msg), file=sys.stderr)
        return 2
    worst = 0
    for path in args.files:
        status, msg = validate_file(path, validator)
        print("%s: %s" % (path, msg))
        worst = max(worst, status)
    return worst

