#!/usr/bin/env python3
"""Writes the two committed inputs of the Conan consumer check (tests/conan/consumer_check.sh):

  gradient.png  a 32 x 24 RGB image (each channel a different function of x and y)
  resize.pxp    a program whose sample has two outputs: "image", gradient.png read and decoded
                (u8 24 x 32 x 3), and "small", that image resized to 16 x 12 with 'area'
                (u8 12 x 16 x 3). pp.save stores the PNG's path relative to the program, so the
                consumer finds it next to resize.pxp wherever the folder is.

Run it with the project's Python package (`make python`):  .venv/bin/python tests/conan/consumer/make_program.py
"""
import os

import numpy as np
import pixelpipes as pp
from pixelpipes.datasets import write_png
from pixelpipes.ops import image, io

HERE = os.path.dirname(os.path.abspath(__file__))
WIDTH, HEIGHT = 32, 24

y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
pixels = np.stack([8 * x, 10 * y, (7 * x * y) % 256], axis=-1).astype(np.uint8)
png = os.path.join(HERE, "gradient.png")
write_png(png, pixels)

with pp.Graph() as g:
    decoded = image.Decode(io.ReadFile(png), mode="rgb")
    g.output("image", decoded)
    g.output("small", image.Resize(decoded, WIDTH // 2, HEIGHT // 2, interpolation="area"))
pipeline = pp.compile(g, seed=0)
sample = pipeline.run(0)
assert (sample["image"] == pixels).all() and sample["small"].shape == (HEIGHT // 2, WIDTH // 2, 3)
pp.save(pipeline, os.path.join(HERE, "resize.pxp"))
print("wrote", png, "and", os.path.join(HERE, "resize.pxp"))
