"""Times the Python compiler on a generated graph of about 5000 nodes (not a test).

    python benchmarks/compile_bench.py [--nodes 5000] [--repeat 5] [--profile]

Prints the graph size, the program size and the best/median compile time in seconds.
"""
import argparse
import statistics
import time

import pixelpipes as pp
from pixelpipes.ops import list as plist
from pixelpipes.ops import random


def build(target_nodes: int) -> pp.Graph:
    """A graph like real augmentation code: random draws, arithmetic chains, shared
    subexpressions, constant subgraphs, list lookups and branches, every few steps an output."""
    with pp.Graph() as g:
        image = random.Uniform(0.0, 1.0, shape=[8, 8, 3], label="image")
        names = pp.Constant([f"class-{k}" for k in range(10)])
        acc = image
        k = 0
        while len(g.nodes) < target_nodes:
            scale = random.Uniform(0.5, 1.5)
            shift = (pp.Constant(float(k % 7)) * 0.25 + 1.0) / 3.0  # folds to a constant
            y = acc * scale + shift
            if k % 10 == 0:
                y = pp.Conditional(random.Bernoulli(0.5), y - 1.0, y * 0.5)
            if k % 25 == 0:
                y = pp.Switch([y, y * 2.0, -y], [1, 2, 1])
            acc = (y + acc) * 0.5  # shares y's subexpressions
            if k % 50 == 0:
                g.output(f"out{k}", acc)
                g.output(f"name{k}", plist.Element(names, random.Integer(0, 10)))
            k += 1
        g.output("final", acc)
    return g


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one compilation")
    args = parser.parse_args()

    t = time.perf_counter()
    graph = build(args.nodes)
    built = time.perf_counter() - t
    times = []
    pipeline = None
    for _ in range(args.repeat):
        t = time.perf_counter()
        pipeline = pp.compile(graph)
        times.append(time.perf_counter() - t)
    stats = pipeline.compile_stats
    print(f"graph: {len(graph.nodes)} nodes ({stats['nodes']} reachable), built in {built:.3f} s")
    print(f"program: {stats['instructions']} instructions, {len(pipeline.to_bytes())} bytes; "
          f"folded {stats['folded']}, merged {stats['merged']}")
    print(f"compile: best {min(times):.3f} s, median {statistics.median(times):.3f} s over {len(times)} runs")
    if args.profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        prof.enable()
        pp.compile(graph)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(20)


if __name__ == "__main__":
    main()
