"""image.resize with linear interpolation on u8 runs our own kernel where the CPU has AVX-512
VBMI (src/kernels/linear_resize_u8.cpp): its output must be OpenCV's, byte for byte, for the
OpenCV that albumentations uses (pip's cv2) as for the library's own (the C++ test). Random sizes
(shrinking up to 7x, enlarging, exact doubling), 1, 3 and 4 channels, a crop's strided rows."""
import cv2
import numpy as np

import pixelpipes as pp
from pixelpipes.ops import image


def test_linear_resize_equals_pip_opencv_for_random_sizes_and_channels():
    rng = np.random.default_rng(5)
    cv2.setNumThreads(1)
    exact = [(128, 96, 256, 192), (37, 53, 74, 106), (700, 500, 224, 224), (1024, 768, 224, 224)]  # doubling, shrinks
    for k in range(60 + len(exact)):
        if k < len(exact):
            sw, sh, dw, dh = exact[k]
        else:
            sw, sh = (int(v) for v in rng.integers(2, 300, 2))
            dw = int(rng.integers(max(1, sw // 7), 400))
            dh = int(rng.integers(1, 400))
        channels = [1, 3, 4][k % 3]
        shape = (sh + 4, sw + 6) + ((channels,) if channels > 1 else ())
        full = rng.integers(0, 256, shape, dtype=np.uint8)
        box = np.array([3, 2, 3 + sw, 2 + sh], np.float32)   # a crop: rows with gaps
        with pp.Graph() as g:
            g.output("out", image.Resize(image.Crop(pp.Constant(full), pp.Constant(box)), dw, dh))
        ours = pp.compile(g).run(0)["out"]
        reference = cv2.resize(np.ascontiguousarray(full[2:2 + sh, 3:3 + sw]), (dw, dh), interpolation=cv2.INTER_LINEAR)
        assert ours.shape == reference.shape, (sw, sh, dw, dh, channels)
        difference = np.abs(ours.astype(int) - reference)
        assert difference.max() == 0, f"{sw}x{sh} -> {dw}x{dh}, {channels} channels: {int((difference > 0).sum())} values differ"
