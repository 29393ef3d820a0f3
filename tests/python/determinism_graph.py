"""A graph that uses every random op (and branches), shared by the determinism tests and
their subprocess. Run as a script it prints a digest of samples START..START+COUNT-1."""
import hashlib
import sys

import numpy as np

import pixelpipes as pp
from pixelpipes import registry
from pixelpipes.ops import list as plist
from pixelpipes.ops import filter as filter_ops
from pixelpipes.ops import effects, geometry, image, mask, noise, random


def build() -> pp.Graph:
    with pp.Graph() as g:
        names = pp.Constant([f"n{k}" for k in range(7)])
        u = random.Uniform(-1.0, 1.0, shape=[3])
        g.output("uniform", u)
        g.output("normal", random.Normal(0.0, 2.0, dtype="f64", shape=[2, 2]))
        g.output("bernoulli", random.Bernoulli(0.3, shape=[4]))
        g.output("beta", random.Beta(0.4, 0.4, shape=[3]))
        g.output("gamma", random.Gamma(0.6, 2.0, dtype="f64", shape=[2]))
        g.output("integer", random.Integer(-5, 5, shape=[3]))
        g.output("choice", random.WeightedChoice([1.0, 2.0, 3.0]))
        g.output("perm", random.Permutation(6))
        g.output("shuffled", random.Shuffle(names))
        g.output("element", plist.RandomElement(names))
        g.output("toggle", pp.Toggle(0.5, u * 2, random.Uniform(5.0, 6.0, shape=[3])))
        img = pp.Constant(np.arange(8 * 10 * 3, dtype=np.uint8).reshape(8, 10, 3))
        g.output("noisy", noise.Gaussian(noise.SaltAndPepper(noise.PixelDropout(img, 0.1), 0.05), 5.0))
        g.output("erased", noise.RandomErasing(noise.CoarseDropout(img), p=0.7))
        g.output("additive", noise.Additive(img, 0.0, 0.1, 255.0, distribution="gaussian", resolution=0.5))
        g.output("additive_beta", noise.Additive(img, 0.5, 1.5, 60.0, distribution="beta", shared=True))
        g.output("multiplicative", noise.Multiplicative(img, 0.8, 1.2, shared=True))
        g.output("shot", noise.Shot(img, 0.05))
        g.output("salt_pepper_exact", noise.SaltAndPepperExact(img, 0.7, 0.4))
        g.output("iso", noise.Iso(img, 0.05, 0.5))
        holes = geometry.GridHoles(10, 8, 2, 3, ratio=0.5)
        g.output("grid_holes", holes)
        g.output("uniform_like", random.UniformLike(holes, 0.0, 1.0))
        objects = mask.ConnectedComponents(pp.Constant((np.arange(8 * 10).reshape(8, 10, 1) % 7 < 3).astype(np.uint8)))
        g.output("label_pixels", mask.SampleLabelPixels(objects, 2))
        per_box = image.FillBoxes(img, holes, fill="random_per_box")
        g.output("filled", image.FillBoxes(per_box, np.array([[1, 1, 4, 5]], np.float32), fill="random"))
        offsets = filter_ops.GlassOffsets(img, max_delta=2, iterations=2)
        g.output("glass_offsets", offsets)
        g.output("glass", filter_ops.GlassSwaps(img, offsets, max_delta=2))
        g.output("rain_drops", effects.RainDrops(img))
        g.output("fog_particles", effects.FogParticles(img, 0.6))
        g.output("flare", effects.SunFlareGeometry(img))
        g.output("shadows", effects.ShadowPolygons(img, shadow_roi=[0.0, 0.0, 1.0, 1.0], max_shadows=3))
        g.output("gravel", effects.GravelParticles(img, gravel_roi=[0.0, 0.0, 1.0, 1.0]))
        g.output("normal_like", random.NormalLike(holes, 0.0, 1.0))
        g.output("normal_like_f64", random.NormalLike(img, 0.5, 0.3, dtype="f64"))
        g.output("uniform_noise", noise.Uniform(pp.Constant(np.zeros((4, 4), np.float32)), -1.0, 1.0))
        g.output("plasma", noise.Plasma(pp.Constant(np.zeros((9, 6), np.uint8)), roughness=2.0))
        g.output("elastic", geometry.ElasticMap(12, 9, 3.0, 2.0, noise="uniform"))
        g.output("item", pp.dataset_item(17))
        g.output("switch", pp.Switch([random.Normal(0.0, 1.0), random.Uniform(0.0, 1.0), 3.0], [1, 1, 1]))
    return g


def random_ops_used(pipeline) -> set:
    return {i["op"] for i in pipeline.program.instructions if registry.schema(i["op"]).random}


def digest(samples) -> str:
    h = hashlib.sha256()
    for s in samples:
        for name in sorted(s):
            v = s[name]
            if isinstance(v, np.ndarray):
                h.update(name.encode() + str(v.dtype).encode() + repr(v.shape).encode() + v.tobytes())
            else:
                h.update(name.encode() + repr(v if not isinstance(v, list) else [str(x) for x in v]).encode())
    return h.hexdigest()


if __name__ == "__main__":
    seed, start, count, threads = (int(a) for a in sys.argv[1:5])
    p = pp.compile(build(), seed=seed)
    print(digest(p.run_many(start, count, threads=threads)))
