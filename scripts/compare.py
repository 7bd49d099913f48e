#!/usr/bin/python3
"""Compare two contend runs case by case; a regression gate for CI: contend_tools/compare.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.compare import main  # noqa: E402

sys.exit(main())
