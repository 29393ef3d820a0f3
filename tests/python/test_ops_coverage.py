"""Every registered op is used by a compiled pipeline, and its inferred type matches its value."""
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes import registry

from op_cases import build_cases


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("data") / "file.bin"
    p.write_bytes(b"pixelpipes\x00\x01\x02")
    return str(p)


def _all_ops():
    return sorted(registry.schemas())


def test_every_registered_op_has_a_case(data_file):
    missing = sorted(set(_all_ops()) - set(build_cases(data_file)))
    assert not missing, f"ops without a case in tests/python/op_cases.py: {missing}"


def _check_type(value, typ, where):
    if typ.kind == "tensor":
        assert isinstance(value, np.ndarray), where
        if typ.dtype:
            assert value.dtype == pp.dtypes.to_numpy(typ.dtype), f"{where}: {value.dtype} vs {typ}"
        if typ.shape is not None:
            assert value.ndim == len(typ.shape), f"{where}: shape {value.shape} vs {typ}"
            for got, want in zip(value.shape, typ.shape):
                assert want is None or got == want, f"{where}: shape {value.shape} vs {typ}"
    elif typ.kind == "string":
        assert isinstance(value, str), where
    elif typ.kind == "list":
        assert isinstance(value, list), where
        if typ.length is not None:
            assert len(value) == typ.length, f"{where}: length {len(value)} vs {typ}"
        for v in value:
            _check_type(v, typ.element, where)


@pytest.mark.parametrize("op", _all_ops())
def test_op_runs_in_a_pipeline(op, data_file):
    cases = build_cases(data_file)
    if op not in cases:
        pytest.fail(f"no case for {op} in op_cases.py")
    with pp.Graph() as g:
        g.output("out", cases[op]())
    p = pp.compile(g, seed=1)
    used = {ins["op"] for ins in p.program.instructions}
    if op not in used and not registry.schema(op).inputs:
        # an op without inputs is a constant: the compiler folds it unless told not to
        p = pp.compile(g, seed=1, optimize=False)
        used = {ins["op"] for ins in p.program.instructions}
    assert op in used, f"{op} was optimized away: make its case's inputs vary per sample\n{p}"
    typ = p.outputs[0].type
    for i in range(3):
        _check_type(p.run(i)["out"], typ, f"{op} sample {i}")
