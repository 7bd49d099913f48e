#!/usr/bin/python3
"""Draw the results store as one self-contained HTML trend page: contend_tools/dashboard.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.dashboard import main  # noqa: E402

sys.exit(main())
