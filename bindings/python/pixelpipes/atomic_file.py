"""Writing a whole file so that readers never see half of it: into a temporary name beside it,
then renamed over it (a rename within one folder is atomic)."""
from __future__ import annotations

import contextlib
import os
from typing import BinaryIO, Iterator, Union

PathLike = Union[str, "os.PathLike[str]"]


@contextlib.contextmanager
def atomic_writer(path: PathLike) -> Iterator[BinaryIO]:
    """A file open for writing whose content appears at ``path`` only when the ``with`` block ends
    without an error (written beside it, then renamed); on an error nothing is left behind."""
    path = os.fspath(path)
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_atomically(path: PathLike, data: bytes) -> None:
    """``data`` as the whole content of ``path`` (see :func:`atomic_writer`)."""
    with atomic_writer(path) as f:
        f.write(data)
