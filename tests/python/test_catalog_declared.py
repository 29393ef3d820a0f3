"""Declared annotations (resource.Boxes, Keypoints, Masks) through the whole catalog, and through
the transforms that build their output themselves (Mosaic, RandomIoUCrop's marked boxes).

* The sweep: a Resource with Boxes(fields=("labels", "masks")), instance Masks rendered from the
  boxes (plane i holds label i inside box i), Keypoints at the box centers (fields ("kp_ids",)),
  through every augmentation class in ``augment.__all__``: the declarations survive, and on every
  sample the boxes, labels and planes keep one row each and stay aligned (plane i's pixels all
  hold labels[i] and lie inside box i). A class without a case here fails the test by name.
* Mosaic: labels and instance masks follow their boxes (each kept box's plane holds its label,
  the plane's bounding box vs the box: mean IoU >= 0.98 for boxes of 8 px and more), boxes cut
  away are dropped with their labels by the declaration's filters, keypoint ids stay with their
  keypoints, determinism by seed.
* RandomIoUCrop: boxes whose center leaves the crop are dropped with their labels.
"""
import os

import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import augment, resource
from pixelpipes.augment.base import Augmentation
from pixelpipes.augment.compose import Composition

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "photos")
H, W = 60, 80


def _photo(name="astronaut", size=(H, W)):
    img = cv2.cvtColor(cv2.imread(os.path.join(PHOTOS, f"{name}.jpg")), cv2.COLOR_BGR2RGB)
    return cv2.resize(img, (size[1], size[0]), interpolation=cv2.INTER_AREA)


def _compile(build, seed=3):
    with pp.Graph() as g:
        out = build()
        out.output()
    return pp.compile(g, seed=seed)


def _item(name="astronaut", size=(H, W), boxes=None, first_label=1, box_format="pascal_voc", **box_kw):
    """A Resource with declared boxes (+ labels, instance masks, keypoints at the box centers)."""
    h, w = size
    if boxes is None:
        boxes = np.array([[4, 6, 30, 28], [40, 8, 74, 36], [10, 34, 36, 56], [50, 40, 70, 58]], np.float32)
    n = len(boxes)
    labels = np.arange(first_label, first_label + n, dtype=np.int64)
    masks = np.zeros((n, h, w), np.uint8)
    for i, (x1, y1, x2, y2) in enumerate(boxes.astype(int)):
        masks[i, y1:y2, x1:x2] = labels[i]
    centers = np.c_[(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2].astype(np.float32)
    user_boxes = boxes if box_format == "pascal_voc" else np.c_[boxes[:, :2], boxes[:, 2:] - boxes[:, :2]]
    return resource.Resource(
        image=_photo(name, size),
        boxes=resource.Boxes(user_boxes.astype(np.float32), format=box_format, fields=("labels", "masks"), **box_kw),
        labels=labels, masks=resource.Masks(masks),
        kp=resource.Keypoints(centers, fields=("kp_ids",)), kp_ids=labels.copy(),
        cropping_bbox=resource.Field(boxes[1], "other"))


# -- the sweep ----------------------------------------------------------------------------------------

ROTATION = cv2.getRotationMatrix2D((W / 2, H / 2), 20, 0.9)
A = augment

#: how each class is called on a Resource r (arguments that make it do something, p=1)
CASES = {
    "RandomResizedCrop": lambda r: A.RandomResizedCrop(r, 32),
    "RandomAffine": lambda r: A.RandomAffine(r, degrees=25, translate=(0.2, 0.2), scale=(0.8, 1.2), shear=5),
    "RandomCrop": lambda r: A.RandomCrop(r, (40, 50)),
    "CenterCrop": lambda r: A.CenterCrop(r, (40, 50)),
    "RandomPatch": lambda r: A.RandomPatch(r, 32, center_jitter=0.2, scale_jitter=0.2),
    "Transform": lambda r: A.Transform(r, np.vstack([ROTATION, [0, 0, 1]]).astype(np.float32)),
    "RandomHorizontalFlip": lambda r: A.RandomHorizontalFlip(r, p=1.0),
    "RandomVerticalFlip": lambda r: A.RandomVerticalFlip(r, p=1.0),
    "ColorJitter": lambda r: A.ColorJitter(r, brightness=0.4, hue=0.1),
    "Normalize": lambda r: A.Normalize(r, mean=(0.5, 0.5, 0.5), std=(0.2, 0.2, 0.2), chw=False),
    "InvertImg": lambda r: A.InvertImg(r, p=1.0),
    "Posterize": lambda r: A.Posterize(r, num_bits=(2, 5), p=1.0),
    "Solarize": lambda r: A.Solarize(r, threshold_range=(0.3, 0.7), p=1.0),
    "RandomGamma": lambda r: A.RandomGamma(r, p=1.0),
    "ToGray": lambda r: A.ToGray(r, p=1.0),
    "ToSepia": lambda r: A.ToSepia(r, p=1.0),
    "ChannelShuffle": lambda r: A.ChannelShuffle(r, p=1.0),
    "ChannelDropout": lambda r: A.ChannelDropout(r, p=1.0),
    "RGBShift": lambda r: A.RGBShift(r, p=1.0),
    "RandomBrightnessContrast": lambda r: A.RandomBrightnessContrast(r, p=1.0),
    "HueSaturationValue": lambda r: A.HueSaturationValue(r, p=1.0),
    "Equalize": lambda r: A.Equalize(r, p=1.0),
    "AutoContrast": lambda r: A.AutoContrast(r, cutoff=1.0, p=1.0),
    "CLAHE": lambda r: A.CLAHE(r, p=1.0),
    "FancyPCA": lambda r: A.FancyPCA(r, alpha=0.5, p=1.0),
    "PlanckianJitter": lambda r: A.PlanckianJitter(r, p=1.0),
    "RandomToneCurve": lambda r: A.RandomToneCurve(r, scale=0.2, per_channel=True, p=1.0),
    "Illumination": lambda r: A.Illumination(r, mode="gaussian", p=1.0),
    "PlasmaBrightnessContrast": lambda r: A.PlasmaBrightnessContrast(r, p=1.0),
    "PlasmaShadow": lambda r: A.PlasmaShadow(r, p=1.0),
    "ToFloat": lambda r: A.ToFloat(r),
    "FromFloat": lambda r: A.FromFloat(r),
    "ToRGB": lambda r: A.ToRGB(r),
    "BBoxSafeRandomCrop": lambda r: A.BBoxSafeRandomCrop(r, erosion_rate=0.2),
    "RandomSizedBBoxSafeCrop": lambda r: A.RandomSizedBBoxSafeCrop(r, 40, 48),
    "AtLeastOneBBoxRandomCrop": lambda r: A.AtLeastOneBBoxRandomCrop(r, 30, 40),
    "RandomCropNearBBox": lambda r: A.RandomCropNearBBox(r, max_part_shift=0.5),
    "RandomIoUCrop": lambda r: A.RandomIoUCrop(r),
    "CropNonEmptyMaskIfExists": lambda r: A.CropNonEmptyMaskIfExists(r, 24, 32),
    "Mosaic": lambda r: A.Mosaic([r, r, r, r], target_size=(48, 64), cell_shape=(40, 48), p=1.0),
    "Resize": lambda r: A.Resize(r, 45, 50),
    "LongestMaxSize": lambda r: A.LongestMaxSize(r, max_size=50),
    "SmallestMaxSize": lambda r: A.SmallestMaxSize(r, max_size=50),
    "RandomScale": lambda r: A.RandomScale(r, scale_limit=0.3, p=1.0),
    "ScaleJitter": lambda r: A.ScaleJitter(r, (48, 64), scale_range=(0.5, 1.5)),
    "Pad": lambda r: A.Pad(r, padding=(3, 5, 7, 2)),
    "PadIfNeeded": lambda r: A.PadIfNeeded(r, min_height=70, min_width=96),
    "CropAndPad": lambda r: A.CropAndPad(r, px=(-8, 6), keep_size=False),
    "RandomZoomOut": lambda r: A.RandomZoomOut(r, side_range=(1.0, 2.0), p=1.0),
    "RandomRotate90": lambda r: A.RandomRotate90(r, p=1.0),
    "D4": lambda r: A.D4(r, p=1.0),
    "SquareSymmetry": lambda r: A.SquareSymmetry(r, p=1.0),
    "Transpose": lambda r: A.Transpose(r, p=1.0),
    "SafeRotate": lambda r: A.SafeRotate(r, limit=40, p=1.0),
    "Perspective": lambda r: A.Perspective(r, scale=(0.05, 0.12), p=1.0),
    "RandomSizedCrop": lambda r: A.RandomSizedCrop(r, (20, 50), (32, 40)),
    "RandomCropFromBorders": lambda r: A.RandomCropFromBorders(r, 0.3, 0.3, 0.3, 0.3),
    "Compose": lambda r: A.Compose([A.RandomAffine(degrees=15), A.RandomCrop(size=(40, 50))])(r),
    "OneOf": lambda r: A.OneOf([A.RandomVerticalFlip(p=1.0), A.RandomResizedCrop(size=32)], p=1.0)(r),
    "SomeOf": lambda r: A.SomeOf([A.RandomHorizontalFlip(p=1.0), A.CenterCrop(size=40), A.Resize(30, 30)], n=2)(r),
    "Sequential": lambda r: A.Sequential([A.Pad(padding=4), A.RandomCrop(size=(44, 60))], random_order=True)(r),
    "CoarseDropout": lambda r: A.CoarseDropout(r, num_holes_range=(2, 4), hole_height_range=(4, 10),
                                               hole_width_range=(4, 10), fill_mask=0, p=1.0),
    "GridDropout": lambda r: A.GridDropout(r, ratio=0.3, fill_mask=0, p=1.0),
    "XYMasking": lambda r: A.XYMasking(r, num_masks_x=2, num_masks_y=1, mask_x_length=6, mask_y_length=5,
                                       fill_mask=0, p=1.0),
    "ElasticTransform": lambda r: A.ElasticTransform(r, alpha=20, sigma=5, p=1.0),
    "GridDistortion": lambda r: A.GridDistortion(r, num_steps=4, distort_limit=0.3, p=1.0),
    "OpticalDistortion": lambda r: A.OpticalDistortion(r, distort_limit=0.3, p=1.0),
    "PiecewiseAffine": lambda r: A.PiecewiseAffine(r, scale=(0.02, 0.04), p=1.0),
    "RandomGridShuffle": lambda r: A.RandomGridShuffle(r, grid=(2, 2), p=1.0),
    "ThinPlateSpline": lambda r: A.ThinPlateSpline(r, scale_range=(0.1, 0.2), p=1.0),
    "GridElasticDeform": lambda r: A.GridElasticDeform(r, num_grid_xy=(4, 4), magnitude=5, p=1.0),
    "NoOp": lambda r: A.NoOp(r, p=1.0),
    "MaskDropout": lambda r: A.MaskDropout(_with_objects(r), max_objects=2, fill_mask=0, p=1.0),
    "ConstrainedCoarseDropout": lambda r: A.ConstrainedCoarseDropout(
        r, num_holes_range=(1, 3), hole_height_range=(0.2, 0.4), hole_width_range=(0.2, 0.4), bbox_labels=[1, 2],
        fill_mask=0, p=1.0),
    "Affine": lambda r: A.Affine(r, scale=(0.8, 1.2), rotate=(-25, 25), shear=(-5, 5), translate_percent=(-0.1, 0.1),
                                 p=1.0),
    "ShiftScaleRotate": lambda r: A.ShiftScaleRotate(r, p=1.0),
    "Rotate": lambda r: A.Rotate(r, limit=30, crop_border=True, p=1.0),
    "Crop": lambda r: A.Crop(r, 5, 4, 70, 58),
    "Erasing": lambda r: A.Erasing(r, fill_mask=0, p=1.0),
    "PixelDropout": lambda r: A.PixelDropout(r, dropout_prob=0.1, p=1.0),
    "RandomShortestSize": lambda r: A.RandomShortestSize(r, [40, 50], max_size=90),
    "RandomResize": lambda r: A.RandomResize(r, 40, 70),
    "RandomRotation": lambda r: A.RandomRotation(r, 30, expand=True),
    "RandomPerspective": lambda r: A.RandomPerspective(r, 0.3, p=1.0),
    "RandomElastic": lambda r: A.RandomElastic(r, alpha=20.0, sigma=5.0),
    "Morphological": lambda r: A.Morphological(r, scale=(2, 3), p=1.0),
    # blur and sharpness: image fields only (masks, boxes, keypoints pass through)
    "Blur": lambda r: A.Blur(r, blur_limit=(3, 7), p=1.0),
    "MedianBlur": lambda r: A.MedianBlur(r, blur_limit=(3, 7), p=1.0),
    "GaussianBlur": lambda r: A.GaussianBlur(r, sigma_limit=(0.5, 3.0), p=1.0),
    "MotionBlur": lambda r: A.MotionBlur(r, blur_limit=(3, 9), p=1.0),
    "Defocus": lambda r: A.Defocus(r, radius=(3, 6), p=1.0),
    "ZoomBlur": lambda r: A.ZoomBlur(r, max_factor=(1.05, 1.2), p=1.0),
    "GlassBlur": lambda r: A.GlassBlur(r, max_delta=2, iterations=1, p=1.0),
    "AdvancedBlur": lambda r: A.AdvancedBlur(r, p=1.0),
    "Sharpen": lambda r: A.Sharpen(r, p=1.0),
    "Emboss": lambda r: A.Emboss(r, p=1.0),
    "UnsharpMask": lambda r: A.UnsharpMask(r, p=1.0),
    "Superpixels": lambda r: A.Superpixels(r, p_replace=(0.2, 0.5), n_segments=(10, 30), p=1.0),
    "RingingOvershoot": lambda r: A.RingingOvershoot(r, p=1.0),
    "ChromaticAberration": lambda r: A.ChromaticAberration(r, p=1.0),
    # domain adaptation: a reference image (here a list of one image)
    "HistogramMatching": lambda r: A.HistogramMatching(r, reference_images=[_photo("chelsea", (20, 24))], p=1.0),
    "FDA": lambda r: A.FDA(r, reference_images=[_photo("chelsea", (20, 24))], p=1.0),
    "PixelDistributionAdaptation": lambda r: A.PixelDistributionAdaptation(
        r, reference_images=[_photo("chelsea", (20, 24))], p=1.0),
    "HEStain": lambda r: A.HEStain(r, p=1.0),
    # noise and quality: image fields only
    "GaussNoise": lambda r: A.GaussNoise(r, p=1.0),
    "AdditiveNoise": lambda r: A.AdditiveNoise(r, noise_type="gaussian", spatial_mode="per_pixel", p=1.0),
    "MultiplicativeNoise": lambda r: A.MultiplicativeNoise(r, per_channel=True, elementwise=True, p=1.0),
    "ShotNoise": lambda r: A.ShotNoise(r, p=1.0),
    "ISONoise": lambda r: A.ISONoise(r, p=1.0),
    "SaltAndPepper": lambda r: A.SaltAndPepper(r, p=1.0),
    "ImageCompression": lambda r: A.ImageCompression(r, quality_range=(30, 60), p=1.0),
    "Downscale": lambda r: A.Downscale(r, scale_range=(0.3, 0.6), p=1.0),
    # weather and effects: image fields only
    "RandomRain": lambda r: A.RandomRain(r, p=1.0),
    "RandomFog": lambda r: A.RandomFog(r, p=1.0),
    "RandomSnow": lambda r: A.RandomSnow(r, method="texture", p=1.0),
    "RandomSunFlare": lambda r: A.RandomSunFlare(r, src_radius=30, p=1.0),
    "RandomShadow": lambda r: A.RandomShadow(r, p=1.0),
    "RandomGravel": lambda r: A.RandomGravel(r, p=1.0),
    "Spatter": lambda r: A.Spatter(r, mode="mud", p=1.0),
    "OverlayElements": lambda r: A.OverlayElements(
        r, overlays=[{"image": _photo("chelsea", (20, 24)), "bbox": [0.3, 0.3, 0.7, 0.7]}], p=1.0),
    "RandAugment": lambda r: A.RandAugment(r, num_ops=2, magnitude=9),
    "TrivialAugmentWide": lambda r: A.TrivialAugmentWide(r),
    "AutoAugment": lambda r: A.AutoAugment(r, policy="svhn"),
    # AugMix refuses annotations (its chains warp differently, as torchvision's): the image alone
    "AugMix": lambda r: r.replace(image=A.AugMix(r.image)),
    # FiveCrop and TenCrop return several resources: their first and last crops here, the others
    # of interest in MORE_CROPS
    "FiveCrop": lambda r: A.FiveCrop(r, (40, 50))[0],
    "TenCrop": lambda r: A.TenCrop(r, (40, 50))[-1],
    # torchvision's color transforms (image only)
    "Grayscale": lambda r: A.Grayscale(r, num_output_channels=3),
    "RandomGrayscale": lambda r: A.RandomGrayscale(r, p=1.0),
    "RGB": lambda r: A.RGB(r),
    "RandomInvert": lambda r: A.RandomInvert(r, p=1.0),
    "RandomPosterize": lambda r: A.RandomPosterize(r, bits=3, p=1.0),
    "RandomSolarize": lambda r: A.RandomSolarize(r, threshold=128.0, p=1.0),
    "RandomAdjustSharpness": lambda r: A.RandomAdjustSharpness(r, sharpness_factor=2.0, p=1.0),
    "RandomAutocontrast": lambda r: A.RandomAutocontrast(r, p=1.0),
    "RandomEqualize": lambda r: A.RandomEqualize(r, p=1.0),
    "RandomChannelPermutation": lambda r: A.RandomChannelPermutation(r),
    "RandomPhotometricDistort": lambda r: A.RandomPhotometricDistort(r, p=1.0),
    "RandomGaussianBlur": lambda r: A.RandomGaussianBlur(r, kernel_size=5),
    "GaussianNoise": lambda r: A.GaussianNoise(A.ToFloat(r), sigma=0.2),
    "JPEG": lambda r: A.JPEG(r, quality=(40, 90)),
    # a D x D matrix for D = C * H * W: on a 12 x 16 resize (D = 576); annotations pass through it
    "LinearTransformation": lambda r: A.LinearTransformation(
        A.Resize(r, 12, 16), transformation_matrix=np.eye(576, dtype=np.float32), mean_vector=np.zeros(576, np.float32)),
}

#: further crops of the transforms that return several resources (swept like CASES)
MORE_CROPS = {
    "FiveCrop[-1]": lambda r: A.FiveCrop(r, (40, 50))[-1],
    "TenCrop[0]": lambda r: A.TenCrop(r, (40, 50), vertical_flip=True)[0],
    "TenCrop[5]": lambda r: A.TenCrop(r, (40, 50), vertical_flip=True)[5],
}
SWEPT = {**CASES, **MORE_CROPS}


def _with_objects(r):
    """r with an ``objects`` label map (its boxes filled with 255: one object per box), for
    MaskDropout, which drops the objects of the resource's first mask field."""
    from pixelpipes.ops import image, mask
    objects = mask.RenderBoxes(r.boxes, image.Width(r.image), image.Height(r.image))
    return r.replace(objects=resource.Field(objects, "mask"))

#: the framework's own classes (bases and the plan object), which no user calls on a Resource
FRAMEWORK = {"Augmentation", "GeometryAugmentation", "Planned", "Composition", "Distortion"}


def _resource_classes():
    return sorted(n for n in augment.__all__ if isinstance(getattr(augment, n), type)
                  and issubclass(getattr(augment, n), (Augmentation, Composition)) and n not in FRAMEWORK)


def test_every_augmentation_class_has_a_declared_annotations_case():
    missing = [n for n in _resource_classes() if n not in CASES]
    assert not missing, f"augmentation classes without a case in test_catalog_declared.CASES: {missing}"
    stale = [n for n in CASES if n not in augment.__all__]
    assert not stale, f"cases for names augment no longer exports: {stale}"


#: transforms whose box of a cut object is the box of its largest piece (documented), while the
#: instance mask keeps every piece: their planes may reach outside the box
PIECES_OUTSIDE_THE_BOX = {"RandomGridShuffle"}


def _check_aligned(out, what):
    """One row per box in boxes, labels and planes; plane i holds only labels[i], inside box i;
    one kp id per keypoint, and a visible keypoint (a box center) inside a kept box of its id."""
    contained = what.split()[0] not in PIECES_OUTSIDE_THE_BOX
    boxes, labels, masks = out["boxes"], out["labels"], out["masks"]
    n = len(boxes)
    assert boxes.shape == (n, 4) and labels.shape == (n,) and masks.shape[0] == n, what
    h, w = out["image"].shape[:2]
    assert masks.shape[1:] == (h, w), what
    assert (boxes[:, 2] > boxes[:, 0]).all() and (boxes[:, 3] > boxes[:, 1]).all(), (what, boxes)
    assert (boxes >= -1e-3).all() and (boxes[:, [0, 2]] <= w + 1e-3).all() and (boxes[:, [1, 3]] <= h + 1e-3).all()
    for plane, box, lab in zip(masks, boxes, labels):
        ys, xs = np.nonzero(plane)
        assert set(np.unique(plane[ys, xs])) <= {lab}, (what, lab, np.unique(plane))
        if len(xs) and contained:
            assert xs.min() >= box[0] - 1.5 and xs.max() + 1 <= box[2] + 1.5, (what, lab, box)
            assert ys.min() >= box[1] - 1.5 and ys.max() + 1 <= box[3] + 1.5, (what, lab, box)
    kp, ids = out["kp"], out["kp_ids"]
    assert kp.shape == (len(ids), 3), what
    for (x, y, v), i in zip(kp, ids):
        if v > 0 and i in labels and contained:
            assert any(b[0] - 1.5 <= x <= b[2] + 1.5 and b[1] - 1.5 <= y <= b[3] + 1.5
                       for b, lab in zip(boxes, labels) if lab == i), (what, i, x, y)


@pytest.mark.parametrize("name", sorted(SWEPT))
def test_declarations_survive_and_labels_stay_aligned(name):
    holder = {}

    def build():
        r = _item()
        out = SWEPT[name](r)
        holder["in"], holder["out"] = r.declarations, out.declarations
        return out
    p = _compile(build)
    assert holder["out"] == holder["in"], name
    assert holder["out"]["boxes"].fields == ("labels", "masks") and holder["out"]["kp"].fields == ("kp_ids",)
    kept = 0
    for sample in range(6):
        out = p.run(sample)
        _check_aligned(out, f"{name} sample {sample}")
        kept += len(out["boxes"])
    assert kept > 0, name


# -- Mosaic -------------------------------------------------------------------------------------------

PHOTO_NAMES = ("astronaut", "chelsea", "coffee", "rocket")
SIZES = ((90, 120), (70, 70), (100, 80), (60, 110))
TARGET, CELL = (128, 192), (128, 128)


def _raw_boxes():
    """{item: its 6 integer x1 y1 x2 y2 boxes}."""
    rng = np.random.default_rng(11)
    out = {}
    for k, (h, w) in enumerate(SIZES):
        xy = rng.integers(0, [w - 12, h - 12], (6, 2))
        wh = rng.integers([w // 3, h // 3], [w * 3 // 5, h * 3 // 5], (6, 2))
        out[k] = np.c_[xy, np.minimum(xy + wh, [w, h])].astype(np.float32)
    return out


def _grid_boxes():
    """{item: 9 boxes that do not overlap}, one inside each cell of a 3 x 3 grid of the item."""
    rng = np.random.default_rng(12)
    out = {}
    for k, (h, w) in enumerate(SIZES):
        gx, gy = np.meshgrid(np.arange(3) * w / 3, np.arange(3) * h / 3)
        lo = np.c_[gx.ravel(), gy.ravel()] + rng.uniform(0, 0.3, (9, 2)) * [w / 3, h / 3]
        hi = lo + rng.uniform(0.3, 0.7, (9, 2)) * [w / 3, h / 3]
        out[k] = np.c_[lo, hi].round().astype(np.float32)
    return out


def _mosaic_items(raw=None, **box_kw):
    """Four items of different sizes, with the boxes ``raw`` (default: 6 boxes each, labels
    10 k + 1, 10 k + 2, ...), given as coco."""
    raw = raw or _raw_boxes()
    return [_item(name, size, raw[k], first_label=10 * k + 1, box_format="coco", **box_kw)
            for k, (name, size) in enumerate(zip(PHOTO_NAMES, SIZES))]


def _mosaic_program(seed=7, **box_kw):
    return _compile(lambda: augment.Mosaic(_mosaic_items(**box_kw), target_size=TARGET, cell_shape=CELL, p=1.0),
                    seed=seed)


def _box_iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return ix / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - ix)


def test_mosaic_keeps_declarations_and_instance_masks_follow_their_boxes():
    holder = {}

    def build():
        items = _mosaic_items()
        out = augment.Mosaic(items, target_size=TARGET, cell_shape=CELL, p=1.0)
        holder["in"], holder["out"] = items[0].declarations, out.declarations
        return out
    p = _compile(build)
    assert holder["out"] == holder["in"]
    ious, dropped, total = [], 0, 0
    for sample in range(60):
        out = p.run(sample)
        boxes = out["boxes"].copy()
        boxes[:, 2:] += boxes[:, :2]                     # coco -> x1 y1 x2 y2
        out["boxes"] = boxes
        assert out["image"].shape == (*TARGET, 3) and out["masks"].shape == (len(boxes), *TARGET)
        _check_aligned(out, f"sample {sample}")
        assert len(set(out["labels"].tolist())) == len(out["labels"])   # each item is used once
        for plane, box, lab in zip(out["masks"], boxes, out["labels"]):
            ys, xs = np.nonzero(plane == lab)
            side = min(box[2] - box[0], box[3] - box[1])
            # a kept box shows some of its object (a sliver under 2 px may show no whole pixel)
            assert len(xs) or side < 2, (sample, lab, box)
            if side >= 8:
                ious.append(_box_iou([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], box))
        total += 24
        dropped += 24 - len(boxes)
    print(f"Mosaic declared: mean IoU {np.mean(ious):.4f} over {len(ious)} boxes >= 8 px, "
          f"{dropped} of {total} boxes dropped")
    assert len(ious) > 100 and np.mean(ious) >= 0.98
    assert dropped > 0


def test_mosaic_drops_boxes_cut_away_with_their_labels_per_the_declaration():
    """With min_visibility 0.5, a box is kept when the part of its object shown is at least half of
    the object as resized into its cell. What is shown is counted in a label map of the
    (non-overlapping) objects pasted alongside; checked away from the threshold (nearest resizing
    moves edges by a pixel). Boxes of items in hidden cells show nothing and are dropped."""
    raw = _grid_boxes()

    def build():
        items = []
        for k, it in enumerate(_mosaic_items(raw, min_visibility=0.5)):
            h, w = SIZES[k]
            seg = np.zeros((h, w), np.uint8)
            for j, (x1, y1, x2, y2) in enumerate(raw[k].astype(int)):
                seg[y1:y2, x1:x2] = 10 * k + 1 + j
            items.append(it.replace(seg=resource.Field(seg, "mask")))
        return augment.Mosaic(items, target_size=TARGET, cell_shape=CELL, p=1.0)
    p = _compile(build)
    checked_kept = checked_dropped = 0
    for sample in range(60):
        out = p.run(sample)
        seg = out["seg"].reshape(TARGET)
        kept = set(out["labels"].tolist())
        assert len(out["masks"]) == len(out["labels"]) == len(out["boxes"])
        for k, (h, w) in enumerate(SIZES):
            scale = max(CELL[0] / h, CELL[1] / w)
            rw, rh = round(w * scale), round(h * scale)
            for j, (x1, y1, x2, y2) in enumerate(raw[k]):
                lab = 10 * k + 1 + j
                shown = np.count_nonzero(seg == lab) / ((x2 - x1) * rw / w * (y2 - y1) * rh / h)
                if shown >= 0.65:
                    assert lab in kept, (sample, lab, shown)
                    checked_kept += 1
                elif shown <= 0.35:
                    assert lab not in kept, (sample, lab, shown)
                    checked_dropped += 1
    print(f"Mosaic min_visibility 0.5: {checked_kept} kept and {checked_dropped} dropped boxes checked")
    assert checked_kept > 50 and checked_dropped > 50


def test_mosaic_keypoint_fields_follow_their_keypoints_and_remove_invisible_drops_rows():
    def build():
        items = []
        for it in _mosaic_items():
            items.append(it.replace(kp=resource.Keypoints(it.user_value("kp"), fields=("kp_ids",),
                                                          remove_invisible=True)))
        return augment.Mosaic(items, target_size=TARGET, cell_shape=CELL, p=1.0)
    p = _compile(build)
    seen = 0
    for sample in range(30):
        out = p.run(sample)
        kp, ids = out["kp"], out["kp_ids"]
        assert len(kp) == len(ids) and (kp[:, 2] == 1).all()
        assert ((kp[:, 0] >= 0) & (kp[:, 0] < TARGET[1]) & (kp[:, 1] >= 0) & (kp[:, 1] < TARGET[0])).all()
        masks = {lab: plane for plane, lab in zip(out["masks"], out["labels"])}
        for (x, y, _), i in zip(kp, ids):
            if i in masks:   # the keypoint (its object's center) lies on its own object's pixels
                assert masks[i][int(y), int(x)] == i, (sample, i, x, y)
                seen += 1
    assert seen > 30


def test_mosaic_declared_is_deterministic_by_seed():
    a = [_mosaic_program(seed=7).run(s) for s in range(8)]
    b = [_mosaic_program(seed=7).run(s) for s in range(8)]
    c = [_mosaic_program(seed=8).run(s) for s in range(8)]
    for s, t in zip(a, b):
        assert s.keys() == t.keys()
        for k in s:
            np.testing.assert_array_equal(s[k], t[k])
    assert any(not np.array_equal(s["labels"], t["labels"]) for s, t in zip(a, c))


def test_mosaic_rejects_mixed_declarations_and_flip_pairs():
    with pp.Graph():
        items = _mosaic_items()
        plain = items[1].replace(boxes=resource.Field(np.zeros((0, 4), np.float32), "boxes"))
        with pytest.raises(ValueError, match="declare"):
            augment.Mosaic([items[0], plain], p=1.0)
        pose = [it.replace(kp=resource.Keypoints(np.zeros((3, 2), np.float32), flip_pairs=[(1, 2)])) for it in items]
        with pytest.raises(ValueError, match="flip_pairs"):
            augment.Mosaic(pose, p=1.0)


# -- RandomIoUCrop ----------------------------------------------------------------------------------

def test_random_iou_crop_drops_boxes_whose_center_leaves_the_crop_with_their_labels():
    rng = np.random.default_rng(4)
    h, w = 96, 128
    xy = rng.uniform(0, [w - 20, h - 20], (12, 2))
    boxes = np.c_[xy, np.minimum(xy + rng.uniform(8, 60, (12, 2)), [w, h])].astype(np.float32)
    labels = np.arange(12, dtype=np.int64)

    def build():
        r = resource.Resource(image=_photo(size=(h, w)), boxes=resource.Boxes(boxes, fields=("labels",)),
                              labels=labels, origin=resource.Field(np.zeros((1, 2), np.float32), "points"))
        return augment.RandomIoUCrop(r)
    p = _compile(build)
    cropped = dropped = 0
    for sample in range(60):
        out = p.run(sample)
        oh, ow = out["image"].shape[:2]
        x0, y0 = -out["origin"][0]
        cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
        if (oh, ow) == (h, w):
            inside = np.ones(12, bool)                   # kept as is
        else:
            inside = (x0 < cx) & (cx < x0 + ow) & (y0 < cy) & (cy < y0 + oh)
            cropped += 1
        np.testing.assert_array_equal(out["labels"], labels[inside])
        want = boxes[inside] - [x0, y0, x0, y0]
        want[:, [0, 2]] = want[:, [0, 2]].clip(0, ow)
        want[:, [1, 3]] = want[:, [1, 3]].clip(0, oh)
        np.testing.assert_allclose(out["boxes"], want, atol=1e-3)
        dropped += 12 - inside.sum()
    print(f"RandomIoUCrop declared: {cropped} crops, {dropped} boxes dropped")
    assert cropped > 20 and dropped > 20
