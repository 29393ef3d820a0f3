"""pixelpipes.save / load: file lists inside the program's folder are stored relative to it, so
the folder can move."""
import os
import pickle
import shutil

import msgpack
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import datasets, errors
from pixelpipes.datasets import write_png


def make_folder(root):
    os.makedirs(root / "images")
    files = []
    for k in range(3):
        img = np.full((8, 8, 3), 40 * k, np.uint8)
        write_png(root / "images" / f"{k}.png", img)
        files.append(str(root / "images" / f"{k}.png"))
    return files


def build(files, extra=()):
    ds = datasets.FileList(files, labels=[0, 1, 2])
    with pp.Graph() as g:
        r = ds.sample(shuffle=False)
        r.output(names=["image", "label"])
        if extra:
            g.output("names", pp.Constant(list(extra))[r.label])
    return g


def strings_of(path_or_bytes):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else open(path_or_bytes, "rb").read()
    program = msgpack.unpackb(data, raw=False, strict_map_key=False)

    def walk(c):
        if c["kind"] == "string":
            yield c["value"]
        elif c["kind"] == "list":
            for x in c["items"]:
                yield from walk(x)
    return [s for c in program["constants"] for s in walk(c)], program["metadata"]


def test_paths_inside_the_folder_become_relative_and_move_with_it(tmp_path):
    files = make_folder(tmp_path / "a")
    pipeline = pp.compile(build(files, extra=["zero", "one", "two"]), seed=4)
    pp.save(pipeline, tmp_path / "a" / "program.pxp")
    strings, meta = strings_of(tmp_path / "a" / "program.pxp")
    assert "images/0.png" in strings and not any(str(tmp_path) in s for s in strings)
    assert "zero" in strings                                # other strings are left alone
    assert meta["pixelpipes.seed"] == 4 and "pixelpipes.relative_paths" in meta
    shutil.move(str(tmp_path / "a"), str(tmp_path / "b"))
    loaded = pp.load(tmp_path / "b" / "program.pxp")
    assert loaded.seed == 4
    for i in range(3):
        s = loaded.run(i)
        assert int(s["label"]) == i and s["names"] == ["zero", "one", "two"][i]
        np.testing.assert_array_equal(s["image"], np.full((8, 8, 3), 40 * i, np.uint8))


def test_mixed_lists_change_only_the_paths(tmp_path):
    files = make_folder(tmp_path / "d")
    mixed = ["plain", files[0]]
    with pp.Graph() as g:
        g.output("x", pp.Constant(mixed)[pp.SampleIndex() % 2])
    pipeline = pp.compile(g)
    pp.save(pipeline, tmp_path / "d" / "p.pxp")
    strings, meta = strings_of(tmp_path / "d" / "p.pxp")
    assert strings == ["plain", "images/0.png"]
    assert list(meta["pixelpipes.relative_paths"]["constants"].values()) == [[[1]]]
    q = pp.load(tmp_path / "d" / "p.pxp")
    assert q.run(0)["x"] == "plain" and q.run(1)["x"] == files[0]


def test_paths_outside_the_folder_stay_absolute(tmp_path):
    files = make_folder(tmp_path / "data")
    os.makedirs(tmp_path / "programs")
    pp.save(pp.compile(build(files)), tmp_path / "programs" / "p.pxp")
    strings, meta = strings_of(tmp_path / "programs" / "p.pxp")
    assert files[0] in strings and "pixelpipes.relative_paths" not in meta
    np.testing.assert_array_equal(pp.load(tmp_path / "programs" / "p.pxp").run(2)["image"],
                                  np.full((8, 8, 3), 80, np.uint8))


def test_load_reads_plain_program_files_and_an_explicit_seed_wins(tmp_path):
    files = make_folder(tmp_path / "e")
    pipeline = pp.compile(build(files), seed=7)
    pipeline.save(tmp_path / "raw.pxp")                       # Pipeline.save: the bytes as they are
    assert (tmp_path / "raw.pxp").read_bytes() == pipeline.to_bytes()
    assert pp.load(tmp_path / "raw.pxp").seed == 0
    pp.save(pipeline, tmp_path / "e" / "p.pxp")
    assert pp.load(tmp_path / "e" / "p.pxp", seed=11).seed == 11
    assert pp.load(tmp_path / "e" / "p.pxp", threads=2).seed == 7


def test_saved_synthetic_pipeline_gives_the_same_samples(tmp_path):
    syn = datasets.Synthetic(root=str(tmp_path / "syn"), images_per_class=2, scenes=2, sequences=1, frames=3,
                             arrays=4)
    ds = syn.detection()
    with pp.Graph() as g:
        ds.sample().output()
    pipeline = pp.compile(g, seed=2)
    before = pipeline.run_many(0, 2)
    pp.save(pipeline, tmp_path / "syn" / "det.pxp")
    shutil.move(str(tmp_path / "syn"), str(tmp_path / "moved"))
    loaded = pp.load(tmp_path / "moved" / "det.pxp")
    for a, b in zip(before, loaded.run_many(0, 2)):
        for k in ("image", "boxes", "labels"):
            np.testing.assert_array_equal(a[k], b[k])


def test_a_loaded_program_has_absolute_bytes_so_it_pickles_and_saves_again(tmp_path):
    files = make_folder(tmp_path / "a")
    pp.save(pp.compile(build(files), seed=3), tmp_path / "a" / "p.pxp")
    shutil.move(str(tmp_path / "a"), str(tmp_path / "b"))
    loaded = pp.load(tmp_path / "b" / "p.pxp")
    strings, meta = strings_of(loaded.to_bytes())         # the library's resolved bytes
    assert str(tmp_path / "b" / "images" / "1.png") in strings
    assert "pixelpipes.relative_paths" not in meta and meta["pixelpipes.seed"] == 3
    expected = np.full((8, 8, 3), 40, np.uint8)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(loaded)).run(1)["image"], expected)
    pp.save(loaded, tmp_path / "b" / "again.pxp")         # relative again, to the new file
    shutil.move(str(tmp_path / "b"), str(tmp_path / "c"))
    again = pp.load(tmp_path / "c" / "again.pxp")
    assert again.seed == 3
    np.testing.assert_array_equal(again.run(1)["image"], expected)


def test_program_bytes_without_their_file_keep_relative_paths(tmp_path):
    files = make_folder(tmp_path / "f")
    pp.save(pp.compile(build(files)), tmp_path / "f" / "p.pxp")
    raw = pp.from_bytes((tmp_path / "f" / "p.pxp").read_bytes())   # no folder: read from the cwd
    with pytest.raises(OSError) as caught:
        raw.run(0)
    assert caught.value.file == "images/0.png"


def test_load_errors_name_the_file_or_the_malformed_record(tmp_path):
    with pytest.raises(errors.PixelpipesIOError, match="missing.pxp"):
        pp.load(tmp_path / "missing.pxp")
    files = make_folder(tmp_path / "g")
    pp.save(pp.compile(build(files)), tmp_path / "g" / "p.pxp")
    program = msgpack.unpackb((tmp_path / "g" / "p.pxp").read_bytes(), raw=False)
    record = program["metadata"]["pixelpipes.relative_paths"]["constants"]
    record[str(len(program["constants"]))] = "all"                # a constant that does not exist
    (tmp_path / "g" / "bad.pxp").write_bytes(msgpack.packb(program, use_bin_type=True))
    with pytest.raises(errors.ProgramError, match="pixelpipes.relative_paths.*out of range"):
        pp.load(tmp_path / "g" / "bad.pxp")
