"""What the op tests share: inputs kept out of constant folding, one-sample runs of a small graph,
and random test images."""
from __future__ import annotations

import numpy as np

import pixelpipes as pp


def varying(x):
    """x, hidden from constant folding: the op that uses it runs in the pipeline, per sample."""
    return pp.Select(pp.SampleIndex() >= 0, x, x)


def run_graph(build, *inputs, seed: int = 0, sample: int = 0):
    """Output "out" = build(*inputs) for one sample; array and string inputs are made varying."""
    with pp.Graph() as g:
        g.output("out", build(*[varying(x) if isinstance(x, (np.ndarray, str)) else x for x in inputs]))
    return pp.compile(g, seed=seed).run(sample)["out"]


def random_image(h, w, ch, dtype, seed=0):
    """Uniform noise over the dtype's range (float: [0, 1)); ch 0 gives a 2-D image."""
    rng = np.random.default_rng(seed + h * 31 + w * 7 + ch)
    shape = (h, w, ch) if ch else (h, w)
    if dtype == np.uint8:
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if dtype == np.uint16:
        return rng.integers(0, 65536, shape, dtype=np.uint16)
    return rng.random(shape, dtype=np.float32)


def compile_outputs(build, seed: int = 0) -> pp.Pipeline:
    """Compiles a graph whose outputs are what ``build()`` returns: a Resource (its fields) or a
    dict {name: node}."""
    from pixelpipes import resource
    with pp.Graph() as g:
        out = build()
        if isinstance(out, resource.Resource):
            out.output()
        else:
            for k, v in out.items():
                g.output(k, v)
    return pp.compile(g, seed=seed)
