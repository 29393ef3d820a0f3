"""Dataset sources and the built-in synthetic dataset.

A source turns a stream position into a dataset item (``pixelpipes.dataset_item``: a new order
every epoch) and the item into a :class:`pixelpipes.resource.Resource` of nodes (image, label,
boxes, mask, ...). Its index (file lists, labels, boxes, arrays) is held in the program as
constants, once::

    import pixelpipes as pp
    from pixelpipes import augment
    from pixelpipes.datasets import ImageFolder

    ds = ImageFolder("/data/train")                 # class per sub-folder
    with pp.Graph() as g:
        r = ds.sample()                             # Resource: image, label, item
        r = augment.RandomResizedCrop(r, 224)
        r.output(names=["image", "label"])

With no data at hand, :class:`Synthetic` makes every kind of source from generated shapes
(nothing is downloaded). See docs/datasets.md.
"""
from .base import IMAGE_EXTENSIONS, Dataset
from .folder import ImageFolder
from .filelist import FileList
from .arrays import ArrayDataset
from .npy import NpyArrays, read_npy_header
from .coco import CocoDetection
from .coco_annotations import CocoFormatError, compress_rle, flip_pairs_from_names
from .voc import VOC_CLASSES, VOCDetection
from .yolo import YOLODetection, read_names
from .segmentation import SegmentationPairs
from .tracking import TrackingSequences, parse_groundtruth
from .synthetic import CLASSES, PALETTE, Synthetic, cache_dir
from .png import encode_png, write_png
from .raw_items import RawItem
from .python_items import PythonItems
from .tar_shards import TarShards, write_tar_shards
from .packed_records import PackedRecords, write_packed_records, write_records, read_records_header

__all__ = ["Dataset", "ImageFolder", "FileList", "ArrayDataset", "NpyArrays", "read_npy_header", "CocoDetection", "CocoFormatError", "compress_rle", "flip_pairs_from_names",
           "VOCDetection", "VOC_CLASSES", "YOLODetection", "read_names", "SegmentationPairs",
           "TrackingSequences", "Synthetic", "parse_groundtruth", "cache_dir", "encode_png", "write_png",
           "CLASSES", "PALETTE", "IMAGE_EXTENSIONS", "RawItem", "TarShards", "write_tar_shards", "PackedRecords",
           "write_packed_records", "write_records", "read_records_header", "PythonItems"]
