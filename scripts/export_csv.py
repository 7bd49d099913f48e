#!/usr/bin/python3
"""Export a contend result as CSV for spreadsheets: one row per sample: contend_tools/export_csv.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.export_csv import main  # noqa: E402

sys.exit(main())
