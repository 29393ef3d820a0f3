"""A small PNG writer (zlib + NumPy), so that the synthetic data and previews need no imaging
library. Writes 8-bit gray, gray+alpha, RGB and RGBA images and 8-bit palette images (label
maps that ``image.decode_png(mode="indices")`` reads back as indices)."""
from __future__ import annotations

import os
import struct
import zlib
from typing import Optional, Sequence, Union

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}   # channels -> PNG color type


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(image: np.ndarray, palette: Optional[Union[np.ndarray, Sequence]] = None, level: int = 6) -> bytes:
    """The PNG bytes of ``image``: u8 H x W or H x W x C (C = 1, 2, 3, 4). With ``palette`` (K x 3
    u8, K <= 256) the image is a one-channel array of palette indices and the file is a palette
    PNG (color type 3)."""
    a = np.asarray(image)
    if a.ndim == 2:
        a = a[:, :, None]
    if a.ndim != 3 or a.dtype != np.uint8:
        raise ValueError(f"encode_png takes a u8 H x W or H x W x C array, not {a.dtype} {a.shape}")
    h, w, c = a.shape
    if h < 1 or w < 1:
        raise ValueError(f"encode_png: empty image {a.shape}")
    chunks = []
    if palette is not None:
        pal = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
        if c != 1 or not 1 <= len(pal) <= 256:
            raise ValueError("a palette PNG takes a one-channel index image and 1 to 256 palette colors")
        if int(a.max()) >= len(pal):
            raise ValueError(f"index {int(a.max())} is outside the palette of {len(pal)} colors")
        color_type = 3
        chunks.append(_chunk(b"PLTE", pal.tobytes()))
    else:
        if c not in _COLOR_TYPES:
            raise ValueError(f"encode_png: {c} channels (1 to 4 are written)")
        color_type = _COLOR_TYPES[c]
    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    rows = np.empty((h, 1 + w * c), dtype=np.uint8)
    rows[:, 0] = 0                                  # filter type 0 (none) on every row
    rows[:, 1:] = np.ascontiguousarray(a).reshape(h, w * c)
    body = zlib.compress(rows.tobytes(), level)
    return _SIGNATURE + _chunk(b"IHDR", header) + b"".join(chunks) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def write_png(path: Union[str, "os.PathLike[str]"], image: np.ndarray, palette=None, level: int = 6) -> None:
    """Writes ``image`` as a PNG file (see :func:`encode_png`)."""
    with open(path, "wb") as f:
        f.write(encode_png(image, palette=palette, level=level))
