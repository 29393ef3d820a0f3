"""``pixelpipes.save(pipeline, path)`` and ``pixelpipes.load(path)``: program files whose file
references move with them.

A dataset's file lists are string constants of the program, absolute when the graph is built.
``save`` writes every string constant that is an absolute path inside the program file's folder
(or below it) relative to that folder, and lists what it changed in the program's metadata under
``"pixelpipes.relative_paths"``::

    {"base": "program_dir", "constants": {"<constant index>": "all" | [[item index, ...], ...]}}

("all": the constant is a string, or a list whose strings, at any depth, are all relative
paths; otherwise the index paths of the changed strings inside the list). Paths outside the
folder stay absolute. The pipeline's seed is kept in the metadata too (``"pixelpipes.seed"``).

Reading is the library's: ``load`` calls ``pxp_program_load_file``, which joins the recorded paths
with the folder of the file it reads (as pixelpipes-run and any C program do), so a dataset folder
can be moved or copied to another machine together with its program. The recorded seed is the
default seed of ``load`` (``pxp_program_saved_seed``). Program bytes loaded without their file
(``pixelpipes.from_bytes``, ``pxp_program_load``) keep the relative paths as stored.
"""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Tuple, Union

import msgpack

from .atomic_file import write_atomically
from .pipeline import Pipeline
from .program import Program

PathLike = Union[str, "os.PathLike[str]"]

RELATIVE_KEY = "pixelpipes.relative_paths"
SEED_KEY = "pixelpipes.seed"


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:          # different drives (Windows)
        return False


def _is_path(text: str) -> bool:
    return os.path.isabs(text) and "\n" not in text and "\0" not in text


def _relativize_constant(c: Dict[str, Any], folder: str) -> Tuple[Optional[Any], bool]:
    """Rewrites the absolute paths inside ``folder`` in one constant (in place). Returns (what
    changed: None, "all" or a list of index paths, whether every string changed)."""
    changed: List[List[int]] = []
    total = [0]

    def walk(node: Dict[str, Any], where: List[int]) -> None:
        kind = node.get("kind")
        if kind == "string":
            total[0] += 1
            value = node.get("value")
            if isinstance(value, str) and _is_path(value) and _inside(os.path.normpath(value), folder):
                node["value"] = os.path.relpath(os.path.normpath(value), folder).replace(os.sep, "/")
                changed.append(list(where))
        elif kind == "list":
            for k, item in enumerate(node.get("items", [])):
                if isinstance(item, dict):
                    walk(item, where + [k])

    walk(c, [])
    if not changed:
        return None, False
    if len(changed) == total[0]:
        return "all", True
    return changed, False


def relativize(data: bytes, folder: PathLike, seed: Optional[int] = None) -> bytes:
    """The program ``data`` with file paths inside ``folder`` made relative to it (see the module
    docs); ``seed`` is recorded in the metadata when given."""
    folder = os.path.normpath(os.path.abspath(os.fspath(folder)))
    program = msgpack.unpackb(data, raw=False, strict_map_key=False)
    meta = dict(program.get("metadata") or {})
    meta.pop(RELATIVE_KEY, None)
    record: Dict[str, Any] = {}
    for index, c in enumerate(program.get("constants", [])):
        if isinstance(c, dict) and c.get("kind") in ("string", "list"):
            changed, _ = _relativize_constant(c, folder)
            if changed is not None:
                record[str(index)] = changed
    if record:
        meta[RELATIVE_KEY] = {"base": "program_dir", "constants": record}
    if seed is not None:
        meta[SEED_KEY] = int(seed)
    program["metadata"] = meta
    return msgpack.packb(program, use_bin_type=True)


def save(pipeline: Pipeline, path: PathLike, relative: bool = True) -> None:
    """Writes ``pipeline``'s program to ``path``: file paths inside the file's folder are stored
    relative to it (``relative=False`` keeps them as they are), and the seed is recorded.
    Written to a temporary name and renamed, so readers never see half a file."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    data = relativize(pipeline.to_bytes(), folder, seed=pipeline.seed) if relative else pipeline.to_bytes()
    write_atomically(path, data)


def load(path: PathLike, seed: Optional[int] = None, threads: int = 0,
         max_file_bytes: Optional[int] = None) -> Pipeline:
    """A pipeline over a program file (``save``, ``Pipeline.save`` or any program writer). Relative
    file paths recorded by ``save`` are taken from the file's folder (by the library, as in C).
    ``seed``: default the seed recorded by ``save``, else 0. The pipeline's ``to_bytes()`` are
    then the program with those paths absolute, so it pickles and re-saves like a compiled one."""
    program = Program.from_file(path)
    saved_seed = program.saved_seed
    return Pipeline(program, seed=(saved_seed or 0) if seed is None else seed, threads=threads,
                    max_file_bytes=max_file_bytes)
