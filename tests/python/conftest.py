"""Shared helpers of the Python tests. The package under test is the installed one
(``make python``); set PYTHONPATH to bindings/python to test a development copy."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def tmp_program(tmp_path):
    return str(tmp_path / "program.pxp")


def this_file_line(offset: int = 0) -> str:
    """'test_x.py:N' of the caller's line (+ offset)."""
    frame = sys._getframe(1)
    return f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno + offset}"
