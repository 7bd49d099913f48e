#!/usr/bin/python3
"""Check contend result files against results/contend-result.schema.json: contend_tools/validate_result.py."""
import os
import sys

sys.dont_write_bytecode = True  # never leave __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contend_tools.validate_result import main  # noqa: E402

sys.exit(main())
