"""Packed records: one file of our own format (docs/packed-records.md) holding every item of a
dataset, for the fastest random access: the library maps it once per process and a sample reads
its record by offset (``io.record_bytes``, ``io.record_array``), with no file opened per sample."""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from .. import dtypes
from ..atomic_file import atomic_writer
from ..node import Node, NodeLike
from ..resource import Resource
from .base import Dataset
from .raw_items import RawItem, image_extension, raw_items

PathLike = Union[str, "os.PathLike[str]"]

MAGIC = b"PXPRECS\0"
VERSION = 1
PREAMBLE_BYTES = 64
DESCRIPTOR_BYTES = 128
NAME_BYTES = 40
MAX_FIELDS = 256
MAX_DIMS = 7   # a record's array has at most 7 dimensions (a batch of them adds one: the library's 8)
KIND_BYTES, KIND_ARRAY = 0, 1


@dataclass
class RecordField:
    """A field of a packed-records file: ``kind`` "bytes" (a byte string per record, e.g. an encoded
    image) or "array" (an array of the same ``dtype`` and ``shape`` in every record)."""
    name: str
    kind: str
    dtype: str
    shape: Tuple[int, ...]
    column_offset: int
    column_bytes: int


def read_records_header(path: PathLike) -> Tuple[int, List[RecordField]]:
    """``(records, fields)`` of a packed-records file, from its header. ValueError naming the file
    when it is not one (the same checks as the library's, except the per-record offsets)."""
    path = os.fspath(path)
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        pre = f.read(PREAMBLE_BYTES)
        if len(pre) < PREAMBLE_BYTES or pre[:8] != MAGIC:
            raise ValueError(f"{path!r} is not a packed-records file (it does not start with {MAGIC!r})")
        version, count, records, written = struct.unpack_from("<IIQQ", pre, 8)
        if version != VERSION:
            raise ValueError(f"{path!r} is packed-records format version {version}; this library reads {VERSION}")
        if not 1 <= count <= MAX_FIELDS:
            raise ValueError(f"{path!r} has {count} fields (1 to {MAX_FIELDS} are allowed)")
        if written != size:
            raise ValueError(f"{path!r} has {size} bytes but was written with {written} (a truncated copy?)")
        raw = f.read(count * DESCRIPTOR_BYTES)
    if len(raw) < count * DESCRIPTOR_BYTES:
        raise ValueError(f"{path!r} ends inside its field descriptors")
    fields = []
    for k in range(count):
        d = raw[k * DESCRIPTOR_BYTES:(k + 1) * DESCRIPTOR_BYTES]
        name = d[:NAME_BYTES].rstrip(b"\0").decode("utf-8")
        dtype = d[NAME_BYTES:NAME_BYTES + 8].rstrip(b"\0").decode("ascii")
        kind, ndim = d[48], d[49]
        if kind not in (KIND_BYTES, KIND_ARRAY) or ndim > MAX_DIMS:
            raise ValueError(f"{path!r}: field {name!r} has an unknown kind or too many dimensions")
        shape = struct.unpack_from("<7q", d, 56)[:ndim]
        column_offset, column_bytes = struct.unpack_from("<QQ", d, 112)
        fields.append(RecordField(name, "bytes" if kind == KIND_BYTES else "array", dtype, tuple(shape),
                                  column_offset, column_bytes))
    return records, fields


def _descriptor(field: RecordField) -> bytes:
    name = field.name.encode("utf-8")
    dtype = field.dtype.encode("ascii")
    shape = list(field.shape) + [0] * (MAX_DIMS - len(field.shape))
    return (name.ljust(NAME_BYTES, b"\0") + dtype.ljust(8, b"\0") +
            bytes([KIND_BYTES if field.kind == "bytes" else KIND_ARRAY, len(field.shape)]) + bytes(6) +
            struct.pack("<7q", *shape) + struct.pack("<QQ", field.column_offset, field.column_bytes))


def _align(f, boundary: int = 64) -> int:
    pos = f.tell()
    pad = (-pos) % boundary
    if pad:
        f.write(bytes(pad))
    return pos + pad


def write_records(path: PathLike, records: Iterable[Mapping[str, Union[bytes, np.ndarray, int, float]]],
                  count: Optional[int] = None, progress: Optional[bool] = None) -> int:
    """Writes a packed-records file from dicts of fields (the same names in every record): ``bytes``
    values make a bytes field, anything else (numbers, arrays) an array field whose dtype and shape
    the first record sets and every other record must have. The file appears at ``path`` only when
    complete (written beside it, then renamed). ``count``: the number of records, for the progress
    bar. Returns the number of records written."""
    from ..progress import Meter, summary_wanted
    path = os.path.abspath(os.fspath(path))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    names: Optional[List[str]] = None
    array_of: Dict[str, Tuple[np.dtype, Tuple[int, ...]]] = {}
    pairs: Dict[str, List[Tuple[int, int]]] = {}
    rows: Dict[str, List[bytes]] = {}
    meter = Meter(total=count, desc=f"writing {os.path.basename(path)}", unit="rec", progress=progress)
    n = 0
    with atomic_writer(path) as f:
        for record in records:
            if names is None:
                names = list(record)
                _check_names(names, path)
                f.write(bytes(PREAMBLE_BYTES + DESCRIPTOR_BYTES * len(names)))   # the header comes last
                for name in names:
                    if isinstance(record[name], (bytes, bytearray, memoryview)):
                        pairs[name] = []
                    else:
                        a = np.asarray(record[name])
                        dtypes.from_numpy(a.dtype)   # TypeError for a dtype the library lacks
                        if a.ndim > MAX_DIMS:
                            raise ValueError(f"field {name!r} has {a.ndim} dimensions (at most {MAX_DIMS})")
                        array_of[name] = (a.dtype, a.shape)
                        rows[name] = []
            if list(record) != names:
                raise ValueError(f"record {n} has the fields {list(record)}, the first record {names}")
            for name in names:
                value = record[name]
                if name in pairs:
                    if not isinstance(value, (bytes, bytearray, memoryview)):
                        raise ValueError(f"record {n}: field {name!r} is bytes in the first record, "
                                         f"{type(value).__name__} here")
                    pairs[name].append((f.tell(), len(value)))
                    f.write(value)
                else:
                    dtype, shape = array_of[name]
                    a = np.asarray(value)
                    if a.shape != shape or not np.can_cast(a.dtype, dtype, "same_kind"):
                        raise ValueError(f"record {n}: field {name!r} is {a.dtype} {a.shape}, the first record "
                                         f"{dtype} {shape}")
                    rows[name].append(np.ascontiguousarray(a, dtype=dtype).tobytes())
            n += 1
            meter.update(1)
        if names is None:
            raise ValueError(f"no records to write to {path!r}")
        fields = []
        for name in names:
            offset = _align(f)
            if name in pairs:
                column = np.asarray(pairs[name], dtype="<u8").reshape(-1, 2)
                f.write(column.tobytes())
                fields.append(RecordField(name, "bytes", "u8", (), offset, column.nbytes))
            else:
                dtype, shape = array_of[name]
                data = b"".join(rows[name])
                f.write(data)
                fields.append(RecordField(name, "array", dtypes.from_numpy(dtype), tuple(shape), offset, len(data)))
        size = f.tell()
        f.seek(0)
        f.write(MAGIC + struct.pack("<IIQQ", VERSION, len(names), n, size) + bytes(PREAMBLE_BYTES - 32))
        for field in fields:
            f.write(_descriptor(field))
    meter.close(quiet=not summary_wanted(progress))
    return n


def _check_names(names: Sequence[str], path: str) -> None:
    if not names:
        raise ValueError(f"records written to {path!r} need at least one field")
    if len(names) > MAX_FIELDS:
        raise ValueError(f"{len(names)} fields: a packed-records file has at most {MAX_FIELDS}")
    for name in names:
        raw = str(name).encode("utf-8")
        if not 1 <= len(raw) < NAME_BYTES or b"\0" in raw:
            raise ValueError(f"field name {name!r} must be 1 to {NAME_BYTES - 1} bytes of UTF-8 without NUL")


def write_packed_records(path: PathLike, dataset, progress: Optional[bool] = None) -> int:
    """Packs the items of ``dataset`` (an ImageFolder, a FileList, TarShards, PackedRecords or
    :class:`RawItem` objects) into one file: field ``image`` (each item's encoded file bytes, as
    they are) and, when the items have labels, ``label`` (i64). Returns the number of records.
    ``pixelpipes pack SOURCE OUT.pxrec`` does the same from the command line."""
    try:
        count = len(dataset)
    except TypeError:
        count = None

    def records() -> Iterator[dict]:
        labelled = None   # whether the items have labels: the first one says
        for item in raw_items(dataset):
            labelled = item.label is not None if labelled is None else labelled
            if (item.label is not None) != labelled:
                raise ValueError(f"{item.name}: some items have a label and some do not")
            record = {"image": item.image}
            if item.label is not None:
                record["label"] = np.int64(item.label)
            yield record
    return write_records(path, records(), count=count, progress=progress)


class PackedRecords(Dataset):
    """The records of a packed-records file (docs/packed-records.md; written by
    :func:`write_packed_records` or ``pixelpipes pack``).

    The program holds the file's path (absolute; ``pixelpipes.save`` stores it relative to the
    program's folder when it is inside it); per sample, ``io.record_bytes`` / ``io.record_array``
    read record ``item`` from the file, which the library maps read-only once per process, shared
    by every worker and pipeline: no file is opened per sample, and an image of 64 KiB or more is
    not even copied before decoding.

    Fields of :meth:`load`: ``image`` (decoded from the field ``image_field``, default "image", with
    ``mode`` as image.decode), ``label`` (i64 scalar, when the file has an i64 scalar field
    "label"), ``item``; ``fields=[...]`` adds other fields of the file by name: bytes fields as u8
    byte strings, array fields as arrays of their dtype and shape. Replace a file (write another
    and rename it, as the writer does) rather than rewriting it in place while a pipeline reads it.
    """

    fields = {"image": "image", "label": "other", "item": "other"}

    def __init__(self, path: PathLike, mode: str = "rgb", image_field: str = "image",
                 fields: Sequence[str] = (), classes: Optional[Sequence[str]] = None):
        super().__init__()
        self.path = os.path.normpath(os.path.abspath(os.fspath(path)))
        self.records, found = read_records_header(self.path)
        self.record_fields = {f.name: f for f in found}
        if self.records == 0:
            raise ValueError(f"{self.path!r} holds no records")
        image = self.record_fields.get(image_field)
        if image is None or image.kind != "bytes":
            raise ValueError(f"{self.path!r} has no bytes field {image_field!r} (its fields: "
                             f"{', '.join(f'{f.name} ({f.kind})' for f in found)})")
        self.image_field, self.mode = image_field, mode
        label = self.record_fields.get("label")
        self.has_labels = label is not None and label.kind == "array" and label.dtype == "i64" and label.shape == ()
        missing = [name for name in fields if name not in self.record_fields]
        if missing:
            raise ValueError(f"{self.path!r} has no fields {missing} (its fields: {', '.join(self.record_fields)})")
        self.extra = list(fields)
        self.classes = list(classes) if classes is not None else None

    def __len__(self) -> int:
        return self.records

    def _field(self, name: str, item: NodeLike) -> Node:
        from ..ops import io
        path = self.constant("path", lambda: self.path)
        field = self.record_fields[name]
        if field.kind == "bytes":
            return io.RecordBytes(path, item, name)
        return io.RecordArray(path, item, name, dtype=field.dtype, shape=list(field.shape))

    def load(self, item: NodeLike) -> Resource:
        from ..ops import image
        out = {"image": image.Decode(self._field(self.image_field, item), mode=self.mode)}
        if self.has_labels:
            out["label"] = self._field("label", item)
        for name in self.extra:
            out[name] = self._field(name, item)
        out["item"] = item
        return Resource(out)

    def raw_items(self) -> Iterator[RawItem]:
        """The stored images (encoded bytes) and labels, in record order (for the writers)."""
        image = self.record_fields[self.image_field]
        label = self.record_fields["label"] if self.has_labels else None
        with open(self.path, "rb") as f:
            f.seek(image.column_offset)
            pairs = np.frombuffer(f.read(16 * self.records), dtype="<u8").reshape(-1, 2)
            labels = None
            if label is not None:
                f.seek(label.column_offset)
                labels = np.frombuffer(f.read(8 * self.records), dtype="<i8")
            for k, (offset, length) in enumerate(pairs):
                f.seek(int(offset))
                data = f.read(int(length))
                yield RawItem(data, image_extension(data), None if labels is None else int(labels[k]),
                              f"{self.path}[{k}]")
