"""Op node classes, generated at import from the native registry's schemas.

Op ``family.name`` is the class ``pixelpipes.ops.family.Name`` (``random.weighted_choice`` ->
``pixelpipes.ops.random.WeightedChoice``), with the op's inputs as positional parameters,
its attributes as keyword-only parameters, and its documentation as the docstring.
``core.constant`` is ``pixelpipes.Constant``; the flow ops that branches compile to are emitted
by the compiler (use ``pixelpipes.Conditional``, ``Switch`` and ``Toggle``).
"""
import sys as _sys

from .._opgen import build_modules as _build

_modules = _build(_sys.modules[__name__])
__all__ = sorted(name.rsplit(".", 1)[1] for name in _modules)
