#!/usr/bin/python3
"""Follow every case of many contend runs over time and find level changes: contend_tools/history.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.history import main  # noqa: E402

sys.exit(main())
