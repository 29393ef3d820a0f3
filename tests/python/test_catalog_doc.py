"""docs/catalog.md (tools/catalog.py): up to date, and every albumentations spatial transform and
torchvision v2 geometric transform has a PixelPipes class, a reason or a plan."""
import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("albumentations")

ROOT = Path(__file__).resolve().parents[2]


def _load_catalog():
    spec = importlib.util.spec_from_file_location("catalog_tool", ROOT / "tools" / "catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalog = _load_catalog()


def test_catalog_doc_is_up_to_date():
    assert (ROOT / "docs" / "catalog.md").read_text() == catalog.render(), \
        "docs/catalog.md is stale: run `make catalog` (tools/catalog.py)"


def test_every_spatial_transform_has_a_class_or_a_reason():
    missing = catalog.unaccounted()
    assert not missing, f"no PixelPipes class (references), OUT_OF_SCOPE reason or PLANNED entry: {missing}"


def test_no_stale_or_unknown_entries():
    assert not catalog.stale_entries()


def test_the_reference_lists():
    alb = catalog.albumentations_spatial()
    # the README's "Spatial-level transforms" table of 2.0.8: 51 rows, 3D transforms aside
    assert len(alb) == 51
    for name in ("Affine", "Mosaic", "CoarseDropout", "RandomSizedBBoxSafeCrop", "HorizontalFlip", "XYMasking"):
        assert name in alb
    assert not any(n.endswith("3D") or n == "CubicSymmetry" for n in alb)
    assert not set(alb) & set(catalog.albumentations_pixel())
    assert len(catalog.albumentations_pixel()) == 59
    assert len(catalog.TORCHVISION_GEOMETRY) == len(set(catalog.TORCHVISION_GEOMETRY)) == 18
    tv = catalog.TORCHVISION_GEOMETRY + catalog.TORCHVISION_PIXEL + catalog.TORCHVISION_OTHER
    assert len(tv) == len(set(tv)) == 18 + 24 + 14   # torchvision v2's API reference, every section


def test_references_name_reference_transforms():
    import albumentations as A
    import pixelpipes.augment as augment
    known_tv = set(catalog.TORCHVISION_GEOMETRY) | set(catalog.TORCHVISION_PIXEL) | set(catalog.TORCHVISION_OTHER)
    classes = catalog.augmentation_classes()
    assert {"RandomResizedCrop", "RandomHorizontalFlip", "RandomVerticalFlip", "RandomCrop"} <= {c.__name__ for c in classes}
    for cls in classes:
        for library, name in catalog.references_of(cls):
            assert library in ("albumentations", "torchvision"), (cls, library)
            if library == "albumentations":
                assert isinstance(getattr(A, name, None), type), (cls, name)
            else:
                assert name in known_tv, (cls, name)
        assert cls.__name__ in augment.__all__, f"{cls.__name__} has references but is not exported"


def test_a_class_without_references_is_reported(monkeypatch):
    """The check can fail: drop the flips' references and HorizontalFlip is unaccounted for."""
    from pixelpipes.augment import RandomHorizontalFlip
    monkeypatch.delattr(RandomHorizontalFlip, "references")
    assert ("albumentations", "HorizontalFlip") in catalog.unaccounted()
    assert catalog.render() != (ROOT / "docs" / "catalog.md").read_text()


def test_a_stale_plan_is_reported(monkeypatch):
    monkeypatch.setitem(catalog.PLANNED, ("albumentations", "VerticalFlip"), "")
    assert any("VerticalFlip" in p for p in catalog.stale_entries())
