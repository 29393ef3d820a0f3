"""A program made and saved in Python runs unchanged in the C tool: pixelpipes-run writes
.npy files bit-identical to what Python computes for the same seed and indices."""
import os
import subprocess
from pathlib import Path

import numpy as np

import pixelpipes as pp
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
