"""A program made and saved in Python runs unchanged in the C tool: pixelpipes-run writes
.npy files bit-identical to what Python computes for the same seed and indices, also for a
program saved next to its images and moved with them."""
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np

import pixelpipes as pp
from pixelpipes import datasets
from pixelpipes.datasets import write_png
from pixelpipes.ops import random, tensor

ROOT = Path(__file__).resolve().parents[2]
# `make test` builds the C++ tree (build/release) before running pytest.
TOOL = Path(os.environ.get("PXP_RUN_TOOL", ROOT / "build" / "release" / "pixelpipes-run"))


def build_pipeline(seed):
    with pp.Graph() as g:
        image = tensor.Cast(random.Uniform(0.0, 255.0, shape=[5, 7, 3]), dtype="u8")
        g.output("image", image)
        g.output("noise", random.Normal(0.0, 1.0, shape=[4]))
        g.output("index", pp.SampleIndex() * 3 + 1)
    return pp.compile(g, seed=seed)


def test_saved_program_gives_bit_identical_outputs_in_pixelpipes_run(tmp_path):
    assert TOOL.exists(), f"{TOOL} is missing: build the C++ tree first (make build)"
    pipeline = build_pipeline(seed=17)
    program = tmp_path / "program.pxp"
    pipeline.save(str(program))
    indices = [0, 5, 123]
    out = tmp_path / "npy"
    result = subprocess.run([str(TOOL), str(program), "-n", "0", "--seed", "17", "--save-npy", str(out),
                             "--samples", ",".join(map(str, indices))], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for i in indices:
        expected = pipeline.run(i)
        for name, value in expected.items():
            written = np.load(out / f"sample_{i}_{name}.npy")
            assert written.dtype == value.dtype and written.shape == value.shape
            assert written.tobytes() == np.ascontiguousarray(value).tobytes(), (i, name)


def test_moved_program_folder_gives_bit_identical_outputs_in_pixelpipes_run(tmp_path):
    """pixelpipes.save stores the image paths relative to the program's folder; the C tool reads
    them from wherever that folder was copied to (from another working directory), and defaults
    to the saved seed, as pixelpipes.load does."""
    assert TOOL.exists(), f"{TOOL} is missing: build the C++ tree first (make build)"
    original = tmp_path / "dataset"
    os.makedirs(original / "images")
    pixels = []
    for k in range(4):
        image = ((np.arange(6 * 9 * 3).reshape(6, 9, 3) * (k + 3) + 17 * k) % 256).astype(np.uint8)
        write_png(original / "images" / f"{k}.png", image)
        pixels.append(image)
    files = [str(original / "images" / f"{k}.png") for k in range(4)]
    with pp.Graph() as g:
        sample = datasets.FileList(files, labels=[0, 1, 2, 3]).sample()   # shuffled: the seed matters
        sample.output(names=["image", "label"])
        g.output("noise", random.Normal(0.0, 1.0, shape=[3]))
    pp.save(pp.compile(g, seed=23), original / "program.pxp")

    copied = tmp_path / "moved" / "copy"
    shutil.copytree(original, copied)
    shutil.rmtree(original)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    program = copied / "program.pxp"
    indices = [0, 1, 2, 3, 6, 11]
    out = tmp_path / "npy"
    result = subprocess.run([str(TOOL), str(program), "-n", "0", "--save-npy", str(out),
                             "--samples", ",".join(map(str, indices))], cwd=elsewhere, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr

    loaded = pp.load(program)
    assert loaded.seed == 23
    for i in indices:
        expected = loaded.run(i)
        assert sorted(expected) == ["image", "label", "noise"]
        np.testing.assert_array_equal(expected["image"], pixels[int(expected["label"])])  # the copied files
        for name, value in expected.items():
            written = np.load(out / f"sample_{i}_{name}.npy")
            assert written.dtype == value.dtype and written.shape == value.shape, (i, name)
            assert written.tobytes() == np.ascontiguousarray(value).tobytes(), (i, name)
    # The tool used the saved seed, not 0: seed 0 draws other numbers.
    other = loaded.with_seed(0)
    assert any(np.load(out / f"sample_{i}_noise.npy").tobytes() != other.run(i)["noise"].tobytes() for i in indices)
