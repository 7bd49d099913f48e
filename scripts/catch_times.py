#!/usr/bin/python3
"""The catch-time benchmark of contend stress's controls: contend_tools/catch_times.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.catch_times import main  # noqa: E402

sys.exit(main())
