"""How the results tools (compare.py, history.py, report.py, export_csv.py,
plot.py) take their input and say what is wrong with it: always one line on
stderr, naming the argument or file, and exit status 2, never a traceback.

Light on purpose (no matplotlib): the tools import it before they know
whether the input is good.
"""
import argparse
import os
import sys

from . import contend_result as cr


class InputError(Exception):
    """Bad input; str() is one line naming the argument or file."""


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line and exit 2, like every other bad input."""

    def error(self, message):
        print("%s: error: %s (see --help)" % (self.prog, message), file=sys.stderr)
        sys.exit(2)


def tool_parser(prog, doc):
    """A OneLineParser whose --help is the tool's docstring `doc` less its
    Usage: paragraph (argparse writes its own)."""
    return OneLineParser(prog=prog, formatter_class=argparse.RawDescriptionHelpFormatter,
                         description="\n\n".join(p for p in doc.split("\n\n")
                                                 if not p.startswith("Usage:")))


def read_result(prog, path):
    """The contend result at `path`, or None once one line on stderr has said
    why it is not a readable one. Lenient about NaN tokens (read as
    missing): validate_result.py is the judge of those."""
    try:
        return cr.load(path, strict=False)
    except cr.ContendResultError as e:
        print("%s: error: %s: %s" % (prog, path, e), file=sys.stderr)
        return None


def exit_status(prog, action):
    """action()'s exit status, or 2 after one line on stderr when it raises
    InputError or trips over rows shaped in a way the loader did not foresee
    (still bad input; CONTEND_DEBUG=1 lets those through with their
    traceback, to show where)."""
    try:
        return action()
    except InputError as e:
        print("%s: error: %s" % (prog, e), file=sys.stderr)
        return 2
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        if os.environ.get("CONTEND_DEBUG"):
            raise
        print("%s: error: malformed result data (%s: %s); CONTEND_DEBUG=1 shows where"
              % (prog, type(e).__name__, e), file=sys.stderr)
        return 2
