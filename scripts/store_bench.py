#!/usr/bin/python3
"""The results store's performance benchmark (add, history, dashboard): contend_tools/store_bench.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.store_bench import main  # noqa: E402

sys.exit(main())
