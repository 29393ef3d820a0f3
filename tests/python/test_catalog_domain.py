"""Domain adaptation and stain augmentation (augment/domain.py) against albumentations 2.0.8.

Fixed parameters on real photographs (RGB u8): HistogramMatching equals albumentations' exactly;
FDA within one level where albumentations' DFT rounding noise truncates differently;
PixelDistributionAdaptation equals albumentations' own adapter (its PCA / StandardScaler /
MinMaxScaler, the sign rule) with the output scaled back to [0, 255] (albumentations 2.0.8 blends
[0, 1] values with the u8 image, which a test shows); HEStain's presets within one level of
apply_he_stain_augmentation, the Macenko and Vahadane estimates within 1e-3. Eigenvector signs
(PCA, Macenko) follow PixelPipes' convention on both sides: OpenCV's own signs differ between
versions (the Debian 4.6 the library links and the 4.10 wheel albumentations runs on). The random parameters (blend
ratios, beta, the reference chosen, presets, scales and shifts) match albumentations' own draws
(KS / chi-square over 5000 samples, p > 0.01).
"""
import pathlib
import random as pyrandom

import numpy as np
import pytest
from scipy import stats

import pixelpipes as pp
from pixelpipes import augment
from pixelpipes.augment.domain import STAIN_PRESETS
from pixelpipes.ops import color

A = pytest.importorskip("albumentations")
cv2 = pytest.importorskip("cv2")
from albumentations.augmentations.mixing import domain_adaptation_functional as FD  # noqa: E402
from albumentations.augmentations.pixel import functional as FP  # noqa: E402
from albumentations.augmentations.utils import PCA  # noqa: E402

PHOTOS = pathlib.Path(__file__).resolve().parents[2] / "examples" / "data" / "photos"
N_DRAWS = 5000


def _photo(name="astronaut.jpg", h=160, w=200):
    img = cv2.cvtColor(cv2.imread(str(PHOTOS / name)), cv2.COLOR_BGR2RGB)
    return np.ascontiguousarray(img[:h, :w])


def _run(build, seed=1, sample=0):
    with pp.Graph() as g:
        g.output("out", build())
    return pp.compile(g, seed=seed).run(sample)["out"]


def _diff(got, want, max_abs, mean_abs, what=""):
    assert got.shape == want.shape and got.dtype == want.dtype, (what, got.shape, want.shape, got.dtype, want.dtype)
    d = np.abs(got.astype(np.float64) - want.astype(np.float64))
    print(f"{what}: max abs diff {d.max():.4g}, mean {d.mean():.4g}")
    assert d.max() <= max_abs and d.mean() <= mean_abs, (what, d.max(), d.mean())


def _chi2_same(a, b):
    values = sorted(set(a) | set(b))
    table = np.array([[np.sum(np.asarray(a) == v) for v in values], [np.sum(np.asarray(b) == v) for v in values]])
    return 1.0 if len(values) == 1 else stats.chi2_contingency(table)[1]


PAIRS = [("astronaut.jpg", "coffee.jpg"), ("chelsea.jpg", "rocket.jpg"), ("camera.jpg", "hubble_deep_field.jpg")]


# -- HistogramMatching ----------------------------------------------------------------------------

@pytest.mark.parametrize("src,ref", PAIRS)
@pytest.mark.parametrize("blend", [0.0, 0.37, 0.5, 0.8, 1.0])
def test_histogram_matching_matches(src, ref, blend):
    img, reference = _photo(src), _photo(ref)
    got = _run(lambda: color.MatchHistograms(pp.Constant(img), pp.Constant(reference), blend))
    # the matched image is exact; the blend rounds blend * m + (1 - blend) * x to nearest (even)
    matched = FD.apply_histogram(img, reference, 1.0)
    want = np.rint(np.float32(blend) * matched.astype(np.float32)
                   + np.float32(1 - blend) * img.astype(np.float32)).astype(np.uint8)
    _diff(got, want, 0, 0, f"HistogramMatching {src}<-{ref} {blend} (exact formula)")
    # albumentations blends with simsimd's wsum, whose u8 rounding depends on the CPU (on
    # AVX512-FP16 machines it multiplies in f16): within 1 level, exact at blend 0, 0.5 and 1
    exact = blend in (0.0, 0.5, 1.0)
    _diff(got, FD.apply_histogram(img, reference, blend), 0 if exact else 1, 0 if exact else 0.05,
          f"HistogramMatching {src}<-{ref} {blend} (albumentations)")


def test_histogram_matching_augmentation_with_reference_list_and_files():
    img, reference = _photo("astronaut.jpg"), _photo("coffee.jpg")
    want = FD.apply_histogram(img, reference, 0.8)
    got = _run(lambda: augment.HistogramMatching(pp.Constant(img), reference_images=[reference],
                                                 blend_ratio=(0.8, 0.8), p=1.0))
    _diff(got, want, 1, 0.05, "HistogramMatching(reference_images=[array])")
    # a file path: decoded in the graph (the whole 213 x 320 photo, the reference albumentations
    # would resize: compare with the histogram of the whole file)
    path = str(PHOTOS / "coffee.jpg")
    whole = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)
    got = _run(lambda: augment.HistogramMatching(pp.Constant(img), reference_images=[path], blend_ratio=(1, 1),
                                                 p=1.0))
    want = np.stack([FD._match_cumulative_cdf(img[..., c], whole[..., c]) for c in range(3)], -1)
    _diff(got, want, 1, 0.01, "HistogramMatching(reference_images=[path])")   # libjpeg vs cv2 decoding


# -- FDA ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("src,ref", PAIRS)
@pytest.mark.parametrize("beta", [0.0, 0.01, 0.05, 0.1, 0.3])
def test_fda_matches_within_one_level(src, ref, beta):
    img, reference = _photo(src), _photo(ref)
    got = _run(lambda: color.FourierDomainAdaptation(pp.Constant(img), pp.Constant(reference), beta))
    # albumentations truncates float results: values within DFT rounding noise of an integer may
    # land on either side
    _diff(got, FD.fourier_domain_adaptation(img, reference, beta), 1, 0.5, f"FDA {src}<-{ref} beta {beta}")


def test_fda_augmentation_resizes_the_reference_like_albumentations():
    img = _photo("astronaut.jpg", 160, 200)
    reference = _photo("coffee.jpg", 213, 320)
    t = A.FDA(beta_limit=(0.07, 0.07), metadata_key="m", p=1.0)
    want = t(image=img, m=[reference])["image"]
    got = _run(lambda: augment.FDA(pp.Constant(img), reference_images=[reference], beta_limit=(0.07, 0.07), p=1.0))
    _diff(got, want, 1, 0.5, "FDA with a resized reference")


# -- PixelDistributionAdaptation ------------------------------------------------------------------

def _canonical(vectors):
    """Eigenvector rows with their largest-magnitude entry positive (PixelPipes' sign convention;
    OpenCV's own signs differ between versions, e.g. 4.6 and 4.10)."""
    v = np.array(vectors, copy=True)
    big = np.argmax(np.abs(v), axis=1)
    v[v[np.arange(len(v)), big] < 0] *= -1
    return v


@pytest.fixture
def canonical_eigenvectors(monkeypatch):
    """albumentations' PCA and Macenko fits with PixelPipes' eigenvector sign convention."""
    pca2, eigen = cv2.PCACompute2, cv2.eigen
    monkeypatch.setattr(cv2, "PCACompute2", lambda *a, **k: (lambda r: (r[0], _canonical(r[1]), r[2]))(pca2(*a, **k)))
    monkeypatch.setattr(cv2, "eigen", lambda *a, **k: (lambda r: (r[0], r[1], _canonical(r[2])))(eigen(*a, **k)))


def _pda_reference(img, ref, transform_type, weight):
    """albumentations' own adapter (its fitted transforms and sign rule), its [0, 1] output clipped
    and scaled to [0, 255], blended as albumentations blends (f32, clip, truncate)."""
    transformer = {"pca": PCA, "standard": FD.StandardScaler, "minmax": FD.MinMaxScaler}[transform_type]()
    adapted = FD.DomainAdapter(transformer=transformer, ref_img=ref)(img).astype(np.float32)
    adapted = np.clip(adapted, 0, 1) * 255
    result = img.astype(np.float32) * (1 - weight) + adapted * weight
    return np.clip(result, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("src,ref", PAIRS[:2])
@pytest.mark.parametrize("transform_type", ["pca", "standard", "minmax"])
@pytest.mark.parametrize("weight", [0.25, 1.0])
def test_pixel_distribution_adaptation_matches_albumentations_adapter(src, ref, transform_type, weight,
                                                                      canonical_eigenvectors):
    img, reference = _photo(src), _photo(ref)
    got = _run(lambda: color.PixelDistributionAdaptation(pp.Constant(img), pp.Constant(reference), weight,
                                                         transform=transform_type))
    _diff(got, _pda_reference(img, reference, transform_type, weight), 1, 0.02,
          f"PDA {transform_type} {src}<-{ref} {weight}")


def test_albumentations_pixel_distribution_adaptation_darkens_instead(canonical_eigenvectors):
    """Why ours differs: albumentations 2.0.8 blends its adapted [0, 1] values with the u8 image."""
    img, reference = _photo("astronaut.jpg"), _photo("coffee.jpg")
    theirs = FD.adapt_pixel_distribution(img, reference, "pca", 0.5).astype(np.float64)
    assert np.abs(theirs - img * 0.5).max() <= 1.0
    got = _run(lambda: augment.PixelDistributionAdaptation(pp.Constant(img), reference_images=[reference],
                                                           blend_ratio=(0.5, 0.5), p=1.0))
    _diff(got, _pda_reference(img, reference, "pca", 0.5), 1, 0.02, "PixelDistributionAdaptation class")


# -- HEStain --------------------------------------------------------------------------------------

@pytest.mark.parametrize("preset", sorted(STAIN_PRESETS))
@pytest.mark.parametrize("background", [False, True])
def test_he_stain_presets_match_within_one_level(preset, background):
    img = _photo("chelsea.jpg")
    scale, shift = np.array([1.2, 0.8]), np.array([0.1, -0.15])
    want = FP.apply_he_stain_augmentation(img, FP.STAIN_MATRICES[preset], scale, shift, background)
    got = _run(lambda: color.HeStain(pp.Constant(img), pp.Constant(np.array(STAIN_PRESETS[preset], np.float32)),
                                     pp.Constant(scale.astype(np.float32)), pp.Constant(shift.astype(np.float32)),
                                     augment_background=background))
    _diff(got, want, 1, 0.05, f"HEStain {preset} background={background}")


@pytest.mark.parametrize("name", ["chelsea.jpg", "coffee.jpg", "astronaut.jpg"])
def test_macenko_stain_matrix_matches(name, canonical_eigenvectors):
    img = _photo(name)
    norm = FP.MacenkoNormalizer()
    norm.fit(img)
    got = _run(lambda: color.MacenkoStainMatrix(pp.Constant(img)))
    d = np.abs(got - norm.stain_matrix_target).max()
    print(f"Macenko {name}: max abs diff {d:.3g}")
    assert d < 1e-3


@pytest.mark.parametrize("name", ["chelsea.jpg", "coffee.jpg", "astronaut.jpg", "rocket.jpg"])
def test_vahadane_stain_matrix_matches(name):
    img = _photo(name)
    norm = FP.VahadaneNormalizer()
    norm.fit(img)
    got = _run(lambda: color.VahadaneStainMatrix(pp.Constant(img)))
    d = np.abs(got - norm.stain_matrix_target).max()
    print(f"Vahadane {name}: max abs diff {d:.3g}")
    assert d < 1e-3


@pytest.mark.parametrize("method", ["macenko", "vahadane"])
def test_he_stain_fitted_methods_match(method, canonical_eigenvectors):
    img = _photo("coffee.jpg")
    norm = FP.get_normalizer(method)
    norm.fit(img)
    want = FP.apply_he_stain_augmentation(img, norm.stain_matrix_target, np.array([1.0, 1.0]), np.array([0.0, 0.0]),
                                          False)
    got = _run(lambda: augment.HEStain(pp.Constant(img), method=method, intensity_scale_range=(1, 1),
                                       intensity_shift_range=(0, 0), p=1.0))
    _diff(got, want, 1, 0.05, f"HEStain {method}")


# -- random parameters ----------------------------------------------------------------------------

def _our_draws(cls, n=N_DRAWS, **kw):
    with pp.Graph() as g:
        for i, node in enumerate(cls._params(None, pp.Constant(np.zeros((8, 8, 3), np.uint8)), cls.configure(**kw),
                                             "draw")):
            g.output(f"p{i}", node)
    p = pp.compile(g, seed=7)
    return [p.run(i) for i in range(n)]


@pytest.mark.parametrize("cls,kw,key", [
    (augment.HistogramMatching, dict(blend_ratio=(0.2, 0.9)), "blend_ratio"),
    (augment.PixelDistributionAdaptation, dict(blend_ratio=(0.25, 1.0)), "blend_ratio"),
    (augment.FDA, dict(beta_limit=(0.0, 0.1)), "beta"),
])
def test_domain_draws_match_albumentations(cls, kw, key):
    ours = np.array([float(r["p0"]) for r in _our_draws(cls, **kw)])
    t = getattr(A, cls.__name__)(**kw, metadata_key="m", p=1.0)
    t.py_random = pyrandom.Random(0)
    img = np.zeros((8, 8, 3), np.uint8)
    theirs = [t.get_params_dependent_on_data({"shape": img.shape}, {"image": img, "m": [img]})[key]
              for _ in range(N_DRAWS)]
    p = stats.ks_2samp(ours, theirs).pvalue
    print(f"{cls.__name__} {key}: KS p = {p:.3f}")
    assert p > 0.01


def test_reference_choice_is_uniform_like_albumentations():
    refs = [np.full((6, 6, 3), v, np.uint8) for v in (10, 100, 200)]
    img = np.arange(64 * 3, dtype=np.uint8).reshape(8, 8, 3)
    with pp.Graph() as g:
        g.output("out", augment.HistogramMatching(pp.Constant(img), reference_images=refs, blend_ratio=(1, 1), p=1.0))
    pipe = pp.compile(g, seed=3)
    ours = [int(pipe.run(i)["out"][0, 0, 0]) for i in range(N_DRAWS)]
    t = A.HistogramMatching(blend_ratio=(1, 1), metadata_key="m", p=1.0)
    t.py_random = pyrandom.Random(0)
    theirs = [int(t.get_params_dependent_on_data({}, {"m": refs})["reference_image"][0, 0, 0]) for _ in range(N_DRAWS)]
    p = _chi2_same(ours, theirs)
    print(f"reference choice: chi-square p = {p:.3f}")
    assert set(ours) == {10, 100, 200} and p > 0.01


def test_reference_from_a_resource_field_named_metadata_key():
    from pixelpipes import resource
    img, reference = _photo("astronaut.jpg"), _photo("coffee.jpg")
    with pp.Graph() as g:
        r = resource.Resource(image=pp.Constant(img), hm_metadata=resource.Field(pp.Constant([reference]), "other"))
        augment.HistogramMatching(r, blend_ratio=(1, 1), p=1.0).output()
    out = pp.compile(g, seed=0).run(0)
    _diff(out["image"], FD.apply_histogram(img, reference, 1.0), 0, 0, "HistogramMatching from hm_metadata")


def test_he_stain_draws_match_albumentations():
    rows = _our_draws(augment.HEStain)
    scale = np.array([np.asarray(r["p0"]) for r in rows])
    shift = np.array([np.asarray(r["p1"]) for r in rows])
    presets = np.array(list(STAIN_PRESETS.values()), np.float32)
    chosen = [int(np.argmin(np.abs(presets - np.asarray(r["p2"])).sum(axis=(1, 2)))) for r in rows]
    t = A.HEStain(p=1.0)
    t.py_random = pyrandom.Random(0)
    img = _photo("chelsea.jpg", 16, 16)
    draws = [t.get_params_dependent_on_data({}, {"image": img}) for _ in range(N_DRAWS)]
    names = list(FP.STAIN_MATRICES)
    theirs = [next(i for i, n in enumerate(names) if np.array_equal(FP.STAIN_MATRICES[n], d["stain_matrix"]))
              for d in draws]
    p = _chi2_same(chosen, theirs)
    print(f"HEStain preset: chi-square p = {p:.3f}")
    assert p > 0.01
    for k in range(2):
        for ours, key in ((scale, "scale_factors"), (shift, "shift_values")):
            p = stats.ks_2samp(ours[:, k], [d[key][k] for d in draws]).pvalue
            print(f"HEStain {key}[{k}]: KS p = {p:.3f}")
            assert p > 0.01
