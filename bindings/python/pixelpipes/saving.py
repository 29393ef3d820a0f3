"""``pixelpipes.save(pipeline, path)`` and ``pixelpipes.load(path)``: program files whose file
references move with them.

A dataset's file lists are string constants of the program, absolute when the graph is built.
``save`` writes every string constant that is an absolute path inside the program file's folder
(or below it) relative to that folder, and lists what it changed in the program's metadata under
``"pixelpipes.relative_paths"``::

    {"base": "program_dir", "constants": {"<constant index>": "all" | [[item index, ...], ...]}}

("all": the constant is a string, or a list whose strings, at any depth, are all relative
paths; otherwise the index paths of the changed strings inside the list). ``load`` joins them
with the folder of the file it reads, so a dataset folder can be moved or copied to another
machine together with its program. Paths outside the folder stay absolute. The pipeline's seed is
kept in the metadata too (``"pixelpipes.seed"``), and is the default seed of ``load``.

Anything else that reads program files (the C API, pixelpipes-run) resolves these the same way
from the metadata; a reader that ignores it sees relative paths, which resolve against its
working folder.
"""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Tuple, Union

import msgpack

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


def resolve(data: bytes, folder: PathLike) -> Tuple[bytes, Optional[int]]:
    """The program ``data`` with the relative paths recorded in its metadata joined with
    ``folder``, and the seed recorded at save (or None)."""
    program = msgpack.unpackb(data, raw=False, strict_map_key=False)
    meta = program.get("metadata") or {}
    seed = meta.get(SEED_KEY)
    record = meta.get(RELATIVE_KEY)
    if not record:
        return data, seed if isinstance(seed, int) else None
    folder = os.path.abspath(os.fspath(folder))
    constants = program.get("constants", [])

    def absolute(text: str) -> str:
        return os.path.normpath(os.path.join(folder, text.replace("/", os.sep)))

    def walk_all(node: Dict[str, Any]) -> None:
        if node.get("kind") == "string":
            node["value"] = absolute(node["value"])
        elif node.get("kind") == "list":
            for item in node.get("items", []):
                walk_all(item)

    for key, changed in (record.get("constants") or {}).items():
        c = constants[int(key)]
        if changed == "all":
            walk_all(c)
            continue
        for where in changed:
            node = c
            for k in where:
                node = node["items"][k]
            node["value"] = absolute(node["value"])
    meta = dict(meta)
    del meta[RELATIVE_KEY]
    program["metadata"] = meta
    return msgpack.packb(program, use_bin_type=True), seed if isinstance(seed, int) else None


def save(pipeline: Pipeline, path: PathLike, relative: bool = True) -> None:
    """Writes ``pipeline``'s program to ``path``: file paths inside the file's folder are stored
    relative to it (``relative=False`` keeps them as they are), and the seed is recorded.
    Written to a temporary name and renamed, so readers never see half a file."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    data = relativize(pipeline.to_bytes(), folder, seed=pipeline.seed) if relative else pipeline.to_bytes()
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def load(path: PathLike, seed: Optional[int] = None, threads: int = 0) -> Pipeline:
    """A pipeline over a program file (``save``, ``Pipeline.save`` or any program writer). Relative
    file paths recorded by ``save`` are taken from the file's folder. ``seed``: default the seed
    recorded by ``save``, else 0."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        data = f.read()
    try:
        data, saved_seed = resolve(data, os.path.dirname(os.path.abspath(path)))
    except Exception:
        saved_seed = None      # not msgpack or no metadata: let the library's loader say what is wrong
    return Pipeline(Program(data), seed=(saved_seed or 0) if seed is None else seed, threads=threads)
