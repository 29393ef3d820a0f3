"""The pixelpipes command: every subcommand on the embedded data or a tiny pipeline file,
checking output and exit status; bad input gives status 1 and one line."""
import os
import subprocess
import sys

import numpy as np
import pytest

import pixelpipes as pp
from pixelpipes.cli import main

PNG = b"\x89PNG\r\n\x1a\n"

TINY = '''
import numpy as np
import pixelpipes as pp
from pixelpipes.ops import random, tensor

def build():
    with pp.Graph() as g:
        img = tensor.Cast(random.Uniform(0.0, 255.0, shape=[16, 16, 3]), dtype="u8")
        g.output("image", img)
        g.output("boxes", pp.Constant(np.array([[2, 2, 9, 12]], np.float32)) + random.Uniform(0.0, 2.0))
        g.output("label", random.Integer(0, 3))
    return g
'''


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.py"
    path.write_text(TINY)
    return str(path)


def run_cli(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "run", "bench", "preview", "inspect", "graph"):
        assert command in out


def test_demo(capsys, tmp_path):
    status, out, err = run_cli(capsys, "demo", "-n", 64, "--batch", 16, "--threads", 2,
                               "--preview", tmp_path / "demo.png")
    assert status == 0, err
    assert "64 img in" in out and "img/s" in out
    assert "image    f32[3,56,56]" in out
    assert (tmp_path / "demo.png").read_bytes()[:8] == PNG


def test_run_a_script(capsys, tiny, tmp_path):
    status, out, err = run_cli(capsys, "run", tiny, "-n", 20, "--batch", 8, "--threads", 2, "--seed", 3,
                               "--start", 5, "--save-npy", tmp_path / "npy")
    assert status == 0, err
    assert "image            uint8 [8, 16, 16, 3]" in out
    assert "20 img in" in out and "positions 5..24, seed 3" in out
    saved = np.load(tmp_path / "npy" / "image.npy")
    expected = pp.compile(pp.cli.programs.graph_from_script(tiny), seed=3).run(5)["image"]
    np.testing.assert_array_equal(saved[0], expected)


def test_run_a_saved_program(capsys, tiny, tmp_path):
    pipeline = pp.compile(pp.cli.programs.graph_from_script(tiny), seed=9)
    pp.save(pipeline, tmp_path / "tiny.pxp")
    status, out, err = run_cli(capsys, "run", tmp_path / "tiny.pxp", "-n", 8, "--batch", 4, "--threads", 1)
    assert status == 0, err
    assert "seed 9" in out        # the seed saved with the program


def test_bench(capsys, tiny):
    status, out, err = run_cli(capsys, "bench", tiny, "-n", 32, "--batch", 8, "--thread-counts", "1,2")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["threads", "batch", "samples", "seconds", "img/s", "ms/batch"]
    assert [ln.split()[0] for ln in lines[1:3]] == ["1", "2"]
    assert lines[-1].startswith("best:")


def test_preview(capsys, tiny, tmp_path):
    status, out, err = run_cli(capsys, "preview", tiny, "-n", 4, "-o", tmp_path / "p.png")
    assert status == 0, err
    assert (tmp_path / "p.png").read_bytes()[:8] == PNG


def test_preview_draws_boxes_and_masks():
    from pixelpipes.preview import render_sample
    img = np.zeros((16, 16, 3), np.uint8)
    mask = np.zeros((16, 16, 1), np.uint8)
    mask[0:4, 0:4] = 1
    tile, = render_sample({"image": img, "boxes": np.array([[8, 8, 12, 12]], np.float32), "mask": mask})
    assert tile[8, 8:12].any() and not tile[9:11, 9:11].any()       # an outline, not a fill
    assert tile[0:4, 0:4].any() and not tile[5:7, 0:4].any()          # the mask, blended


def test_inspect_and_profile(capsys, tiny):
    status, out, err = run_cli(capsys, "inspect", tiny)
    assert status == 0, err
    assert out.startswith("; pixelpipes program") and "random.uniform" in out and "tiny.py:" in out
    status, out, err = run_cli(capsys, "inspect", tiny, "--profile", 4)
    assert status == 0, err
    table = out[out.index("; per-op profile: 4 samples from position 0 on 1 thread"):].splitlines()
    assert table[1].split() == ["index", "op", "calls", "total", "ms", "us/call", "share", "node", "@", "source"]
    rows = [line.split() for line in table[2:] if line.split()[0].startswith("%")]
    assert table[2 + len(rows)].split()[0] == "total"
    ops = [r[1] for r in rows]
    assert "random.uniform" in ops and "random.integer" in ops and "core.constant" not in ops
    assert all(r[2] == "4" for r in rows)                       # no branch: every op ran once per sample
    times = [float(r[3]) for r in rows]
    assert times == sorted(times, reverse=True)                 # sorted by time
    assert abs(sum(float(r[5].rstrip("%")) for r in rows) - 100) < 1.0
    assert all("tiny.py:" in " ".join(r) for r in rows)         # the user's source line


def test_graph_dot(capsys, tiny, tmp_path):
    status, out, err = run_cli(capsys, "graph", tiny)
    assert status == 0, err
    assert out.startswith("digraph pixelpipes {") and out.rstrip().endswith("}")
    assert '"image"' in out and "random.uniform" in out
    status, out, err = run_cli(capsys, "graph", tiny, "-o", tmp_path / "g.dot", "--svg", tmp_path / "g.svg")
    assert status == 0, err
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("x = 1 / 0\n", "ZeroDivisionError"),
    ("import pixelpipes as pp\nwith pp.Graph() as g:\n    g.output('x', pp.Constant('a') + 1)\n", "run: error:"),
    ("value = 3\n", "defines no pipeline"),
])
def test_errors_are_one_line_and_status_1(capsys, tmp_path, content, message):
    path = tmp_path / "broken.py"
    if content is not None:
        path.write_text(content)
    status, out, err = run_cli(capsys, "run", path, "-n", 4)
    assert status == 1
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_corrupt_program_file(capsys, tmp_path):
    (tmp_path / "bad.pxp").write_bytes(b"not a program")
    status, out, err = run_cli(capsys, "inspect", tmp_path / "bad.pxp")
    assert status == 1 and len(err.strip().splitlines()) == 1


def test_verbose_shows_the_traceback(capsys, tmp_path):
    (tmp_path / "b.py").write_text("x = 1 / 0\n")
    status, out, err = run_cli(capsys, "run", tmp_path / "b.py", "--verbose")
    assert status == 1 and "Traceback" in err


def test_python_dash_m_and_no_torch():
    code = ("import sys, runpy; sys.argv = ['pixelpipes', '--version'];\n"
            "try:\n    runpy.run_module('pixelpipes', run_name='__main__')\n"
            "except SystemExit as e:\n    assert e.code == 0, e.code\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("pixelpipes ")


def test_progress_without_tqdm_is_a_plain_line_then_the_summary(monkeypatch, capsys):
    import builtins
    import sys
    import time
    from pixelpipes.progress import Meter
    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name == "tqdm":
            raise ImportError("no tqdm here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    m = Meter(100, "work", progress=True, file=sys.stdout)
    m.update(10)
    time.sleep(0.55)
    m.update(20)
    m.close()
    out, err = capsys.readouterr()
    assert "\rwork: 10/100 img" in err and "\rwork: 30/100 img" in err
    assert out.startswith("work: 30 img in ")
