"""Augmentation macros: the torchvision-style recipes, on an image or on a whole Resource.

Every class here is a :class:`pixelpipes.Macro`. Call it on an image node to get the augmented
image node, or on a :class:`pixelpipes.resource.Resource` to get a new Resource in which every
field of a kind the augmentation cares about is changed by the SAME random draw (one matrix for
the image, its mask, boxes, points and polygons; one set of color factors for every image
field), and every other field passes through::

    from pixelpipes import augment, resource
    r = resource.Resource(image=img, mask=seg, boxes=boxes, label=cls)
    r = augment.RandomResizedCrop(r, 224)
    r = augment.RandomHorizontalFlip(r)
    r = augment.ColorJitter(r, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)
    r = augment.Normalize(r, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
    r.output()

Parameters are drawn with the pipeline's random ops, inside the macros, so a sample is a pure
function of (seed, sample index) and nothing runs in Python per sample. The random streams are
keyed by the macro node's structure (class, parameters, inputs, label; never the source line), so
adding other nodes or moving code does not change them. Sizes follow torchvision: an int is a square, a pair is
``(height, width)``. See docs/augment.md.
"""

from ._common import BORDERS, INTERPOLATIONS, RESIZE_INTERPOLATIONS
from .affine import Affine, RandomAffine, ShiftScaleRotate, Transform
from .base import Augmentation, GeometryAugmentation, Planned
from .bbox_crops import (AtLeastOneBBoxRandomCrop, BBoxSafeRandomCrop, RandomCropNearBBox, RandomIoUCrop,
                         RandomSizedBBoxSafeCrop)
from .blur import AdvancedBlur, Blur, Defocus, GaussianBlur, GlassBlur, MedianBlur, MotionBlur, ZoomBlur
from .color import ColorJitter, Normalize
from .compose import Compose, Composition, OneOf, Sequential, SomeOf
from .constrained_dropout import ConstrainedCoarseDropout
from .color_effects import (FancyPCA, FromFloat, Illumination, PlanckianJitter, PlasmaBrightnessContrast,
                            PlasmaShadow, RandomToneCurve, ToFloat, ToRGB)
from .crop import CenterCrop, Crop, RandomCrop, RandomPatch, RandomResizedCrop
from .distort import (Distortion, ElasticTransform, GridDistortion, GridElasticDeform, OpticalDistortion,
                      PiecewiseAffine, RandomGridShuffle, ThinPlateSpline)
from .domain import FDA, HEStain, HistogramMatching, PixelDistributionAdaptation
from .dropout import CoarseDropout, GridDropout, XYMasking
from .effects_optics import ChromaticAberration, RingingOvershoot, Superpixels
from .erasing import Erasing, PixelDropout
from .flip import RandomHorizontalFlip, RandomVerticalFlip
from .lambdas import Lambda, NoOp
from .linear_transform import LinearTransformation
from .tone import (CLAHE, AutoContrast, ChannelDropout, ChannelShuffle, Equalize, HueSaturationValue, InvertImg,
                   Posterize, RandomBrightnessContrast, RandomGamma, RGBShift, Solarize, ToGray, ToSepia)
from .mask_crops import CropNonEmptyMaskIfExists
from .mask_dropout import MaskDropout
from .mixing import CutMix, MixUp
from .morphological import Morphological
from .mosaic import Mosaic
from .multi_crop import FiveCrop, TenCrop
from .overlay import OverlayElements
from .pad import CropAndPad, Pad, PadIfNeeded, RandomZoomOut
from .perspective import Perspective, RandomPerspective
from .photometric import (JPEG, GaussianNoise, Grayscale, RandomAdjustSharpness, RandomAutocontrast, RandomChannelPermutation,
                          RandomEqualize, RandomGaussianBlur, RandomGrayscale, RandomInvert, RandomPhotometricDistort,
                          RandomPosterize, RandomSolarize, RGB)
from .policies import AugMix, AutoAugment, RandAugment, TrivialAugmentWide
from .random_crops import RandomCropFromBorders, RandomSizedCrop
from .random_elastic import RandomElastic
from .resize import (LongestMaxSize, RandomResize, RandomScale, RandomShortestSize, Resize, ScaleJitter,
                     SmallestMaxSize)
from .rotate import RandomRotation, Rotate, SafeRotate
from .sharpen import Emboss, Sharpen, UnsharpMask
from .noise import AdditiveNoise, GaussNoise, ISONoise, MultiplicativeNoise, SaltAndPepper, ShotNoise
from .quality import Downscale, ImageCompression
from .symmetry import D4, RandomRotate90, SquareSymmetry, Transpose
from .weather import RandomFog, RandomGravel, RandomRain, RandomShadow, RandomSnow, RandomSunFlare, Spatter

__all__ = [
    # the framework and composition
    "Augmentation", "GeometryAugmentation", "Planned", "Compose", "Composition", "OneOf", "SomeOf", "Sequential",
    "NoOp", "Lambda",
    "Transform",
    # crops
    "RandomResizedCrop", "RandomCrop", "CenterCrop", "RandomPatch", "RandomSizedCrop", "RandomCropFromBorders",
    "BBoxSafeRandomCrop", "RandomSizedBBoxSafeCrop", "AtLeastOneBBoxRandomCrop", "RandomCropNearBBox",
    "RandomIoUCrop", "CropNonEmptyMaskIfExists", "Crop",
    # one input, several crops (test-time augmentation)
    "FiveCrop", "TenCrop",
    # resizing and padding
    "Resize", "LongestMaxSize", "SmallestMaxSize", "RandomScale", "ScaleJitter", "RandomShortestSize",
    "RandomResize", "Pad", "PadIfNeeded",
    "CropAndPad", "RandomZoomOut",
    # flips, quarter turns, rotations and warps
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotate90", "D4", "SquareSymmetry", "Transpose",
    "RandomAffine", "SafeRotate", "Perspective", "Affine", "ShiftScaleRotate", "Rotate",
    "RandomRotation", "RandomPerspective",
    # several items in one, overlays
    "Mosaic", "OverlayElements",
    # dropout
    "CoarseDropout", "GridDropout", "XYMasking", "MaskDropout", "ConstrainedCoarseDropout", "Erasing",
    "PixelDropout",
    # distortions
    "Distortion", "ElasticTransform", "GridDistortion", "OpticalDistortion", "PiecewiseAffine",
    "RandomGridShuffle", "ThinPlateSpline", "GridElasticDeform", "RandomElastic",
    # morphology
    "Morphological",
    # color
    "ColorJitter", "Normalize",
    # color and tone (albumentations)
    "InvertImg", "Posterize", "Solarize", "RandomGamma", "ToGray", "ToSepia", "ChannelShuffle", "ChannelDropout",
    "RGBShift", "RandomBrightnessContrast", "HueSaturationValue", "Equalize", "AutoContrast", "CLAHE",
    "FancyPCA", "PlanckianJitter", "RandomToneCurve", "Illumination", "PlasmaBrightnessContrast", "PlasmaShadow",
    "ToFloat", "FromFloat", "ToRGB",
    # automatic augmentation policies
    "RandAugment", "TrivialAugmentWide", "AutoAugment", "AugMix",
    # blur and sharpness
    "Blur", "MedianBlur", "GaussianBlur", "MotionBlur", "Defocus", "ZoomBlur", "GlassBlur", "AdvancedBlur",
    "Sharpen", "Emboss", "UnsharpMask",
    # torchvision's color transforms
    "Grayscale", "RandomGrayscale", "RGB", "RandomInvert", "RandomPosterize", "RandomSolarize",
    "RandomAdjustSharpness", "RandomAutocontrast", "RandomEqualize", "RandomChannelPermutation",
    "RandomPhotometricDistort", "RandomGaussianBlur", "GaussianNoise", "JPEG", "LinearTransformation",
    # mixing two samples
    "MixUp", "CutMix",
    # optics and segmentation effects
    "Superpixels", "RingingOvershoot", "ChromaticAberration",
    # domain adaptation (a reference image) and stain augmentation
    "HistogramMatching", "FDA", "PixelDistributionAdaptation", "HEStain",
    # noise and quality
    "GaussNoise", "AdditiveNoise", "MultiplicativeNoise", "ShotNoise", "ISONoise", "SaltAndPepper",
    "ImageCompression", "Downscale",
    # weather and effects
    "RandomRain", "RandomFog", "RandomSnow", "RandomSunFlare", "RandomShadow", "RandomGravel", "Spatter",
]
