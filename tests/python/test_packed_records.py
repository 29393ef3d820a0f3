"""Packed records (docs/packed-records.md): written from a dataset or from dicts, read by the library
record by record (io.record_bytes, io.record_array), and every malformed file refused cleanly."""
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import datasets
from pixelpipes.datasets.packed_records import DESCRIPTOR_BYTES, PREAMBLE_BYTES
from pixelpipes.errors import DecodeError, OutOfRangeError, TypeCheckError

from test_tar_shards import in_order, photo_folder, tiny_folder

ROOT = Path(__file__).resolve().parents[2]


def decoded(ds, n, threads=1):
    return list(in_order(ds).batches(n, stop=n, threads=threads))[0]


def test_packed_photos_decode_like_the_folder(tmp_path):
    folder = photo_folder(tmp_path / "folder")
    path = tmp_path / "photos.pxrec"
    assert datasets.write_packed_records(path, folder, progress=False) == len(folder)
    ds = datasets.PackedRecords(path)
    assert len(ds) == len(folder) and ds.has_labels
    ours, theirs = in_order(ds), in_order(folder)
    for i in range(len(folder)):
        a, b = ours.run(i), theirs.run(i)
        assert np.array_equal(a["image"], b["image"]) and int(a["label"]) == int(b["label"]) == folder.labels[i]


def test_many_small_records_in_batches_on_two_threads(tmp_path):
    folder = tiny_folder(tmp_path / "folder", classes=4, per_class=50)
    path = tmp_path / "tiny.pxrec"
    datasets.write_packed_records(path, folder, progress=False)
    a, b = decoded(datasets.PackedRecords(path), 200, threads=2), decoded(folder, 200, threads=2)
    assert np.array_equal(a["image"], b["image"]) and np.array_equal(a["label"], b["label"])


def test_array_fields_and_bytes_fields_of_any_records(tmp_path):
    path = tmp_path / "mixed.pxrec"
    rng = np.random.default_rng(0)
    features = rng.normal(size=(5, 3, 4)).astype(np.float32)
    big = rng.integers(0, 255, size=(5, 200, 200), dtype=np.uint8)   # 40 KB rows: read
    huge = rng.integers(0, 255, size=(5, 300, 300), dtype=np.uint8)  # 90 KB rows: views of the mapping
    records = [{"blob": bytes([k]) * (k * 70000), "features": features[k], "big": big[k], "huge": huge[k],
                "flag": bool(k % 2)} for k in range(5)]
    assert datasets.write_records(path, records, progress=False) == 5
    n, fields = datasets.read_records_header(path)
    assert n == 5 and [f.name for f in fields] == ["blob", "features", "big", "huge", "flag"]
    ds = datasets.PackedRecords(path, image_field="blob", fields=["blob", "features", "big", "huge", "flag"])
    with pp.Graph() as g:
        r = ds.load(pp.SampleIndex())
        for name in ("blob", "features", "big", "huge", "flag"):
            g.output(name, r[name])
    pipeline = pp.compile(g)
    for k in range(5):
        out = pipeline.run(k)
        assert out["blob"].tobytes() == records[k]["blob"]
        assert np.array_equal(out["features"], features[k]) and out["features"].dtype == np.float32
        assert np.array_equal(out["big"], big[k]) and np.array_equal(out["huge"], huge[k])
        assert bool(out["flag"]) == records[k]["flag"]
    with pytest.raises(OutOfRangeError, match="record 5 is out of range"):
        pipeline.run(5)


def test_writer_refuses_inconsistent_records(tmp_path):
    with pytest.raises(ValueError, match="fields"):
        datasets.write_records(tmp_path / "a.pxrec", [{"x": b"1"}, {"y": b"2"}], progress=False)
    with pytest.raises(ValueError, match="first record"):
        datasets.write_records(tmp_path / "b.pxrec", [{"x": np.zeros(3)}, {"x": np.zeros(4)}], progress=False)
    with pytest.raises(ValueError, match="bytes in the first record"):
        datasets.write_records(tmp_path / "c.pxrec", [{"x": b"1"}, {"x": 3}], progress=False)
    with pytest.raises(ValueError, match="no records"):
        datasets.write_records(tmp_path / "d.pxrec", [], progress=False)
    with pytest.raises(ValueError, match="field name"):
        datasets.write_records(tmp_path / "e.pxrec", [{"x" * 40: b"1"}], progress=False)
    assert not any(p.name.endswith(".pxrec") or ".tmp" in p.name for p in tmp_path.iterdir())   # nothing half-written


def _corrupt(path: Path, out: Path, offset: int, data: bytes) -> Path:
    raw = bytearray(path.read_bytes())
    raw[offset:offset + len(data)] = data
    out.write_bytes(bytes(raw))
    return out


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.pxrec"
    datasets.write_records(path, [{"data": bytes(range(10)), "label": np.int64(k)} for k in range(3)], progress=False)
    return path


def read_record(path, index=0, field="data"):
    with pp.Graph() as g:
        g.output("x", pp.ops.io.RecordBytes(str(path), pp.SampleIndex(), field))
    return pp.compile(g).run(index)["x"]


def test_every_malformed_file_is_a_clean_error_naming_it(good, tmp_path):
    assert read_record(good).tobytes() == bytes(range(10))
    first_column = PREAMBLE_BYTES + 2 * DESCRIPTOR_BYTES
    cases = {
        "magic": (0, b"NOTPXPR\0", "does not start with"),
        "version": (8, struct.pack("<I", 9), "format version 9"),
        "fields": (12, struct.pack("<I", 0), "0 fields"),
        "size": (24, struct.pack("<Q", 1), "was written with 1"),
        "reserved": (40, b"\1", "reserved preamble"),
        "name": (PREAMBLE_BYTES, b"\0" * 40, "name must be 1 to 39 bytes"),
        "dtype": (PREAMBLE_BYTES + 40, b"q99\0\0\0\0\0", "unknown dtype"),
        "kind": (PREAMBLE_BYTES + 48, b"\7", "unknown kind"),
        "column": (PREAMBLE_BYTES + 112, struct.pack("<Q", 10 ** 12), "is not inside the file"),
    }
    for name, (offset, data, message) in cases.items():
        bad = _corrupt(good, tmp_path / f"{name}.pxrec", offset, data)
        with pytest.raises(DecodeError, match=message) as e:
            read_record(bad)
        assert str(bad) in str(e.value), name
    # a record's (offset, length) pair pointing outside the data is found when it is read
    n, fields = datasets.read_records_header(good)
    column = fields[0].column_offset
    bad = _corrupt(good, tmp_path / "pair.pxrec", column + 16, struct.pack("<QQ", 2 ** 62, 5))
    assert read_record(bad, 0).tobytes() == bytes(range(10))   # record 0 is fine
    with pytest.raises(DecodeError, match="record 1 of field 'data'"):
        read_record(bad, 1)
    assert first_column <= column
    # a truncated copy, a missing field, the wrong kind, a missing file
    truncated = tmp_path / "truncated.pxrec"
    truncated.write_bytes(good.read_bytes()[:-5])
    with pytest.raises(DecodeError, match="truncated"):
        read_record(truncated)
    with pytest.raises(DecodeError, match="no field 'image'"):
        read_record(good, field="image")
    with pytest.raises(DecodeError, match="array field"):
        read_record(good, field="label")
    with pytest.raises(pp.errors.PixelpipesIOError):
        read_record(tmp_path / "missing.pxrec")
    with pytest.raises(TypeCheckError):
        with pp.Graph() as g:
            g.output("x", pp.ops.io.RecordArray(str(good), 0, "label", dtype="i64", shape=[1, 2, 3, 4, 5, 6, 7, 8]))
        pp.compile(g)


def test_random_bytes_never_crash_the_reader(good, tmp_path):
    """Fuzz: flipped bytes anywhere in the header, descriptors and columns give a value or an error."""
    raw = good.read_bytes()
    rng = np.random.default_rng(1)
    for k in range(300):
        mutated = bytearray(raw)
        for _ in range(int(rng.integers(1, 4))):
            mutated[int(rng.integers(0, len(raw)))] = int(rng.integers(0, 256))
        path = tmp_path / f"fuzz{k}.pxrec"
        path.write_bytes(bytes(mutated))
        try:
            read_record(path, int(rng.integers(0, 3)))
        except pp.errors.PixelpipesError:
            pass


def test_pixelpipes_pack_converts_between_folder_tar_and_records(tmp_path):
    folder = photo_folder(tmp_path / "folder")
    cli = [sys.executable, "-m", "pixelpipes", "pack"]
    run = lambda *a: subprocess.run(cli + [str(x) for x in a], capture_output=True, text=True)  # noqa: E731
    r = run(tmp_path / "folder", tmp_path / "a.pxrec", "--no-progress")
    assert r.returncode == 0 and "wrote 6 records" in r.stdout, r.stderr
    r = run(tmp_path / "a.pxrec", tmp_path / "t" / "s-{shard}.tar", "--tar", "--shard-size", "4", "--no-progress")
    assert r.returncode == 0 and "2 tar shards" in r.stdout, r.stderr
    r = run(tmp_path / "t" / "s-{0..1}.tar", tmp_path / "b.pxrec", "--no-progress")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "a.pxrec").read_bytes() == (tmp_path / "b.pxrec").read_bytes()
    a = decoded(datasets.PackedRecords(tmp_path / "b.pxrec"), 6)
    b = decoded(folder, 6)
    assert all(np.array_equal(x, y) for x, y in zip(a["image"], b["image"])) and len(a["image"]) == 6
    assert np.array_equal(a["label"], b["label"])
    r = run(tmp_path / "nothing-here", tmp_path / "c.pxrec")
    assert r.returncode == 1 and "does not exist" in r.stderr
    r = run(tmp_path / "folder", tmp_path / "x-{shard}.tar")
    assert r.returncode == 1 and "--tar" in r.stderr
