"""Resources: named records of nodes (image, mask, boxes, points, label, ...) that flow together.

A :class:`Resource` is a graph-building helper, not a node: it maps field names to nodes and
remembers each field's *kind*, which says how a geometric transform moves it:

=============  =====================================================================
kind           moved by a geometry macro (``pixelpipes.augment``) as
=============  =====================================================================
``image``      pixels, warped with the macro's interpolation and border
``mask``       pixels, warped with ``nearest`` and a zero border
``boxes``      N x 4 boxes (x1, y1, x2, y2), corners moved, re-boxed and clipped
``points``     N x 2 points
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
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

from .node import Node, as_node

#: the kinds a field may have; every kind but "other" is spatial
KINDS: Tuple[str, ...] = ("image", "mask", "boxes", "points", "polygons", "other")
SPATIAL_KINDS: Tuple[str, ...] = KINDS[:-1]

#: the kind a field gets from its name when none is given
DEFAULT_KINDS: Dict[str, str] = {
    "image": "image", "img": "image", "template": "image", "search": "image",
    "mask": "mask", "segmentation": "mask", "label_map": "mask",
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


class Resource(Mapping):
    """A named record of nodes whose spatial fields move together (see the module docs).

    ``Resource(image=..., boxes=..., label=...)``; values are nodes or Python values (made
    constants), or :class:`Field` for an explicit kind; ``kinds={"name": "mask"}`` gives kinds
    too. A Resource is immutable: :meth:`replace` makes a new one. It is a mapping of names to
    nodes (``r["image"]``, ``r.image``, ``list(r)``, ``r.items()``), in the order given.
    """

    __slots__ = ("_fields", "_kinds")

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
        self._fields: Dict[str, Node] = {}
        self._kinds: Dict[str, str] = {}
        for name, value in values.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise ValueError(f"a resource field name must be an identifier, not {name!r}")
            kind = None
            if isinstance(value, Field):
                value, kind = value.value, value.kind
            if isinstance(value, Resource):
                raise TypeError(f"resource field {name!r}: a field holds a node, not a Resource")
            kind = kinds.get(name, kind) or DEFAULT_KINDS.get(name, "other")
            if kind not in KINDS:
                raise ValueError(f"resource field {name!r}: unknown kind {kind!r}; kinds are {', '.join(KINDS)}")
            self._fields[name] = as_node(value)
            self._kinds[name] = kind

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
        inner = ", ".join(f"{k}: {self._kinds[k]}" for k in self._fields)
        return f"<Resource {inner}>"

    # -- kinds ---------------------------------------------------------------------------------
    @property
    def kinds(self) -> Dict[str, str]:
        """``{name: kind}`` for every field, in order."""
        return dict(self._kinds)

    def kind(self, name: str) -> str:
        self[name]
        return self._kinds[name]

    def fields_of(self, *kinds: str) -> Dict[str, Node]:
        """``{name: node}`` of the fields of the given kinds, in order."""
        return {k: v for k, v in self._fields.items() if self._kinds[k] in kinds}

    def reference(self, required: bool = True) -> Optional[Node]:
        """The field that gives the resource its size: the first ``image`` field, else the first
        ``mask`` field (geometry macros compute sizes and matrices from it)."""
        for kind in ("image", "mask"):
            for name, k in self._kinds.items():
                if k == kind:
                    return self._fields[name]
        if required:
            raise ValueError(f"{self!r} has no image or mask field to take its size from")
        return None

    # -- building ------------------------------------------------------------------------------
    def replace(self, fields: Optional[Mapping[str, Any]] = None, /, *, kinds: Optional[Mapping[str, str]] = None,
                **named: Any) -> "Resource":
        """A new resource with some fields replaced or added (a replaced field keeps its kind
        unless a :class:`Field` or ``kinds`` says otherwise)."""
        changes = dict(fields or {})
        changes.update(named)
        values: Dict[str, Any] = {}
        for name, node in self._fields.items():
            values[name] = Field(node, self._kinds[name])
        for name, v in changes.items():
            if isinstance(v, Field):
                values[name] = v
            elif name in self._kinds:
                values[name] = Field(v, self._kinds[name])
            else:
                values[name] = v
        return Resource(values, kinds=kinds)

    def without(self, *names: str) -> "Resource":
        """A new resource without the named fields."""
        for n in names:
            self[n]
        return Resource({k: Field(v, self._kinds[k]) for k, v in self._fields.items() if k not in names})

    def map(self, fn, *kinds: str) -> "Resource":
        """A new resource with ``fn(node, kind)`` applied to the fields of the given kinds
        (every field when no kind is given)."""
        return self.replace({k: fn(v, self._kinds[k]) for k, v in self._fields.items()
                             if not kinds or self._kinds[k] in kinds})

    def output(self, prefix: str = "", graph=None, names=None) -> Dict[str, Node]:
        """Declares every field (or only ``names``) as an output named ``prefix + name`` of
        ``graph`` (default: the current graph); returns ``{output name: node}``."""
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
        out[prefix + name] = g.output(prefix + name, resource[name])
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
    cond = as_node(condition)
    return Resource({k: Field(v if v is false[k] else Conditional(cond, v, false[k]), true.kind(k))
                     for k, v in true.items()})


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
    sel = as_node(selector)
    fields = {}
    for k in names:
        values = [o[k] for o in options]
        same = all(v is values[0] for v in values)
        fields[k] = Field(values[0] if same else Choice(sel, *values), options[0].kind(k))
    return Resource(fields)


def toggle(probability: Any, true: Resource, false: Resource, *, label: Optional[str] = None) -> Resource:
    """``true`` with the given probability per sample, else ``false``, with one draw for every
    field (unlike a pixelpipes.Toggle per field, which would draw once per field)."""
    from ._opgen import op_class
    draw = op_class("random.bernoulli")(probability, label=label)
    return conditional(draw, true, false)


__all__ = ["Resource", "Field", "KINDS", "SPATIAL_KINDS", "DEFAULT_KINDS", "output", "conditional", "choice", "toggle"]
