"""One small use of every registered op, for test_ops_coverage.py.

CASES maps an op name to a function that builds a node using that op inside the current
graph. When an op is added to the library, add its case here (the coverage test fails until
then). Inputs are small synthetic images, masks, boxes and points.
"""
import base64
import os
import struct
import zlib

import numpy as np

import pixelpipes as pp
from pixelpipes import ops
from pixelpipes.datasets import compress_rle
from op_runner import varying

H, W = 12, 16


def image():
    y, x = np.mgrid[0:H, 0:W]
    return np.stack([x * 15, y * 20, (x + y) * 7], -1).astype(np.uint8)


def mask():
    m = np.zeros((H, W), dtype=np.uint8)
    m[3:9, 4:12] = 255
    m[5, 6] = 0
    return m


BOXES = np.array([[2, 3, 10, 9], [5, 1, 14, 11]], dtype=np.float32)
BOX = np.array([2, 3, 10, 9], dtype=np.float32)
POINTS = np.array([[1, 1], [10, 2], [12, 9], [3, 8]], dtype=np.float32)

JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8t"
    "MC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAAR"
    "CAAMABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEG"
    "E1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWG"
    "h4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEB"
    "AQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYk"
    "NOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0"
    "tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDyfTvBvT93+ldRp3g3p+7/AEr1TTtLteP3"
    "ddTp2l2vH7useHuIKuh5uDzSZ//Z")


def png_bytes(img: np.ndarray) -> bytes:
    """A minimal 8-bit RGB PNG writer (zlib + CRC chunks), enough for decoder tests."""
    h, w, c = img.shape
    raw = b"".join(b"\x00" + img[r].tobytes() for r in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    color_type = {1: 0, 3: 2, 4: 6}[c]
    header = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _bytes_tensor(data: bytes):
    return pp.Constant(np.frombuffer(data, dtype=np.uint8).copy())


def npy_rows(tmp_file: str) -> str:
    """A small .npy file (3 rows of u8 4 x 5) next to tmp_file, for io.npy_row."""
    path = os.path.join(os.path.dirname(tmp_file), "rows.npy")
    np.save(path, np.arange(60, dtype=np.uint8).reshape(3, 4, 5))
    return path


def packed_records(tmp_file: str) -> str:
    """A small packed-records file (3 records: bytes "data", u8 [2, 3] "grid") next to tmp_file, for
    io.record_bytes and io.record_array."""
    from pixelpipes.datasets import write_records
    path = os.path.join(os.path.dirname(tmp_file), "records.pxrec")
    write_records(path, ({"data": bytes(range(k, k + 5)), "grid": np.full((2, 3), k, np.uint8)} for k in range(3)),
                  progress=False)
    return path


def _python_items():
    """A PythonItems source of 4 u8 [2, 3] arrays, for io.callback (registered in this process)."""
    from pixelpipes.datasets import PythonItems
    return PythonItems(lambda i: np.full((2, 3), i, np.uint8), 4, output=("u8", (2, 3)), decode=False,
                       name="op_cases:small-arrays")


def build_cases(tmp_file: str):
    m, c, f, g, i, l, r, t = ops.math, ops.color, ops.filter, ops.geometry, ops.image, ops.list, ops.random, ops.tensor
    mask_op, io, noise, effects = ops.mask, ops.io, ops.noise, ops.effects
    img = lambda: varying(image())  # noqa: E731
    imgf = lambda: varying(image().astype(np.float32) / 255)  # noqa: E731
    msk = lambda: varying(mask())  # noqa: E731
    boxes = lambda: varying(BOXES)  # noqa: E731
    pts = lambda: varying(POINTS)  # noqa: E731
    mat = lambda: g.Rotate(r.Uniform(10.0, 20.0), 8.0, 6.0)  # noqa: E731
    x = lambda: varying(np.array([[1.5, -2.0, 3.25], [0.5, 4.0, -1.0]], dtype=np.float32))  # noqa: E731
    k = lambda: pp.SampleIndex() + 1  # noqa: E731
    # an image whose size is known only per sample (a size query on a known size folds away)
    img_any = lambda: ops.image.Resize(img(), k() % 3 + 8, k() % 2 + 6)  # noqa: E731
    names = lambda: varying(["a", "b", "c", "d"])  # noqa: E731
    cases = {
        "color.blend": lambda: c.Blend(img(), c.Invert(img()), 0.25),
        "color.brightness": lambda: c.Brightness(img(), 1.2),
        "color.contrast": lambda: c.Contrast(img(), 1.3),
        "color.convert": lambda: c.Convert(img(), conversion="rgb_to_gray"),
        "color.convert_depth": lambda: c.ConvertDepth(img(), dtype="f32"),
        "color.equalize": lambda: c.Equalize(img()),
        "color.match_histograms": lambda: c.MatchHistograms(img(), varying(np.ascontiguousarray(image()[::-1])), 0.7),
        "color.fourier_domain_adaptation": lambda: c.FourierDomainAdaptation(img(), varying(np.ascontiguousarray(image()[::-1])), 0.1),
        "color.pixel_distribution_adaptation": lambda: c.PixelDistributionAdaptation(img(), varying(np.ascontiguousarray(image()[::-1])), 0.5),
        "color.he_stain": lambda: c.HeStain(img(), np.array([[0.65, 0.70, 0.29], [0.07, 0.99, 0.11]], np.float32),
                                            np.array([1.1, 0.9], np.float32), np.array([0.1, -0.1], np.float32)),
        "color.macenko_stain_matrix": lambda: c.MacenkoStainMatrix(img()),
        "color.vahadane_stain_matrix": lambda: c.VahadaneStainMatrix(img()),
        "color.stretch_contrast": lambda: c.StretchContrast(img()),
        "color.gamma": lambda: c.Gamma(img(), 0.8),
        "color.hue": lambda: c.Hue(img(), 0.1),
        "color.invert": lambda: c.Invert(img()),
        "color.merge_channels": lambda: c.MergeChannels(img(), c.Convert(img(), conversion="rgb_to_gray")),
        "color.minmax_normalize": lambda: c.MinmaxNormalize(img()),
        "color.normalize": lambda: c.Normalize(img(), np.array([0.5, 0.4, 0.3], np.float32),
                                               np.array([0.2, 0.2, 0.2], np.float32), chw=True, scale=1 / 255),
        "color.brightness_contrast_saturation": lambda: c.BrightnessContrastSaturation(img(), 1.2, 0.8, 1.3),
        "color.jitter": lambda: c.Jitter(img(), np.array([2, 0, 3, 1], np.int64), 1.2, 0.8, 1.3, 0.1),
        "color.flip_normalize": lambda: c.FlipNormalize(img(), pp.ops.random.Bernoulli(0.5),
                                                        np.array([0.5, 0.4, 0.3], np.float32),
                                                        np.array([0.2, 0.2, 0.2], np.float32), chw=True, scale=1 / 255),
        "color.posterize": lambda: c.Posterize(img(), 3),
        "color.saturation": lambda: c.Saturation(img(), 1.5),
        "color.select_channels": lambda: c.SelectChannels(img(), channels=[2, 1, 0]),
        "color.solarize": lambda: c.Solarize(img(), 128),
        "color.threshold": lambda: c.Threshold(img(), 100.0),
        "color.tone_curve": lambda: c.ToneCurve(img(), 1.2, np.array([10.0, -5.0, 3.0]), curve="multiply_add"),
        "color.lookup": lambda: c.Lookup(img(), np.arange(256, dtype=np.uint8)[::-1].copy()),
        "color.shift_hsv": lambda: c.ShiftHsv(img(), 10.5, -20.0, 15.0),
        "color.equalize_histogram": lambda: c.EqualizeHistogram(img(), mode="pil"),
        "color.equalize_histogram_masked": lambda: c.EqualizeHistogramMasked(img(), (mask() > 0).astype(np.uint8)),
        "color.clahe": lambda: c.Clahe(img(), 2.0, tile_cols=4, tile_rows=2),
        "color.transform": lambda: c.Transform(img(), matrix=[0.393, 0.769, 0.189, 0.349, 0.686, 0.168,
                                                              0.272, 0.534, 0.131], rows=3),
        "color.to_gray": lambda: c.ToGray(img(), method="desaturation", channels=3),
        "color.pick_channels": lambda: c.PickChannels(img(), np.array([2, 0, 1])),
        "color.fill_channels": lambda: c.FillChannels(img(), np.array([1]), 9.0),
        "color.auto_contrast": lambda: c.AutoContrast(img(), cutoff=2.0),
        "color.fancy_pca": lambda: c.FancyPca(img(), np.array([0.5, -0.3, 0.2], np.float32)),
        "color.illumination": lambda: c.Illumination(img(), 0.15, 30.0, 0.0, 0.0, mode="linear"),
        "noise.plasma": lambda: noise.Plasma(img(), roughness=3.0),
        "noise.plasma_from_uniforms": lambda: noise.PlasmaFromUniforms(
            img(), r.Uniform(0.0, 1.0, dtype="f64", shape=[9 + 25 + 81 + 289]), roughness=3.0),
        "color.plasma_shadow": lambda: c.PlasmaShadow(img(), np.full((H, W), 0.5, np.float32), 0.4),
        "color.plasma_brightness_contrast": lambda: c.PlasmaBrightnessContrast(
            img(), np.linspace(0, 1, H * W, dtype=np.float32).reshape(H, W), 0.2, 0.3),
        "color.normalize_per_image": lambda: c.NormalizePerImage(img(), normalization="image_per_channel", chw=True),
        "core.sample_index": lambda: pp.SampleIndex(),
        "core.constant": lambda: pp.Constant(np.arange(6, dtype=np.int16).reshape(2, 3)),
        "core.check": lambda: ops.core.Check(x(), x() < 10, "every element below 10"),
        "dataset.epoch": lambda: ops.dataset.Epoch(pp.SampleIndex(), 7),
        "dataset.item": lambda: ops.dataset.Item(pp.SampleIndex(), 7),
        "filter.bilateral": lambda: f.Bilateral(img()),
        "filter.box_blur": lambda: f.BoxBlur(img()),
        "filter.box_kernel": lambda: f.BoxKernel(varying(3)),
        "filter.canny": lambda: f.Canny(img()),
        "filter.convolve": lambda: f.Convolve(imgf(), f.GaussianKernel(3, 1.0)),
        "filter.gaussian_blur": lambda: f.GaussianBlur(img(), 1.5),
        "filter.gaussian_kernel": lambda: f.GaussianKernel(varying(5), 1.0),
        "filter.laplacian": lambda: f.Laplacian(img()),
        "filter.median_blur": lambda: f.MedianBlur(img()),
        "filter.sharpen": lambda: f.Sharpen(img(), 0.5),
        "filter.gaussian_blur_sized": lambda: f.GaussianBlurSized(img(), varying(5), 1.2),
        "filter.separable_gaussian_blur": lambda: f.SeparableGaussianBlur(img(), varying(5), 1.2),
        "filter.motion_kernel": lambda: f.MotionKernel(varying(5), 30.0, 0.2, 0.1, -0.3),
        "filter.defocus_kernel": lambda: f.DefocusKernel(varying(3), 0.3),
        "filter.defocus": lambda: f.Defocus(img(), varying(2), 0.3),
        "filter.generalized_gaussian_kernel": lambda: f.GeneralizedGaussianKernel(
            varying(5), 0.8, 0.4, 30.0, 1.5, np.ones((5, 5), np.float32)),
        "filter.unsharp_mask": lambda: f.UnsharpMask(img(), varying(3), 0.0, 0.5),
        "filter.glass_offsets": lambda: f.GlassOffsets(img(), max_delta=2, iterations=2),
        "filter.glass_swaps": lambda: f.GlassSwaps(img(), f.GlassOffsets(img(), max_delta=2), max_delta=2),
        "filter.zoom_blur": lambda: f.ZoomBlur(img(), 1.2, 0.05),
        "filter.sinc_kernel": lambda: f.SincKernel(varying(7), 1.0),
        "filter.sinc_filter": lambda: f.SincFilter(img(), varying(5), 1.0),
        "filter.sobel": lambda: f.Sobel(img()),
        "flow.branch": lambda: pp.Conditional(pp.SampleIndex() < 1, k() * 2, k() * 3),
        "flow.jump": lambda: pp.Toggle(0.5, k() * 2, k() * 3),
        "flow.merge": lambda: pp.Switch([k(), k() * 2, k() * 3], [1, 1, 1]),
        "flow.select": lambda: pp.Select(pp.SampleIndex() < 1, 1.0, 2.0),
        "geometry.box_to_points": lambda: g.BoxToPoints(boxes()),
        "geometry.center_on_box": lambda: g.CenterOnBox(varying(BOX), 32, 32),
        "geometry.chain": lambda: g.Chain(mat(), g.Translate(1.0, 2.0), g.Scale(2.0, 2.0, 0.0, 0.0)),
        "geometry.clip_boxes": lambda: g.ClipBoxes(boxes(), W, H),
        "geometry.filter_boxes": lambda: g.FilterBoxes(boxes(), 12, 10),
        "geometry.flip_matrix": lambda: g.FlipMatrix(varying(W), H),
        "geometry.focus_on_box": lambda: g.FocusOnBox(varying(BOX), 32, 32, 0.1),
        "geometry.grid_holes": lambda: g.GridHoles(varying(W), H, 3, 4, ratio=0.4),
        "geometry.elastic_map": lambda: g.ElasticMap(W, H, 4.0, 3.0),
        "geometry.grid_distortion_map": lambda: g.GridDistortionMap(W, H, varying(np.array([1.2, 0.8, 1.0], np.float32)),
                                                                    np.array([0.9, 1.1, 1.0], np.float32)),
        "geometry.grid_elastic_mesh": lambda: g.GridElasticMesh(W, H, varying(np.linspace(1, 0, 5).astype(np.float32)),
                                                                np.array([[[1, -1], [0, 1]]], np.float32), rows=2, cols=3),
        "geometry.mesh_map": lambda: g.MeshMap(_mesh(), W, H),
        "geometry.mesh_points": lambda: g.MeshPoints(pts(), _mesh()),
        "geometry.grid_shuffle_tiles": lambda: g.GridShuffleTiles(W, H, varying(np.linspace(1, 0, 15).astype(np.float32)),
                                                                  rows=3, cols=3),
        "geometry.optical_distortion_map": lambda: g.OpticalDistortionMap(W, H, varying(0.3)),
        "geometry.piecewise_affine_map": lambda: g.PiecewiseAffineMap(W, H, 3, 3, varying(np.ones((3, 3, 2), np.float32)), 1.0),
        "geometry.remap_boxes": lambda: g.RemapBoxes(boxes(), *_maps(), W, H),
        "geometry.remap_points": lambda: g.RemapPoints(pts(), *_maps()),
        "geometry.thin_plate_spline_map": lambda: g.ThinPlateSplineMap(W, H, _TPS_SRC, varying(_TPS_SRC + 0.05)),
        "geometry.tile_moves_boxes": lambda: g.TileMovesBoxes(boxes(), _tiles()),
        "geometry.tile_moves_map": lambda: g.TileMovesMap(_tiles(), W, H),
        "geometry.tile_moves_points": lambda: g.TileMovesPoints(pts(), _tiles()),
        "geometry.identity": lambda: g.Identity(),
        "geometry.invert": lambda: g.Invert(mat()),
        "geometry.points_bounds": lambda: g.PointsBounds(pts()),
        "geometry.resize_matrix": lambda: g.ResizeMatrix(varying(W), H, 32, 24),
        "geometry.rotate": lambda: g.Rotate(r.Uniform(-30.0, 30.0), 8.0, 6.0),
        "geometry.scale": lambda: g.Scale(r.Uniform(0.5, 2.0), 1.5, 8.0, 6.0),
        "geometry.shear": lambda: g.Shear(r.Uniform(0.0, 0.2), 0.0),
        "geometry.transform_boxes": lambda: g.TransformBoxes(boxes(), mat()),
        "geometry.transform_points": lambda: g.TransformPoints(pts(), mat()),
        "geometry.transform_polygon": lambda: g.TransformPolygon(pts(), mat()),
        "geometry.translate": lambda: g.Translate(r.Uniform(-3.0, 3.0), 2.0),
        "geometry.visible_boxes": lambda: g.VisibleBoxes(boxes(), 12, 10),
        "image.channels": lambda: i.Channels(i.Decode(varying(np.frombuffer(png_bytes(image()), np.uint8).copy()),
                                                      mode="unchanged")),
        "image.crop": lambda: i.Crop(img(), BOX),
        "image.crop_pad": lambda: i.CropPad(img(), np.array([-2, -2, 10, 9], np.float32)),
        "image.decode": lambda: i.Decode(varying(np.frombuffer(JPEG, np.uint8).copy())),
        "image.decode_crop": lambda: i.DecodeCrop(varying(np.frombuffer(png_bytes(image()), np.uint8).copy()),
                                                  BOX, 7, 5),
        "image.decode_crop_warp": lambda: i.DecodeCropWarp(varying(np.frombuffer(JPEG, np.uint8).copy()), BOX, 7, 5,
                                                           np.array([[0, 1, 1], [1, 0, 0], [0, 0, 1]], np.float32),
                                                           6, 6),
        "image.decoded_size": lambda: i.DecodedSize(varying(np.frombuffer(JPEG, np.uint8).copy())),
        "image.decode_jpeg": lambda: i.DecodeJpeg(varying(np.frombuffer(JPEG, np.uint8).copy()), scale="1/2"),
        "image.decode_jpeg_crop": lambda: i.DecodeJpegCrop(varying(np.frombuffer(JPEG, np.uint8).copy()),
                                                           BOX, 7, 5),
        "image.jpeg_size": lambda: i.JpegSize(varying(np.frombuffer(JPEG, np.uint8).copy())),
        "image.decode_png": lambda: i.DecodePng(varying(np.frombuffer(png_bytes(image()), np.uint8).copy())),
        "image.fill_boxes": lambda: i.FillBoxes(img(), boxes(), fill="constant", value=[9.0]),
        "image.fill_where": lambda: i.FillWhere(img(), msk(), value=[9.0, 8.0, 7.0]),
        "image.paste_boxes": lambda: i.PasteBoxes(img(), 255 - img(), boxes()),
        "image.flip": lambda: i.Flip(img(), axis="vertical"),
        "image.height": lambda: i.Height(img_any()),
        "image.info": lambda: i.Info(img_any()),
        "image.remap": lambda: i.Remap(img(), *_maps()),
        "image.resize": lambda: i.Resize(img(), 8, 6),
        "image.superpixels": lambda: i.Superpixels(img(), 6, np.linspace(0, 1, 6), 0.5, max_size=8),
        "image.chromatic_aberration": lambda: i.ChromaticAberration(img(), 0.05, 0.1, -0.05, -0.1),
        "image.rotate90": lambda: i.Rotate90(img(), 1),
        "image.move_tiles": lambda: i.MoveTiles(img(), _tiles()),
        "image.transpose": lambda: i.Transpose(img()),
        "image.warp": lambda: i.Warp(img(), mat(), W, H),
        "image.width": lambda: i.Width(img_any()),
        "io.npy_row": lambda: io.NpyRow(npy_rows(tmp_file), pp.SampleIndex() % 3, dtype="u8", shape=[4, 5]),
        "io.read_file": lambda: io.ReadFile(varying(tmp_file)),
        "io.callback": lambda: _python_items().load(pp.SampleIndex() % 4)["image"],
        "io.read_range": lambda: io.ReadRange(varying(tmp_file), pp.SampleIndex() % 2, 1),
        "io.record_bytes": lambda: io.RecordBytes(packed_records(tmp_file), pp.SampleIndex() % 3, "data"),
        "io.record_array": lambda: io.RecordArray(packed_records(tmp_file), pp.SampleIndex() % 3, "grid", dtype="u8",
                                                  shape=[2, 3]),
        "list.concat": lambda: l.Concat(names(), ["e"]),
        "list.element": lambda: names()[pp.SampleIndex() % 4],
        "list.filter": lambda: l.Filter(names(), [True, False, True, True]),
        "list.gather": lambda: l.Gather(names(), [3, 0]),
        "list.length": lambda: names().length(),
        "list.make": lambda: l.Make(k(), k() * 2),
        "list.random_element": lambda: l.RandomElement(names()),
        "list.range": lambda: l.Range(0, k() + 3, 2),
        "list.repeat": lambda: l.Repeat("x", k()),
        "list.sublist": lambda: l.Sublist(names(), 1, 3),
        "mask.bounding_box": lambda: mask_op.BoundingBox(msk()),
        "mask.box_coverage": lambda: mask_op.BoxCoverage(msk(), boxes()),
        "mask.close": lambda: mask_op.Close(msk()),
        "mask.connected_components": lambda: mask_op.ConnectedComponents(msk()),
        "mask.dilate": lambda: mask_op.Dilate(msk(), kernel_shape="ellipse"),
        "mask.distance_transform": lambda: mask_op.DistanceTransform(msk()),
        "mask.erode": lambda: mask_op.Erode(msk()),
        "mask.is_empty": lambda: mask_op.IsEmpty(msk()),
        "mask.is_in": lambda: mask_op.IsIn(mask_op.LabelObjects(msk()), np.array([1, 3])),
        "mask.label_objects": lambda: mask_op.LabelObjects(msk(), connectivity=4),
        "mask.label_stats": lambda: mask_op.LabelStats(mask_op.ConnectedComponents(msk())),
        "mask.sample_label_pixels": lambda: mask_op.SampleLabelPixels(mask_op.ConnectedComponents(msk()), 3),
        "mask.moments": lambda: mask_op.Moments(msk()),
        "mask.open": lambda: mask_op.Open(msk(), kernel_size=5),
        "mask.render_boxes": lambda: mask_op.RenderBoxes(boxes(), W, H),
        "mask.render_points": lambda: mask_op.RenderPoints(pts(), W, H, radius=1.5),
        "mask.render_polygons": lambda: mask_op.RenderPolygons(l.Make(pts()), W, H),
        "mask.decode_rle": lambda: mask_op.DecodeRle(varying(np.array([10, 20, 30, W * H - 60], np.int64)), W, H),
        "mask.from_coco": lambda: mask_op.FromCoco(pts(), np.array([[0, 4]], np.int64),
                                                   ["", compress_rle([30, 40, W * H - 70])], W, H),
        "math.abs": lambda: abs(x()),
        "math.add": lambda: x() + 1,
        "math.atan2": lambda: m.Atan2(x(), 2.0),
        "math.ceil": lambda: m.Ceil(x()),
        "math.cos": lambda: m.Cos(x()),
        "math.divide": lambda: x() / 3,
        "math.equal": lambda: x() == 0.5,
        "math.exp": lambda: m.Exp(x()),
        "math.floor": lambda: m.Floor(x()),
        "math.greater": lambda: x() > 0.5,
        "math.greater_equal": lambda: x() >= 0.5,
        "math.less": lambda: x() < 0.5,
        "math.less_equal": lambda: x() <= 0.5,
        "math.log": lambda: m.Log(abs(x()) + 1),
        "math.logical_and": lambda: (x() > 0) & (x() < 2),
        "math.logical_not": lambda: ~(x() > 0),
        "math.logical_or": lambda: (x() > 3) | (x() < 0),
        "math.matmul": lambda: m.Matmul(x(), np.ones((3, 2), np.float32)),
        "math.maximum": lambda: m.Maximum(x(), 1.0),
        "math.minimum": lambda: m.Minimum(x(), 1.0),
        "math.modulo": lambda: k() % 3,
        "math.floor_divide": lambda: -k() // 3,
        "math.multiply": lambda: x() * 2,
        "math.negate": lambda: -x(),
        "math.not_equal": lambda: x() != 0.5,
        "math.power": lambda: x() ** 2,
        "math.round": lambda: m.Round(x()),
        "math.sin": lambda: m.Sin(x()),
        "math.sqrt": lambda: m.Sqrt(abs(x())),
        "math.subtract": lambda: 1 - x(),
        "math.tan": lambda: m.Tan(x()),
        "effects.rain_drops": lambda: effects.RainDrops(img(), numerator=2, denominator=1),
        "effects.rain": lambda: effects.Rain(img(), np.array([[2, 1], [8, 3]], np.int32), 2.0, drop_length=4,
                                             blur_value=3, drop_color=[200, 150, 100]),
        "effects.fog_particles": lambda: effects.FogParticles(img(), 0.5),
        "effects.fog": lambda: effects.Fog(img(), np.array([[5, 5, 3], [12, 2, 2]], np.int32), 0.5),
        "effects.snow_bleach": lambda: effects.SnowBleach(img(), 0.3),
        "effects.snow_texture": lambda: effects.SnowTexture(img(), 0.3, np.full((H, W), 0.5, np.float32),
                                                            np.linspace(0, 1, H * W, dtype=np.float32).reshape(H, W)),
        "effects.sun_flare_geometry": lambda: effects.SunFlareGeometry(img()),
        "effects.sun_flare": lambda: effects.SunFlare(img(), np.array([[0, 8, 3, 0, 0, 0, 0], [0.1, 4, 4, 8, 250, 240, 230]],
                                                                      np.float32), src_radius=20),
        "effects.shadow_polygons": lambda: effects.ShadowPolygons(img(), max_shadows=3),
        "effects.shadow": lambda: effects.Shadow(img(), np.array([[[1, 1], [10, 2], [6, 9]]], np.int32), np.array([0.5])),
        "effects.gravel_particles": lambda: effects.GravelParticles(img(), gravel_roi=[0.0, 0.0, 1.0, 1.0]),
        "effects.gravel": lambda: effects.Gravel(img(), np.array([[1, 4, 2, 6, 200]], np.int32)),
        "effects.spatter": lambda: effects.Spatter(img(), np.linspace(0, 1.2, H * W, dtype=np.float32).reshape(H, W),
                                                   1.5, 0.6, 0.7, mode="mud"),
        "noise.coarse_dropout": lambda: noise.CoarseDropout(img(), max_holes=3, fill=0.5),
        "noise.gaussian": lambda: noise.Gaussian(img(), 10.0),
        "noise.pixel_dropout": lambda: noise.PixelDropout(img(), 0.2, per_channel=True),
        "noise.random_erasing": lambda: noise.RandomErasing(img(), p=1.0),
        "noise.salt_and_pepper": lambda: noise.SaltAndPepper(img(), 0.1),
        "noise.uniform": lambda: noise.Uniform(imgf(), -0.1, 0.1),
        "noise.additive": lambda: noise.Additive(img(), 0.0, 0.1, 255.0, distribution="laplace", shared=True),
        "noise.multiplicative": lambda: noise.Multiplicative(img(), 0.8, 1.2),
        "noise.shot": lambda: noise.Shot(img(), 0.1),
        "noise.salt_and_pepper_exact": lambda: noise.SaltAndPepperExact(img(), 0.6, 0.3),
        "noise.iso": lambda: noise.Iso(img(), 0.05, 0.5),
        "image.compress": lambda: i.Compress(img(), 40, format="webp"),
        "image.downscale": lambda: i.Downscale(img(), 0.5, down="area", up="linear"),
        "random.beta": lambda: r.Beta(0.5, 2.0, shape=[3]),
        "random.gamma": lambda: r.Gamma(0.7, 1.5, shape=[3]),
        "random.bernoulli": lambda: r.Bernoulli(0.3, shape=[5]),
        "random.integer": lambda: r.Integer(0, 10, shape=[2, 2]),
        "random.normal_like": lambda: r.NormalLike(img(), 0.5, 0.3),
        "random.normal": lambda: r.Normal(0.0, 1.0, dtype="f64", shape=[3]),
        "random.permutation": lambda: r.Permutation(6),
        "random.shuffle": lambda: r.Shuffle(names()),
        "random.uniform": lambda: r.Uniform(-1.0, 1.0, shape=[4]),
        "random.uniform_like": lambda: r.UniformLike(boxes(), 0.0, 2.0, dtype="f64"),
        "random.weighted_choice": lambda: r.WeightedChoice([0.2, 0.3, 0.5]),
        "tensor.cast": lambda: t.Cast(x(), dtype="i16"),
        "tensor.concat": lambda: t.Concat(x(), x() * 2, axis=1),
        "tensor.flip": lambda: t.Flip(x(), axes=[1]),
        "tensor.from_list": lambda: t.FromList(l.Make(k(), k() * 2)),
        "tensor.gather": lambda: t.Gather(x(), [2, 0, 2], axis=1),
        "tensor.reshape": lambda: t.Reshape(x(), shape=[3, -1]),
        "tensor.shape": lambda: t.Shape(t.Slice(x(), 0, pp.SampleIndex() % 2 + 1, axis=1)),
        "tensor.size": lambda: t.Size(x()),
        "tensor.slice": lambda: t.Slice(x(), 0, 2, axis=1),
        "tensor.squeeze": lambda: t.Squeeze(t.Unsqueeze(x(), axis=0)),
        "tensor.stack": lambda: t.Stack(x(), x(), axis=0),
        "tensor.transpose": lambda: t.Transpose(x()),
        "tensor.unsqueeze": lambda: t.Unsqueeze(x(), axis=2),
    }
    return cases


_TPS_SRC = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5]], np.float32)


def _tiles():
    """A 2 x 2 tile table of a W x H image whose two left tiles trade places."""
    return varying(np.array([[0, 0, 0, 6, 8, 6], [8, 0, 8, 0, 8, 6], [0, 6, 0, 0, 8, 6], [8, 6, 8, 6, 8, 6]],
                            np.float32))


def _mesh():
    """A 2 x 2 mesh of a W x H image (albumentations' layout) whose inner vertex moved by (1, -1)."""
    return varying(np.array([[0, 0, 8, 6, 0, 0, 8, 0, 9, 5, 0, 6], [8, 0, 16, 6, 8, 0, 16, 0, 16, 6, 9, 5],
                             [0, 6, 8, 12, 0, 6, 9, 5, 8, 12, 0, 12], [8, 6, 16, 12, 9, 5, 16, 6, 16, 12, 8, 12]],
                            np.float32))


def _maps():
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    return varying(xx[:, ::-1].copy()), varying(yy)
