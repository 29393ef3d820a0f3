"""The resumable state of an epoch-based loader: a few plain ints, JSON-able.

``{"version": 1, "seed", "epoch", "offset", "epoch_length", "position"}``: ``offset`` is how many positions
of the epoch every rank together has consumed. It does not depend on the batch size, the world
size or the worker count, so a state resumes exactly under any of them (see epoch_plan.py)."""
from __future__ import annotations

from typing import Any, Dict, Tuple

STATE_VERSION = 1


def make_state(seed: int, epoch: int, offset: int, epoch_length: int) -> Dict[str, int]:
    """The state; ``position`` (``epoch * epoch_length + offset``, the stream position where it
    continues) is there for reading: ``offset`` is what resumes."""
    return {"version": STATE_VERSION, "seed": int(seed), "epoch": int(epoch), "offset": int(offset),
            "epoch_length": int(epoch_length), "position": int(epoch) * int(epoch_length) + int(offset)}


def read_state(state: Dict[str, Any], epoch_length: int) -> Tuple[int, int, int]:
    """(seed, epoch, offset) of a state, checked against this loader's epoch length. Also reads
    the state of pixelpipes 0.1's PixelpipesDataset (``position``: a stream position)."""
    if not isinstance(state, dict):
        raise TypeError(f"a state is a dict (from state_dict()), not {type(state).__name__}")
    version = int(state.get("version", 0))
    if version > STATE_VERSION:
        raise ValueError(f"state version {version} is newer than this pixelpipes reads ({STATE_VERSION})")
    seed, epoch = int(state["seed"]), int(state.get("epoch", 0))
    length = int(state.get("epoch_length", epoch_length))
    if length != epoch_length:
        raise ValueError(f"the state is of epochs of {length} positions, this loader's have {epoch_length}: "
                         "the same position would be another sample of another epoch, so it cannot resume exactly")
    offset = int(state["offset"]) if "offset" in state else int(state["position"]) - epoch * epoch_length
    if not 0 <= offset <= epoch_length:
        raise ValueError(f"the state's offset {offset} is outside an epoch of {epoch_length} positions")
    if offset == epoch_length:  # the epoch was finished
        epoch, offset = epoch + 1, 0
    return seed, epoch, offset
