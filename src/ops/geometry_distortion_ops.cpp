// geometry.*_map: the coordinate maps of the non-linear distortions (albumentations'
// ElasticTransform, GridDistortion, OpticalDistortion, PiecewiseAffine, ThinPlateSpline), for
// image.remap, and geometry.remap_points / remap_boxes, which move annotations through such a map
// so they follow the image. Maps are f32 [2, H, W]: map_x then map_y (kernels/distortion_maps.hpp).
#include <cmath>
#include <string>

#include "kernels/distortion_maps.hpp"
#include "kernels/remap_annotations.hpp"
#include "kernels/ziggurat.hpp"
#include "ops/families.hpp"
#include "ops/geometry_args.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

using namespace geometry_args;

namespace {

constexpr const char* kMapDoc =
    "f32 [2, height, width]: map_x then map_y, the source point of each output pixel in image.remap's "
    "continuous coordinates (albumentations' map + 0.5)";

// width and height at inputs 0 and 1, scalars at the given positions, tensors at others.
InferFn map_type(std::vector<const char*> scalars, std::vector<std::pair<size_t, const char*>> tensors = {}) {
  return [scalars, tensors](const InferContext& ctx) {
    expect_scalar(ctx, 0, "width");
    expect_scalar(ctx, 1, "height");
    for (size_t i = 0; i < scalars.size(); ++i) expect_scalar(ctx, i + 2, scalars[i]);
    for (auto& [i, what] : tensors) expect_tensor(ctx, i, what);
    return Type::tensor(DType::F32, Shape{2, constant_side(ctx, 1), constant_side(ctx, 0)});
  };
}

void expect_map_plane(const InferContext& ctx, size_t i, const char* what) {
  expect_tensor(ctx, i, what);
  const Type& m = ctx.inputs[i];
  if ((m.rank() != -1 && m.rank() != 2) || (m.dtype && !is_float(*m.dtype)))
    type_error(std::string("input '") + what + "' must be a float tensor [H', W'], not " + m.to_string());
}

}  // namespace

void register_geometry_distortion_ops(Registry& r) {
  r.add(OpBuilder("geometry.optical_distortion_map")
            .doc("Lens distortion (albumentations' OpticalDistortion) about the image center with coefficient k. "
                 "camera: OpenCV's undistortion map of the camera [[W, 0, W/2], [0, H, H/2]] with k1 = k2 = k "
                 "(x = (j - (W-1)/2) / W, y = (i - (H-1)/2) / H, source = (W x f + W/2, H y f + H/2) with "
                 "f = 1 + k r^2 + k r^4); fisheye: the offset from (W/2, H/2) scaled by 1 + k (r / R)^2, R the "
                 "center-to-corner distance. Positive k samples farther out (barrel), negative nearer "
                 "(pincushion).")
            .input("width", "Output width (integer scalar).")
            .input("height", "Output height (integer scalar).")
            .input("k", "Distortion coefficient (scalar).")
            .attr_enum("mode", {"camera", "fisheye"}, std::string("camera"), "The distortion model.")
            .output(kMapDoc, map_type({"k"}))
            .exec([](ExecContext& ctx, const Args& a) {
              return Value(kernels::optical_distortion_map(side_arg(a, 0, "width"), side_arg(a, 1, "height"),
                                                           scalar_arg(a, 2, "k"),
                                                           ctx.attrs.get_string("mode") == "fisheye"));
            })
            .build());

  r.add(OpBuilder("geometry.grid_distortion_map")
            .doc("Grid distortion (albumentations' GridDistortion): num_steps = len(steps_x) - 1 cells per side, "
                 "each cell side W // num_steps (H // num_steps); along x, output cell c covers a source length "
                 "steps_x[c] times the cell side, linearly (likewise y). With normalized, the last step is first "
                 "shortened to the remainder cell and the steps are scaled so the map spans the image.")
            .input("width", "Output width (integer scalar, >= num_steps).")
            .input("height", "Output height (integer scalar, >= num_steps).")
            .input("steps_x", "1-D tensor of num_steps + 1 relative steps along x (1 is no change).")
            .input("steps_y", "1-D tensor of num_steps + 1 relative steps along y.")
            .attr_bool("normalized", true, "Scale the steps so that the distortion stays within the image.")
            .output(kMapDoc, map_type({}, {{2, "steps_x"}, {3, "steps_y"}}))
            .exec([](ExecContext& ctx, const Args& a) {
              return Value(kernels::grid_distortion_map(
                  side_arg(a, 0, "width"), side_arg(a, 1, "height"), kernels::tensor_values(tensor_arg(a, 2, "steps_x")),
                  kernels::tensor_values(tensor_arg(a, 3, "steps_y")), ctx.attrs.get_bool("normalized")));
            })
            .build());

  r.add(OpBuilder("geometry.elastic_map")
            .doc("Elastic deformation (albumentations' ElasticTransform): a noise field per axis (one shared with "
                 "same_dxdy), drawn in row-major order, the x field first: gaussian draws standard normals (the "
                 "ziggurat, as noise.field's gaussian) and divides them by their largest magnitude, uniform draws uniform(-1, 1). The fields, stacked as "
                 "one (n H) x W image, are blurred together (Gaussian, sigma; kernel side 17 when approximate, "
                 "else OpenCV's automatic 2 round(4 sigma) + 1; replicated border; from sigma 24 with a kernel "
                 "wider than 4 grid steps, computed on a grid of step floor(sigma / 12) and bilinear in between, "
                 "within 1% of the direct blur's standard deviation) and scaled by alpha: the map is the "
                 "identity plus these displacements, in pixels.")
            .input("width", "Output width (integer scalar).")
            .input("height", "Output height (integer scalar).")
            .input("alpha", "Displacement scale, in pixels (scalar).")
            .input("sigma", "Standard deviation of the Gaussian smoothing, in pixels (scalar > 0).")
            .attr_enum("noise", {"gaussian", "uniform"}, std::string("gaussian"), "Distribution of the noise.")
            .attr_bool("same_dxdy", false, "One noise field for both axes.")
            .attr_bool("approximate", false, "A fixed 17 x 17 smoothing kernel.")
            .output(kMapDoc, map_type({"alpha", "sigma"}))
            .random()
            .exec([](ExecContext& ctx, const Args& a) {
              int64_t w = side_arg(a, 0, "width"), h = side_arg(a, 1, "height");
              double alpha = scalar_arg(a, 2, "alpha"), sigma = scalar_arg(a, 3, "sigma");
              if (!(sigma > 0) || !std::isfinite(sigma)) range_error("sigma must be > 0, not " + std::to_string(sigma));
              int64_t n = ctx.attrs.get_bool("same_dxdy") ? 1 : 2;
              Tensor noise = Tensor::empty(DType::F32, {n, h, w});
              float* p = noise.mutable_data<float>();
              RandomStream rng = ctx.random();
              const int64_t total = n * h * w;
              if (ctx.attrs.get_string("noise") == "gaussian") {
                kernels::fill_standard_normals(p, static_cast<size_t>(total), rng);
                double largest = 0;
                for (int64_t i = 0; i < total; ++i) largest = std::max(largest, static_cast<double>(std::abs(p[i])));
                if (largest > 1e-6)
                  for (int64_t i = 0; i < total; ++i) p[i] = static_cast<float>(p[i] / largest);
              } else {
                for (int64_t i = 0; i < total; ++i) p[i] = static_cast<float>(rng.uniform(-1.0, 1.0));
              }
              return Value(kernels::elastic_map(noise, alpha, sigma, ctx.attrs.get_bool("approximate") ? 17 : 0));
            })
            .build());

  r.add(OpBuilder("geometry.piecewise_affine_map")
            .doc("Piecewise affine distortion (albumentations 2.0's PiecewiseAffine): a rows x cols grid of control "
                 "points (x = linspace(0, W-1, cols), y = linspace(0, H-1, rows)), point (i, j) moved by "
                 "(jitter[i, j, 1], jitter[i, j, 0]) * std and clamped to [0, W-1] x [0, H-1]; each output pixel "
                 "samples the mean of the moved points weighted by 1 / (squared distance from the pixel to the "
                 "unmoved point + 1e-8), clamped to the image.")
            .input("width", "Output width (integer scalar).")
            .input("height", "Output height (integer scalar).")
            .input("rows", "Rows of control points (integer scalar >= 2).")
            .input("cols", "Columns of control points (integer scalar >= 2).")
            .input("jitter", "Tensor [>= rows, >= cols, 2] of displacements in units of std ((dy, dx)); its "
                             "top-left rows x cols block is used.")
            .input("std", "Scale of the displacements, in pixels (scalar).")
            .output(kMapDoc, map_type({"rows", "cols"}, {{4, "jitter"}}))
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::piecewise_affine_map(side_arg(a, 0, "width"), side_arg(a, 1, "height"),
                                                         int_arg(a, 2, "rows"), int_arg(a, 3, "cols"),
                                                         tensor_arg(a, 4, "jitter"), scalar_arg(a, 5, "std")));
            })
            .build());

  r.add(OpBuilder("geometry.thin_plate_spline_map")
            .doc("Thin plate spline distortion (albumentations' ThinPlateSpline): the spline through control points "
                 "taking `source` to `target` (N x 2 each, image-relative: (x / W, y / H)) is evaluated at every "
                 "output pixel (j / W, i / H) and scaled back by (W, H); that is the pixel's source point. As "
                 "albumentations: with s the squared distance, the system's kernel is s^2 log(s + 1e-6) and the "
                 "evaluation's s log(s + 1e-6).")
            .input("width", "Output width (integer scalar).")
            .input("height", "Output height (integer scalar).")
            .input("source", "N x 2 control points (N >= 3), image-relative.")
            .input("target", "N x 2 points the control points map to, image-relative.")
            .output(kMapDoc, map_type({}, {{2, "source"}, {3, "target"}}))
            .exec([](ExecContext&, const Args& a) {
              std::vector<double> s = kernels::read_rows(tensor_arg(a, 2, "source"), 2, "source");
              std::vector<double> t = kernels::read_rows(tensor_arg(a, 3, "target"), 2, "target");
              return Value(kernels::thin_plate_spline_map(side_arg(a, 0, "width"), side_arg(a, 1, "height"), s, t));
            })
            .build());

  r.add(OpBuilder("geometry.remap_points")
            .doc("Moves points to where an image remapped with (map_x, map_y) (image.remap) shows them: the output "
                 "pixel whose source point is nearest, refined by one Newton step on the map's local Jacobian (sub-"
                 "pixel; beyond the output when the point's source is not sampled). Columns after x, y are kept.")
            .input("points", "N x k points (k >= 2: x, y, then any columns), or one point.")
            .input("map_x", "f32 [H', W']: source x of each output pixel (continuous coordinates).")
            .input("map_y", "f32 [H', W']: source y of each output pixel.")
            .output("f32, the shape of points",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 0, "points");
                      expect_map_plane(ctx, 1, "map_x");
                      expect_map_plane(ctx, 2, "map_y");
                      const Type& t = ctx.inputs[0];
                      return Type::tensor(DType::F32, t.shape);
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::remap_points(tensor_arg(a, 0, "points"), tensor_arg(a, 1, "map_x"),
                                                 tensor_arg(a, 2, "map_y")));
            })
            .build());

  r.add(OpBuilder("geometry.remap_boxes")
            .doc("Moves boxes as a nearest-neighbour image.remap moves their masks (albumentations 2.0's boxes -> "
                 "masks -> remap -> boxes): a box covers the source pixels (of a width x height source) whose "
                 "centers lie in it, and becomes the bounding box of the output pixels whose nearest source "
                 "pixel (the one containing the map's point) it covers. A box no output pixel samples becomes "
                 "(-1, -1, -1, -1), outside the canvas.")
            .input("boxes", "N x 4 boxes (x1, y1, x2, y2), or one box [4].")
            .input("map_x", "f32 [H', W']: source x of each output pixel (continuous coordinates).")
            .input("map_y", "f32 [H', W']: source y of each output pixel.")
            .input("width", "Source image width (integer scalar).")
            .input("height", "Source image height (integer scalar).")
            .output("f32, the shape of boxes",
                    [](const InferContext& ctx) {
                      expect_rows(ctx, 0, 4, "boxes");
                      expect_map_plane(ctx, 1, "map_x");
                      expect_map_plane(ctx, 2, "map_y");
                      expect_scalar(ctx, 3, "width");
                      expect_scalar(ctx, 4, "height");
                      return rows_like(ctx, 0, 4);
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::remap_boxes(tensor_arg(a, 0, "boxes"), tensor_arg(a, 1, "map_x"),
                                                tensor_arg(a, 2, "map_y"), side_arg(a, 3, "width"),
                                                side_arg(a, 4, "height")));
            })
            .build());
}

}  // namespace pxp
