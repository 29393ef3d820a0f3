"""Streams that stay put: a random node's stream depends on the seed, the sample and the node's
structure only (docs/python.md, "Determinism"), never on source lines, unrelated code or where the
data lives.

The same training script is written several ways and each runs in its own process; every output
of the original is compared bit for bit over 500 samples."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import cv2
import numpy as np
import pytest

SAMPLES = 500

# The pipeline, as a user writes it: an ImageFolder of real JPEGs, RandomResizedCrop, flip,
# ColorJitter, a Toggle and a Switch, mixup with a second item, and every op of ops.random.
# The markers are where the variants insert code; {root} and {params} are filled per variant.
PIPELINE = '''
ds = datasets.ImageFolder({root!r})
with pp.Graph() as g:
    r = ds.sample()
#MID0
    r = augment.RandomResizedCrop(r, 32, scale=(0.3, 1.0))
    r = augment.RandomHorizontalFlip(r)
    image = augment.ColorJitter(r.image, brightness={brightness}, contrast=0.3, saturation=0.3, hue=0.05)
#MID1
    image = pp.Toggle(0.4, filter.GaussianBlur(image, 1.0), image)
    image = pp.Switch([image, color.Invert(image), color.Solarize(image, 128)], [3, 1, 1])
    partner = augment.RandomResizedCrop(ds.load(ds.item(label="partner")), 32, scale=(0.5, 1.0))
    mixed = mix.mixup(image, partner.image, alpha=0.4)
    g.output("image", mixed.image)
    g.output("lam", mixed.weight)
    g.output("labels", tensor.Stack(r.label, partner.label))
#MID2
    g.output("bernoulli", random.Bernoulli(0.3))
    g.output("integer", random.Integer(0, 100))
    g.output("normal", random.Normal(0.0, 1.0, shape=[3]))
    g.output("permutation", random.Permutation(6))
    g.output("shuffle", tensor.FromList(random.Shuffle(plist.Range(0, 5, 1))))
    g.output("uniform", random.Uniform(-1.0, 1.0, shape=[2]))
    g.output("choice", random.WeightedChoice(np.array([1.0, 2.0, 3.0])))
    g.output("beta", random.Beta(0.5, 0.5, shape=[2]))
    g.output("gamma", random.Gamma(2.0, 1.0))
    g.output("u01", random.Uniform(0.0, 1.0))  # "leftover" in variant (b) is an unused copy made earlier
'''

HEADER = '''import sys
import numpy as np
import pixelpipes as pp
from pixelpipes import augment, datasets, mix
from pixelpipes.ops import color, filter, list as plist, random, tensor
'''

RUNNER = '''
pipeline = pp.compile(g, seed=11)
out = {{name: [] for name in ORIGINAL}}
for batch in pipeline.batches(50, stop={samples}, threads=2):
    for name in ORIGINAL:
        out[name].append(np.asarray(batch[name]))
np.savez(sys.argv[1], **{{k: np.concatenate(v) for k, v in out.items()}})
'''

ORIGINAL = ["image", "lam", "labels", "bernoulli", "integer", "normal", "permutation", "shuffle", "uniform",
            "choice", "beta", "gamma", "u01"]


def _image_folder(root: str) -> str:
    rng = np.random.default_rng(5)
    for c in ("cat", "dog", "fox"):
        os.makedirs(os.path.join(root, c))
        for k in range(6):
            h, w = rng.integers(40, 72, 2)
            img = cv2.GaussianBlur(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), (5, 5), 0)
            cv2.imwrite(os.path.join(root, c, f"{k:02d}.jpg"), img)
    return root


def _pipeline(root: str, brightness: float = 0.3) -> str:
    return PIPELINE.format(root=root, brightness=brightness)


def _script(body: str) -> str:
    return HEADER + f"ORIGINAL = {ORIGINAL!r}\n" + body + RUNNER.format(samples=SAMPLES)


def _run(folder, name: str, files: dict) -> dict:
    """Writes the files into their own folder and runs the first one in a new process."""
    where = folder / name
    where.mkdir()
    for file, text in files.items():
        (where / file).write_text(text)
    out = where / "out.npz"
    main = next(iter(files))
    done = subprocess.run([sys.executable, str(where / main), str(out)], cwd=where, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(out) as data:
        return {k: data[k] for k in data.files}


def _strip_markers(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("#MID"))


@pytest.fixture(scope="module")
def streams(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stable")
    root = _image_folder(str(folder / "images"))
    base = _strip_markers(_pipeline(root))
    runs = {"original": _run(folder, "original", {"train.py": _script(base)})}

    # (a) blank lines and comments above and between the nodes
    padded = "\n\n# a comment\n\n" + "\n".join(line + "\n\n    # why this step\n" if line.startswith("    ") else line
                                                for line in base.splitlines())
    runs["comments"] = _run(folder, "comments", {"train.py": _script("\n\n\n# notes\n" + padded)})

    # (b) unrelated random nodes and extra outputs inserted mid-pipeline (and at the start); one
    # is a copy of a node further down that no output uses (a leftover), which takes no rank
    unrelated = _pipeline(root)
    unrelated = unrelated.replace("#MID0", "    leftover = random.Uniform(0.0, 1.0)\n"
                                           "    g.output(\"extra0\", random.Uniform(0.0, 2.0))")
    unrelated = unrelated.replace("#MID1", "    g.output(\"extra1\", random.Integer(0, 7) + pp.SampleIndex())")
    unrelated = unrelated.replace("#MID2", "    g.output(\"extra2\", color.Invert(image) * 0.5)")
    runs["unrelated"] = _run(folder, "unrelated", {"train.py": _script(unrelated)})

    # (c) the pipeline moved into a function in another file
    body = textwrap.indent(base, "    ")
    module = HEADER + "\n\ndef build():\n" + body + "\n    return g\n"
    main = _script("from pipeline_def import build\ng = build()\n")
    runs["moved"] = _run(folder, "moved", {"train.py": main, "pipeline_def.py": module})

    # (d) the image folder copied under another root
    copy = shutil.copytree(root, str(folder / "elsewhere" / "data" / "images"))
    runs["data_moved"] = _run(folder, "data_moved", {"train.py": _script(_strip_markers(_pipeline(copy)))})

    # converse: one augmentation parameter changed
    runs["changed"] = _run(folder, "changed", {"train.py": _script(_strip_markers(_pipeline(root, 0.6)))})
    return runs


@pytest.mark.parametrize("variant", ["comments", "unrelated", "moved", "data_moved"])
def test_every_output_is_bit_identical_after_an_edit_that_changes_no_structure(streams, variant):
    original = streams["original"]
    assert original["image"].shape[0] == SAMPLES
    for name in ORIGINAL:
        got = streams[variant][name]
        assert got.dtype == original[name].dtype and got.shape == original[name].shape, name
        assert got.tobytes() == original[name].tobytes(), f"{variant}: output {name} changed"


def test_a_changed_parameter_changes_that_augmentation_and_only_what_depends_on_it(streams):
    original, changed = streams["original"], streams["changed"]
    differ = np.any(original["image"] != changed["image"], axis=(1, 2, 3))
    assert differ.mean() > 0.5  # the brightness range changed: most images change
    for name in ORIGINAL:
        if name != "image":  # nothing else depends on ColorJitter's brightness
            assert changed[name].tobytes() == original[name].tobytes(), name


def test_identical_unlabelled_augmentations_get_streams_of_their_own():
    import pixelpipes as pp
    from pixelpipes.ops import random
    with pp.Graph() as g:
        g.output("a", random.Uniform(0.0, 1.0, shape=[4]))
        g.output("b", random.Uniform(0.0, 1.0, shape=[4]))
        g.output("c", random.Uniform(0.0, 1.0, shape=[4], label="pinned"))
    s = pp.compile(g, seed=3).run(0)
    assert not np.array_equal(s["a"], s["b"])
    # a new identical node made first shifts the unlabelled ranks, never the labelled one
    with pp.Graph() as g:
        g.output("new", random.Uniform(0.0, 1.0, shape=[4]))
        g.output("a", random.Uniform(0.0, 1.0, shape=[4]))
        g.output("c", random.Uniform(0.0, 1.0, shape=[4], label="pinned"))
    t = pp.compile(g, seed=3).run(0)
    assert np.array_equal(t["new"], s["a"]) and np.array_equal(t["a"], s["b"])
    assert np.array_equal(t["c"], s["c"])
