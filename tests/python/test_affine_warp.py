"""image.warp of u8 RGB images with an affine matrix, linear interpolation and a constant border
runs our own kernel where the CPU has AVX-512 VBMI (src/kernels/affine_warp_u8.cpp): its output
must be OpenCV's warpAffine, byte for byte, for the OpenCV that albumentations uses (pip's cv2)
as for the library's own (the C++ test). Random rotations, scales, shears and shifts that send
output pixels inside, across and outside the image; a crop's strided rows; border values."""
import cv2
import numpy as np

import pixelpipes as pp
from pixelpipes.ops import image


def opencv_inverse(matrix):
    """OpenCV's dst -> src map of our src -> dst matrix: its coordinates are ours minus 1/2."""
    shift_in = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])
    shift_out = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]])
    return np.linalg.inv(shift_out @ matrix @ shift_in)[:2]


def test_affine_warp_equals_pip_opencv_for_random_maps():
    rng = np.random.default_rng(3)
    cv2.setNumThreads(1)
    for k in range(60):
        sw, sh, dw, dh = (int(v) for v in rng.integers(1, 300, 4))
        angle = np.radians(rng.uniform(-180, 180))
        scale = rng.uniform(0.3, 2.5)
        shear = rng.uniform(-0.3, 0.3) if k % 3 == 0 else 0.0
        a, b = scale * np.cos(angle), scale * np.sin(angle)
        linear = np.array([[a, -b + shear], [b, a]])
        center_src = np.array([sw / 2, sh / 2]) + rng.uniform(-30, 30, 2)
        t = np.array([dw / 2, dh / 2]) - linear @ center_src
        matrix = np.array([[linear[0, 0], linear[0, 1], t[0]], [linear[1, 0], linear[1, 1], t[1]], [0, 0, 1]])
        fill = float(rng.integers(0, 256))
        full = rng.integers(0, 256, (sh + 4, sw + 6, 3), dtype=np.uint8)
        box = np.array([3, 2, 3 + sw, 2 + sh], np.float32)   # a crop: rows with gaps
        with pp.Graph() as g:
            src = image.Crop(pp.Constant(full), pp.Constant(box))
            g.output("out", image.Warp(src, pp.Constant(matrix.astype(np.float32)), dw, dh, interpolation="linear",
                                       border="constant", border_value=fill))
        ours = pp.compile(g).run(0)["out"]
        # the matrix as the op reads it (f32), then OpenCV's inverse map in double, as the op makes it
        reference = cv2.warpAffine(np.ascontiguousarray(full[2:2 + sh, 3:3 + sw]),
                                   opencv_inverse(matrix.astype(np.float32).astype(np.float64)), (dw, dh),
                                   flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_CONSTANT,
                                   borderValue=(fill, fill, fill))
        assert ours.shape == reference.shape
        difference = np.abs(ours.astype(int) - reference)
        assert difference.max() == 0, f"case {k}: {sw}x{sh} -> {dw}x{dh}: {int((difference > 0).sum())} values differ"
