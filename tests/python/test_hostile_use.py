"""Never crash, never hang (issue 12): hostile but legal use of the Python API.

Each test cites the finding of issue 12 it guards. Whatever could crash the interpreter, hang it
or eat all memory runs in a child process (``subprocess_probe.run_child``) with a timeout and,
where it matters, an address-space cap (RLIMIT_AS), so a regression fails the test instead of
killing pytest. Under ``make sanitize`` RLIMIT_AS cannot work (ASan reserves terabytes of virtual
memory): tests whose outcome needs the cap skip there, the others run without it.
"""
import os
import re
import struct

import cv2
import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes.ops import image, io, mask, random
from subprocess_probe import CAPS_WORK, NO_CAP_REASON, assert_child_ok, run_child
from op_runner import varying

needs_cap = pytest.mark.skipif(not CAPS_WORK, reason=NO_CAP_REASON)
LIST_LIMIT = 2 ** 24  # 16777216: the documented list length limit


# -- 1: padding a varying output whose samples are scalars ---------------------------------------
def test_pad_varying_scalar_samples():
    """Finding 1: a varying output (a scalar or a 2 x 3 matrix by type) whose samples are all
    scalars, batched with pad_varying=True, crashed (segfault). Fixed: one float array of shape
    (3,) per batch and int64 lengths of shape (3, 0)."""
    r = run_child("""
        with pp.Graph() as g:
            g.output("out", pp.Select(pp.SampleIndex() >= 0, pp.Constant(1.0), np.zeros((2, 3), np.float32)))
        p = pp.compile(g, seed=0)
        batches = list(p.batches(3, stop=6, pad_varying=True))
        print("COUNT", len(batches))
        for b in batches:
            out, lengths = b["out"], b["out_lengths"]
            print("OUT", out.dtype.kind, out.shape, out.tolist())
            print("LENGTHS", lengths.dtype, lengths.shape)
    """, mem_mib=2048, timeout=30)
    assert_child_ok(r, "COUNT", "OUT", "LENGTHS")
    assert r.lines("COUNT") == ["2"], r.describe()
    assert r.lines("OUT") == ["f (3,) [1.0, 1.0, 1.0]"] * 2, r.describe()
    assert r.lines("LENGTHS") == ["int64 (3, 0)"] * 2, r.describe()


# -- 2: a stream that runs out of memory ---------------------------------------------------------
_BIG_SAMPLES = """
    from pixelpipes.ops import image
    small = np.arange(4 * 4 * 3, dtype=np.uint8).reshape(4, 4, 3)
    with pp.Graph() as g:
        x = pp.Select(pp.SampleIndex() >= 0, small, small)
        g.output("image", image.Resize(x, 2048, 2048, interpolation="nearest"))  # u8, 12 MiB per sample
    p = pp.compile(g, seed=0)
    assert p.outputs[0].shape == (2048, 2048, 3), p.outputs
    ref = p.run(0)["image"].copy()

    def after():
        gc.collect()
        again = p.run(0)["image"]
        print("AFTER", again.shape, bool(np.array_equal(again, ref)))
"""


@needs_cap
@pytest.mark.parametrize("prefetch, take", [(16, 4), (100000, 1)], ids=["prefetch-16", "prefetch-100000"])
def test_stream_out_of_memory_is_an_error_and_the_pipeline_goes_on(prefetch, take):
    """Finding 2: batches of 32 samples of 12 MiB with prefetch 16 need ~6.5 GiB; under a 3 GiB
    cap the stream raised OutOfMemoryError and then crashed (with prefetch 100000: a glibc abort).
    Fixed: OutOfMemoryError from batches() or next(), and after closing the iterator the pipeline
    still runs."""
    r = run_child(_BIG_SAMPLES + f"""
    cap_memory(3 * 2 ** 30)
    it = None
    try:
        it = p.batches(32, prefetch={prefetch}, threads=2)
        for _ in range({take}):
            next(it)
        print("NO-ERROR")
    except pp.OutOfMemoryError as e:
        assert isinstance(e, MemoryError)
        print("OOM", str(e).replace("\\n", " "))
    if it is not None:
        it.close()
    del it
    after()
    """, timeout=60)
    assert_child_ok(r, "OOM", "AFTER")
    assert r.lines("AFTER") == ["(2048, 2048, 3) True"], r.describe()
    assert "glibc" not in r.stderr and "Aborted" not in r.stderr


# -- 3: the OS refuses a worker thread -----------------------------------------------------------
_THREADS_REFUSED = """
    from pixelpipes.ops import random
    with pp.Graph() as g:
        g.output("x", random.Uniform(0.0, 1.0, shape=[4]))
    p = pp.compile(g, seed=0)
    ref = [p.run(i)["x"].copy() for i in range(4)]  # (no pool yet: run() computes on this thread)
    {limit}
    t = time.perf_counter()
    try:
        p.run_many(0, 600, threads=300)
        print("NO-ERROR")
    except pp.OutOfMemoryError as e:
        print("OOM", str(e).replace("\\n", " "))
    print("ELAPSED", time.perf_counter() - t)
    got = p.run_many(0, 4, threads=2)
    print("AFTER", all(np.array_equal(a["x"], b) for a, b in zip(got, ref)))
"""


def _check_threads_refused(r):
    assert_child_ok(r, "OOM", "AFTER")
    (message,) = r.lines("OOM")
    assert "thread" in message.lower(), r.describe()
    assert r.lines("AFTER") == ["True"], r.describe()


@needs_cap
def test_thread_creation_refused_by_address_space():
    """Finding 3: 300 worker threads whose stacks (8 MiB each) cannot be mapped under RLIMIT_AS =
    VmSize + 512 MiB hung in pthread_cond_destroy. Fixed: OutOfMemoryError naming the thread, and
    the pipeline runs with 2 threads afterwards. (RLIMIT_AS applies to root as well.)"""
    r = run_child(_THREADS_REFUSED.format(limit="cap_memory(vm_size_bytes() + 512 * 2 ** 20)"), timeout=30)
    _check_threads_refused(r)


def _tasks_of_uid(uid: int) -> int:
    count = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.stat(f"/proc/{pid}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{pid}/task"))
            except OSError:
                pass
    return count


def test_thread_creation_refused_by_process_limit():
    """Finding 3, with RLIMIT_NPROC a few dozen tasks above what the user runs: 300 worker threads
    must give OutOfMemoryError naming the thread, not a hang. Root is not bound by RLIMIT_NPROC,
    so as root the child first becomes the user nobody (after its imports)."""
    nobody = 65534
    uid = nobody if os.geteuid() == 0 else os.getuid()
    limit = _tasks_of_uid(uid) + 60
    become = f"os.setgid({nobody}); os.setuid({nobody}); " if os.geteuid() == 0 else ""
    r = run_child(_THREADS_REFUSED.format(
        limit=f"{become}resource.setrlimit(resource.RLIMIT_NPROC, ({limit}, {limit}))"), timeout=30)
    _check_threads_refused(r)


# -- 4: list limits -----------------------------------------------------------------------------
_LIST_CASE = """
    from pixelpipes.ops import list as plist
    with pp.Graph() as g:
{build}
    t = time.perf_counter()
    try:
        p = pp.compile(g, seed=0)
    except pp.PixelpipesError as e:
        print("COMPILE-ERROR", type(e).__name__, str(e).replace("\\n", " "))
    else:
        try:
            out = p.run(0)
            print("RESULT", type(out["out"]).__name__)
        except pp.PixelpipesError as e:
            print("RUN-ERROR", type(e).__name__, str(e).replace("\\n", " "))
    print("ELAPSED", time.perf_counter() - t)
"""


def _list_case(build: str, mem_mib: int):
    body = "\n".join("        " + line for line in build.strip().splitlines())
    return run_child(_LIST_CASE.replace("{build}", body), mem_mib=mem_mib, timeout=30)


def _assert_list_error(r, pattern: str):
    """An error at compile time (a PixelpipesError) or at run time (an OutOfRangeError or
    OutOfMemoryError) whose message matches ``pattern``."""
    assert_child_ok(r, "ELAPSED")
    compile_errors, run_errors = r.lines("COMPILE-ERROR"), r.lines("RUN-ERROR")
    assert compile_errors or run_errors, "no error: " + r.describe()
    message = (compile_errors or run_errors)[0]
    if run_errors:
        assert message.split()[0] in ("OutOfRangeError", "OutOfMemoryError"), r.describe()
    assert re.search(pattern, message), r.describe()


@pytest.mark.parametrize("start", ["constant", "varying"])
def test_list_concat_doubling_hits_the_list_limit(start):
    """Finding 4: a list doubled 31 times with list.concat (2^31 elements) ate all memory. Fixed:
    the verifier (or the op at run time) fails quickly naming a limit of one list: 16777216
    elements, or 2^31 bytes (a constant list is built at load, and 2^24 scalars are over the byte
    limit before the next doubling is over the element limit), under 2 GiB."""
    first = "pp.Constant([1])" if start == "constant" else \
        "pp.Select(pp.SampleIndex() >= 0, pp.Constant([1]), pp.Constant([2]))"
    r = _list_case(f"""
x = {first}
for _ in range(31):
    x = plist.Concat(x, x)
g.output("out", x[-1])
""", mem_mib=2048)
    _assert_list_error(r, f"{LIST_LIMIT}|2147483648")


def test_list_repeat_of_long_strings_hits_the_byte_limit():
    """Finding 4: list.repeat of a 1000-character string 2^24 times (16 GB as a list) ate all
    memory. Fixed: an error naming the byte limit of one list (2^31 bytes), under 3 GiB."""
    r = _list_case("""
g.output("out", plist.Repeat(pp.Select(pp.SampleIndex() >= 0, "x" * 1000, "y" * 1000), 2 ** 24))
""", mem_mib=3072)
    _assert_list_error(r, r"2147483648|2\^31|2 GiB")


@pytest.mark.parametrize("build", [
    'g.output("out", plist.Repeat(pp.SampleIndex(), 2 ** 24 + 1))',
    'g.output("out", plist.Repeat(pp.SampleIndex(), 2 ** 62))',
    'g.output("out", plist.Range(0, 2 ** 40, 1))',
    'g.output("out", plist.Range(pp.SampleIndex(), 2 ** 40, 1))',
    'g.output("out", plist.Range(-2 ** 63, 2 ** 63 - 1, 1))',
    'g.output("out", plist.Range(2 ** 63 - 1, -2 ** 63, -1))',
    'g.output("out", plist.Range(pp.SampleIndex() + (-2 ** 63), pp.SampleIndex() + (2 ** 63 - 1), 3))',
], ids=["repeat-2^24+1", "repeat-2^62", "range-2^40", "range-2^40-varying", "range-int64", "range-int64-down",
        "range-int64-step3"])
def test_list_range_and_repeat_name_the_limit(build):
    """Finding 4: list.range with a huge count (also where stop - start overflows int64) and
    list.repeat with a count over 2^24 fail naming 16777216, under a 2 GiB cap."""
    _assert_list_error(_list_case(build, mem_mib=2048), str(LIST_LIMIT))


# -- 5: io.read_file of special and huge files ----------------------------------------------------
_READ = """
    from pixelpipes.ops import io
    with pp.Graph() as g:
        g.output("out", io.ReadFile(pp.Select(pp.SampleIndex() >= 0, {path!r}, {path!r})))
    p = pp.compile(g, seed=0)
    t = time.perf_counter()
    try:
        out = p.run(0)["out"]
        print("READ", out.shape)
    except pp.PixelpipesError as e:
        print("ERROR", type(e).__name__, isinstance(e, OSError), str(e).replace("\\n", " "))
    print("ELAPSED", time.perf_counter() - t)
"""


def _assert_not_regular(r):
    assert_child_ok(r, "ERROR", "ELAPSED")
    (error,) = r.lines("ERROR")
    assert error.startswith("PixelpipesIOError True"), r.describe()
    assert "not a regular file" in error, r.describe()
    assert float(r.lines("ELAPSED")[0]) < 5.0, r.describe()


def test_read_file_dev_zero():
    """Finding 5: io.read_file('/dev/zero') grew until memory ran out. Fixed: a
    PixelpipesIOError (an OSError) saying it is not a regular file, quickly, under 1 GiB."""
    _assert_not_regular(run_child(_READ.format(path="/dev/zero"), mem_mib=1024, timeout=20))


def test_read_file_fifo(tmp_path):
    """Finding 5: io.read_file of a FIFO that nobody writes blocked forever. Fixed: the same
    clear error within a few seconds."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    _assert_not_regular(run_child(_READ.format(path=str(fifo)), mem_mib=1024, timeout=20))


def test_read_file_max_file_bytes(tmp_path):
    """Finding 5: the largest file io.read_file reads is a pipeline option, max_file_bytes
    (pp.compile(..., max_file_bytes=), pp.Pipeline(..., max_file_bytes=)): a larger file fails
    naming max_file_bytes, a smaller one reads; streams honour it too."""
    small, big = tmp_path / "small.bin", tmp_path / "big.bin"
    small.write_bytes(bytes(range(250)) * 2)
    big.write_bytes(b"\x01" * 2000)
    with pp.Graph() as g:
        g.output("out", io.ReadFile(pp.Constant([str(small), str(big)])[pp.SampleIndex() % 2]))
    p = pp.compile(g, seed=0, max_file_bytes=1000)
    for q in (p, pp.Pipeline(p.program, seed=0, max_file_bytes=1000)):
        assert q.run(0)["out"].tobytes() == small.read_bytes()
        with pytest.raises(pp.PixelpipesError, match="max_file_bytes") as e:
            q.run(1)
        assert e.value.sample == 1
        it = q.batches(1, stop=2)
        assert next(it)["out"][0].tobytes() == small.read_bytes()
        with pytest.raises(pp.PixelpipesError, match="max_file_bytes"):
            next(it)
        it.close()
    # without the option, the 2000-byte file reads
    assert pp.compile(g, seed=0).run(1)["out"].shape == (2000,)


def test_read_file_default_limit_is_2_gib_30(tmp_path):
    """Finding 5: the default max_file_bytes is 2^30: a (sparse) file one byte larger fails naming
    max_file_bytes, without reading it (under a 1 GiB cap)."""
    path = tmp_path / "sparse.bin"
    with open(path, "wb") as f:
        f.truncate(2 ** 30 + 1)
    r = run_child(_READ.format(path=str(path)), mem_mib=1024, timeout=30)
    assert_child_ok(r, "ERROR")
    (error,) = r.lines("ERROR")
    assert "max_file_bytes" in error, r.describe()


# -- 6: os.fork after the worker threads have run --------------------------------------------------
_FORK = """
    import hashlib, signal
    from pixelpipes.ops import random

    def digest(samples):
        h = hashlib.sha256()
        for s in samples:
            for name in sorted(s):
                h.update(np.ascontiguousarray(s[name]).tobytes())
        return h.hexdigest()

    with pp.Graph() as g:
        g.output("x", random.Uniform(0.0, 1.0, shape=[16, 16]))
        g.output("i", pp.SampleIndex())
    p = pp.compile(g, seed=3)

    def wait_child(pid, seconds):
        deadline = time.monotonic() + seconds
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return "HUNG"
            time.sleep(0.01)

    def in_forked_child(body):
        # body() in a child of os.fork(): its exit code (0 when body returned), or "HUNG"
        pid = os.fork()
        if pid == 0:
            code = 3
            try:
                body()
                code = 0
            except BaseException as e:
                print("CHILD-ERROR", repr(e), flush=True)
            finally:
                os._exit(code)
        return wait_child(pid, 8)
"""


def test_fork_after_run_many():
    """Finding 6: after run_many on worker threads, os.fork()'s child hung in its own run_many.
    Fixed: the child computes the same samples as the parent and exits."""
    r = run_child(_FORK + """
    parent = digest(p.run_many(0, 8, threads=2))
    print("PARENT", parent, flush=True)
    print("CHILD-EXIT", in_forked_child(lambda: print("CHILD", digest(p.run_many(0, 8, threads=2)), flush=True)),
          flush=True)
    print("PARENT-AGAIN", digest(p.run_many(0, 8, threads=2)), flush=True)
    """, timeout=25)
    assert_child_ok(r, "PARENT", "CHILD-EXIT")
    assert r.lines("CHILD-EXIT") == ["0"], r.describe()
    assert r.lines("CHILD") == r.lines("PARENT") == r.lines("PARENT-AGAIN"), r.describe()


def test_fork_with_an_open_stream():
    """Finding 6: a stream opened before os.fork() belongs to the parent: in the child next()
    raises StateError (a RuntimeError) saying so, close() returns promptly, and a new stream in
    the child works. The parent's stream goes on."""
    r = run_child(_FORK + """
    it = p.batches(4, threads=2)
    first = next(it)
    # Let the workers finish the batches they compute ahead before forking: GCC 12's ASan runtime
    # does not lock its allocator around fork(), so a worker inside malloc at that moment leaves
    # the child's allocator locked (glibc's malloc, without ASan, is fork-safe).
    time.sleep(0.5)

    def child():
        try:
            next(it)
            print("CHILD-NEXT-WORKED", flush=True)
        except pp.StateError as e:
            assert isinstance(e, RuntimeError)
            print("CHILD-STATE-ERROR", str(e).replace("\\n", " "), flush=True)
        t = time.perf_counter()
        it.close()
        print("CHILD-CLOSE", time.perf_counter() - t, flush=True)
        fresh = next(p.batches(4, threads=2))
        print("CHILD-NEW", digest([fresh]) == digest([first]), flush=True)

    print("CHILD-EXIT", in_forked_child(child), flush=True)
    second = next(it)
    print("PARENT-NEXT", second.first_position, flush=True)
    it.close()
    """, timeout=25)
    assert_child_ok(r, "CHILD-EXIT", "PARENT-NEXT")
    assert r.lines("CHILD-EXIT") == ["0"], r.describe()
    (message,) = r.lines("CHILD-STATE-ERROR")
    assert re.search(r"fork|another process", message), r.describe()
    assert float(r.lines("CHILD-CLOSE")[0]) < 2.0, r.describe()
    assert r.lines("CHILD-NEW") == ["True"], r.describe()
    assert r.lines("PARENT-NEXT") == ["4"], r.describe()


# -- 7: dimensions ------------------------------------------------------------------------------
def test_nine_dimensions_fail_to_compile():
    """Finding 7: a tensor of 9 dimensions compiled, then failed at run with a cffi IndexError.
    Fixed: pp.compile raises a PixelpipesError saying 8 dimensions is the limit."""
    with pp.Graph() as g:
        g.output("x", random.Uniform(0.0, 1.0, shape=[1] * 9))
    with pytest.raises(pp.PixelpipesError) as e:
        pp.compile(g, seed=0)
    assert re.search(r"\b8\b", str(e.value)) and "dimension" in str(e.value), str(e.value)


def test_batching_eight_dimensions_fails_cleanly():
    """Finding 7: an output of 8 dimensions runs alone, but a batch of it would need 9: batches()
    raises a PixelpipesError naming the output and the 9 dimensions. With 7 dimensions batches
    work."""
    r = run_child("""
    from pixelpipes.ops import random
    with pp.Graph() as g:
        g.output("seven", random.Uniform(0.0, 1.0, shape=[1] * 7))
    print("SEVEN", next(pp.compile(g, seed=0).batches(2))["seven"].shape, flush=True)
    with pp.Graph() as g:
        g.output("deep", random.Uniform(0.0, 1.0, shape=[1] * 8))
    p = pp.compile(g, seed=0)
    print("RUN", p.run(0)["deep"].shape, flush=True)
    try:
        it = p.batches(2)
        b = next(it)
        print("BATCHED", b["deep"].shape if hasattr(b["deep"], "shape") else type(b["deep"]).__name__)
    except pp.PixelpipesError as e:
        print("ERROR", str(e).replace("\\n", " "))
    """, mem_mib=2048, timeout=30)
    assert_child_ok(r, "SEVEN", "RUN", "ERROR")
    assert r.lines("SEVEN") == [str((2,) + (1,) * 7)], r.describe()
    assert r.lines("RUN") == [str((1,) * 8)], r.describe()
    (message,) = r.lines("ERROR")
    assert "deep" in message and re.search(r"\b9\b", message) and "dimension" in message, r.describe()


# -- 8: corrupt JPEG files ----------------------------------------------------------------------
def _jpeg(h: int, w: int, quality: int = 90, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([(x * 255) // max(w - 1, 1), (y * 255) // max(h - 1, 1), ((x + y) * 9) % 256], -1)
    img = np.clip(img + rng.integers(0, 48, img.shape), 0, 255).astype(np.uint8)
    ok, enc = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return enc.tobytes()


def _sof(data: bytes) -> int:
    return data.index(b"\xff\xc0")  # cv2 writes baseline (SOF0) files


def _cut_scan(data: bytes, keep: float = 0.4) -> bytes:
    """The file with its entropy-coded data cut to ``keep`` of its length, still ending in EOI."""
    sos = data.index(b"\xff\xda")
    start = sos + 2 + struct.unpack(">H", data[sos + 2:sos + 4])[0]
    end = data.rindex(b"\xff\xd9")
    cut = data[:start + int((end - start) * keep)].rstrip(b"\xff")
    return cut + b"\xff\xd9"


def _declare(data: bytes, height: int, width: int) -> bytes:
    sof = _sof(data)
    return data[:sof + 5] + struct.pack(">HH", height, width) + data[sof + 9:]


def _decode(op, data: bytes, **attrs):
    arr = np.frombuffer(data, np.uint8).copy()
    with pp.Graph() as g:
        g.output("out", op(varying(arr), **attrs))
    return pp.compile(g, seed=0).run(0)["out"]


H, W = 64, 80
CORRUPT_JPEGS = {
    "scan-cut-short": lambda: (_cut_scan(_jpeg(H, W)), (H, W)),
    "frame-larger-than-data": lambda: (_declare(_jpeg(H, W), 2 * H, 2 * W), (2 * H, 2 * W)),
}


@pytest.mark.parametrize("op", [image.DecodeJpeg, image.Decode], ids=["decode_jpeg", "decode"])
@pytest.mark.parametrize("case", list(CORRUPT_JPEGS))
def test_corrupt_jpeg_strict_and_lenient(case, op):
    """Finding 8: a JPEG whose scan data is cut short (but ends in EOI) and one whose frame header
    declares more pixels than its data holds decoded without error, with made-up pixels. Fixed:
    DecodeError by default (strict); strict=False decodes them (the declared size)."""
    data, shape = CORRUPT_JPEGS[case]()
    assert _decode(op, _jpeg(H, W)).shape == (H, W, 3)  # the intact file decodes
    with pytest.raises(pp.DecodeError):
        _decode(op, data)
    assert _decode(op, data, strict=False).shape == shape + (3,)


def test_tiny_jpeg_declaring_huge_frame():
    """Finding 8: a ~2 KB file whose frame header declares 16384 x 16384 pixels (2^28, within
    max_pixels) was decoded into 768 MiB. Fixed: strict mode allows at most 4096 pixels per byte
    of file: a DecodeError naming that limit, within a second, under a 1 GiB cap."""
    data = _jpeg(40, 40, quality=75)
    assert 1000 < len(data) < 4096, len(data)
    data = _declare(data, 16384, 16384)
    r = run_child(f"""
    from pixelpipes.ops import image
    data = np.frombuffer({data!r}, np.uint8).copy()
    for name, op in (("decode_jpeg", image.DecodeJpeg), ("decode", image.Decode)):
        with pp.Graph() as g:
            g.output("out", op(pp.Select(pp.SampleIndex() >= 0, data, data)))
        p = pp.compile(g, seed=0)
        t = time.perf_counter()
        try:
            out = p.run(0)["out"]
            print("DECODED", name, out.shape, flush=True)
        except pp.PixelpipesError as e:
            print("ERROR", name, type(e).__name__, time.perf_counter() - t, str(e).replace("\\n", " "), flush=True)
    """, mem_mib=1024, timeout=30)
    assert_child_ok(r, "ERROR")
    errors = r.lines("ERROR")
    assert len(errors) == 2, r.describe()
    for line in errors:
        name, cls, seconds, message = line.split(" ", 3)
        assert cls == "DecodeError", r.describe()
        assert float(seconds) < 1.0, r.describe()
        assert "4096" in message and "byte" in message.lower(), r.describe()


# -- 9: zero-element tensors with huge dimensions ------------------------------------------------
@pytest.mark.parametrize("shape", ["(2 ** 34, 0)", "(2 ** 30, 2 ** 4, 0)"], ids=["2^34x0", "2^30x16x0"])
@pytest.mark.parametrize("op", ["Moments", "IsEmpty", "BoundingBox"])
def test_mask_ops_on_empty_mask_with_huge_dimension(op, shape):
    """Finding 9: mask ops on a (2^34, 0) mask (no element, 2^34 rows: the largest dimension a
    program may hold) looped over the rows (~10 to 50 s of CPU each), and a (2^30, 16, 0) mask
    over its 2^34 pixels. Fixed: run(0) finishes at once, with a result or a clean error (20 s
    timeout, 5 s bound as a safety margin)."""
    assert getattr(mask, op)  # the op exists
    r = run_child(f"""
    from pixelpipes.ops import mask
    z = np.zeros({shape}, np.uint8)
    with pp.Graph() as g:
        g.output("out", mask.{op}(pp.Select(pp.SampleIndex() >= 0, z, z)))
    t = time.perf_counter()
    try:
        out = pp.compile(g, seed=0).run(0)["out"]
        print("RESULT", np.asarray(out).tolist())
    except pp.PixelpipesError as e:
        print("ERROR", type(e).__name__, str(e).replace("\\n", " "))
    print("ELAPSED", time.perf_counter() - t)
    """, mem_mib=2048, timeout=20)
    assert_child_ok(r, "ELAPSED")
    assert r.lines("RESULT") or r.lines("ERROR"), r.describe()
    assert float(r.lines("ELAPSED")[0]) < 5.0, r.describe()


# -- 10: flow.merge with a huge selector --------------------------------------------------------
@pytest.mark.parametrize("values", [2, 3, "bare"])
def test_merge_selector_int64_max(values):
    """Finding 10: a branch selector of INT64_MAX overflowed the merge's range check (pick + 1)
    and read past its inputs. Fixed: OutOfRangeError (an IndexError) naming the selector."""
    r = run_child(f"""
    from pixelpipes.flow import Choice
    values = {values!r}
    with pp.Graph() as g:
        sel = pp.Select(pp.SampleIndex() >= 0, pp.Constant(2 ** 63 - 1), pp.Constant(0))
        if values == "bare":  # values computed outside the choice: a bare flow.merge
            options = [pp.SampleIndex() * 10, pp.SampleIndex() * 10 + 1]
            for k, v in enumerate(options):
                g.output(f"v{{k}}", v)
        else:
            options = [pp.SampleIndex() + 10 * k for k in range(values)]
        g.output("out", Choice(sel, *options))
    p = pp.compile(g, seed=0)
    print("PROGRAM-HAS-MERGE", "flow.merge" in p.disassemble())
    try:
        print("VALUE", p.run(0)["out"].tolist(), flush=True)
    except pp.PixelpipesError as e:
        print("ERROR", type(e).__name__, isinstance(e, IndexError), str(e).replace("\\n", " "))
    """, mem_mib=2048, timeout=20)
    assert_child_ok(r, "PROGRAM-HAS-MERGE True", "ERROR")
    (error,) = r.lines("ERROR")
    assert error.startswith("OutOfRangeError True"), r.describe()
    assert str(2 ** 63 - 1) in error, r.describe()


# -- 11: failing samples at indices >= 2^63 -----------------------------------------------------
def _always_failing(tmp_path):
    with pp.Graph() as g:
        g.output("out", io.ReadFile(varying(str(tmp_path / "missing.bin"))))
    return pp.compile(g, seed=0)


@pytest.mark.parametrize("index", [2 ** 63 - 1, 2 ** 63, 2 ** 63 + 5, 2 ** 64 - 1])
def test_error_sample_at_huge_index(tmp_path, index):
    """Finding 11: an error of a sample >= 2^63 had .sample None (the index went through int64).
    Fixed: e.sample is the index, for run() and for streams."""
    p = _always_failing(tmp_path)
    with pytest.raises(pp.PixelpipesIOError) as e:
        p.run(index)
    assert e.value.sample == index
    assert f"sample {index}" in str(e.value)
    with pytest.raises(pp.PixelpipesIOError) as e:
        next(p.batches(1, start=index))
    assert e.value.sample == index


def test_error_sample_at_huge_index_in_batches(tmp_path):
    """Finding 11, through batches(start=2**63 + 8): the lowest failing sample of each batch."""
    p = _always_failing(tmp_path)
    it = p.batches(4, start=2 ** 63 + 8, threads=2)
    for k in range(3):
        with pytest.raises(pp.PixelpipesIOError) as e:
            next(it)
        assert e.value.sample == 2 ** 63 + 8 + 4 * k
    it.close()


# -- 12: exact statistics with on_error="raise" --------------------------------------------------
@pytest.mark.parametrize("threads", [1, 2, 4])
def test_raise_statistics_count_one_failure_per_raised_batch(threads):
    """Finding 12: with on_error="raise", stats()["failed"] counted the failures of samples that
    were never raised, as many as happened to run before the batch stopped (30 to 90 for 30
    failing batches). Fixed: exactly one per batch that raised, for any threads and prefetch.
    Samples 3..7 of every batch of 8 fail; sample 3's error is the one raised."""
    with pp.Graph() as g:
        i = pp.SampleIndex()
        g.output("picked", pp.Constant([10, 20])[pp.Select(i % 8 >= 3, 5, 0)])
        g.output("index", i)
    p = pp.compile(g, seed=0)
    for prefetch in (1, 4, 16):
        for repeat in range(3):
            it = p.batches(8, threads=threads, prefetch=prefetch)
            for k in range(30):
                with pytest.raises(pp.OutOfRangeError) as e:
                    next(it)
                assert e.value.sample == 8 * k + 3
            assert it.stats()["failed"] == 30, (threads, prefetch, repeat, it.stats())
            it.close()
            assert it.stats()["failed"] == 30, (threads, prefetch, repeat, it.stats())


# -- 13: one pool per pipeline -------------------------------------------------------------------
def test_run_many_with_changing_threads_keeps_one_pool():
    """Finding 13: run_many with threads=1..32 in turn kept a pool per thread count (~530
    threads). Fixed: at most one pool: at most 32 threads more than before afterwards."""
    r = run_child("""
    from process_probes import thread_count
    from pixelpipes.ops import random
    with pp.Graph() as g:
        g.output("x", random.Uniform(0.0, 1.0, shape=[4]))
    p = pp.compile(g, seed=0)
    before = thread_count()
    ref = [p.run(i)["x"].copy() for i in range(64)]
    for t in range(1, 33):
        got = p.run_many(0, 64, threads=t)
        assert all(np.array_equal(a["x"], b) for a, b in zip(got, ref)), t
    deadline = time.perf_counter() + 5
    while thread_count() > before + 32 and time.perf_counter() < deadline:
        time.sleep(0.01)
    print("THREADS", before, thread_count())
    """, timeout=30)
    assert_child_ok(r, "THREADS")
    before, after = map(int, r.lines("THREADS")[0].split())
    assert after <= before + 32, r.describe()


# -- 14: Ctrl-C during run_many -----------------------------------------------------------------
@pytest.mark.parametrize("how", ["interrupt_main", "sigint"])
def test_ctrl_c_interrupts_run_many(how):
    """Finding 14: Ctrl-C during a long run_many waited for all of it (KeyboardInterrupt only
    after every sample was done). Fixed: KeyboardInterrupt within ~1.5 s (asserted < 3 s), no
    worker thread left beyond the pool, and the pipeline still works."""
    r = run_child(f"""
    import _thread, signal
    from process_probes import settled_thread_count, thread_count
    from pixelpipes.ops import filter as pfilter, mask, random
    with pp.Graph() as g:
        img = random.Uniform(0.0, 1.0, shape=[128, 128, 3])
        g.output("empty", mask.IsEmpty(pfilter.GaussianBlur(img, 2.0, kernel_size=7)))  # slow, small output
    p = pp.compile(g, seed=1)
    ref = [bool(s["empty"]) for s in p.run_many(0, 8, threads=2)]  # the pool exists from here on
    t = time.perf_counter()
    p.run_many(0, 64, threads=2)
    per_sample = (time.perf_counter() - t) / 64
    # the pool's threads; a thread joined a moment ago may still be listed (process_probes.py)
    time.sleep(0.2)
    threads = thread_count()
    count = max(int(60 / per_sample), 10000)  # a minute of work at least
    if {how!r} == "sigint":
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    else:
        timer = threading.Timer(0.5, _thread.interrupt_main)
    t = time.perf_counter()
    timer.start()
    try:
        p.run_many(0, count, threads=2)
        print("NOT-INTERRUPTED", time.perf_counter() - t, flush=True)
    except KeyboardInterrupt:
        print("INTERRUPTED", time.perf_counter() - t - 0.5, flush=True)
    timer.join()
    print("THREADS", threads, settled_thread_count(threads), flush=True)
    print("AFTER", [bool(s["empty"]) for s in p.run_many(0, 8, threads=2)] == ref, flush=True)
    """, timeout=25)
    assert_child_ok(r, "INTERRUPTED", "THREADS", "AFTER")
    assert float(r.lines("INTERRUPTED")[0]) < 3.0, r.describe()
    expected, settled = map(int, r.lines("THREADS")[0].split())
    assert settled == expected, r.describe()
    assert r.lines("AFTER") == ["True"], r.describe()


# -- 15: no silent coercion of arguments --------------------------------------------------------
@pytest.fixture(scope="module")
def small():
    with pp.Graph() as g:
        g.output("x", random.Uniform(0.0, 1.0, shape=[2]))
        g.output("i", pp.SampleIndex())
    return g, pp.compile(g, seed=0)


COERCIONS = {
    "batches(batch_size=1.5)": ("batch_size", lambda g, p: p.batches(batch_size=1.5)),
    "batches('4')": ("batch_size", lambda g, p: p.batches("4")),
    "run(1.5)": ("index", lambda g, p: p.run(1.5)),
    "run('1')": ("index", lambda g, p: p.run("1")),
    "compile(seed=1.5)": ("seed", lambda g, p: pp.compile(g, seed=1.5)),
    "Pipeline(seed=1.5)": ("seed", lambda g, p: pp.Pipeline(p.program, seed=1.5)),
    "run_many(0, 2.0)": ("count", lambda g, p: p.run_many(0, 2.0)),
    "run_many(0.0, 2)": ("start", lambda g, p: p.run_many(0.0, 2)),
    "run_many(threads=1.5)": ("threads", lambda g, p: p.run_many(0, 2, threads=1.5)),
    "batches(start=1.5)": ("start", lambda g, p: p.batches(4, start=1.5)),
    "batches(stop=3.5)": ("stop", lambda g, p: p.batches(4, stop=3.5)),
    "batches(threads=1.5)": ("threads", lambda g, p: p.batches(4, threads=1.5)),
    "batches(prefetch=2.0)": ("prefetch", lambda g, p: p.batches(4, prefetch=2.0)),
    "batches(rank=0.0)": ("rank", lambda g, p: p.batches(4, rank=0.0)),
    "batches(world_size=1.0)": ("world_size", lambda g, p: p.batches(4, world_size=1.0)),
    "batches(max_attempts=2.5)": ("max_attempts", lambda g, p: p.batches(4, on_error="skip", max_attempts=2.5)),
    "batches(fallback_index=1.5)": ("fallback_index",
                                    lambda g, p: p.batches(4, on_error="fallback", fallback_index=1.5)),
    "batches(epoch_length=2.5)": ("epoch_length", lambda g, p: p.batches(4, on_error="skip", epoch_length=2.5)),
    "batches(max_batch_bytes=1e9)": ("max_batch_bytes", lambda g, p: p.batches(4, max_batch_bytes=1e9)),
}


@pytest.mark.parametrize("case", list(COERCIONS))
def test_no_silent_coercion(small, case):
    """Finding 15: floats and strings given for integer arguments were silently truncated or
    parsed (int(1.5) == 1). Fixed: TypeError naming the argument."""
    g, p = small
    name, call = COERCIONS[case]
    with pytest.raises(TypeError, match=name):
        it = call(g, p)
        if isinstance(it, pp.BatchIterator):
            it.close()


def test_numpy_integers_stay_accepted(small):
    """Finding 15: NumPy integers are integers: accepted everywhere an int is."""
    g, p = small
    i64, u64 = np.int64, np.uint64
    assert int(p.run(i64(3))["i"]) == 3 and int(p.run(u64(4))["i"]) == 4
    assert [int(s["i"]) for s in p.run_many(i64(2), i64(3), threads=i64(2))] == [2, 3, 4]
    assert pp.compile(g, seed=i64(5)).seed == 5
    assert pp.Pipeline(p.program, seed=u64(6)).seed == 6
    with p.batches(i64(4), start=i64(8), stop=i64(16), threads=i64(2), prefetch=i64(2), rank=i64(1),
                   world_size=i64(2), max_batch_bytes=i64(2 ** 20)) as it:
        assert [b["i"].tolist() for b in it] == [[12, 13, 14, 15]]
    it = p.batches(i64(2), on_error="fallback", fallback_index=i64(0), max_attempts=i64(3), epoch_length=i64(10))
    assert next(it)["i"].tolist() == [0, 1]
    it.close()


@pytest.mark.skipif(not CAPS_WORK, reason="Python-level argument checks; torch is not loaded into the ASan "
                                          "interpreter (test_torch.py runs in make test)")
def test_no_silent_coercion_in_the_torch_dataset(small):
    """Finding 15, for PyTorch users: PixelpipesDataset and set_epoch take integers only."""
    from pixelpipes.torch import PixelpipesDataset
    _, p = small
    for kwargs, name in (({"batch_size": 1.5}, "batch_size"), ({"batch_size": 4, "epoch_length": 8.0}, "epoch_length"),
                         ({"batch_size": 4, "prefetch": "2"}, "prefetch"), ({"batch_size": 4, "epoch": 1.0}, "epoch"),
                         ({"batch_size": 4, "threads": 2.0}, "threads")):
        with pytest.raises(TypeError, match=name):
            PixelpipesDataset(p, **kwargs)
    ds = PixelpipesDataset(p, batch_size=4, epoch_length=8)
    with pytest.raises(TypeError, match="epoch"):
        ds.set_epoch(1.5)
    ds.set_epoch(np.int64(1))
