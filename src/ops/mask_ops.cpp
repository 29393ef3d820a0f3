// mask.*: rendering annotations into u8 masks and measuring masks, in the continuous pixel
// coordinates of geometry.* (pixel (i, j) covers [j, j+1) x [i, i+1)). Rendering samples pixel
// centers, so a mask warped with image.warp (nearest) keeps matching its transformed annotations.
#include <cmath>

#include "kernels/annotations.hpp"
#include "kernels/box_fill.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/mask_measures.hpp"
#include "kernels/mask_objects.hpp"
#include "kernels/morphology.hpp"
#include "kernels/rasterize.hpp"
#include "kernels/sequence.hpp"
#include "ops/families.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

namespace {

// A constant non-negative integer input's value (the output size), else unknown.
int64_t constant_size(const InferContext& ctx, size_t i) {
  const Value* v = constant_input(ctx, i);
  if (!v || !v->is_tensor() || v->tensor().numel() != 1) return kUnknownDim;
  double d = v->tensor().item_double();
  if (!(d >= 0) || d != std::floor(d) || d > 1e12) return kUnknownDim;  // exec reports it
  return static_cast<int64_t>(d);
}

int64_t size_arg(const Args& args, size_t i, const char* what) {
  double d = scalar_arg(args, i, what);
  if (!std::isfinite(d) || d != std::floor(d)) argument_error(std::string(what) + " must be a whole number of pixels");
  if (d < 0 || d > 1e9) range_error(std::string(what) + " must be in [0, 1e9], got " + std::to_string(d));
  return static_cast<int64_t>(d);
}

Type render_type(const InferContext& ctx) {
  expect_scalar(ctx, 1, "width");
  expect_scalar(ctx, 2, "height");
  return Type::tensor(DType::U8, Shape{constant_size(ctx, 2), constant_size(ctx, 1), 1});
}

void expect_mask(const InferContext& ctx, size_t i, bool one_channel) {
  expect_tensor(ctx, i, "mask");
  const Type& t = ctx.inputs[i];
  if (t.dtype && (*t.dtype == DType::I64))
    type_error("input 'mask' must be u8, u16, i16, i32, f32 or f64, not " + t.to_string());
  if (!t.shape) return;
  if (t.shape->size() != 2 && t.shape->size() != 3)
    type_error("input 'mask' must be an H x W x C or H x W tensor, not " + t.to_string());
  if (one_channel && t.shape->size() == 3 && (*t.shape)[2] != 1 && (*t.shape)[2] != kUnknownDim)
    type_error("input 'mask' must have one channel, not " + t.to_string());
}

const Tensor& mask_arg(const Args& args, size_t i) {
  if (!args[i].is_tensor()) type_error("input 'mask' must be a tensor, not " + args[i].describe());
  return args[i].tensor();
}

Type same_shape(const InferContext& ctx, DType dtype) {
  const Type& t = ctx.inputs[0];
  return Type::tensor(dtype, t.shape);
}

uint8_t value_attr(const ExecContext& ctx) { return static_cast<uint8_t>(ctx.attrs.get_int("value")); }

void add_morphology(Registry& r, const char* name, const char* doc, kernels::MorphOp op) {
  r.add(OpBuilder(name)
            .doc(std::string(doc) + " Works on u8, u16, i16, f32 and f64 images of any channel count (each channel "
                                    "on its own). Pixels beyond the border never shrink an erosion nor grow a "
                                    "dilation.")
            .input("mask", "H x W x C or H x W image or mask.")
            .attr_enum("kernel_shape", {"rect", "ellipse", "cross"}, std::string("rect"),
                       "Structuring element shape (cv::getStructuringElement).")
            .attr_int("kernel_size", 3, "Structuring element width and height (odd).", 1, 4095)
            .attr_int("iterations", 1, "How many times the operation is repeated.", 1, 1000)
            .output("the dtype and shape of mask",
                    [](const InferContext& ctx) {
                      expect_mask(ctx, 0, false);
                      const Type& t = ctx.inputs[0];
                      if (t.dtype && *t.dtype != DType::U8 && *t.dtype != DType::U16 && *t.dtype != DType::I16 &&
                          *t.dtype != DType::F32 && *t.dtype != DType::F64)
                        type_error("morphology needs u8, u16, i16, f32 or f64, not " + t.to_string());
                      if (ctx.attrs.get_int("kernel_size") % 2 == 0) type_error("kernel_size must be odd");
                      return t.is_any() ? Type::tensor() : t;
                    })
            .exec([op](ExecContext& ctx, const Args& a) {
              const std::string& s = ctx.attrs.get_string("kernel_shape");
              auto shape = s == "rect" ? kernels::KernelShape::Rect
                           : s == "ellipse" ? kernels::KernelShape::Ellipse : kernels::KernelShape::Cross;
              return Value(kernels::morphology(mask_arg(a, 0), op, shape, ctx.attrs.get_int("kernel_size"),
                                               ctx.attrs.get_int("iterations")));
            })
            .build());
}

}  // namespace

void register_mask_ops(Registry& r) {
  // --- Rendering -------------------------------------------------------------------------
  r.add(OpBuilder("mask.render_polygons")
            .doc("Fills polygons into a new width x height mask: a pixel is set when its center (j + 0.5, i + 0.5) "
                 "lies inside a polygon (even-odd rule within a polygon; several polygons are united). Left and top "
                 "edges are inside, right and bottom edges outside, so the rectangle polygon of a box with integer "
                 "corners renders exactly its pixels (as mask.render_boxes). Polygons with fewer than 3 points "
                 "render nothing; non-finite coordinates are an argument error.")
            .input("polygons", "One N x 2 polygon, or a list of them.")
            .input("width", "Mask width (integer scalar).")
            .input("height", "Mask height (integer scalar).")
            .attr_int("value", 255, "Value of the set pixels.", 0, 255)
            .output("u8 height x width x 1",
                    [](const InferContext& ctx) {
                      const Type& t = ctx.inputs[0];
                      if (!t.is_list() && !t.may_be_tensor())
                        type_error("input 'polygons' must be a point tensor or a list of them, not " + t.to_string());
                      return render_type(ctx);
                    })
            .exec([](ExecContext& ctx, const Args& a) {
              Tensor mask = kernels::empty_mask(size_arg(a, 1, "width"), size_arg(a, 2, "height"));
              auto draw = [&](const Value& p) {
                if (!p.is_tensor()) type_error("polygons must be point tensors, not " + p.describe());
                kernels::render_polygon(mask, kernels::read_rows(p.tensor(), 2, "polygon"), value_attr(ctx));
              };
              if (a[0].is_list())
                for (const Value& p : a[0].list()) draw(p);
              else
                draw(a[0]);
              return Value(mask);
            })
            .build());

  r.add(OpBuilder("mask.render_points")
            .doc("Draws points into a new width x height mask: the pixel containing each point, and every pixel "
                 "whose center is within `radius` of it. Points outside are clipped.")
            .input("points", "N x 2 points, or one point [2].")
            .input("width", "Mask width (integer scalar).")
            .input("height", "Mask height (integer scalar).")
            .attr_float("radius", 0.0, "Disk radius in pixels; 0 draws the one pixel containing the point.", 0.0)
            .attr_int("value", 255, "Value of the set pixels.", 0, 255)
            .output("u8 height x width x 1",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 0, "points");
                      return render_type(ctx);
                    })
            .exec([](ExecContext& ctx, const Args& a) {
              Tensor mask = kernels::empty_mask(size_arg(a, 1, "width"), size_arg(a, 2, "height"));
              if (!a[0].is_tensor()) type_error("input 'points' must be a tensor, not " + a[0].describe());
              std::vector<double> v = kernels::read_rows(a[0].tensor(), 2, "points");
              double radius = ctx.attrs.get_float("radius");
              for (size_t i = 0; i + 1 < v.size(); i += 2)
                kernels::render_point(mask, v[i], v[i + 1], radius, value_attr(ctx));
              return Value(mask);
            })
            .build());

  r.add(OpBuilder("mask.render_boxes")
            .doc("Fills boxes into a new width x height mask: the pixels whose centers lie in [x1, x2) x [y1, y2). "
                 "A box with integer corners sets exactly the pixels it covers.")
            .input("boxes", "N x 4 boxes, or one box [4].")
            .input("width", "Mask width (integer scalar).")
            .input("height", "Mask height (integer scalar).")
            .attr_int("value", 255, "Value of the set pixels.", 0, 255)
            .output("u8 height x width x 1",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 0, "boxes");
                      return render_type(ctx);
                    })
            .exec([](ExecContext& ctx, const Args& a) {
              Tensor mask = kernels::empty_mask(size_arg(a, 1, "width"), size_arg(a, 2, "height"));
              if (!a[0].is_tensor()) type_error("input 'boxes' must be a tensor, not " + a[0].describe());
              std::vector<double> v = kernels::read_rows(a[0].tensor(), 4, "boxes");
              for (size_t i = 0; i + 3 < v.size(); i += 4)
                kernels::render_box(mask, v[i], v[i + 1], v[i + 2], v[i + 3], value_attr(ctx));
              return Value(mask);
            })
            .build());

  // --- Measures ----------------------------------------------------------------------------
  r.add(OpBuilder("mask.bounding_box")
            .doc("The box x1, y1, x2, y2 of the nonzero pixels in continuous coordinates (pixel j covers [j, j+1), "
                 "so one set pixel at (row 2, col 3) gives 3, 2, 4, 3). A pixel counts when any channel is nonzero. "
                 "Empty mask: all zeros (test with mask.is_empty).")
            .input("mask", "H x W x C or H x W mask, any numeric dtype.")
            .output("f32 [4]",
                    [](const InferContext& ctx) {
                      expect_mask(ctx, 0, false);
                      return Type::tensor(DType::F32, Shape{4});
                    })
            .exec([](ExecContext&, const Args& a) {
              auto b = kernels::mask_bounding_box(mask_arg(a, 0));
              Tensor out = Tensor::empty(DType::F32, {4});
              for (int i = 0; i < 4; ++i) out.mutable_data<float>()[i] = static_cast<float>(b[i]);
              return Value(out);
            })
            .build());

  r.add(OpBuilder("mask.box_coverage")
            .doc("How much of each box the mask covers: per box, the number of its pixels inside the mask (those "
                 "whose centers lie in [x1, x2) x [y1, y2), as mask.render_boxes), how many of them are set (any "
                 "channel nonzero), and the box x1, y1, x2, y2 (pixel edges) of its unset pixels, all zeros when "
                 "none is unset. Dropout uses it with a mask of its holes: a box's visible area and its visible "
                 "extent, or whether a point's pixel was dropped (a one-pixel box).")
            .input("mask", "H x W x C or H x W mask, any numeric dtype.")
            .input("boxes", "N x 4 boxes x1, y1, x2, y2 in pixels, or one box [4].")
            .output("f32 N x 6: pixels, set, x1, y1, x2, y2",
                    [](const InferContext& ctx) {
                      expect_mask(ctx, 0, false);
                      expect_tensor(ctx, 1, "boxes");
                      const Type& b = ctx.inputs[1];
                      int64_t n = kUnknownDim;
                      if (b.shape && b.shape->size() == 2) n = (*b.shape)[0];
                      if (b.shape && b.shape->size() == 1) n = 1;
                      return Type::tensor(DType::F32, Shape{n, 6});
                    })
            .exec([](ExecContext&, const Args& a) {
              if (!a[1].is_tensor()) type_error("input 'boxes' must be a tensor, not " + a[1].describe());
              return Value(kernels::box_coverage(mask_arg(a, 0), kernels::read_rows(a[1].tensor(), 4, "boxes")));
            })
            .build());

  r.add(OpBuilder("mask.is_empty")
            .doc("True when no pixel of the mask is nonzero (also for a 0-size mask).")
            .input("mask", "H x W x C or H x W mask, any numeric dtype.")
            .output("bool scalar",
                    [](const InferContext& ctx) {
                      expect_mask(ctx, 0, false);
                      return Type::scalar(DType::Bool);
                    })
            .exec([](ExecContext&, const Args& a) { return Value::scalar<bool>(kernels::mask_is_empty(mask_arg(a, 0))); })
            .build());

  r.add(OpBuilder("mask.moments")
            .doc("Spatial moments m00, m10, m01, m20, m11, m02, m30, m21, m12, m03 (m_pq = sum x^p y^q w) with each "
                 "pixel a point mass at its center (j + 0.5, i + 0.5): m10 / m00, m01 / m00 is the centroid in "
                 "continuous coordinates. cv::moments puts centers at integers instead.")
            .input("mask", "One-channel mask (H x W x 1 or H x W), any numeric dtype.")
            .attr_bool("binary", true, "true: nonzero pixels weigh 1; false: pixel values are the weights.")
            .output("f64 [10]",
                    [](const InferContext& ctx) {
                      expect_mask(ctx, 0, true);
                      return Type::tensor(DType::F64, Shape{10});
                    })
            .exec([](ExecContext& ctx, const Args& a) {
              auto m = kernels::mask_moments(mask_arg(a, 0), ctx.attrs.get_bool("binary"));
              Tensor out = Tensor::empty(DType::F64, {10});
              for (int i = 0; i < 10; ++i) out.mutable_data<double>()[i] = m[i];
              return Value(out);
            })
            .build());

  r.add(OpBuilder("mask.connected_components")
            .doc("Labels the connected regions of nonzero pixels: 0 for background, 1..K for the components in "
                 "raster order of their first (top-most, then left-most) pixel, so the largest label is the count.")
            .input("mask", "One-channel mask (H x W x 1 or H x W), any numeric dtype.")
            .attr_int("connectivity", 8, "4 (edge neighbours) or 8 (edge and corner neighbours).", 4, 8)
            .output("i32, the shape of mask",
                    [](const InferContext& ctx) {
                      expect_mask(ctx, 0, true);
                      int64_t c = ctx.attrs.get_int("connectivity");
                      if (c != 4 && c != 8) type_error("connectivity must be 4 or 8");
                      return same_shape(ctx, DType::I32);
                    })
            .exec([](ExecContext& ctx, const Args& a) {
              return Value(kernels::connected_components(mask_arg(a, 0),
                                                         static_cast<int>(ctx.attrs.get_int("connectivity"))));
            })
            .build());

  // --- Objects of label maps (MaskDropout, ConstrainedCoarseDropout) ---------------------------
  r.add(OpBuilder("mask.label_objects")
            .doc("Labels the objects of a label map: the connected regions of each nonzero value (pixels of "
                 "different values never join), 0 for background. Labels 1..K are ordered by value (ascending), "
                 "then by the raster position (row, then column) of the region's first pixel, so the largest "
                 "label is the number of objects (albumentations' dropout label function; its numbering within "
                 "a value follows OpenCV's algorithm instead).")
            .input("mask", "One-channel label map (H x W x 1 or H x W), any numeric dtype.")
            .attr_int("connectivity", 8, "4 (edge neighbours) or 8 (edge and corner neighbours).", 4, 8)
            .output("i32, the shape of mask",
                    [](const InferContext& ctx) {
                      expect_mask(ctx, 0, true);
                      int64_t c = ctx.attrs.get_int("connectivity");
                      if (c != 4 && c != 8) type_error("connectivity must be 4 or 8");
                      return same_shape(ctx, DType::I32);
                    })
            .exec([](ExecContext& ctx, const Args& a) {
              return Value(kernels::label_objects(mask_arg(a, 0), static_cast<int>(ctx.attrs.get_int("connectivity"))));
            })
            .build());

  r.add(OpBuilder("mask.label_stats")
            .doc("Per label 1..K of an integer label map (K its largest label, as mask.label_objects or "
                 "mask.connected_components give): its number of pixels and its box x1, y1, x2, y2 (pixel edges); "
                 "a label without pixels has zeros. The row count is the number of labels.")
            .input("labels", "One-channel map (H x W x 1 or H x W) of whole numbers >= 0.")
            .output("f32 K x 5: pixels, x1, y1, x2, y2",
                    [](const InferContext& ctx) {
                      expect_mask(ctx, 0, true);
                      return Type::tensor(DType::F32, Shape{kUnknownDim, 5});
                    })
            .exec([](ExecContext&, const Args& a) { return Value(kernels::label_stats(mask_arg(a, 0))); })
            .build());

  r.add(OpBuilder("mask.is_in")
            .doc("The pixels whose value is one of `values` (NumPy's isin): 255 there, 0 elsewhere. Selects "
                 "chosen objects of a label map, or the classes of a segmentation mask.")
            .input("mask", "One-channel mask (H x W x 1 or H x W), any numeric dtype.")
            .input("values", "A 1-D tensor or a list of numbers (may be empty).")
            .output("u8 H x W x 1",
                    [](const InferContext& ctx) {
                      expect_mask(ctx, 0, true);
                      check_sequence_type(ctx.inputs[1], "values", false);
                      const Type& t = ctx.inputs[0];
                      if (!t.shape) return Type::tensor(DType::U8, Shape{kUnknownDim, kUnknownDim, 1});
                      return Type::tensor(DType::U8, Shape{(*t.shape)[0], (*t.shape)[1], 1});
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::mask_isin(mask_arg(a, 0), kernels::sequence_numbers(a[1], "values")));
            })
            .build());

  r.add(OpBuilder("mask.sample_label_pixels")
            .doc("For each label 1..K of an integer label map (K its largest label), in order, n of its pixels "
                 "drawn uniformly with replacement: one below(count) draw each over the label's pixels in raster "
                 "order. Rows x, y (column and row index of the pixel) and the label's pixel count; a label "
                 "without pixels gives no rows. ConstrainedCoarseDropout centres its holes on these.")
            .input("labels", "One-channel map (H x W x 1 or H x W) of whole numbers >= 0.")
            .input("n", "Pixels per label (an integer >= 0).")
            .output("f32 (K * n) x 3: x, y, count",
                    [](const InferContext& ctx) {
                      expect_mask(ctx, 0, true);
                      check_integer_scalar_type(ctx.inputs[1], "n");
                      return Type::tensor(DType::F32, Shape{kUnknownDim, 3});
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& a) {
              int64_t n = kernels::integer_value(a[1], "n");
              if (n < 0 || n > (int64_t(1) << 24)) range_error("n must be in [0, 2^24], got " + std::to_string(n));
              RandomStream rng = ctx.random();
              return Value(kernels::sample_label_pixels(mask_arg(a, 0), n, rng));
            })
            .build());

  r.add(OpBuilder("mask.distance_transform")
            .doc("For each nonzero pixel, the distance in pixels to the nearest zero pixel (0 on zero pixels). "
                 "l2 is exact Euclidean; l1 and linf are exact for their metrics. Pixels beyond the border never "
                 "count as zeros; a mask without any zero pixel is +inf everywhere.")
            .input("mask", "One-channel mask (H x W x 1 or H x W), any numeric dtype.")
            .attr_enum("metric", {"l1", "l2", "linf"}, std::string("l2"), "Distance metric.")
            .output("f32, the shape of mask",
                    [](const InferContext& ctx) {
                      expect_mask(ctx, 0, true);
                      return same_shape(ctx, DType::F32);
                    })
            .exec([](ExecContext& ctx, const Args& a) {
              const std::string& m = ctx.attrs.get_string("metric");
              auto metric = m == "l1" ? kernels::DistanceMetric::L1
                            : m == "l2" ? kernels::DistanceMetric::L2 : kernels::DistanceMetric::Linf;
              return Value(kernels::distance_transform(mask_arg(a, 0), metric));
            })
            .build());

  // --- Morphology --------------------------------------------------------------------------
  add_morphology(r, "mask.erode", "Erosion: each pixel becomes the minimum over the structuring element.",
                 kernels::MorphOp::Erode);
  add_morphology(r, "mask.dilate", "Dilation: each pixel becomes the maximum over the structuring element.",
                 kernels::MorphOp::Dilate);
  add_morphology(r, "mask.open", "Opening: erosion then dilation (removes small bright specks).",
                 kernels::MorphOp::Open);
  add_morphology(r, "mask.close", "Closing: dilation then erosion (fills small dark holes).", kernels::MorphOp::Close);
}

}  // namespace pxp
