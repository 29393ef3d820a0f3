"""Distributed training on real photos, killed mid-epoch and resumed with another number of
processes: the samples seen are exactly those of the uninterrupted run.

    python examples/ddp_resume.py [--world 2] [--resume-worlds 1,3] [--epoch-length 192] [--stop-at 5]

A small CNN learns which of six photos (examples/data/photos) a random crop comes from, with
DistributedDataParallel over gloo (CPU) and pixelpipes.torch.Loader feeding each rank. The
script runs, each in fresh processes:

1. the uninterrupted reference: one epoch on ``--world`` processes;
2. the same, killed at step ``--stop-at`` right after saving a checkpoint (model, optimizer and
   the loader's state, a few dozen bytes);
3. for each of ``--resume-worlds``: a resume from that checkpoint on that many processes.

Every rank records the samples it trained on (stream position and a hash of the image); the
script then prints whether the interrupted + resumed runs saw exactly the reference's samples,
each once, with the same pixels. See docs/torch.md.
"""
import argparse
import gc
import hashlib
import json
import os
import signal
import sys
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import pixelpipes as pp
from pixelpipes import augment, datasets
from pixelpipes.torch import Loader

PHOTOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "photos")


def build_pipeline(epoch_length: int, size: int = 48) -> pp.Pipeline:
    files = sorted(os.path.join(PHOTOS, f) for f in os.listdir(PHOTOS) if f.endswith(".jpg"))
    # each photo is a class; an epoch shows every photo epoch_length / 6 times, as random crops
    repeats = -(-epoch_length // len(files))
    ds = datasets.FileList(files * repeats, labels=list(range(len(files))) * repeats)
    with pp.Graph() as g:
        r = ds.sample()
        r = augment.RandomResizedCrop(r, size, scale=(0.05, 0.4))
        r = augment.RandomHorizontalFlip(r)
        r = augment.ColorJitter(r, brightness=0.3, contrast=0.3)
        g.output("image", augment.Normalize(r.image, (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)))
        g.output("label", r.label)
        g.output("position", pp.SampleIndex())
    return pp.compile(g, seed=2026)


def model(classes: int = 6) -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(16 * 12 * 12, classes))


def train(rank: int, world: int, args, run: str, resume: str, stop_at: int) -> None:
    """One rank: trains until the epoch ends (or step stop_at: checkpoint, then die), recording
    every sample it trained on in work/<run>.rank<r>.json."""
    dist.init_process_group("gloo", init_method=f"file://{args.work}/{run}.rendezvous", rank=rank,
                           world_size=world)
    torch.set_num_threads(1)
    net = torch.nn.parallel.DistributedDataParallel(model())
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    loader = Loader(build_pipeline(args.epoch_length), args.batch, args.epoch_length, threads=2)  # ranks: dist
    if resume:
        ckpt = torch.load(resume, weights_only=False)
        net.module.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        loader.load_state_dict(ckpt["loader"])
    seen = []
    epoch = loader.epoch
    loss = None
    for step, batch in enumerate(loader):
        loss = torch.nn.functional.cross_entropy(net(batch["image"]), batch["label"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        real = batch.size - batch.padded  # padded samples repeat earlier ones: not counted as seen
        for k in range(real):
            seen.append([int(batch["position"][k]), hashlib.blake2b(batch["image"][k].numpy().tobytes(),
                                                                   digest_size=8).hexdigest()])
        if step + 1 == stop_at:
            if rank == 0:  # the state is the same on every rank: rank 0 saves it
                torch.save({"model": net.module.state_dict(), "optimizer": opt.state_dict(),
                            "loader": loader.state_dict()}, f"{args.work}/checkpoint.pt")
            record(args, run, rank, epoch, seen, loader)
            dist.barrier()
            os.kill(os.getpid(), signal.SIGKILL)  # killed mid-epoch: nothing after the checkpoint runs
    record(args, run, rank, epoch, seen, loader)
    # DDP and its last gradient works hold the process group: dropped first, so that destroying the
    # group joins gloo's threads now. Left to interpreter shutdown, a gloo thread could free a work
    # that needs the GIL and abort the process ("terminate called without an active exception").
    del net, opt, loss
    gc.collect()
    dist.barrier()
    dist.destroy_process_group()


def record(args, run: str, rank: int, epoch: int, seen: list, loader: Loader) -> None:
    with open(f"{args.work}/{run}.rank{rank}.json", "w") as f:
        json.dump({"epoch": epoch, "seen": seen, "state_bytes": len(loader.state_bytes())}, f)


def launch(world: int, args, run: str, resume: str = "", stop_at: int = 0) -> list:
    try:
        mp.spawn(train, args=(world, args, run, resume, stop_at), nprocs=world, join=True)
    except mp.ProcessExitedException as e:
        if not stop_at:  # only the run meant to be killed may die
            raise
        print(f"{run}: killed at step {stop_at} ({e})")
    out = []
    for r in range(world):
        with open(f"{args.work}/{run}.rank{r}.json") as f:
            out.append(json.load(f))
    return out


def samples(runs) -> list:
    return sorted(tuple(s) for rank in runs for s in rank["seen"])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--world", type=int, default=2, help="processes of the reference and the killed run")
    p.add_argument("--resume-worlds", default="1,3", help="process counts to resume with (comma-separated)")
    p.add_argument("--epoch-length", type=int, default=192, help="samples per epoch")
    p.add_argument("--batch", type=int, default=8, help="batch size per process")
    p.add_argument("--stop-at", type=int, default=5, help="step at which the killed run checkpoints and dies")
    args = p.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory(prefix="pixelpipes-ddp-") as work:
        args.work = work
        reference = samples(launch(args.world, args, "reference"))
        assert len({s[0] for s in reference}) == len(reference) == args.epoch_length
        killed = launch(args.world, args, "killed", stop_at=args.stop_at)
        state_bytes = killed[0]["state_bytes"]
        print(f"reference: {args.world} processes, {len(reference)} samples; killed after step {args.stop_at} "
              f"with {len(samples(killed))} samples seen; loader state {state_bytes} bytes")
        for world in [int(w) for w in args.resume_worlds.split(",") if w]:
            resumed = launch(world, args, f"resumed{world}", resume=f"{work}/checkpoint.pt")
            union = samples(killed) + samples(resumed)
            same = sorted(union) == reference
            ok = ok and same
            print(f"resumed on {world} process{'es' if world > 1 else ''}: {len(samples(resumed))} more samples; "
                  f"samples seen {'EQUAL' if same else 'DIFFERENT'} to the uninterrupted run's "
                  f"(each position once, same pixels)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
