"""TarShards: datasets stored as WebDataset-style tar files, read with random access.

A sample is the group of members of one shard that share a key (the member's path up to the first
dot of its file name): ``000123.jpg``, ``000123.cls`` and ``000123.json`` are the fields ``jpg``,
``cls`` and ``json`` of sample ``000123``. The members' offsets are indexed once per shard (the
index is cached, see :class:`TarShards`), so a sample is one ``pread`` at a known offset
(``io.read_range``): no sequential scan and no shuffle buffer.
"""
from __future__ import annotations

import glob
import json
import os
import re
import tarfile
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np

from ..atomic_file import write_atomically
from ..node import Node, NodeLike
from ..resource import Resource
from .base import IMAGE_EXTENSIONS, Dataset, element
from .raw_items import RawItem, image_extension, raw_items

PathLike = Union[str, "os.PathLike[str]"]

#: the version of the cached index files (a different one is rebuilt)
INDEX_VERSION = 1
#: the name ending of an index file: ``<shard>.pxidx``
INDEX_SUFFIX = ".pxidx"
#: the field extensions whose small contents go into the index instead of being read per sample
TEXT_EXTENSIONS = ("cls", "txt", "json")
#: a text field larger than this is an error: texts are held in the program
MAX_TEXT_BYTES = 1 << 20


def expand_shards(urls_or_paths: Union[PathLike, Sequence[PathLike]]) -> List[str]:
    """The shard paths of a pattern or list: WebDataset's brace ranges (``shard-{000..004}.tar``),
    shell globs (``shards/*.tar``, sorted) and plain paths, absolute. ValueError for URLs (only
    local files are read) and for a pattern that matches nothing."""
    items = [urls_or_paths] if isinstance(urls_or_paths, (str, os.PathLike)) else list(urls_or_paths)
    out: List[str] = []
    for item in items:
        text = os.fspath(item)
        if re.match(r"^[a-z][a-z0-9+.-]*:", text) and not os.path.exists(text):
            raise ValueError(f"{text!r}: TarShards reads local files only (no URLs or pipes): download the "
                             f"shards first")
        for expanded in _expand_braces(text):
            # a glob never picks up the index files this class writes beside the shards
            matches = (sorted(m for m in glob.glob(expanded) if not m.endswith(INDEX_SUFFIX))
                       if glob.has_magic(expanded) else [expanded])
            if not matches:
                raise FileNotFoundError(f"no tar shards match {expanded!r}")
            out += [os.path.normpath(os.path.abspath(m)) for m in matches]
    if not out:
        raise ValueError("TarShards needs at least one shard")
    return out


def _expand_braces(text: str) -> List[str]:
    m = re.search(r"\{(\d+)\.\.(\d+)\}", text)
    if not m:
        return [text]
    first, last = m.group(1), m.group(2)
    width = len(first) if first.startswith("0") or len(first) == len(last) else 0
    if int(last) < int(first):
        raise ValueError(f"{text!r}: the range {{{first}..{last}}} is empty")
    return [r for k in range(int(first), int(last) + 1)
            for r in _expand_braces(text[:m.start()] + str(k).zfill(width) + text[m.end():])]


def split_member_name(name: str) -> Tuple[str, str]:
    """``(key, extension)`` of a member path: the extension starts at the first dot of the file
    name (``a/b/x.seg.png`` -> ``("a/b/x", "seg.png")``), lower-cased."""
    folder, base = os.path.split(name)
    stem, dot, ext = base.partition(".")
    return (f"{folder}/{stem}" if folder else stem), ext.lower()


def build_shard_index(path: str) -> dict:
    """The index of one shard: its size and modification time (to tell when it is stale) and, per
    sample key in the shard's order, each field's ``[offset, size]`` of data; the contents of the
    small text fields (.cls, .txt, .json) are stored in the index itself. Reads only the members'
    headers, plus the text members."""
    st = os.stat(path)
    samples: Dict[str, dict] = {}
    texts: Dict[str, dict] = {}
    try:
        with tarfile.open(path, "r:") as tar:   # "r:" is uncompressed: only those can be read by offset
            for member in tar:
                if not member.isfile():
                    continue
                key, ext = split_member_name(member.name)
                if not ext:
                    continue
                fields = samples.setdefault(key, {})
                if ext in fields:
                    raise ValueError(f"{path}: sample {key!r} has two members with the extension {ext!r}")
                fields[ext] = [member.offset_data, member.size]
                if ext in TEXT_EXTENSIONS:
                    if member.size > MAX_TEXT_BYTES:
                        raise ValueError(f"{path}: member {member.name!r} has {member.size} bytes; text fields "
                                         f"(.cls .txt .json) are read into the index, at most {MAX_TEXT_BYTES}")
                    data = tar.extractfile(member).read()
                    texts.setdefault(key, {})[ext] = data.decode("utf-8", errors="strict")
    except tarfile.ReadError as e:
        raise ValueError(f"{path} is not an uncompressed tar file ({e}); compressed shards (.tar.gz) cannot be "
                         f"read by offset: decompress them") from None
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: a .cls/.txt/.json member is not UTF-8 text ({e})") from None
    return {"version": INDEX_VERSION, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
            "keys": list(samples), "fields": [samples[k] for k in samples],
            "texts": [texts.get(k, {}) for k in samples]}


def _index_paths(shard: str, cache_dir: Optional[str]) -> List[str]:
    """Where the index of a shard is looked for and written: beside the shard, then in the cache
    folder (under a name made from the shard's absolute path)."""
    from .synthetic import cache_dir as default_cache
    folder = cache_dir if cache_dir is not None else os.path.join(default_cache(), "tar-index")
    flat = shard.strip(os.sep).replace(os.sep, "__")
    return [shard + INDEX_SUFFIX, os.path.join(folder, flat + INDEX_SUFFIX)]


def load_shard_index(shard: str, cache_dir: Optional[str] = None, rebuild: bool = False) -> Tuple[dict, bool]:
    """``(index, built)``: the cached index of a shard when it is current (same size and
    modification time), else a new one, written beside the shard when its folder is writable,
    else into ``cache_dir``."""
    st = os.stat(shard)
    candidates = _index_paths(shard, cache_dir)
    if not rebuild:
        for candidate in candidates:
            try:
                with open(candidate) as f:
                    index = json.load(f)
                if (index.get("version") == INDEX_VERSION and index.get("size") == st.st_size
                        and index.get("mtime_ns") == st.st_mtime_ns):
                    return index, False
            except (OSError, ValueError):
                continue
    index = build_shard_index(shard)
    data = json.dumps(index, separators=(",", ":")).encode()
    for candidate in candidates:
        try:
            os.makedirs(os.path.dirname(candidate), exist_ok=True)
            write_atomically(candidate, data)
            break
        except OSError:
            continue
    return index, True


class TarShards(Dataset):
    """Samples of WebDataset-style tar shards, addressed like any other dataset.

    ``urls_or_paths``: a shard path, a list of them, a glob (``"/data/train-*.tar"``) or
    WebDataset's brace range (``"/data/train-{000000..000146}.tar"``); local, uncompressed tar
    files. Samples are numbered shard by shard in the shards' order, then in each shard's member
    order; ``dataset.item(position)`` shuffles them globally, a new order each epoch, and
    ``batches(rank=, world_size=)`` splits them between ranks, exactly and at any position, as for
    any dataset. No shuffle buffer is involved: WebDataset streams each shard sequentially and
    shuffles within a buffer of a few thousand samples (so its order depends on the buffer size and
    on which shards each worker reads), whereas every sample here is read at its own offset.

    The member offsets of each shard are indexed once (the members' headers are read, not their
    data) and cached in ``<shard>.pxidx`` beside the shard, or, when that folder is not writable,
    in ``cache_dir`` (default: ``<pixelpipes cache>/tar-index``). A cached index whose shard has
    changed (size or modification time) is rebuilt. ``index_seconds`` and ``indexed`` (how many
    shards were indexed now rather than read from the cache) say what opening cost.

    Fields of :meth:`load`: ``image`` (decoded from the sample's member with the first extension of
    ``IMAGE_EXTENSIONS`` it has, or from ``image_key``; ``mode`` as image.decode), ``label`` (i64 scalar, from
    the ``.cls`` member: an integer as text; when every sample has one), ``item``; ``texts=True``
    adds ``txt`` and ``json`` (strings, when every sample has them); ``extra=["seg.png"]`` adds
    those members as raw bytes (u8 [n]) under their extension with dots as underscores
    (``seg_png``), e.g. for ``image.decode``. A sample without an image, or without an ``extra``
    member, is an error naming the shard and key.
    """

    fields = {"image": "image", "label": "other", "item": "other"}

    def __init__(self, urls_or_paths: Union[PathLike, Sequence[PathLike]], mode: str = "rgb",
                 image_key: Optional[str] = None, extra: Sequence[str] = (), texts: bool = False,
                 cache_dir: Optional[PathLike] = None, classes: Optional[Sequence[str]] = None,
                 rebuild_index: bool = False, progress: Optional[bool] = None):
        import time
        from ..progress import Meter, summary_wanted
        super().__init__()
        self.shards = expand_shards(urls_or_paths)
        self.mode = mode
        self.classes = list(classes) if classes is not None else None
        cache = os.fspath(cache_dir) if cache_dir is not None else None
        image_exts = [image_key.lower().lstrip(".")] if image_key else [e.lstrip(".") for e in IMAGE_EXTENSIONS]
        self.extra = [e.lower().lstrip(".") for e in extra]
        shard_of, keys, image_at, extra_at = [], [], [], {e: [] for e in self.extra}
        cls_texts, txt, js = [], [], []
        started = time.perf_counter()
        self.indexed = 0
        meter = Meter(total=len(self.shards), desc="indexing tar shards", unit="shard", progress=progress)
        for s, shard in enumerate(self.shards):
            index, built = load_shard_index(shard, cache, rebuild_index)
            self.indexed += built
            for key, fields, text in zip(index["keys"], index["fields"], index["texts"]):
                ext = next((e for e in image_exts if e in fields), None)
                if ext is None:
                    raise ValueError(f"{shard}: sample {key!r} has no image member ({', '.join(image_exts)}); "
                                     f"its members: {', '.join(sorted(fields))}")
                for e in self.extra:
                    if e not in fields:
                        raise ValueError(f"{shard}: sample {key!r} has no {e!r} member")
                    extra_at[e].append(fields[e])
                shard_of.append(s)
                keys.append(key)
                image_at.append(fields[ext])
                cls_texts.append(text.get("cls"))
                txt.append(text.get("txt"))
                js.append(text.get("json"))
            meter.update(1)
        meter.close(quiet=not summary_wanted(progress))
        self.index_seconds = time.perf_counter() - started
        if not keys:
            raise ValueError(f"the tar shards {self.shards[:3]}{'...' if len(self.shards) > 3 else ''} hold no samples")
        self.keys = keys
        self.shard_of = np.asarray(shard_of, dtype=np.int64)
        self.image_ranges = np.asarray(image_at, dtype=np.int64).reshape(-1, 2)
        self.extra_ranges = {e: np.asarray(v, dtype=np.int64).reshape(-1, 2) for e, v in extra_at.items()}
        self.labels = self._labels(cls_texts)
        self.texts = {}
        if texts:
            for name, values in (("txt", txt), ("json", js)):
                if all(v is not None for v in values):
                    self.texts[name] = values

    def _labels(self, texts: List[Optional[str]]) -> Optional[List[int]]:
        if not any(t is not None for t in texts):
            return None
        labels = []
        for k, t in enumerate(texts):
            shard = self.shards[int(self.shard_of[k])]
            if t is None:
                raise ValueError(f"{shard}: sample {self.keys[k]!r} has no .cls member while others have one")
            try:
                labels.append(int(t.strip()))
            except ValueError:
                raise ValueError(f"{shard}: sample {self.keys[k]!r} has the .cls {t.strip()[:40]!r}, not an "
                                 f"integer") from None
        return labels

    def __len__(self) -> int:
        return len(self.keys)

    def _range(self, name: str, ranges: np.ndarray, item: NodeLike) -> Node:
        from ..ops import io
        shards = self.constant("shards", lambda: list(self.shards))
        shard_of = self.constant("shard_of", lambda: self.shard_of)
        offsets = self.constant(f"{name}.offsets", lambda: np.ascontiguousarray(ranges[:, 0]))
        sizes = self.constant(f"{name}.sizes", lambda: np.ascontiguousarray(ranges[:, 1]))
        path = shards[element(shard_of, item, ())]
        return io.ReadRange(path, element(offsets, item, ()), element(sizes, item, ()))

    def load(self, item: NodeLike) -> Resource:
        from ..ops import image
        fields = {"image": image.Decode(self._range("image", self.image_ranges, item), mode=self.mode)}
        if self.labels is not None:
            fields["label"] = self.constant("labels", lambda: list(self.labels))[item]
        for name, values in self.texts.items():
            fields[name] = self.constant(name, lambda v=values: list(v))[item]
        for e, ranges in self.extra_ranges.items():
            fields[e.replace(".", "_")] = self._range(f"extra.{e}", ranges, item)
        fields["item"] = item
        return Resource(fields)

    def raw_items(self) -> Iterator[RawItem]:
        """The stored images (encoded bytes, with their member's extension) and labels, in sample
        order (for the writers)."""
        handles: Dict[int, object] = {}
        try:
            for k, key in enumerate(self.keys):
                s = int(self.shard_of[k])
                if s not in handles:
                    for h in handles.values():
                        h.close()
                    handles = {s: open(self.shards[s], "rb")}
                f = handles[s]
                offset, size = (int(v) for v in self.image_ranges[k])
                f.seek(offset)
                data = f.read(size)
                yield RawItem(data, image_extension(data), None if self.labels is None else self.labels[k],
                              f"{self.shards[s]}:{key}")
        finally:
            for h in handles.values():
                h.close()


def write_tar_shards(dataset, pattern: PathLike, samples_per_shard: int = 1000,
                     progress: Optional[bool] = None) -> List[str]:
    """Writes the items of ``dataset`` (an ImageFolder, a FileList, TarShards, PackedRecords or
    RawItem objects) as WebDataset-style shards: ``pattern`` holds ``{shard}`` (or a format such as
    ``{shard:06d}``) for the shard number (``"train-{shard:06d}.tar"``); each sample is
    ``<key>.<ext>`` (the encoded bytes, as they are) and ``<key>.cls`` (the label as text, when
    the items have labels), keys being the item numbers, zero-padded to 9 digits. Each shard
    appears only when complete. Returns the shard paths. ``pixelpipes pack SOURCE OUT --tar``
    does the same from the command line."""
    import contextlib
    import io
    from ..atomic_file import atomic_writer
    from ..progress import Meter, summary_wanted
    pattern = os.fspath(pattern)
    if "{shard" not in pattern:
        raise ValueError(f"pattern {pattern!r} must contain {{shard}} (or a format such as {{shard:06d}}) for "
                         f"the shard number")
    if samples_per_shard < 1:
        raise ValueError(f"samples_per_shard must be >= 1, not {samples_per_shard}")
    try:
        total = len(dataset)
    except TypeError:
        total = None
    meter = Meter(total=total, desc="writing tar shards", unit="img", progress=progress)
    paths: List[str] = []

    def add(tar_file, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o644
        tar_file.addfile(info, io.BytesIO(data))

    with contextlib.ExitStack() as shard:   # the open shard: completed at the next one, or at the end
        tar = None
        for k, item in enumerate(raw_items(dataset)):
            if k % samples_per_shard == 0:
                shard.close()
                path = os.path.abspath(pattern.format(shard=len(paths)))
                os.makedirs(os.path.dirname(path), exist_ok=True)
                tar = shard.enter_context(tarfile.open(fileobj=shard.enter_context(atomic_writer(path)), mode="w",
                                                       format=tarfile.USTAR_FORMAT))
                paths.append(path)
            key = f"{k:09d}"
            add(tar, f"{key}.{item.extension or 'bin'}", item.image)
            if item.label is not None:
                add(tar, f"{key}.cls", str(int(item.label)).encode())
            meter.update(1)
    meter.close(quiet=not summary_wanted(progress))
    if not paths:
        raise ValueError("no items to write")
    return paths
