"""TarShards: WebDataset-style tar shards read by offset (io.read_range), addressed like any dataset:
epochs at any world size cover every sample once, resuming is bit-identical, and samples equal the
same images read from a folder."""
import io
import json
import os
import subprocess
import tarfile
from pathlib import Path

import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import datasets
from pixelpipes.errors import DecodeError, OutOfRangeError

ROOT = Path(__file__).resolve().parents[2]
TOOL = Path(os.environ.get("PXP_RUN_TOOL", ROOT / "build" / "release" / "pixelpipes-run"))
PHOTOS = ROOT / "examples" / "data" / "photos"


def tiny_folder(root: Path, classes: int, per_class: int) -> datasets.ImageFolder:
    """classes x per_class distinct 8 x 8 PNGs (class c, image k: pixels from (c, k))."""
    for c in range(classes):
        folder = root / f"class{c:02d}"
        folder.mkdir(parents=True)
        for k in range(per_class):
            v = np.arange(8 * 8 * 3, dtype=np.uint32).reshape(8, 8, 3) * (k % 7 + 1) + c * 1000 + k
            ok, data = cv2.imencode(".png", (v % 256).astype(np.uint8))
            (folder / f"{k:05d}.png").write_bytes(data.tobytes())
    return datasets.ImageFolder(str(root))


def photo_folder(root: Path) -> datasets.ImageFolder:
    """The photos, JPEG bytes unchanged, two classes."""
    photos = sorted(PHOTOS.glob("*.jpg"))
    for k, p in enumerate(photos):
        folder = root / ("a" if k % 2 else "b")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / p.name).write_bytes(p.read_bytes())
    return datasets.ImageFolder(str(root))


def in_order(ds):
    """The pipeline of ``ds``'s items in order (no shuffle): outputs image and label."""
    with pp.Graph() as g:
        r = ds.load(ds.item(shuffle=False))
        r.output(names=["image", "label"])
    return pp.compile(g, seed=0)


@pytest.fixture(scope="module")
def ten_thousand(tmp_path_factory):
    """5 shards of 2000 images, and the folder they were written from."""
    root = tmp_path_factory.mktemp("tar10k")
    folder = tiny_folder(root / "folder", classes=10, per_class=1000)
    paths = datasets.write_tar_shards(folder, str(root / "shards" / "train-{shard:06d}.tar"), samples_per_shard=2000,
                                      progress=False)
    return folder, paths, root


def test_five_shards_of_2000_index_once_and_match_the_folder_bit_for_bit(ten_thousand):
    folder, paths, root = ten_thousand
    assert [os.path.basename(p) for p in paths] == [f"train-{k:06d}.tar" for k in range(5)]
    shards = datasets.TarShards(str(root / "shards" / "train-{000000..000004}.tar"), progress=False)
    assert len(shards) == len(folder) == 10000
    assert shards.labels == folder.labels
    assert all(os.path.exists(p + ".pxidx") for p in paths)
    again = datasets.TarShards(str(root / "shards" / "*.tar"), progress=False)
    assert again.indexed == 0 and len(again) == 10000      # every index read from the cache
    everything = datasets.TarShards(str(root / "shards" / "*"), progress=False)   # the .pxidx files are no shards
    assert everything.shards == again.shards
    # every image decodes to the folder's pixels (in order: shuffle=False)
    ours, theirs = in_order(shards), in_order(folder)
    for a, b in zip(ours.batches(500, stop=10000, threads=2), theirs.batches(500, stop=10000, threads=2)):
        assert np.array_equal(a["image"], b["image"]) and np.array_equal(a["label"], b["label"])


@pytest.mark.parametrize("world_size", [1, 2])
def test_an_epoch_covers_every_sample_exactly_once_at_any_world_size(ten_thousand, world_size):
    _, paths, _ = ten_thousand
    shards = datasets.TarShards(paths, progress=False)
    with pp.Graph() as g:
        r = shards.sample(label="items")
        g.output("item", r["item"])
        g.output("label", r["label"])
    pipeline = pp.compile(g, seed=11)
    seen = []
    for rank in range(world_size):
        for b in pipeline.batches(250, rank=rank, world_size=world_size, stop=10000, threads=2):
            seen += b["item"].tolist()
    assert sorted(seen) == list(range(10000))


def test_resuming_mid_epoch_is_bit_identical(ten_thousand):
    _, paths, _ = ten_thousand
    shards = datasets.TarShards(paths, progress=False)
    with pp.Graph() as g:
        r = shards.sample(label="items")
        r.output(names=["image", "label", "item"])
    pipeline = pp.compile(g, seed=3)
    whole = list(pipeline.batches(100, stop=1000, threads=2))
    resumed = list(pipeline.batches(100, start=600, stop=1000, threads=1))
    for a, b in zip(whole[6:], resumed):
        for name in ("image", "label", "item"):
            assert np.array_equal(a[name], b[name])


def test_photos_in_shards_decode_like_the_folder_through_the_fused_crop_decode(tmp_path):
    """JPEG photos: a crop + resize of the decoded bytes (fused into one ROI decode with DCT scaling)
    gives the same pixels from shards as from the folder, on the same items in the same order.
    (Random augmentations draw other numbers: a node's random stream is keyed by the structure of
    the graph above it, which differs between sources: docs/datasets.md.)"""
    from pixelpipes.ops import image
    folder = photo_folder(tmp_path / "folder")
    paths = datasets.write_tar_shards(folder, str(tmp_path / "s-{shard}.tar"), samples_per_shard=4, progress=False)
    assert len(paths) == 2
    shards = datasets.TarShards(paths, progress=False)
    results = []
    for ds in (folder, shards):
        with pp.Graph() as g:
            r = ds.sample(label="items")
            small = image.Resize(image.Crop(r["image"], np.array([40, 30, 400, 350], np.float32)), 64, 48)
            g.output("image", small)
            g.output("label", r["label"])
        pipeline = pp.compile(g, seed=9)
        assert "image.decode_crop" in pipeline.disassemble()
        results.append(list(pipeline.batches(6, stop=24)))
    for a, b in zip(*results):
        assert np.array_equal(a["image"], b["image"]) and np.array_equal(a["label"], b["label"])


def test_member_grouping_texts_extra_fields_and_keys(tmp_path):
    path = tmp_path / "mixed.tar"
    photo = (PHOTOS / "camera.jpg").read_bytes()
    ok, png = cv2.imencode(".png", np.full((5, 6), 7, np.uint8))
    with tarfile.open(path, "w") as tar:
        for key in ("a/one", "a/two"):
            for ext, data in (("jpg", photo), ("cls", b" 3\n"), ("json", json.dumps({"key": key}).encode()),
                              ("txt", f"caption of {key}".encode()), ("seg.png", png.tobytes())):
                info = tarfile.TarInfo(f"{key}.{ext}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    ds = datasets.TarShards(str(path), texts=True, extra=["seg.png"], progress=False)
    assert ds.keys == ["a/one", "a/two"] and ds.labels == [3, 3]
    with pp.Graph() as g:
        r = ds.load(1)
        g.output("image", r["image"])
        g.output("json", r["json"])
        g.output("txt", r["txt"])
        g.output("seg", pp.ops.image.Decode(r["seg_png"], mode="gray"))
    out = pp.compile(g).run(0)
    assert np.array_equal(out["image"], cv2.cvtColor(cv2.imread(str(PHOTOS / "camera.jpg")), cv2.COLOR_BGR2RGB))
    assert json.loads(out["json"]) == {"key": "a/two"} and out["txt"] == "caption of a/two"
    assert np.array_equal(out["seg"][..., 0] if out["seg"].ndim == 3 else out["seg"], np.full((5, 6), 7, np.uint8))


def test_a_changed_shard_is_indexed_again_and_errors_name_the_shard(tmp_path):
    folder = photo_folder(tmp_path / "folder")
    (path,) = datasets.write_tar_shards(folder, str(tmp_path / "s-{shard}.tar"), samples_per_shard=10, progress=False)
    assert datasets.TarShards(path, progress=False).indexed == 1
    assert datasets.TarShards(path, progress=False).indexed == 0
    shards = datasets.TarShards(path, progress=False)
    with pp.Graph() as g:
        g.output("image", shards.load(shards.item(shuffle=False))["image"])
    pipeline = pp.compile(g)
    # corrupt the first image's bytes in place (same size: the program's offsets still hold)
    offset, size = (int(v) for v in shards.image_ranges[0])
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(b"\0" * size)
    assert datasets.TarShards(path, progress=False).indexed == 1   # a new modification time: indexed again
    with pytest.raises(DecodeError) as e:
        pipeline.run(0)
    assert e.value.file == path and e.value.sample == 0
    # truncate: reading past the end is a clean error naming the shard, and a new index sees it
    with open(path, "r+b") as f:
        f.truncate(offset + 10)
    with pytest.raises(OutOfRangeError, match="outside") as e:
        pipeline.run(0)
    assert path in str(e.value)
    with pytest.raises(ValueError):
        datasets.TarShards(path, progress=False)


def test_the_index_goes_to_the_cache_folder_when_the_shard_folder_is_not_writable(tmp_path, monkeypatch):
    from pixelpipes.datasets import tar_shards
    folder = photo_folder(tmp_path / "folder")
    (path,) = datasets.write_tar_shards(folder, str(tmp_path / "s-{shard}.tar"), samples_per_shard=10, progress=False)
    written = tar_shards.write_atomically

    def read_only_beside_shards(target, data):
        if str(target).startswith(str(tmp_path / "s-")):
            raise PermissionError(13, "Permission denied", str(target))
        written(target, data)
    monkeypatch.setattr(tar_shards, "write_atomically", read_only_beside_shards)
    cache = tmp_path / "cache"
    assert datasets.TarShards(path, cache_dir=cache, progress=False).indexed == 1
    assert not os.path.exists(path + ".pxidx") and len(os.listdir(cache)) == 1
    again = datasets.TarShards(path, cache_dir=cache, progress=False)
    assert again.indexed == 0 and len(again) == len(folder)


def test_a_failing_write_leaves_the_complete_shards_and_no_partial_one(tmp_path):
    photo = (PHOTOS / "camera.jpg").read_bytes()

    def items():
        for k in range(5):
            if k == 3:
                raise RuntimeError("the source broke")
            yield datasets.RawItem(photo, "jpg", k, f"item {k}")
    with pytest.raises(RuntimeError, match="the source broke"):
        datasets.write_tar_shards(items(), str(tmp_path / "s-{shard}.tar"), samples_per_shard=2, progress=False)
    assert sorted(os.listdir(tmp_path)) == ["s-0.tar"]   # shard 1 was open: gone, with its temporary file
    assert datasets.TarShards(str(tmp_path / "s-0.tar"), progress=False).labels == [0, 1]


def test_clear_errors_for_what_tar_shards_cannot_read(tmp_path):
    with pytest.raises(ValueError, match="local files only"):
        datasets.TarShards("https://example.com/shard-{000..003}.tar")
    with pytest.raises(FileNotFoundError, match="no tar shards match"):
        datasets.TarShards(str(tmp_path / "missing-*.tar"))
    gz = tmp_path / "c.tar.gz"
    with tarfile.open(gz, "w:gz") as tar:
        info = tarfile.TarInfo("x.jpg")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    with pytest.raises(ValueError, match="uncompressed"):
        datasets.TarShards(str(gz), progress=False)
    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as tar:
        for name, data in (("k.txt", b"only text"), ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(ValueError, match="sample 'k' has no image member"):
        datasets.TarShards(str(bad), progress=False)
    cls = tmp_path / "cls.tar"
    with tarfile.open(cls, "w") as tar:
        for name, data in (("k.jpg", (PHOTOS / "camera.jpg").read_bytes()), ("k.cls", b"cat")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(ValueError, match="not an integer"):
        datasets.TarShards(str(cls), progress=False)
    with pytest.raises(ValueError, match="shard"):
        datasets.write_tar_shards(datasets.FileList([str(PHOTOS / "camera.jpg")]), str(tmp_path / "no-pattern.tar"))


def test_a_saved_program_reading_tar_shards_runs_in_pixelpipes_run(tmp_path):
    assert TOOL.exists(), f"{TOOL} is missing: build the C++ tree first (make build)"
    folder = photo_folder(tmp_path / "folder")
    paths = datasets.write_tar_shards(folder, str(tmp_path / "data" / "s-{shard}.tar"), samples_per_shard=3,
                                      progress=False)
    shards = datasets.TarShards(paths, progress=False)
    with pp.Graph() as g:
        r = shards.sample(label="items")
        g.output("image", pp.ops.image.Resize(r["image"], 32, 24))
        g.output("label", r["label"])
    pipeline = pp.compile(g, seed=4)
    program = tmp_path / "data" / "program.pxp"
    pp.save(pipeline, program)
    out = tmp_path / "npy"
    indices = [0, 1, 5, 9]
    result = subprocess.run([str(TOOL), str(program), "-n", "0", "--save-npy", str(out), "--samples",
                             ",".join(map(str, indices))], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for i in indices:
        expected = pipeline.run(i)
        for name, value in expected.items():
            assert np.load(out / f"sample_{i}_{name}.npy").tobytes() == np.ascontiguousarray(value).tobytes()
