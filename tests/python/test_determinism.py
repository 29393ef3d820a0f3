"""Sample i of (program, seed) is the same bits whatever the threads, process or file round trip."""
import os
import subprocess
import sys

import pytest

import pixelpipes as pp
from pixelpipes import registry

from determinism_graph import build, digest, random_ops_used

SEED, COUNT = 1234, 500
HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def pipeline():
    return pp.compile(build(), seed=SEED)


@pytest.fixture(scope="module")
def reference(pipeline):
    return digest(pipeline.run(i) for i in range(COUNT))


def test_graph_uses_every_random_op(pipeline):
    every = {name for name, s in registry.schemas().items() if s.random}
    assert random_ops_used(pipeline) == every


@pytest.mark.parametrize("threads", [1, 2, 8])
def test_same_samples_for_any_thread_count(pipeline, reference, threads):
    assert digest(pipeline.run_many(0, COUNT, threads=threads)) == reference


def test_same_samples_for_any_start(pipeline, reference):
    parts = pipeline.run_many(0, 123, threads=2) + pipeline.run_many(123, COUNT - 123, threads=3)
    assert digest(parts) == reference


def test_same_samples_in_another_process(reference):
    env = dict(os.environ)
    out = subprocess.run([sys.executable, os.path.join(HERE, "determinism_graph.py"), str(SEED), "0", str(COUNT), "4"],
                         check=True, capture_output=True, text=True, cwd=os.path.dirname(HERE), env=env)
    assert out.stdout.strip() == reference


def test_same_samples_after_save_and_load(pipeline, reference, tmp_program):
    pipeline.save(tmp_program)
    loaded = pp.load(tmp_program, seed=SEED)
    assert digest(loaded.run_many(0, COUNT, threads=2)) == reference


def test_recompiling_gives_the_same_program(pipeline):
    assert pp.compile(build(), seed=SEED).to_bytes() == pipeline.to_bytes()


def test_different_seed_differs(reference):
    other = pp.compile(build(), seed=SEED + 1)
    assert digest(other.run(i) for i in range(COUNT)) != reference
