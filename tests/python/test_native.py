"""The binding itself: versions, statuses -> exceptions, the registry, program loading."""
import msgpack
import pytest

import pixelpipes as pp
from pixelpipes import errors, registry
from pixelpipes._lib import ffi, lib


def test_versions_agree():
    assert pp.__version__ == ffi.string(lib.pxp_version()).decode()
    assert (lib.PXP_VERSION_MAJOR, lib.PXP_VERSION_MINOR, lib.PXP_VERSION_PATCH) == tuple(
        int(x) for x in pp.__version__.split("."))
    assert ffi.string(lib.PXP_VERSION_STRING).decode() == pp.__version__


def test_version_mismatch_is_an_import_error(monkeypatch):
    from pixelpipes import _lib
    monkeypatch.setattr(_lib, "_library_version", lambda: (99, 0, 0))
    with pytest.raises(ImportError, match="rebuild"):
        _lib.check_versions()


@pytest.mark.parametrize("code,cls,bases", [
    (lib.PXP_EINVALID_ARGUMENT, pp.InvalidArgumentError, (ValueError,)),
    (lib.PXP_EINVALID_PROGRAM, pp.ProgramError, (ValueError,)),
    (lib.PXP_EUNSUPPORTED_VERSION, pp.UnsupportedVersionError, (ValueError,)),
    (lib.PXP_EUNKNOWN_OP, pp.UnknownOpError, (LookupError,)),
    (lib.PXP_ETYPE, pp.TypeCheckError, (TypeError,)),
    (lib.PXP_EIO, pp.PixelpipesIOError, (OSError,)),
    (lib.PXP_EDECODE, pp.DecodeError, (ValueError,)),
    (lib.PXP_ENOMEM, pp.OutOfMemoryError, (MemoryError,)),
    (lib.PXP_ESTATE, pp.StateError, (RuntimeError,)),
    (lib.PXP_EOUT_OF_RANGE, pp.OutOfRangeError, (IndexError, LookupError)),
    (lib.PXP_EINTERNAL, pp.InternalError, (RuntimeError,)),
])
def test_every_status_has_its_class(code, cls, bases):
    assert errors.error_class(code) is cls
    assert issubclass(cls, pp.PixelpipesError)
    for b in bases:
        assert issubclass(cls, b)


def test_check_passes_non_errors():
    assert errors.check(lib.PXP_OK) == 0
    assert errors.check(lib.PXP_END_OF_STREAM) == lib.PXP_END_OF_STREAM


def _program(**fields):
    p = {"magic": "PXPP", "version": [1, 0], "constants": [], "instructions": [], "outputs": {}}
    p.update(fields)
    return msgpack.packb(p, use_bin_type=True)


def test_garbage_bytes_are_a_program_error():
    with pytest.raises(pp.ProgramError) as e:
        pp.Program(b"\x01\x02garbage")
    assert e.value.code == lib.PXP_EINVALID_PROGRAM
    assert e.value.message


def test_unsupported_version():
    with pytest.raises(pp.UnsupportedVersionError):
        pp.Program(_program(version=[99, 0]))


def test_unknown_op_names_the_node():
    data = _program(instructions=[{"op": "nope.nothing", "key": 1, "label": "mine", "source": "x.py:3"}])
    with pytest.raises(pp.UnknownOpError) as e:
        pp.Program(data)
    assert e.value.op == "nope.nothing"
    assert e.value.node == "mine"
    assert e.value.source == "x.py:3"
    assert e.value.instruction == 0
    assert "x.py:3" in str(e.value)


def test_registry_schemas():
    schemas = registry.schemas()
    assert "core.constant" in schemas and "flow.merge" in schemas
    merge = schemas["flow.merge"]
    assert merge.control == "merge" and merge.variadic
    for s in schemas.values():
        assert s.name and isinstance(s.doc, str)
        for a in s.attributes:
            assert a.type in ("bool", "int", "float", "string", "int_list", "float_list", "dtype", "enum")
    with pytest.raises(pp.UnknownOpError):
        registry.schema("no.such_op")


def test_program_handles_are_freed():
    import gc
    import weakref
    p = pp.Program(_program())
    ref = weakref.ref(p)
    del p
    gc.collect()
    assert ref() is None
