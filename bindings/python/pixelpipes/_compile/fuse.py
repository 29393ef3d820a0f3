"""Fusion: a decode -> crop -> resize chain becomes one op that decodes only what the crop needs.

``image.resize(image.crop(image.decode(data), box), width, height)`` with linear interpolation
(RandomResizedCrop on a dataset's images) becomes ``image.decode_crop(data, box, width, height)``;
``image.decode_jpeg`` (at scale 1) becomes ``image.decode_jpeg_crop`` the same way. A resize with
``antialias`` gives the fused op ``antialias`` (the same filter on the decoded box). For JPEG data
the fused op decodes only the rows and iMCU columns of the box, at the largest DCT scale that
still leaves the output resolution (``fuse="full_scale"`` keeps scale 1); PNG data goes the
unfused way inside the op.

A chain is fused only when nothing else needs the full image (else it would be decoded twice):
the crop's only user is the resize, and the decode's only users are the crop and
``image.width`` / ``image.height``, which are then read from the file header
(``image.decoded_size`` / ``image.jpeg_size``): that is how RandomResizedCrop draws its box.

No op of the chain is random, so no random stream moves: the fused node takes the resize's key
and each header read the key of the node it replaces. Errors from the fused op are nearly always
about the data, so it keeps the decode's source line (the user's line that loaded the image) and
a label naming the whole chain.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

from ..node import Constant, Node
from ..opnode import OpNode
from .rewrite import Users, attribute, is_op, stand_in
from .session import Session

#: decode op -> (fused op, op that reads its output size from the header)
FUSED_DECODES = {
    "image.decode": ("image.decode_crop", "image.decoded_size"),
    "image.decode_jpeg": ("image.decode_jpeg_crop", "image.jpeg_size"),
}
#: size readers answered from the header instead of the pixels -> index in [height, width]
SIZE_READERS = {"image.height": 0, "image.width": 1}
#: attributes the fused op takes over from the decode
DECODE_ATTRIBUTES = ("mode", "max_pixels", "strict", "exif_orientation")



def check_mode(fuse) -> None:
    """``compile(fuse=...)`` takes True, False or "full_scale" (fused, without DCT scaling)."""
    if not (isinstance(fuse, bool) or (isinstance(fuse, str) and fuse == "full_scale")):
        raise ValueError(f"fuse must be True, False or 'full_scale', not {fuse!r}")


def decode_chain(session: Session, resize: Node, users: Users) -> Optional[Tuple[OpNode, OpNode]]:
    """(crop, decode) when ``resize`` ends a chain that can be fused, else None."""
    if not is_op(resize, "image.resize") or attribute(resize, "interpolation") != "linear":
        return None
    crop = session.resolve(resize.inputs[0])
    if not is_op(crop, "image.crop") or not users.only_feed(crop, resize):
        return None
    decode = session.resolve(crop.inputs[0])
    if not is_op(decode, *FUSED_DECODES) or decode.id in users.outputs:
        return None
    if decode.op == "image.decode_jpeg" and attribute(decode, "scale") != "1":
        return None  # the box is in scaled pixels; the fused op takes full-size ones
    if decode.op == "image.decode" and attribute(decode, "dtype") != "u8":
        return None  # the fused op decodes to u8
    for u in users.of[decode.id]:
        if u is not crop and not is_op(u, *SIZE_READERS):
            return None
    return crop, decode


def fuse(session: Session, order: List[Node], roots: List[Node], mode=True) -> None:
    """Fuses every decode -> crop -> resize chain of ``order`` that nothing else looks into."""
    check_mode(mode)
    if not mode:
        return
    users = Users(session, order, roots)
    for resize in order:
        found = decode_chain(session, resize, users)
        if found is not None:
            _rewrite(session, resize, *found, users.of[found[1].id], full_scale=mode == "full_scale")


def _rewrite(session: Session, resize: OpNode, crop: OpNode, decode: OpNode, decode_users: List[Node],
             full_scale: bool) -> None:
    resolve = session.resolve
    fused_op, _ = FUSED_DECODES[decode.op]
    attributes = decode_attributes(decode, full_scale)
    if attribute(resize, "antialias"):
        attributes["antialias"] = True  # the fused op resizes the box with the same filter
    with session.scratch():
        fused = OpNode(fused_op, resolve(decode.inputs[0]), resolve(crop.inputs[1]), resolve(resize.inputs[1]),
                       resolve(resize.inputs[2]), **attributes)
        stand_in(session, fused, resize, source=decode.source,
                 label=f"{session.label(decode)} -> {session.label(crop)} -> {session.label(resize)}")
        sizes_from_header(session, decode, crop, decode_users)
    session.replace(resize, fused)
    session.stats["fused"] += 1


def decode_attributes(decode: OpNode, full_scale: bool) -> dict:
    """The attributes a fused decode takes over from ``decode`` (``full_scale``: no DCT scaling)."""
    attributes = {k: v for k, v in decode.attributes.items() if k in DECODE_ATTRIBUTES}
    if full_scale:
        attributes["max_scale"] = "1"
    return attributes


def sizes_from_header(session: Session, decode: OpNode, crop: Node, decode_users: List[Node]) -> None:
    """Puts header reads in place of the ``image.width`` / ``image.height`` readers of a decode
    being fused away (every user of ``decode`` but ``crop``); call inside ``session.scratch()``."""
    readers = [u for u in dict.fromkeys(decode_users) if u is not crop]
    if not readers:
        return
    data = session.resolve(decode.inputs[0])
    decode_label = session.label(decode)
    # The header read gives the size the decode would have: upright, or as stored.
    size = OpNode(FUSED_DECODES[decode.op][1], data, exif_orientation=attribute(decode, "exif_orientation"))
    stand_in(session, size, decode, source=decode.source, label=f"{decode_label} (size from the header)")
    for reader in readers:
        k = SIZE_READERS[reader.op]
        first, stop = Constant(k), Constant(k + 1)
        element = OpNode("tensor.slice", size, first, stop)
        value = OpNode("tensor.reshape", element, shape=[])
        for n in (first, stop, element):
            stand_in(session, n, reader, source=reader.source, label=session.label(reader))
        stand_in(session, value, reader, source=reader.source, label=session.label(reader))
        session.replace(reader, value)
