"""Branches: Conditional, Switch and Toggle compile to real jumps, so an untaken branch never runs."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from .node import Node, as_node


class Choice(Node):
    """``values[selector]``, where only the chosen value is computed for a sample.

    Inputs are ``(selector, *values)``. A ``binary`` choice has two values and a boolean (or 0/1)
    selector: true picks ``values[1]``. Nodes used only by one value are placed inside that
    branch; nodes used elsewhere too are computed before it.
    """

    binary = False

    @property
    def selector(self) -> Node:
        return self.inputs[0]

    @property
    def values(self):
        return self.inputs[1:]


class Conditional(Choice):
    """``true`` if ``condition`` (a boolean scalar) holds for the sample, else ``false``."""

    binary = True

    def __init__(self, condition: Any, true: Any, false: Any, *, label: Optional[str] = None):
        super().__init__(condition, false, true, label=label)


class Toggle(Choice):
    """``true`` with probability ``probability`` (drawn per sample), else ``false``."""

    binary = True

    def __init__(self, probability: Any, true: Any, false: Any, *, label: Optional[str] = None):
        from ._opgen import op_class
        draw = op_class("random.bernoulli")(probability, label=f"{label}.draw" if label else None)
        super().__init__(draw, false, true, label=label)


class Switch(Choice):
    """One of ``options`` per sample, option ``i`` with probability ``weights[i] / sum(weights)``.

    ``weights`` may be a list of numbers or a node (a 1-D tensor or list of numbers).
    """

    def __init__(self, options: Sequence[Any], weights: Any, *, label: Optional[str] = None):
        from ._opgen import op_class
        options = list(options)
        if not options:
            raise ValueError("Switch needs at least one option")
        if not isinstance(weights, Node):
            weights = [float(w) for w in weights]
            if len(weights) != len(options):
                raise ValueError(f"Switch has {len(options)} options but {len(weights)} weights")
            if any(w < 0 for w in weights) or sum(weights) <= 0:
                raise ValueError(f"Switch weights must be non-negative with a positive sum, not {weights}")
        selector = op_class("random.weighted_choice")(as_node(weights) if isinstance(weights, Node) else
                                                      _weights_constant(weights),
                                                      label=f"{label}.choice" if label else None)
        super().__init__(selector, *options, label=label)


def _weights_constant(weights):
    import numpy as np
    from .node import Constant
    return Constant(np.asarray(weights, dtype=np.float64))


def Select(condition: Any, a: Any, b: Any, *, label: Optional[str] = None) -> Node:
    """``a`` if ``condition`` else ``b``, computing both (cheap values; use Conditional to skip work)."""
    from ._opgen import op_class
    return op_class("flow.select")(condition, a, b, label=label)
