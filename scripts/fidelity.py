#!/usr/bin/python3
"""The harness-fidelity benchmark: does contend measure the primitive or itself?: contend_tools/fidelity.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.fidelity import main  # noqa: E402

sys.exit(main())
