"""Resources: named records of nodes (image, mask, boxes, points, label, ...) that flow together.

A :class:`Resource` is a graph-building helper, not a node: it maps field names to nodes and
remembers each field's *kind*, which says how a geometric transform moves it:

=============  =====================================================================
kind           moved by a geometry macro (``pixelpipes.augment``) as
=============  =====================================================================
``image``      pixels, warped with the macro's interpolation and border
``mask``       pixels, warped with ``nearest`` and a zero border
``boxes``      N x 4 boxes (x1, y1, x2, y2), corners moved, re-boxed and clipped (declared
               with :class:`Boxes`: any of four formats, filtered after every transform)
``points``     N x 2 points
``keypoints``  keypoints declared with :class:`Keypoints` (formats xy, yx, xya, xys, xyas,
               xysa): position, angle, scale and visibility move together
``masks``      instance masks, N x H x W (:class:`Masks`): pixels like ``mask``, one plane each
``polygons``   one N x 2 polygon or a list of them
``other``      not at all: labels, names, ids pass through unchanged
=============  =====================================================================

Kinds come from the field name (``image``, ``mask``, ``boxes``, ``points``, ``polygons``
and a few synonyms, see :data:`DEFAULT_KINDS`), from ``kinds={name: kind}``, or from wrapping
the value in :class:`Field`::

    from pixelpipes import augment, resource
    with pp.Graph() as g:
        r = resource.Resource(image=img, boxes=boxes, label=cls,
                              search=resource.Field(other_img, "image"))
        r = augment.RandomAffine(r, degrees=15)       # one transform for every spatial field
        r.output()                                    # outputs "image", "boxes", "label", "search"

Resources are resolved while the graph is built: only the nodes that outputs use are compiled.

Declared annotations (:class:`Boxes`, :class:`Keypoints`, :class:`Masks`) are converted to the
internal layout when the Resource is made (``r["boxes"]`` is then N x 4 x1 y1 x2 y2 pixels,
``r["keypoints"]`` N x 5 [x, y, angle (radians), scale, visible], ``r["masks"]`` H x W x N) and
back to the declared format by :meth:`Resource.output` (or :meth:`Resource.user_value`). See
docs/augment.md, "Resources".
"""
from __future__ import annotations

import numbers
from typing import Any, Dict, Iterator, Mapping, Optional, Sequence, Tuple

from .node import Node, as_node

#: the kinds a field may have; every kind but "other" is spatial
KINDS: Tuple[str, ...] = ("image", "mask", "masks", "boxes", "points", "keypoints", "polygons", "other")
SPATIAL_KINDS: Tuple[str, ...] = KINDS[:-1]

#: the kind a field gets from its name when none is given
DEFAULT_KINDS: Dict[str, str] = {
    "image": "image", "img": "image", "template": "image", "search": "image",
    "mask": "mask", "segmentation": "mask", "label_map": "mask", "masks": "masks", "instance_masks": "masks",
    "boxes": "boxes", "box": "boxes", "bbox": "boxes", "bboxes": "boxes",
    "points": "points", "keypoints": "points", "landmarks": "points",
    "polygons": "polygons", "polygon": "polygons",
}


class Field:
    """A field value with an explicit kind: ``Resource(depth=Field(node, "image"))``."""

    __slots__ = ("value", "kind")

    def __init__(self, value: Any, kind: str):
        if kind not in KINDS:
            raise ValueError(f"unknown field kind {kind!r}; kinds are {', '.join(KINDS)}")
        self.value = value
        self.kind = kind

    def __repr__(self) -> str:
        return f"Field({self.value!r}, {self.kind!r})"


# -- declared annotations ----------------------------------------------------------------------

#: box formats: pascal_voc x1 y1 x2 y2 pixels (the internal layout), coco x y w h pixels,
#: yolo cx cy w h and albumentations x1 y1 x2 y2, both normalized by the image size
BOX_FORMATS: Tuple[str, ...] = ("pascal_voc", "coco", "yolo", "albumentations")
#: keypoint formats (albumentations' KeypointParams): x, y, a(ngle), s(cale) columns in order
KEYPOINT_FORMATS: Tuple[str, ...] = ("xy", "yx", "xya", "xys", "xyas", "xysa")
#: COCO's 17 person keypoints, in COCO's order
COCO_PERSON_KEYPOINTS: Tuple[str, ...] = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
    "right_knee", "left_ankle", "right_ankle")
#: the left/right pairs of COCO_PERSON_KEYPOINTS (indices), for Keypoints(flip_pairs=...)
COCO_PERSON_FLIP_PAIRS: Tuple[Tuple[int, int], ...] = ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14),
                                                       (15, 16))


def _names(value, what: str) -> Tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or \
            not all(isinstance(v, str) and v.isidentifier() for v in value):
        raise ValueError(f"{what} must be a list of field names, not {value!r}")
    if len(set(value)) != len(value):
        raise ValueError(f"{what} names a field twice: {value!r}")
    return tuple(value)


def _number(value, what: str, low: float = 0.0, high: Optional[float] = None) -> float:
    if not (isinstance(value, numbers.Real) and not isinstance(value, bool) and value >= low
            and (high is None or value <= high)):
        bound = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{what} must be a number {bound}, not {value!r}")
    return float(value)


class _Declared(Field):
    """A field with a declaration (format, filtering parameters, attached fields) that a Resource
    keeps through every augmentation; compared by its parameters, not by its value."""

    __slots__ = ()

    def _params(self) -> tuple:
        return tuple(getattr(self, k) for k in type(self).__slots__)

    @property
    def attached(self) -> Tuple[str, ...]:
        """Names of the fields whose first axis follows this field's rows."""
        return getattr(self, "fields", ())

    def declaration(self) -> "_Declared":
        """The same declaration without its value (what a Resource keeps)."""
        return self.with_value(None)

    def with_value(self, value) -> "_Declared":
        new = object.__new__(type(self))
        new.value, new.kind = value, self.kind
        for k in type(self).__slots__:
            object.__setattr__(new, k, getattr(self, k))
        return new

    def with_attached(self, names: Tuple[str, ...]) -> "_Declared":
        new = self.with_value(self.value)
        if hasattr(new, "fields"):
            new.fields = tuple(names)
        return new

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self._params() == other._params()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._params()))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in type(self).__slots__)
        return f"{type(self).__name__}({args})"


class Boxes(_Declared):
    """Boxes in a declared ``format`` (see :data:`BOX_FORMATS`), with albumentations' BboxParams
    semantics: ``Resource(image=img, boxes=Boxes(b, format="coco", fields=("labels",),
    min_visibility=0.3), labels=cls)``.

    The value is N x 4 (any numeric dtype). At Resource creation boxes become f32 pixels x1 y1 x2 y2
    (normalized formats are scaled by the reference image's size). After every spatial transform
    the moved, unclipped boxes are filtered: a box is kept when its area before clipping is
    positive, its area after clipping to the canvas is positive and at least ``min_area``
    pixels, clipped area / unclipped area >= ``min_visibility``, and its clipped width and height
    are at least ``min_width``/``min_height`` pixels; the kept boxes are clipped to the canvas.
    ``fields`` names the resource fields with one entry per box (labels, ids, iscrowd, instance
    masks, ...): they keep the same rows (instance masks the same planes).

    At input, a box must lie inside the image (within 1e-3 px) with x2 > x1 and y2 > y1:
    otherwise the sample fails with an error naming the field and the line that made the
    Resource (``check=False`` skips the check). ``clip=True`` clips boxes to the image instead
    and drops those left empty; ``filter_invalid=True`` drops empty or inverted boxes instead of
    failing (after clipping when both are set), with their attached fields.
    """

    __slots__ = ("format", "fields", "min_area", "min_visibility", "min_width", "min_height", "clip", "check",
                 "filter_invalid")

    def __init__(self, value: Any, format: str = "pascal_voc", fields: Sequence[str] = (), min_area: float = 0.0,
                 min_visibility: float = 0.0, min_width: float = 0.0, min_height: float = 0.0, clip: bool = False,
                 check: bool = True, filter_invalid: bool = False):
        super().__init__(value, "boxes")
        if format not in BOX_FORMATS:
            raise ValueError(f"box format must be one of {', '.join(BOX_FORMATS)}, not {format!r}")
        self.format = format
        self.fields = _names(fields, "fields")
        self.min_area = _number(min_area, "min_area")
        self.min_visibility = _number(min_visibility, "min_visibility", 0.0, 1.0)
        self.min_width = _number(min_width, "min_width")
        self.min_height = _number(min_height, "min_height")
        self.clip, self.check, self.filter_invalid = bool(clip), bool(check), bool(filter_invalid)


class Keypoints(_Declared):
    """Keypoints in a declared ``format`` (see :data:`KEYPOINT_FORMATS`, albumentations'
    KeypointParams): ``Resource(image=img, keypoints=Keypoints(k, format="xya"))``.

    The value is N x len(format), optionally with one more column: visibility (0 invisible,
    anything else visible, as COCO's v). Internally N x 5 f32 [x, y, angle (radians), scale,
    visible]; formats without an angle have angle 0, without a scale scale 1. Coordinates are
    continuous (pixel (i, j) covers [j, j+1) x [i, i+1); add 0.5 to pixel indices).
    ``angle_in_degrees``: angles of the user's format are degrees (else radians).

    A transform by a matrix M moves x, y by M, adds M's rotation to the angle (albumentations'
    rule: atan2(-M10, M00), angles counterclockwise as displayed; a mirroring M first reflects
    the angle, a -> pi - a) and multiplies the scale by M's larger axis scale. A point that
    leaves [0, W) x [0, H) gets visible 0 (for good); ``remove_invisible=True`` drops such rows
    (and the rows of ``fields``) instead. ``labels``: names of the keypoints (one per row), so
    ``flip_pairs`` may name them. ``flip_pairs=[(i, j), ...]``: every mirroring transform
    (horizontal or vertical flip, transpose, a matrix of negative determinant) swaps rows i and
    j, so "left" stays left (:data:`COCO_PERSON_FLIP_PAIRS` for COCO's 17 person keypoints).

    :meth:`Resource.output` gives N x (len(format) + 1): the format's columns (angles in [0, 360)
    degrees, or [0, 2 pi) radians) and the visibility (0 or 1) last.

    ``instances=True`` declares one set of keypoints per object, as COCO's: the value is
    N x K x len(format) (+ the visibility column), K = len(labels) keypoints (``labels`` is
    required) for each of N instances. ``flip_pairs`` then swap within each instance; the
    visibility value is kept as given (COCO's 0 not labelled, 1 labelled but hidden, 2 visible)
    until the point leaves the canvas (then 0); a :class:`Boxes` declaration may attach the field
    (``fields=("labels", "keypoints")``), so a dropped box drops its instance's K keypoints; and
    :meth:`Resource.output` gives N x K x (len(format) + 1).
    """

    __slots__ = ("format", "labels", "fields", "angle_in_degrees", "flip_pairs", "remove_invisible", "instances")

    def __init__(self, value: Any, format: str = "xy", labels: Optional[Sequence[str]] = None,
                 fields: Sequence[str] = (), angle_in_degrees: bool = True, flip_pairs=None,
                 remove_invisible: bool = False, instances: bool = False):
        super().__init__(value, "keypoints")
        if format not in KEYPOINT_FORMATS:
            raise ValueError(f"keypoint format must be one of {', '.join(KEYPOINT_FORMATS)}, not {format!r}")
        self.format = format
        if labels is not None:
            if isinstance(labels, str) or not all(isinstance(v, str) for v in labels):
                raise ValueError(f"labels must be a list of keypoint names, not {labels!r}")
            labels = tuple(labels)
        self.labels = labels
        self.fields = _names(fields, "fields")
        self.angle_in_degrees = bool(angle_in_degrees)
        self.remove_invisible = bool(remove_invisible)
        self.flip_pairs = self._pairs(flip_pairs, labels)
        if self.flip_pairs and self.remove_invisible:
            raise ValueError("flip_pairs needs a fixed row per keypoint: it cannot be used with remove_invisible=True")
        self.instances = bool(instances)
        if self.instances and (labels is None or not labels):
            raise ValueError("Keypoints(instances=True) needs labels: the names of the K keypoints of an instance")
        if self.instances and (self.remove_invisible or self.fields):
            raise ValueError("Keypoints(instances=True) keeps K rows per instance: it cannot remove invisible "
                             "keypoints nor attach fields (attach the keypoints to the instances' Boxes instead)")

    @staticmethod
    def _pairs(pairs, labels) -> Optional[Tuple[Tuple[int, int], ...]]:
        if pairs is None:
            return None
        out, used = [], set()
        for pair in pairs:
            if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
                raise ValueError(f"flip_pairs must be (i, j) pairs, not {pair!r}")
            ij = []
            for v in pair:
                if isinstance(v, str):
                    if labels is None or v not in labels:
                        raise ValueError(f"flip_pairs: {v!r} is not one of the keypoint labels {labels!r}")
                    v = labels.index(v)
                if not (isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 0):
                    raise ValueError(f"flip_pairs: {v!r} is not a keypoint index")
                if labels is not None and v >= len(labels):
                    raise ValueError(f"flip_pairs: index {v} is beyond the {len(labels)} labels")
                ij.append(int(v))
            if ij[0] == ij[1] or ij[0] in used or ij[1] in used:
                raise ValueError(f"flip_pairs: each keypoint may appear in one pair only, once ({pairs!r})")
            used.update(ij)
            out.append((ij[0], ij[1]))
        return tuple(out)

    def flip_permutation(self, count: Optional[int] = None) -> Tuple[int, ...]:
        """The row order after a mirroring transform (the pairs swapped)."""
        n = count if count is not None else (len(self.labels) if self.labels is not None
                                             else 1 + max((max(p) for p in self.flip_pairs or ()), default=-1))
        perm = list(range(n))
        for i, j in self.flip_pairs or ():
            perm[i], perm[j] = j, i
        return tuple(perm)


class Masks(_Declared):
    """Instance masks: N x H x W (u8 or bool; one plane per instance). Internally H x W x N, so
    every spatial transform moves them like a ``mask`` (nearest, 0 border); back to N x H x W at
    output. Attach them to boxes (``Boxes(..., fields=("masks",))``) to drop the planes of
    dropped boxes."""

    __slots__ = ()

    def __init__(self, value: Any):
        super().__init__(value, "masks")


def _parse_field(name: str, value: Any, kind: Optional[str]):
    """(node, kind, declaration or None) of a field given by the user."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"a resource field name must be an identifier, not {name!r}")
    decl, given = None, None
    if isinstance(value, _Declared):
        decl = value.declaration()
    if isinstance(value, Field):
        value, given = value.value, value.kind
    if isinstance(value, Resource):
        raise TypeError(f"resource field {name!r}: a field holds a node, not a Resource")
    kind = kind or given or DEFAULT_KINDS.get(name, "other")
    if kind not in KINDS:
        raise ValueError(f"resource field {name!r}: unknown kind {kind!r}; kinds are {', '.join(KINDS)}")
    if decl is not None and decl.kind != kind:
        raise ValueError(f"resource field {name!r}: declared as {type(decl).__name__} but given kind {kind!r}")
    if decl is None and kind == "keypoints":
        decl = Keypoints(None).declaration()
    if decl is None and kind == "masks":
        decl = Masks(None).declaration()
    if decl is not None and not isinstance(value, Node):
        value = _declared_array(decl, value)
    return as_node(value), kind, decl


def _declared_array(decl: "_Declared", value: Any):
    """A Python value of a declared field as the array the conversions expect (an empty list of
    boxes is 0 x 4, a bool mask stack u8)."""
    import numpy as np
    if decl.kind == "boxes":
        return np.asarray(value, np.float32).reshape(-1, 4)
    if decl.kind == "keypoints":
        a = np.asarray(value, np.float32)
        if decl.instances:   # kept N x K x C: the conversion flattens it
            k = len(decl.labels)
            return a.reshape(0, k, len(decl.format)) if a.size == 0 else a.reshape(-1, k, a.shape[-1])
        return a.reshape(0, len(decl.format)) if a.size == 0 else a.reshape(-1, a.shape[-1])
    a = np.asarray(value)
    return a.astype(np.uint8) if a.dtype == np.bool_ else a


class Resource(Mapping):
    """A named record of nodes whose spatial fields move together (see the module docs).

    ``Resource(image=..., boxes=..., label=...)``; values are nodes or Python values (made
    constants), or :class:`Field` for an explicit kind; ``kinds={"name": "mask"}`` gives kinds
    too; :class:`Boxes`, :class:`Keypoints` and :class:`Masks` declare annotations (formats,
    filtering, attached fields), converted to the internal layout here. A Resource is immutable:
    :meth:`replace` makes a new one. It is a mapping of names to nodes (``r["image"]``,
    ``r.image``, ``list(r)``, ``r.items()``), in the order given.
    """

    __slots__ = ("_fields", "_kinds", "_decls")

    def __init__(self, fields: Optional[Mapping[str, Any]] = None, /, *, kinds: Optional[Mapping[str, str]] = None,
                 **named: Any):
        values: Dict[str, Any] = dict(fields or {})
        for k, v in named.items():
            if k in values:
                raise ValueError(f"resource field {k!r} is given twice")
            values[k] = v
        kinds = dict(kinds or {})
        unknown = set(kinds) - set(values)
        if unknown:
            raise ValueError(f"kinds given for fields the resource does not have: {sorted(unknown)}")
        nodes: Dict[str, Node] = {}
        kind_of: Dict[str, str] = {}
        decls: Dict[str, _Declared] = {}
        for name, value in values.items():
            nodes[name], kind_of[name], decl = _parse_field(name, value, kinds.get(name))
            if decl is not None:
                decls[name] = decl
        self._set(nodes, kind_of, decls)
        if decls:
            from .annotations import to_internal
            self._fields = to_internal(self, list(decls))
            self._fields = {k: self._fields[k] for k in self._kinds}

    def _set(self, nodes: Dict[str, Node], kinds: Dict[str, str], decls: Dict[str, "_Declared"]) -> None:
        attached_to: Dict[str, str] = {}
        for owner, decl in decls.items():
            for f in decl.attached:
                if f not in nodes:
                    raise ValueError(f"resource field {owner!r} attaches {f!r}, which the resource does not have")
                instance_keypoints = f in decls and decls[f].kind == "keypoints" and decls[f].instances \
                    and decls[owner].kind == "boxes"
                if f == owner or f in decls and decls[f].kind in ("boxes", "keypoints") and not instance_keypoints:
                    raise ValueError(f"resource field {owner!r} cannot attach the declared field {f!r}")
                if kinds[f] in ("image", "mask"):
                    raise ValueError(f"resource field {owner!r} cannot attach {f!r}: a {kinds[f]} has no row per "
                                     "annotation")
                if f in attached_to:
                    raise ValueError(f"field {f!r} is attached to both {attached_to[f]!r} and {owner!r}")
                attached_to[f] = owner
        self._fields = nodes
        self._kinds = kinds
        self._decls = decls

    @classmethod
    def _internal(cls, nodes: Mapping[str, Node], kinds: Mapping[str, str],
                  decls: Mapping[str, "_Declared"]) -> "Resource":
        """A resource of nodes already in the internal layout (no conversion), keeping the
        declarations of the fields it still has (attachments to removed fields are dropped)."""
        r = object.__new__(cls)
        kept = {}
        for name, d in decls.items():
            if name in nodes and kinds[name] == d.kind:
                kept[name] = d.with_attached(tuple(f for f in d.attached if f in nodes)) if d.attached else d
        r._set({k: as_node(v) for k, v in nodes.items()}, dict(kinds), kept)
        return r

    # -- mapping -------------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Node:
        try:
            return self._fields[name]
        except KeyError:
            raise KeyError(f"the resource has no field {name!r} (fields: {', '.join(self._fields) or 'none'})") \
                from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __contains__(self, name: object) -> bool:
        return name in self._fields

    def __getattr__(self, name: str) -> Node:
        if name.startswith("_"):
            raise AttributeError(name)
        fields = object.__getattribute__(self, "_fields")
        if name in fields:
            return fields[name]
        raise AttributeError(f"the resource has no field {name!r} (fields: {', '.join(fields) or 'none'})")

    def __eq__(self, other):  # Mapping.__eq__ would compare nodes with ==, which builds nodes
        return self is other

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}: {self._kinds[k]}" + (f" ({self._decls[k].format})" if hasattr(self._decls.get(k), "format")
                                                        else "") for k in self._fields)
        return f"<Resource {inner}>"

    # -- kinds ---------------------------------------------------------------------------------
    @property
    def kinds(self) -> Dict[str, str]:
        """``{name: kind}`` for every field, in order."""
        return dict(self._kinds)

    def kind(self, name: str) -> str:
        self[name]
        return self._kinds[name]

    @property
    def declarations(self) -> Dict[str, "_Declared"]:
        """``{name: declaration}`` of the declared fields (Boxes, Keypoints, Masks; without values)."""
        return dict(self._decls)

    def declaration(self, name: str) -> Optional["_Declared"]:
        self[name]
        return self._decls.get(name)

    def fields_of(self, *kinds: str) -> Dict[str, Node]:
        """``{name: node}`` of the fields of the given kinds, in order."""
        return {k: v for k, v in self._fields.items() if self._kinds[k] in kinds}

    def reference(self, required: bool = True) -> Optional[Node]:
        """The field that gives the resource its size: the first ``image`` field, else the first
        ``mask`` field, else the first ``masks`` field (geometry macros compute sizes and matrices
        from it)."""
        for kind in ("image", "mask", "masks"):
            for name, k in self._kinds.items():
                if k == kind:
                    return self._fields[name]
        if required:
            raise ValueError(f"{self!r} has no image or mask field to take its size from")
        return None

    # -- building ------------------------------------------------------------------------------
    def replace(self, fields: Optional[Mapping[str, Any]] = None, /, *, kinds: Optional[Mapping[str, str]] = None,
                **named: Any) -> "Resource":
        """A new resource with some fields replaced or added. A plain value replaces a field in the
        internal layout (what augmentations produce) and keeps its kind and declaration; a
        :class:`Field` (or Boxes, Keypoints, Masks) is a new field in the user's format, converted
        as at creation; ``kinds`` changes kinds (dropping declarations of another kind)."""
        changes = dict(fields or {})
        changes.update(named)
        kinds = dict(kinds or {})
        nodes, kind_of, decls = dict(self._fields), dict(self._kinds), dict(self._decls)
        fresh = {}
        for name, v in changes.items():
            if isinstance(v, Field) or name not in self._kinds:
                fresh[name] = v
            else:
                nodes[name] = as_node(v)
        for name, k in kinds.items():
            if name in fresh:
                continue
            if name not in nodes:
                raise ValueError(f"kinds given for a field the resource does not have: {name!r}")
            kind_of[name] = k
        converted = []
        for name, v in fresh.items():
            nodes[name], kind_of[name], decl = _parse_field(name, v, kinds.get(name))
            decls.pop(name, None)
            if decl is not None:
                decls[name] = decl
                converted.append(name)
        if converted:
            from .annotations import to_internal
            nodes = to_internal(Resource._internal(nodes, kind_of, decls), converted)
        return Resource._internal(nodes, kind_of, decls)

    def without(self, *names: str) -> "Resource":
        """A new resource without the named fields (declarations no longer attach them)."""
        for n in names:
            self[n]
        return Resource._internal({k: v for k, v in self._fields.items() if k not in names}, self._kinds,
                                  self._decls)

    def map(self, fn, *kinds: str) -> "Resource":
        """A new resource with ``fn(node, kind)`` applied to the fields of the given kinds
        (every field when no kind is given), in the internal layout; declarations are kept."""
        return self.replace({k: fn(v, self._kinds[k]) for k, v in self._fields.items()
                             if not kinds or self._kinds[k] in kinds})

    def user_value(self, name: str) -> Node:
        """Field ``name`` in the user's layout: declared boxes and keypoints in their format,
        instance masks N x H x W; other fields as they are."""
        node = self[name]
        if name not in self._decls:
            return node
        from .annotations import to_user
        return to_user(self, name)

    def output(self, prefix: str = "", graph=None, names=None) -> Dict[str, Node]:
        """Declares every field (or only ``names``) as an output named ``prefix + name`` of
        ``graph`` (default: the current graph), declared annotations in the user's format
        (:meth:`user_value`); returns ``{output name: node}``."""
        return output(self, prefix=prefix, graph=graph, names=names)


def output(resource: Resource, prefix: str = "", graph=None, names=None) -> Dict[str, Node]:
    """Declares the fields of ``resource`` as outputs ``prefix + name`` (see :meth:`Resource.output`)."""
    from .graph import current_graph
    if not isinstance(resource, Resource):
        raise TypeError(f"output() takes a Resource, not {type(resource).__name__}")
    g = graph if graph is not None else current_graph()
    selected = list(resource) if names is None else list(names)
    out = {}
    for name in selected:
        out[prefix + name] = g.output(prefix + name, resource.user_value(name))
    return out


def conditional(condition: Any, true: Resource, false: Resource) -> Resource:
    """Per sample, ``true`` where ``condition`` holds, else ``false``, field by field with ONE
    condition (pixelpipes.Conditional on each field; only the taken side is computed). Both
    resources must have the same field names; kinds come from ``true``."""
    from .flow import Conditional
    if not isinstance(true, Resource) or not isinstance(false, Resource):
        raise TypeError("conditional() takes two Resources")
    if list(true) != list(false):
        raise ValueError(f"conditional(): the resources have different fields: {list(true)} and {list(false)}")
    _same_declarations("conditional()", true, false)
    cond = as_node(condition)
    return Resource._internal({k: v if v is false[k] else Conditional(cond, v, false[k]) for k, v in true.items()},
                              true.kinds, true.declarations)


def choice(selector: Any, *options: Resource) -> Resource:
    """Per sample, ``options[selector]``, field by field with ONE selector (pixelpipes.Choice on
    each field; only the chosen option is computed). Every option must have the same field
    names; kinds come from the first. A field that is the same node in every option is passed on
    without a branch."""
    from .flow import Choice
    if not options or not all(isinstance(o, Resource) for o in options):
        raise TypeError("choice() takes a selector and one or more Resources")
    names = list(options[0])
    for o in options[1:]:
        if list(o) != names:
            raise ValueError(f"choice(): the resources have different fields: {names} and {list(o)}")
    for o in options[1:]:
        _same_declarations("choice()", options[0], o)
    sel = as_node(selector)
    fields = {}
    for k in names:
        values = [o[k] for o in options]
        same = all(v is values[0] for v in values)
        fields[k] = values[0] if same else Choice(sel, *values)
    return Resource._internal(fields, options[0].kinds, options[0].declarations)


def _same_declarations(what: str, a: Resource, b: Resource) -> None:
    if a.declarations != b.declarations:
        raise ValueError(f"{what}: the resources declare their annotations differently: {a.declarations} and "
                         f"{b.declarations}")


def toggle(probability: Any, true: Resource, false: Resource, *, label: Optional[str] = None) -> Resource:
    """``true`` with the given probability per sample, else ``false``, with one draw for every
    field (unlike a pixelpipes.Toggle per field, which would draw once per field)."""
    from ._opgen import op_class
    draw = op_class("random.bernoulli")(probability, label=label)
    return conditional(draw, true, false)


__all__ = ["Resource", "Field", "Boxes", "Keypoints", "Masks", "BOX_FORMATS", "KEYPOINT_FORMATS",
           "COCO_PERSON_KEYPOINTS", "COCO_PERSON_FLIP_PAIRS", "KINDS", "SPATIAL_KINDS", "DEFAULT_KINDS", "output", "conditional", "choice", "toggle"]
