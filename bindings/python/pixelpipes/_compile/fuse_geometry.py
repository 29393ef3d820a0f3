"""Geometric fusion: a chain of geometric ops with at least one warp becomes ONE resample.

Flips (fixed, or a two-way ``Toggle`` / ``Conditional`` between an image and its flip), resizes
and ``image.warp`` each move pixels by a matrix, so a chain of them is one matrix: the product
of theirs. ``image.warp(... image.flip(image.resize(x, w, h)) ..., M, W, H)`` becomes
``image.warp(x, chain(resize_matrix, flip_matrix, M), W, H)``: one interpolation from ``x``
instead of one per step, so the intermediate rounding and blur disappear (the only difference
from the unfused chain, bounded by tests/python/test_fuse_geometry.py).

When the chain starts with RandomResizedCrop's decode -> crop -> resize (the chain
``_compile/fuse.py`` fuses into one decode), the whole thing becomes ``image.decode_crop_warp``:
the decode covers only the source footprint of the composed matrix, at the DCT scale it allows,
and the box keeps being the image's edge.

What a chain may hold, so that composing changes nothing but the resampling:
- every step's interpolation is the last warp's (resizes: linear without antialias, or nearest);
- every warp before the last has a constant border of the last warp's value (its fill is then
  what the composed warp samples outside the source); the last warp's border is free when it is
  the chain's only warp;
- every intermediate result is used only by the next step and is not a graph output.

No op of a chain is random (a toggled flip keeps its selector node), so no random stream moves:
the fused warp takes the key of the chain's last warp and its source line.
"""
from __future__ import annotations

from typing import List, Optional, Set

from ..node import Node
from ..opnode import OpNode
from .fuse import decode_attributes, decode_chain, sizes_from_header
from .rewrite import Users, attribute, is_op, stand_in, toggled_flip
from .session import Session


class _Step:
    """One step of a chain, in application order: how it moves pixels, given its input's size."""

    def __init__(self, node: Node, kind: str, flip: Optional[OpNode] = None, flipped_when_true: bool = True):
        self.node, self.kind, self.flip, self.flipped_when_true = node, kind, flip, flipped_when_true

    def matrix(self, resolve, width: Node, height: Node) -> Node:
        n = self.node
        if self.kind == "warp":
            return resolve(n.inputs[1])
        if self.kind == "resize":
            return OpNode("geometry.resize_matrix", width, height, resolve(n.inputs[1]), resolve(n.inputs[2]))
        flip = self.flip if self.kind == "toggle" else n
        mirror = OpNode("geometry.flip_matrix", width, height, axis=attribute(flip, "axis"))
        if self.kind == "flip":
            return mirror
        identity = OpNode("geometry.identity")
        pair = (mirror, identity) if self.flipped_when_true else (identity, mirror)
        return OpNode("flow.select", resolve(n.inputs[0]), *pair)

    def output_size(self, resolve, width: Node, height: Node):
        first = {"warp": 2, "resize": 1}.get(self.kind)
        if first is None:
            return width, height
        return resolve(self.node.inputs[first]), resolve(self.node.inputs[first + 1])


def _walk_back(session: Session, users: Users, last: OpNode):
    """The steps of the chain that ends at the warp ``last`` (in application order) and its source."""
    resolve = session.resolve
    interpolation = attribute(last, "interpolation")
    value = attribute(last, "border_value")
    steps = [_Step(last, "warp")]
    x, readers = resolve(last.inputs[0]), (last,)
    while True:
        if not users.only_feed(x, *readers):
            break
        toggled = toggled_flip(session, users, x)
        if toggled is not None:
            plain, flip, when_true = toggled
            if not users.only_feed(plain, x, flip):
                break
            steps.append(_Step(x, "toggle", flip, when_true))
            x, readers = plain, (x, flip)   # the toggle's input feeds the choice and its flip
            continue
        if is_op(x, "image.flip"):
            steps.append(_Step(x, "flip"))
        elif (is_op(x, "image.resize") and attribute(x, "interpolation") == interpolation
              and interpolation in ("linear", "nearest") and not attribute(x, "antialias")):
            steps.append(_Step(x, "resize"))
        elif (is_op(x, "image.warp") and attribute(x, "interpolation") == interpolation
              and attribute(x, "border") == "constant" and attribute(x, "border_value") == value
              and attribute(last, "border") == "constant"):
            steps.append(_Step(x, "warp"))
        else:
            break
        x, readers = resolve(x.inputs[0]), (x,)
    steps.reverse()
    return steps, x


def fuse_geometry(session: Session, order: List[Node], roots: List[Node], mode=True) -> None:
    """Fuses every geometric chain of ``order`` that holds a warp (see the module's docstring)."""
    if not mode:
        return
    users = Users(session, order, roots)
    done: Set[int] = set()
    for last in reversed(order):   # a chain's last warp comes before its earlier ones
        if not is_op(last, "image.warp") or last.id in done:
            continue
        steps, source = _walk_back(session, users, last)
        done.update(s.node.id for s in steps)
        _rewrite(session, users, steps, source, full_scale=mode == "full_scale")


def _rewrite(session: Session, users: Users, steps: List[_Step], source: Node, full_scale: bool) -> None:
    resolve = session.resolve
    last = steps[-1].node
    fused_decode = None
    if steps[0].kind == "resize":
        fused_decode = decode_chain(session, steps[0].node, users)
        if fused_decode is not None and attribute(last, "border") != "constant":
            # decode_crop_warp's border is constant: leave the resize to the crop's fused decode
            fused_decode, source, steps = None, steps[0].node, steps[1:]
    if fused_decode is None and len(steps) == 1:
        return   # a lone warp: nothing to compose
    label = " -> ".join(session.label(s.node) for s in steps)
    scratch = session.scratch()
    with scratch:
        made = len(scratch.nodes)
        if fused_decode is not None:
            crop, decode = fused_decode
            resize, steps = steps[0], steps[1:]
            label = " -> ".join(session.label(s.node) for s in steps)
            width, height = resolve(resize.node.inputs[1]), resolve(resize.node.inputs[2])
        else:
            width, height = OpNode("image.width", source), OpNode("image.height", source)
        matrices = []
        for step in steps:
            matrices.append(step.matrix(resolve, width, height))
            width, height = step.output_size(resolve, width, height)
        composed = OpNode("geometry.chain", *matrices)
        for n in scratch.nodes[made:]:   # the matrices' nodes: keys and labels of the last warp
            stand_in(session, n, last, source=last.source, label=label)
        out_w, out_h = resolve(last.inputs[2]), resolve(last.inputs[3])
        if fused_decode is not None:
            attributes = decode_attributes(decode, full_scale)
            attributes["format"] = "jpeg" if decode.op == "image.decode_jpeg" else "any"
            fused = OpNode("image.decode_crop_warp", resolve(decode.inputs[0]), resolve(crop.inputs[1]),
                           resolve(resize.node.inputs[1]), resolve(resize.node.inputs[2]),
                           composed, out_w, out_h, interpolation=attribute(last, "interpolation"),
                           border_value=attribute(last, "border_value"), **attributes)
            stand_in(session, fused, last, source=decode.source,
                     label=f"{session.label(decode)} -> {session.label(crop)} -> {session.label(resize.node)} -> "
                           f"{label}")
            sizes_from_header(session, decode, crop, users.of[decode.id])
        else:
            fused = OpNode("image.warp", source, composed, out_w, out_h,
                           interpolation=attribute(last, "interpolation"), border=attribute(last, "border"),
                           border_value=attribute(last, "border_value"))
            stand_in(session, fused, last, source=last.source, label=label)
    session.replace(last, fused)
    session.stats["fused"] += 1
