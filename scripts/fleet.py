#!/usr/bin/python3
"""The suite across a fleet of machines through Slurm, and the machines side by side: contend_tools/fleet.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.fleet import main  # noqa: E402

sys.exit(main())
