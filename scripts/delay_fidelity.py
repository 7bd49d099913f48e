#!/usr/bin/python3
"""Do the delays of a run last what they were asked to? (a benchmark): contend_tools/delay_fidelity.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.delay_fidelity import main  # noqa: E402

sys.exit(main())
