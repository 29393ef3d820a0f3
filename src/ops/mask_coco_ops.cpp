// mask.decode_rle and mask.from_coco: COCO's instance segmentations (polygons, run-length
// encodings) made into masks at sample time, so a dataset holds only the compact annotations
// (what makes full COCO fit in memory) and no pre-decoded pixels.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "kernels/annotations.hpp"
#include "kernels/coco_rle.hpp"
#include "kernels/rasterize.hpp"
#include "ops/families.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

namespace {

constexpr int64_t kDefaultMaxPixels = int64_t(1) << 28;

// A constant non-negative integer input's value (the output size), else unknown.
int64_t constant_dim(const InferContext& ctx, size_t i) {
  const Value* v = constant_input(ctx, i);
  if (!v || !v->is_tensor() || v->tensor().numel() != 1) return kUnknownDim;
  double d = v->tensor().item_double();
  if (!(d >= 0) || d != std::floor(d) || d > 1e9) return kUnknownDim;  // exec reports it
  return static_cast<int64_t>(d);
}

int64_t dim_arg(const Args& args, size_t i, const char* what) {
  double d = scalar_arg(args, i, what);
  if (!std::isfinite(d) || d != std::floor(d)) argument_error(std::string(what) + " must be a whole number of pixels");
  if (d < 0 || d > 1e9) range_error(std::string(what) + " must be in [0, 1e9], got " + std::to_string(d));
  return static_cast<int64_t>(d);
}

// A zeroed u8 height x width x planes mask, within the max_pixels limit (on all planes together).
Tensor new_masks(int64_t width, int64_t height, int64_t planes, int64_t max_pixels) {
  if (width > 0 && height > 0 && planes > 0 &&
      (height > max_pixels / width || height * width > max_pixels / planes))
    range_error("the masks would have " + std::to_string(height) + " x " + std::to_string(width) + " x " +
                std::to_string(planes) + " pixels, more than max_pixels = " + std::to_string(max_pixels));
  return Tensor::zeros(DType::U8, {height, width, planes});
}

// The run lengths of a counts input: COCO's compressed string, or a 1-D integer tensor.
std::vector<int64_t> rle_counts(const Value& v) {
  if (v.is_string()) return kernels::parse_compressed_rle(v.string());
  if (!v.is_tensor() || v.tensor().ndim() != 1)
    argument_error("RLE counts must be a string or a 1-D integer tensor, not " + v.describe());
  Tensor t = v.tensor().contiguous();
  if (is_float(t.dtype()) || t.dtype() == DType::Bool)
    argument_error("RLE counts must be integers, not " + v.describe());
  Tensor c = t.cast(DType::I64);
  const int64_t* p = c.data<int64_t>();
  return std::vector<int64_t>(p, p + c.numel());
}

void check_sizes(const InferContext& ctx, size_t width, size_t height) {
  expect_scalar(ctx, width, "width");
  expect_scalar(ctx, height, "height");
}

}  // namespace

void register_mask_coco_ops(Registry& r) {
  r.add(OpBuilder("mask.decode_rle")
            .doc("Decodes a COCO run-length encoding into a new width x height mask. The counts are the lengths of "
                 "alternating runs of unset and set pixels, starting with unset ones, in column-major order (down "
                 "the first column, then the next), as in COCO's `segmentation` `{\"size\": [height, width], "
                 "\"counts\": ...}`: either COCO's compressed string or a 1-D integer tensor (the uncompressed "
                 "list). The counts must add up to width x height; a corrupt string or counts that do not add up "
                 "are a decode error.")
            .input("counts", "COCO's compressed RLE string, or a 1-D integer tensor of run lengths.")
            .input("width", "Mask width (integer scalar).")
            .input("height", "Mask height (integer scalar).")
            .attr_int("value", 255, "Value of the set pixels.", 0, 255)
            .attr_int("max_pixels", kDefaultMaxPixels, "Largest width x height accepted.", 1, int64_t(1) << 40)
            .output("u8 height x width x 1",
                    [](const InferContext& ctx) {
                      const Type& t = ctx.inputs[0];
                      if (!t.may_be_string() && !t.may_be_tensor())
                        type_error("input 'counts' must be a string or an integer tensor, not " + t.to_string());
                      check_sizes(ctx, 1, 2);
                      return Type::tensor(DType::U8, Shape{constant_dim(ctx, 2), constant_dim(ctx, 1), 1});
                    })
            .exec([](ExecContext& ctx, const Args& a) {
              Tensor mask = new_masks(dim_arg(a, 1, "width"), dim_arg(a, 2, "height"), 1,
                                      ctx.attrs.get_int("max_pixels"));
              kernels::paint_rle(mask, 0, rle_counts(a[0]), static_cast<uint8_t>(ctx.attrs.get_int("value")));
              return Value(mask);
            })
            .build());

  r.add(OpBuilder("mask.from_coco")
            .doc("The instance masks of one image from its COCO segmentations, as a new u8 height x width x N mask "
                 "(plane n is instance n; the layout of instance masks inside a resource). An instance is given "
                 "by polygons, by a run-length encoding, or both (united): `points` holds the vertices of every "
                 "polygon of the image in order, `parts` one row per polygon (the instance it belongs to, its "
                 "number of vertices), and `rles` one string per instance, COCO's compressed RLE of the instance or "
                 "an empty string. Polygons are filled as mask.render_polygons fills them (pixel centers, "
                 "even-odd rule); RLEs are decoded as mask.decode_rle decodes them. `merge` unites every instance "
                 "in one plane (H x W x 1), e.g. the crowd regions to ignore. A corrupt RLE is a decode error "
                 "that names the instance.")
            .input("points", "P x 2 polygon vertices (x, y in pixels), every polygon of the image in order.")
            .input("parts", "Q x 2 integer rows, one per polygon: its instance (0 to N - 1), its vertex count.")
            .input("rles", "A list of N strings: an instance's compressed RLE, or empty.")
            .input("width", "Mask width (integer scalar).")
            .input("height", "Mask height (integer scalar).")
            .attr_int("value", 1, "Value of the set pixels.", 0, 255)
            .attr_bool("merge", false, "Unite all instances into one plane.")
            .attr_int("max_pixels", kDefaultMaxPixels, "Largest width x height x planes accepted.", 1,
                      int64_t(1) << 40)
            .output("u8 height x width x N (x 1 when merged)",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 0, "points");
                      expect_tensor(ctx, 1, "parts");
                      expect_list(ctx, 2, "rles");
                      check_sizes(ctx, 3, 4);
                      int64_t n = ctx.attrs.get_bool("merge") ? 1 : ctx.inputs[2].length;
                      return Type::tensor(DType::U8, Shape{constant_dim(ctx, 4), constant_dim(ctx, 3), n});
                    })
            .exec([](ExecContext& ctx, const Args& a) {
              const int64_t width = dim_arg(a, 3, "width"), height = dim_arg(a, 4, "height");
              if (!a[2].is_list()) type_error("input 'rles' must be a list of strings, not " + a[2].describe());
              const List& rles = a[2].list();
              const auto count = static_cast<int64_t>(rles.size());
              const bool merge = ctx.attrs.get_bool("merge");
              const auto value = static_cast<uint8_t>(ctx.attrs.get_int("value"));
              const int64_t max_pixels = ctx.attrs.get_int("max_pixels");
              Tensor out = new_masks(width, height, merge ? 1 : count, max_pixels);
              if (!a[0].is_tensor() || !a[1].is_tensor())
                type_error("inputs 'points' and 'parts' must be tensors");
              std::vector<double> xy = kernels::read_rows(a[0].tensor(), 2, "points");
              std::vector<double> parts = kernels::read_rows(a[1].tensor(), 2, "parts");
              // One instance at a time in a scratch plane, then copied into its plane of the output.
              Tensor plane = new_masks(width, height, 1, max_pixels);
              std::vector<std::vector<double>> polygons(static_cast<size_t>(count));
              std::vector<std::vector<size_t>> owned(static_cast<size_t>(count));
              size_t next = 0;
              for (size_t q = 0; q + 1 < parts.size(); q += 2) {
                double inst = parts[q], n = parts[q + 1];
                if (!(inst >= 0 && inst < static_cast<double>(count) && inst == std::floor(inst)))
                  argument_error("parts row " + std::to_string(q / 2) + " names instance " + std::to_string(inst) +
                                 ", but there are " + std::to_string(count) + " (one per entry of 'rles')");
                if (!(n >= 0 && n == std::floor(n) && n <= static_cast<double>(xy.size() / 2 - next)))
                  argument_error("parts row " + std::to_string(q / 2) + " has " + std::to_string(n) +
                                 " vertices, but 'points' has " + std::to_string(xy.size() / 2 - next) + " left");
                owned[static_cast<size_t>(inst)].push_back(next);
                owned[static_cast<size_t>(inst)].push_back(next + static_cast<size_t>(n));
                next += static_cast<size_t>(n);
              }
              const int64_t pixels = width * height;
              uint8_t* dst = out.mutable_data<uint8_t>();
              const int64_t planes = out.dim(2);
              for (int64_t k = 0; k < count; ++k) {
                const Value& rle = rles[static_cast<size_t>(k)];
                if (!rle.is_string()) type_error("input 'rles' must be a list of strings, not " + a[2].describe());
                uint8_t* scratch = plane.mutable_data<uint8_t>();
                std::memset(scratch, 0, static_cast<size_t>(pixels));
                const std::vector<size_t>& spans = owned[static_cast<size_t>(k)];
                for (size_t s = 0; s + 1 < spans.size(); s += 2)
                  kernels::render_polygon(plane, std::vector<double>(xy.begin() + 2 * spans[s],
                                                                     xy.begin() + 2 * spans[s + 1]), 1);
                if (!rle.string().empty()) {
                  try {
                    kernels::paint_rle(plane, 0, kernels::parse_compressed_rle(rle.string()), 1);
                  } catch (const Error& e) {
                    fail(e.code(), "instance " + std::to_string(k) + " of " + std::to_string(count) + ": " + e.what());
                  }
                }
                const int64_t c = merge ? 0 : k;
                for (int64_t p = 0; p < pixels; ++p)
                  if (scratch[p]) dst[p * planes + c] = value;
              }
              return Value(out);
            })
            .build());
}

}  // namespace pxp
