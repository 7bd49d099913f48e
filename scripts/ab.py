#!/usr/bin/python3
"""A/B: two builds measured interleaved in one session, a paired verdict: contend_tools/ab.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.ab import main  # noqa: E402

sys.exit(main())
