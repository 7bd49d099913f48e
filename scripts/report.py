#!/usr/bin/python3
"""One self-contained HTML report of a contend run, optionally compared with a base: contend_tools/report.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.report import main  # noqa: E402

sys.exit(main())
