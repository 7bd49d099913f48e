#!/usr/bin/python3
"""Plot a contend result file: contend_tools/plot.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.plot import main  # noqa: E402

sys.exit(main())
