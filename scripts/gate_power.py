#!/usr/bin/python3
"""The gate's power and false alarms, measured (a benchmark): contend_tools/gate_power.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.gate_power import main  # noqa: E402

sys.exit(main())
