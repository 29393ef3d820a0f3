"""Where the user's code created a node: the first stack frame outside this package."""
from __future__ import annotations

import os
import sys
import threading
from typing import Optional

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_local = threading.local()


def _inside_package(filename: str) -> bool:
    return filename.startswith(_PACKAGE_DIR) or filename.startswith("<frozen ")


def _depth(frame) -> int:
    n = 0
    while frame is not None:
        n += 1
        frame = frame.f_back
    return n


def user_location() -> str:
    """``"file:line"`` of the innermost caller outside pixelpipes.

    While a macro expands, nodes made by pixelpipes' own code (or by code that called the
    expansion, such as ``compile``) get the macro's own location instead, so errors point at
    the line that created the macro.
    """
    frame = sys._getframe(1)
    while frame is not None and _inside_package(frame.f_code.co_filename):
        frame = frame.f_back
    stack = getattr(_local, "stack", None)
    if stack:
        fallback_depth, fallback_source = stack[-1]
        if frame is None or _depth(frame) <= fallback_depth:
            return fallback_source
    if frame is None:
        return ""
    return f"{_short(frame.f_code.co_filename)}:{frame.f_lineno}"


def _short(filename: str) -> str:
    try:
        rel = os.path.relpath(filename)
    except ValueError:
        return filename
    return rel if not rel.startswith(".." + os.sep) and len(rel) < len(filename) else filename


class expansion_scope:
    """Within it, nodes made outside user code take ``source`` as their location."""

    def __init__(self, source: str):
        self.source = source

    def __enter__(self):
        if not hasattr(_local, "stack"):
            _local.stack = []
        _local.stack.append((_depth(sys._getframe(1)), self.source))
        return self

    def __exit__(self, *exc):
        _local.stack.pop()
        return False
