// image.*: decoding, image properties and geometry. Images are H x W x C tensors (or H x W,
// one channel; ranks are kept), coordinates are continuous (pixel (i, j) covers
// [j, j+1) x [i, i+1)). Sizes, boxes, matrices and maps are inputs, so they can be random per
// sample; interpolation, border and decoding modes are attributes.
#include <optional>

#include "kernels/annotations.hpp"
#include "kernels/box_fill.hpp"
#include "kernels/mask_objects.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/grid_shuffle.hpp"
#include "kernels/image_geometry.hpp"
#include "kernels/image_modes.hpp"
#include "kernels/image_resample.hpp"
#include "kernels/bmp_decoder.hpp"
#include "kernels/exif_orientation.hpp"
#include "kernels/image_decoding.hpp"
#include "kernels/image_format.hpp"
#include "kernels/jpeg_decoder.hpp"
#include "kernels/png_decoder.hpp"
#include "kernels/pnm_decoder.hpp"
#include "kernels/tiff_decoder.hpp"
#include "kernels/webp_decoder.hpp"
#include "ops/families.hpp"
#include "ops/geometry_args.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

namespace {

using kernels::Border;
using kernels::Interpolation;

constexpr int64_t kDefaultMaxPixels = int64_t(1) << 28;

// What the type rule knows about an image input; -1 for unknown dimensions, rank -1 unknown.
struct ImageType {
  int rank = -1;
  std::optional<DType> dtype;
  int64_t height = kUnknownDim, width = kUnknownDim, channels = kUnknownDim;
};

ImageType expect_image(const InferContext& ctx, size_t i, bool interpolated = false) {
  expect_tensor(ctx, i, "image");
  const Type& t = ctx.inputs[i];
  ImageType out;
  out.dtype = t.dtype;
  out.rank = t.rank();
  if (out.rank != -1 && out.rank != 2 && out.rank != 3)
    type_error("input 'image' must be an H x W x C or H x W tensor, not " + t.to_string());
  if (interpolated && t.dtype && !kernels::resample_dtype_supported(*t.dtype))
    type_error(std::string("input 'image' of dtype ") + dtype_name(*t.dtype) +
               " cannot be interpolated (use u8, u16, i16, f32 or f64)");
  if (out.rank >= 2) {
    out.height = (*t.shape)[0];
    out.width = (*t.shape)[1];
    out.channels = out.rank == 3 ? (*t.shape)[2] : 1;
  }
  return out;
}

// The type of an image like `in` with another height and width (and dtype).
Type image_like(const ImageType& in, int64_t height, int64_t width, std::optional<DType> dtype) {
  if (in.rank == 2) return Type::tensor(dtype, Shape{height, width});
  if (in.rank == 3) return Type::tensor(dtype, Shape{height, width, in.channels});
  return Type::tensor(dtype);
}

std::optional<int64_t> constant_int(const InferContext& ctx, size_t i) {
  const Value* v = constant_input(ctx, i);
  if (!v || !v->is_tensor() || v->tensor().numel() != 1) return std::nullopt;
  return v->tensor().item_int();
}

// Checks a tensor input has `count` elements when its shape is known.
void expect_elements(const InferContext& ctx, size_t i, const char* what, int64_t count) {
  expect_tensor(ctx, i, what);
  const Type& t = ctx.inputs[i];
  if (!t.shape) return;
  int64_t n = 1;
  for (int64_t d : *t.shape) {
    if (d < 0) return;
    n *= d;
  }
  if (n != count)
    type_error(std::string("input '") + what + "' must have " + std::to_string(count) + " elements, not " +
               t.to_string());
}

// Decoder input: u8 bytes.
void expect_bytes(const InferContext& ctx) {
  expect_tensor(ctx, 0, "data");
  const Type& t = ctx.inputs[0];
  if ((t.dtype && *t.dtype != DType::U8) || (t.rank() != -1 && t.rank() != 1))
    type_error("input 'data' must be a u8 tensor of shape [n] (file bytes), not " + t.to_string());
}

// Header readers: [height, width] of the image in u8 bytes.
Type infer_size_of_bytes(const InferContext& ctx) {
  expect_bytes(ctx);
  return Type::tensor(DType::I64, Shape{2});
}

Value size_value(int64_t height, int64_t width) {
  Tensor out = Tensor::empty(DType::I64, {2});
  out.mutable_data<int64_t>()[0] = height;
  out.mutable_data<int64_t>()[1] = width;
  return Value(out);
}

// Decoders to u8 with a `mode` attribute: 3 channels for rgb, 1 for gray, unknown for unchanged.
Type infer_decoded_u8(const InferContext& ctx) {
  expect_bytes(ctx);
  const std::string& mode = ctx.attrs.get_string("mode");
  int64_t c = mode == "rgb" ? 3 : (mode == "gray" ? 1 : kUnknownDim);
  return Type::tensor(DType::U8, Shape{kUnknownDim, kUnknownDim, c});
}

// image.decode: as infer_decoded_u8, of the dtype its `dtype` attribute names.
Type infer_decoded(const InferContext& ctx) {
  Type t = infer_decoded_u8(ctx);
  return Type::tensor(ctx.attrs.get_string("dtype") == "u16" ? DType::U16 : DType::U8, *t.shape);
}

// The fused decodes' output: u8 [height, width, C], C from the mode, the size from the inputs
// width_input and width_input + 1 where they are constants.
Type decoded_u8_sized_by(const InferContext& ctx, size_t width_input) {
  const std::string& mode = ctx.attrs.get_string("mode");
  int64_t c = mode == "rgb" ? 3 : (mode == "gray" ? 1 : kUnknownDim);
  return Type::tensor(DType::U8, Shape{constant_int(ctx, width_input + 1).value_or(kUnknownDim),
                                       constant_int(ctx, width_input).value_or(kUnknownDim), c});
}

// Fused decode -> crop -> resize ops: u8 [height, width, C] with the decoder's channels.
Type infer_decoded_crop(const InferContext& ctx) {
  expect_bytes(ctx);
  expect_elements(ctx, 1, "box", 4);
  expect_scalar(ctx, 2, "width");
  expect_scalar(ctx, 3, "height");
  return decoded_u8_sized_by(ctx, 2);
}

// Fused decode -> crop -> resize -> warp: the same, sized by the warp's width and height.
Type infer_decoded_crop_warp(const InferContext& ctx) {
  expect_bytes(ctx);
  expect_elements(ctx, 1, "box", 4);
  expect_scalar(ctx, 2, "box_width");
  expect_scalar(ctx, 3, "box_height");
  expect_elements(ctx, 4, "matrix", 9);
  expect_scalar(ctx, 5, "width");
  expect_scalar(ctx, 6, "height");
  return decoded_u8_sized_by(ctx, 5);
}

int64_t max_pixels(const ExecContext& ctx) { return ctx.attrs.get_int("max_pixels"); }

// "1", "1/2", "1/4" or "1/8" -> the denominator.
int scale_denominator(const std::string& scale) { return scale == "1" ? 1 : std::stoi(scale.substr(2)); }

// The JPEG decoder's options from the op's mode and max_pixels attributes and, where the op has
// one, its scale attribute (scale_attr; nullptr decodes at full size).
kernels::JpegOptions jpeg_options(const ExecContext& ctx, const char* scale_attr) {
  const std::string& mode = ctx.attrs.get_string("mode");
  kernels::JpegOptions o;
  o.mode = mode == "rgb" ? kernels::JpegMode::Rgb
                         : (mode == "gray" ? kernels::JpegMode::Gray : kernels::JpegMode::Unchanged);
  if (scale_attr) o.scale_denom = scale_denominator(ctx.attrs.get_string(scale_attr));
  o.max_pixels = max_pixels(ctx);
  o.strict = ctx.attrs.get_bool("strict");
  o.apply_exif_orientation = ctx.attrs.get_bool("exif_orientation");
  return o;
}

// The options of the WebP, BMP, TIFF and PNM decoders from the op's mode and max_pixels.
kernels::DecodeOptions decode_options(const ExecContext& ctx) {
  const std::string& mode = ctx.attrs.get_string("mode");
  kernels::DecodeOptions o;
  o.mode = mode == "rgb" ? kernels::DecodeMode::Rgb
                         : (mode == "gray" ? kernels::DecodeMode::Gray : kernels::DecodeMode::Unchanged);
  o.max_pixels = max_pixels(ctx);
  return o;
}

// The PNG decoder's options from the op's mode ("indices" only for image.decode_png) and
// max_pixels attributes.
kernels::PngOptions png_options(const ExecContext& ctx) {
  const std::string& mode = ctx.attrs.get_string("mode");
  kernels::PngOptions o;
  o.mode = mode == "rgb"       ? kernels::PngMode::Rgb
           : mode == "gray"    ? kernels::PngMode::Gray
           : mode == "indices" ? kernels::PngMode::Indices
                               : kernels::PngMode::Unchanged;
  o.max_pixels = max_pixels(ctx);
  return o;
}

// The ops that accept both formats decode to u8 (16-bit PNGs keep their high byte).
kernels::PngOptions png_options_8bit(const ExecContext& ctx) {
  kernels::PngOptions o = png_options(ctx);
  o.force_8bit = true;
  return o;
}

// The one place that tells the formats apart (kernels/image_format.hpp), or PXP_EDECODE saying
// what the data is not (`what`: "decode an image", "read an image size").
kernels::ImageFormat format_of(const Tensor& data, const char* what) {
  kernels::ImageFormat f = kernels::detect_image_format(data.bytes(), data.nbytes());
  if (f != kernels::ImageFormat::Unknown) return f;
  if (data.nbytes() == 0) fail(PXP_EDECODE, std::string("cannot ") + what + " from empty data");
  fail(PXP_EDECODE, "unknown image format (no JPEG, PNG, WebP, BMP, TIFF or PNM signature) in " +
                        std::to_string(data.nbytes()) + " bytes");
}

// Each format's decoder, in the op's mode: the file's own depth (u8 or u16), except PNG with
// sixteen_bit false, which libpng reduces to u8 itself (the high byte, as before u16 existed).
Tensor decode_native(ExecContext& ctx, const Tensor& data, bool sixteen_bit) {
  const uint8_t* bytes = data.bytes();
  size_t n = data.nbytes();
  switch (format_of(data, "decode an image")) {
    case kernels::ImageFormat::Jpeg: return kernels::decode_jpeg(bytes, n, jpeg_options(ctx, nullptr));
    case kernels::ImageFormat::Png:
      return kernels::decode_png(bytes, n, sixteen_bit ? png_options(ctx) : png_options_8bit(ctx));
    case kernels::ImageFormat::Webp: return kernels::decode_webp(bytes, n, decode_options(ctx));
    case kernels::ImageFormat::Bmp: return kernels::decode_bmp(bytes, n, decode_options(ctx));
    case kernels::ImageFormat::Tiff: return kernels::decode_tiff(bytes, n, decode_options(ctx));
    default: return kernels::decode_pnm(bytes, n, decode_options(ctx));
  }
}

// image.decode's pixels: any format, in the op's mode, as u8 (16-bit samples keep their high
// byte) or u16 (8-bit samples times 257).
Tensor decode_any(ExecContext& ctx, const Tensor& data, DType dtype) {
  return kernels::to_pixel_dtype(decode_native(ctx, data, dtype == DType::U16), dtype);
}

// The size image.decode gives (upright for JPEG when exif_orientation is set).
kernels::ImageSize decoded_size(ExecContext& ctx, const Tensor& data) {
  const uint8_t* bytes = data.bytes();
  size_t n = data.nbytes();
  switch (format_of(data, "read an image size")) {
    case kernels::ImageFormat::Jpeg: {
      kernels::JpegHeader h = kernels::read_jpeg_header(bytes, n);
      bool swap = ctx.attrs.get_bool("exif_orientation") && kernels::orientation_swaps_axes(h.orientation);
      return swap ? kernels::ImageSize{h.width, h.height} : kernels::ImageSize{h.height, h.width};
    }
    case kernels::ImageFormat::Png: {
      kernels::PngHeader h = kernels::read_png_header(bytes, n);
      return {h.height, h.width};
    }
    case kernels::ImageFormat::Webp: return kernels::read_webp_header(bytes, n);
    case kernels::ImageFormat::Bmp: return kernels::read_bmp_header(bytes, n);
    case kernels::ImageFormat::Tiff: return kernels::read_tiff_header(bytes, n);
    default: return kernels::read_pnm_header(bytes, n);
  }
}

const Tensor& bytes_arg(const Args& args, Tensor& holder) {
  const Value& v = args[0];
  if (!v.is_tensor() || v.tensor().dtype() != DType::U8 || v.tensor().ndim() != 1)
    type_error("input 'data' must be a u8 tensor of shape [n], not " + v.describe());
  holder = v.tensor().contiguous();
  return holder;
}

const Tensor& image_arg(const Args& args, size_t i = 0) {
  const Value& v = args[i];
  if (!v.is_tensor()) type_error("input 'image' must be a tensor, not " + v.describe());
  kernels::image_shape(v.tensor());
  return v.tensor();
}

kernels::PixelBox box_arg(const Args& args, size_t i) {
  const Value& v = args[i];
  if (!v.is_tensor() || v.tensor().numel() != 4)
    type_error("input 'box' must be a tensor of 4 numbers (x1, y1, x2, y2), not " + v.describe());
  Tensor b = v.tensor().cast(DType::F64).contiguous();
  const double* p = b.data<double>();
  return kernels::pixel_box(p[0], p[1], p[2], p[3]);
}

kernels::Matrix3 matrix_arg(const Args& args, size_t i) {
  const Value& v = args[i];
  if (!v.is_tensor() || v.tensor().ndim() != 2 || v.tensor().dim(0) != 3 || v.tensor().dim(1) != 3)
    type_error("input 'matrix' must be a 3 x 3 tensor, not " + v.describe());
  Tensor m = v.tensor().cast(DType::F64).contiguous();
  kernels::Matrix3 out;
  for (size_t k = 0; k < 9; ++k) out[k] = m.data<double>()[k];
  return out;
}

std::optional<kernels::PixelBox> constant_box(const InferContext& ctx, size_t i) {
  const Value* v = constant_input(ctx, i);
  if (!v || !v->is_tensor() || v->tensor().numel() != 4) return std::nullopt;
  Tensor b = v->tensor().cast(DType::F64).contiguous();
  const double* p = b.data<double>();
  return kernels::pixel_box(p[0], p[1], p[2], p[3]);
}

Interpolation interpolation(const ExecContext& ctx) {
  return kernels::interpolation_from_name(ctx.attrs.get_string("interpolation"));
}
Border border(const ExecContext& ctx) { return kernels::border_from_name(ctx.attrs.get_string("border")); }

const std::vector<std::string>& warp_interpolations() {
  static const std::vector<std::string> names{"nearest", "linear", "cubic", "lanczos"};
  return names;
}

OpBuilder& max_pixels_attr(OpBuilder& b) {
  return b.attr_int("max_pixels", kDefaultMaxPixels,
                    "Largest width * height accepted, checked against the header before any allocation.", 1);
}

OpBuilder& jpeg_strict_attr(OpBuilder& b) {
  return b.attr_bool("strict", true,
                     "JPEG data: fail (PXP_EDECODE) when libjpeg warns that pixels are not all the file's (data cut "
                     "short, a premature marker, bad entropy codes) and when the header declares more than 4096 "
                     "pixels per byte of the file; false decodes what libjpeg makes of such data, gray where it is "
                     "missing, up to max_pixels.");
}

OpBuilder& exif_orientation_attr(OpBuilder& b) {
  return b.attr_bool("exif_orientation", true,
                     "JPEG data: turn the image upright by its EXIF orientation tag (the 8 orientations, as PIL's "
                     "ImageOps.exif_transpose); false gives the pixels as stored. A missing or malformed EXIF "
                     "segment leaves the image as stored.");
}

// What every decoder that reads JPEG takes: strict, exif_orientation and max_pixels.
OpBuilder& decoder_attrs(OpBuilder& b) {
  jpeg_strict_attr(b);
  exif_orientation_attr(b);
  return max_pixels_attr(b);
}

constexpr const char* kAntialiasDoc =
    "Resize with torchvision's antialiased bilinear filter (resize(..., antialias=True), its default): PIL's "
    "triangle filter widened by the shrink factor, so a shrink averages every source pixel it covers; u8 in "
    "torch's fixed point (int16 weights, a horizontal then a vertical pass, each rounded to u8). false: "
    "OpenCV's bilinear resize, which samples 2 x 2 pixels whatever the shrink (aliasing when it is strong).";

constexpr const char* kDecodeAntialiasDoc =
    "Resize the box with torchvision's antialiased bilinear filter (image.resize's antialias): the DCT scale "
    "then leaves at least twice width x height pixels in the box, and the filter takes the box's exact edges "
    "in the scaled pixels (on photos, a mean difference from torchvision's full decode + filter of about 0.1 "
    "level where a DCT scale is used, about 0.001 where none is).";

OpBuilder& border_attrs(OpBuilder& b) {
  return b
      .attr_enum("border", kernels::border_names(), std::string("constant"),
                 "Pixels outside the image: constant (border_value), replicate (nearest edge pixel), "
                 "reflect (mirrored about the edge, edge pixel included: dcba|abcd), wrap (periodic), "
                 "reflect_101 (mirrored about the edge pixel, not repeating it: dcb|abcd).")
      .attr_float("border_value", 0.0, "Value of every channel outside the image for border 'constant'.");
}

void register_decoders(Registry& r) {
  {
    OpBuilder b("image.decode_jpeg");
    b.doc("Decodes JPEG bytes with libjpeg-turbo, optionally scaled down in the DCT domain (much faster than "
          "decoding at full size and resizing), and turned upright by its EXIF orientation (exif_orientation). "
          "Corrupt, truncated or empty data and images over max_pixels fail with PXP_EDECODE.")
        .input("data", "u8 tensor of shape [n]: the file's bytes (io.read_file).")
        .attr_enum("mode", {"rgb", "gray", "unchanged"}, std::string("rgb"),
                   "rgb: 3 channels; gray: 1 channel (luma); unchanged: gray files 1 channel, color files 3 (RGB; "
                   "CMYK is converted).")
        .attr_enum("scale", {"1", "1/2", "1/4", "1/8"}, std::string("1"),
                   "Decode at this fraction of the size (each side rounded up).");
    decoder_attrs(b)
        .output("u8 tensor [H, W, C]: C is 3 for rgb, 1 for gray, unknown for unchanged",
                infer_decoded_u8)
        .exec([](ExecContext& ctx, const Args& args) {
          Tensor holder;
          const Tensor& data = bytes_arg(args, holder);
          return Value(kernels::decode_jpeg(data.bytes(), data.nbytes(), jpeg_options(ctx, "scale")));
        });
    r.add(b.build());
  }
  {
    OpBuilder b("image.decode_jpeg_crop");
    b.doc("Fused JPEG decode -> crop -> resize (RandomResizedCrop's chain): the pixels of `box` (rounded and "
          "clipped to the image as image.crop does) resized bilinearly to width x height. Decodes only what the box "
          "needs: at the largest DCT scale (down to max_scale) that still leaves at least width x height pixels in "
          "the box, skipping the IDCT of rows above the box and of the columns outside it, and stopping after its "
          "last row. Differs slightly from image.resize(image.crop(image.decode_jpeg(data), box), width, height) "
          "when a DCT scale is used (the scaled IDCT averages, and box edges snap to scaled pixels); with "
          "max_scale '1' the results agree up to chroma upsampling at the crop's edge columns. A box that misses "
          "the image is a range error; corrupt data fails with PXP_EDECODE.")
        .input("data", "u8 tensor of shape [n]: the file's bytes (io.read_file).")
        .input("box", "4 numbers x1, y1, x2, y2 in full-size pixels (continuous coordinates) of the upright image "
               "(with exif_orientation; else of the stored one).")
        .input("width", "Integer scalar >= 1: output width.")
        .input("height", "Integer scalar >= 1: output height.")
        .attr_enum("mode", {"rgb", "gray", "unchanged"}, std::string("rgb"),
                   "rgb: 3 channels; gray: 1 channel (luma); unchanged: gray files 1 channel, color files 3.")
        .attr_enum("max_scale", {"1", "1/2", "1/4", "1/8"}, std::string("1/8"),
                   "The smallest DCT scale allowed ('1' decodes at full size, exact up to the edge columns).")
        .attr_bool("antialias", false, kDecodeAntialiasDoc);
    decoder_attrs(b)
        .output("u8 tensor [height, width, C]: C is 3 for rgb, 1 for gray, unknown for unchanged",
                infer_decoded_crop)
        .exec([](ExecContext& ctx, const Args& args) {
          Tensor holder;
          const Tensor& data = bytes_arg(args, holder);
          kernels::JpegOptions options = jpeg_options(ctx, "max_scale");
          options.antialias = ctx.attrs.get_bool("antialias");
          return Value(kernels::decode_jpeg_crop(data.bytes(), data.nbytes(), box_arg(args, 1),
                                                 int_arg(args, 2, "width"), int_arg(args, 3, "height"), options));
        });
    r.add(b.build());
  }
  {
    OpBuilder b("image.decode_crop");
    b.doc("Fused image.decode -> image.crop -> image.resize (linear): what the Python compiler emits for that "
          "chain (RandomResizedCrop on decoded files). JPEG data takes image.decode_jpeg_crop's path: only the "
          "rows and iMCU columns of `box` are decoded, at the largest DCT scale (down to max_scale) that leaves at "
          "least width x height pixels in the box, with image.decode_jpeg_crop's small documented difference from "
          "the unfused chain; rows below the box are never read, so a file cut short below the box decodes. With "
          "exif_orientation the box is in the upright image's pixels, as image.decode's output. PNG, WebP, BMP, "
          "TIFF and PNM data is decoded whole as image.decode does (u8), then cropped and resized exactly as the "
          "unfused chain. Unknown formats and corrupt data fail with PXP_EDECODE; a box that misses the image is "
          "a range error.")
        .input("data", "u8 tensor of shape [n]: the file's bytes (io.read_file).")
        .input("box", "4 numbers x1, y1, x2, y2 in full-size pixels (continuous coordinates).")
        .input("width", "Integer scalar >= 1: output width.")
        .input("height", "Integer scalar >= 1: output height.")
        .attr_enum("mode", {"rgb", "gray", "unchanged"}, std::string("rgb"),
                   "rgb: 3 channels (alpha dropped); gray: 1 channel (luma); unchanged: the file's channels "
                   "(as image.decode).")
        .attr_enum("max_scale", {"1", "1/2", "1/4", "1/8"}, std::string("1/8"),
                   "The smallest DCT scale allowed for JPEG data ('1' decodes at full size, exact up to the edge "
                   "columns).")
        .attr_bool("antialias", false, kDecodeAntialiasDoc);
    decoder_attrs(b)
        .output("u8 tensor [height, width, C]: C is 3 for rgb, 1 for gray, unknown for unchanged",
                infer_decoded_crop)
        .exec([](ExecContext& ctx, const Args& args) {
          Tensor holder;
          const Tensor& data = bytes_arg(args, holder);
          int64_t width = int_arg(args, 2, "width"), height = int_arg(args, 3, "height");
          const bool antialias = ctx.attrs.get_bool("antialias");
          if (format_of(data, "decode an image") == kernels::ImageFormat::Jpeg) {
            kernels::JpegOptions options = jpeg_options(ctx, "max_scale");
            options.antialias = antialias;
            return Value(kernels::decode_jpeg_crop(data.bytes(), data.nbytes(), box_arg(args, 1), width, height,
                                                   options));
          }
          Tensor full = decode_any(ctx, data, DType::U8);
          return Value(kernels::resize(kernels::crop(full, box_arg(args, 1)), width, height, Interpolation::Linear,
                                       antialias));
        });
    r.add(b.build());
  }
  {
    OpBuilder b("image.decode_crop_warp");
    b.doc("Fused decode -> crop -> resize -> warp: what the Python compiler emits where a geometric chain "
          "(flips, resizes, affine or perspective warps with a constant border) follows "
          "RandomResizedCrop's decode -> crop -> resize. The result is image.warp(image.resize(image.crop("
          "decoded, box), box_width, box_height), matrix, width, height) computed in one resample: the chain's "
          "matrices are composed and the decoded pixels are warped straight to the output, so the only "
          "difference from the unfused chain is the removed intermediate rounding and blur (and, for JPEG data, "
          "box edges snapped to whole DCT-scaled pixels). The box stays the image's edge: what falls outside it "
          "is border_value. JPEG data decodes only the output's footprint in the box (rows above it entropy-"
          "decoded only, rows below never read), at the largest DCT scale (down to max_scale) whose pixels are "
          "no coarser than the output's in any direction (scale 1 for perspective matrices); an EXIF "
          "orientation is folded into the matrix. Other formats (format 'any') are decoded whole (u8), then "
          "cropped and warped once. Corrupt data fails with PXP_EDECODE; a box that misses the image is a range "
          "error; a singular matrix an argument error.")
        .input("data", "u8 tensor of shape [n]: the file's bytes (io.read_file).")
        .input("box", "4 numbers x1, y1, x2, y2 in full-size pixels (continuous coordinates) of the upright image "
               "(with exif_orientation), rounded and clipped as image.crop does.")
        .input("box_width", "Integer scalar >= 1: the width the box is resized to before the warp.")
        .input("box_height", "Integer scalar >= 1: the height the box is resized to before the warp.")
        .input("matrix", "3 x 3 tensor: the composed chain, from the resized box's coordinates to the output's "
               "(source to destination, continuous convention, as image.warp).")
        .input("width", "Integer scalar >= 1: output width.")
        .input("height", "Integer scalar >= 1: output height.")
        .attr_enum("mode", {"rgb", "gray", "unchanged"}, std::string("rgb"),
                   "rgb: 3 channels; gray: 1 channel (luma); unchanged: the file's channels (as image.decode).")
        .attr_enum("format", {"any", "jpeg"}, std::string("any"),
                   "any: every format image.decode reads; jpeg: JPEG data only, as image.decode_jpeg (other data "
                   "fails with PXP_EDECODE).")
        .attr_enum("max_scale", {"1", "1/2", "1/4", "1/8"}, std::string("1/8"),
                   "The smallest DCT scale allowed for JPEG data ('1' decodes at full size).")
        .attr_enum("interpolation", warp_interpolations(), std::string("linear"),
                   "nearest, linear, cubic or lanczos (as image.warp).")
        .attr_float("border_value", 0.0, "Value of every channel outside the box (the border is constant).");
    decoder_attrs(b)
        .output("u8 tensor [height, width, C]: C is 3 for rgb, 1 for gray, unknown for unchanged",
                infer_decoded_crop_warp)
        .exec([](ExecContext& ctx, const Args& args) {
          Tensor holder;
          const Tensor& data = bytes_arg(args, holder);
          const kernels::PixelBox box = box_arg(args, 1);
          const int64_t box_width = int_arg(args, 2, "box_width"), box_height = int_arg(args, 3, "box_height");
          const kernels::WarpTarget target{matrix_arg(args, 4), int_arg(args, 5, "width"),
                                           int_arg(args, 6, "height"), interpolation(ctx),
                                           ctx.attrs.get_float("border_value")};
          if (ctx.attrs.get_string("format") == "jpeg" ||
              format_of(data, "decode an image") == kernels::ImageFormat::Jpeg)
            return Value(kernels::decode_jpeg_crop_warp(data.bytes(), data.nbytes(), box, box_width, box_height,
                                                        target, jpeg_options(ctx, "max_scale")));
          return Value(kernels::warp_resized_crop(decode_any(ctx, data, DType::U8), box, box_width, box_height,
                                                  target));
        });
    r.add(b.build());
  }
  r.add(OpBuilder("image.decoded_size")
            .doc("The size image.decode gives for JPEG, PNG, WebP, BMP, TIFF or PNM bytes, [height, width], read "
                 "from the header without decoding any pixel (for JPEG with exif_orientation, the upright size). The "
                 "compiler puts it in place of image.width and image.height of a decode that it fuses into "
                 "image.decode_crop. Unknown formats and data whose header cannot be read fail with PXP_EDECODE.")
            .input("data", "u8 tensor of shape [n]: the file's bytes (io.read_file).")
            .attr_bool("exif_orientation", true,
                       "JPEG data: the size of the image turned upright by its EXIF orientation tag (height and "
                       "width swap for the 4 transposing orientations), as image.decode gives it; false: as stored.")
            .output("i64 tensor [2]", infer_size_of_bytes)
            .exec([](ExecContext& ctx, const Args& args) {
              Tensor holder;
              const Tensor& data = bytes_arg(args, holder);
              kernels::ImageSize size = decoded_size(ctx, data);
              return size_value(size.height, size.width);
            })
            .build());
  r.add(OpBuilder("image.jpeg_size")
            .doc("The size of a JPEG image from its header, without decoding: [height, width] (full size; upright "
                 "with exif_orientation). Lets a crop box be drawn before image.decode_jpeg_crop. Data whose header "
                 "cannot be read fails with PXP_EDECODE.")
            .input("data", "u8 tensor of shape [n]: the file's bytes (io.read_file).")
            .attr_bool("exif_orientation", true,
                       "The size of the image turned upright by its EXIF orientation tag (height and width swap for "
                       "the 4 transposing orientations), as image.decode_jpeg gives it; false: as stored.")
            .output("i64 tensor [2]", infer_size_of_bytes)
            .exec([](ExecContext& ctx, const Args& args) {
              Tensor holder;
              const Tensor& data = bytes_arg(args, holder);
              kernels::JpegHeader h = kernels::read_jpeg_header(data.bytes(), data.nbytes());
              bool swap = ctx.attrs.get_bool("exif_orientation") && kernels::orientation_swaps_axes(h.orientation);
              return swap ? size_value(h.width, h.height) : size_value(h.height, h.width);
            })
            .build());
  {
    OpBuilder b("image.decode_png");
    b.doc("Decodes PNG bytes with libpng: 8-bit files give u8, 16-bit files u16; every color type, interlaced "
          "or not. Mode 'indices' reads label maps: a palette PNG's raw palette indices, or a gray PNG's values "
          "as written (8 bits or fewer, no alpha: Cityscapes' and ADE20K's layout). Corrupt, truncated "
          "or empty data and images over max_pixels fail with PXP_EDECODE.")
        .input("data", "u8 tensor of shape [n]: the file's bytes (io.read_file).")
        .attr_enum("mode", {"unchanged", "rgb", "gray", "indices"}, std::string("unchanged"),
                   "unchanged: the file's channels (gray 1, gray+alpha 2, RGB 3, RGBA 4; palettes become RGB, or "
                   "RGBA with a transparency chunk, which also adds alpha to gray and RGB files); rgb: 3 channels, "
                   "alpha dropped; gray: 1 channel, 0.299 R + 0.587 G + 0.114 B, alpha dropped; indices: palette "
                   "or gray label maps (8 bits or fewer, no alpha; others fail naming their color type), u8 [H, W, 1] of "
                   "palette indices or gray values as written.");
    max_pixels_attr(b)
        .output("u8 or u16 (the file's depth; u8 for indices) tensor [H, W, C]: C is 3 for rgb, 1 for gray "
                "and indices, unknown for unchanged",
                [](const InferContext& ctx) {
                  expect_bytes(ctx);
                  const std::string& mode = ctx.attrs.get_string("mode");
                  int64_t c = mode == "rgb" ? 3 : (mode == "unchanged" ? kUnknownDim : 1);
                  std::optional<DType> dtype;
                  if (mode == "indices") dtype = DType::U8;
                  return Type::tensor(dtype, Shape{kUnknownDim, kUnknownDim, c});
                })
        .exec([](ExecContext& ctx, const Args& args) {
          Tensor holder;
          const Tensor& data = bytes_arg(args, holder);
          return Value(kernels::decode_png(data.bytes(), data.nbytes(), png_options(ctx)));
        });
    r.add(b.build());
  }
  {
    OpBuilder b("image.decode");
    b.doc("Decodes JPEG, PNG, WebP, BMP, TIFF or PNM bytes, the format told apart by its signature (the first "
          "bytes), with the same modes and limits for all. JPEG data is turned upright by its EXIF orientation "
          "(exif_orientation). dtype u8 (the default) gives 8 bits for every file: 16-bit PNG, TIFF and PNM "
          "samples keep their high byte. dtype u16 gives 16 bits for every file: 16-bit samples as they are, "
          "8-bit samples times 257 (255 becomes 65535). TIFF files give their first page; PNM samples are kept "
          "as written (not rescaled by maxval). Unknown formats, corrupt, truncated or empty data and images over "
          "max_pixels fail with PXP_EDECODE.")
        .input("data", "u8 tensor of shape [n]: the file's bytes (io.read_file).")
        .attr_enum("mode", {"rgb", "gray", "unchanged"}, std::string("rgb"),
                   "rgb: 3 channels (alpha and extra channels dropped, gray replicated); gray: 1 channel (luma); "
                   "unchanged: the file's channels (as image.decode_jpeg and image.decode_png with mode "
                   "'unchanged'; WebP 3 or 4, BMP 1, 3 or 4, TIFF its samples per pixel, PGM 1, PPM 3).")
        .attr_enum("dtype", {"u8", "u16"}, std::string("u8"),
                   "u8: 8 bits per sample, the high byte of 16-bit samples; u16: 16 bits per sample, 8-bit samples "
                   "times 257.");
    decoder_attrs(b)
        .output("u8 or u16 (the dtype attribute) tensor [H, W, C]: C is 3 for rgb, 1 for gray, unknown for "
                "unchanged",
                infer_decoded)
        .exec([](ExecContext& ctx, const Args& args) {
          Tensor holder;
          const Tensor& data = bytes_arg(args, holder);
          return Value(decode_any(ctx, data, ctx.attrs.get_string("dtype") == "u16" ? DType::U16 : DType::U8));
        });
    r.add(b.build());
  }
}

void register_properties(Registry& r) {
  r.add(OpBuilder("image.info")
            .doc("The size of an image: [height, width, channels] (channels is 1 for an H x W tensor).")
            .input("image", "H x W x C or H x W tensor.")
            .output("i64 tensor [3]",
                    [](const InferContext& ctx) {
                      expect_image(ctx, 0);
                      return Type::tensor(DType::I64, Shape{3});
                    })
            .exec([](ExecContext&, const Args& args) {
              kernels::ImageShape s = kernels::image_shape(image_arg(args));
              Tensor out = Tensor::empty(DType::I64, {3});
              out.mutable_data<int64_t>()[0] = s.height;
              out.mutable_data<int64_t>()[1] = s.width;
              out.mutable_data<int64_t>()[2] = s.channels;
              return Value(out);
            })
            .build());

  struct Property {
    const char* name;
    const char* doc;
    int64_t kernels::ImageShape::*field;
  };
  for (const Property& p : {Property{"image.width", "The width of an image (its second dimension).",
                                     &kernels::ImageShape::width},
                            Property{"image.height", "The height of an image (its first dimension).",
                                     &kernels::ImageShape::height},
                            Property{"image.channels",
                                     "The channels of an image (its third dimension; 1 for an H x W tensor).",
                                     &kernels::ImageShape::channels}}) {
    auto field = p.field;
    r.add(OpBuilder(p.name)
              .doc(p.doc)
              .input("image", "H x W x C or H x W tensor.")
              .output("i64 scalar",
                      [](const InferContext& ctx) {
                        expect_image(ctx, 0);
                        return Type::scalar(DType::I64);
                      })
              .exec([field](ExecContext&, const Args& args) {
                kernels::ImageShape s = kernels::image_shape(image_arg(args));
                return Value::scalar<int64_t>(s.*field);
              })
              .build());
  }
}

void register_pixel_geometry(Registry& r) {
  r.add(OpBuilder("image.crop")
            .doc("The part of the image inside `box`, clipped to the image (a box outside gives a 0 x 0 image). "
                 "The box is rounded to whole pixels, half to even: origin round(x1, y1), size round(x2 - x1, y2 - y1); a box "
                 "with x2 < x1 or y2 < y1 is a range error. Shares the input's memory.")
            .input("image", "H x W x C or H x W tensor (any dtype).")
            .input("box", "4 numbers x1, y1, x2, y2 in pixels (continuous coordinates).")
            .output("same dtype, rank and channels as image; height and width known when the box and the "
                    "image size are constants",
                    [](const InferContext& ctx) {
                      ImageType in = expect_image(ctx, 0);
                      expect_elements(ctx, 1, "box", 4);
                      auto box = constant_box(ctx, 1);
                      if (box && in.height >= 0 && in.width >= 0) {
                        kernels::PixelBox c = kernels::clip_box(*box, in.height, in.width);
                        return image_like(in, c.height, c.width, in.dtype);
                      }
                      return image_like(in, kUnknownDim, kUnknownDim, in.dtype);
                    })
            .exec([](ExecContext&, const Args& args) {
              return Value(kernels::crop(image_arg(args), box_arg(args, 1)));
            })
            .build());

  {
    OpBuilder b("image.crop_pad");
    b.allocates_destination();
    b.doc("Exactly the pixels of `box`, rounded as in image.crop; where the box leaves the image, pixels follow "
          "the border mode. Shares the input's memory when the box lies inside the image.")
        .input("image", "H x W x C or H x W tensor (any dtype).")
        .input("box", "4 numbers x1, y1, x2, y2 in pixels (continuous coordinates).");
    border_attrs(b)
        .output("same dtype, rank and channels as image; [round(y2 - y1), round(x2 - x1)] when the box is a "
                "constant",
                [](const InferContext& ctx) {
                  ImageType in = expect_image(ctx, 0);
                  expect_elements(ctx, 1, "box", 4);
                  auto box = constant_box(ctx, 1);
                  if (box) return image_like(in, box->height, box->width, in.dtype);
                  return image_like(in, kUnknownDim, kUnknownDim, in.dtype);
                })
        .exec([](ExecContext& ctx, const Args& args) {
          return Value(kernels::crop_pad(image_arg(args), box_arg(args, 1), border(ctx),
                                         ctx.attrs.get_float("border_value")));
        });
    r.add(b.build());
  }

  r.add(OpBuilder("image.flip")
            .allocates_destination()
            .doc("Mirrors the image: horizontal swaps left and right, vertical top and bottom, both does both "
                 "(a half turn).")
            .input("image", "H x W x C or H x W tensor (any dtype).")
            .attr_enum("axis", {"horizontal", "vertical", "both"}, std::string("horizontal"), "Which way to flip.")
            .output("same type as image",
                    [](const InferContext& ctx) {
                      ImageType in = expect_image(ctx, 0);
                      return image_like(in, in.height, in.width, in.dtype);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              const std::string& axis = ctx.attrs.get_string("axis");
              kernels::FlipAxis a = axis == "horizontal" ? kernels::FlipAxis::Horizontal
                                    : axis == "vertical" ? kernels::FlipAxis::Vertical
                                                         : kernels::FlipAxis::Both;
              return Value(kernels::flip(image_arg(args), a));
            })
            .build());

  r.add(OpBuilder("image.move_tiles")
            .allocates_destination()
            .doc("Copies every tile of a tile table (geometry.grid_shuffle_tiles) from its source to its "
                 "destination, row by row: the same pixels as image.remap with geometry.tile_moves_map and "
                 "nearest interpolation, without sampling. Pixels no tile lands on are 0.")
            .input("image", "H x W x C or H x W tensor (any dtype).")
            .input("table", "f32 [rows * cols, 6] tile table (geometry.grid_shuffle_tiles)")
            .output("same type as image",
                    [](const InferContext& ctx) {
                      ImageType in = expect_image(ctx, 0);
                      geometry_args::expect_rows(ctx, 1, 6, "table");
                      return image_like(in, in.height, in.width, in.dtype);
                    })
            .exec([](ExecContext&, const Args& a) {
              return Value(kernels::move_tiles(image_arg(a), geometry_args::tensor_arg(a, 1, "table")));
            })
            .build());

  r.add(OpBuilder("image.transpose")
            .doc("Swaps rows and columns: pixel (i, j) moves to (j, i), point (x, y) to (y, x).")
            .input("image", "H x W x C or H x W tensor (any dtype).")
            .output("same dtype, rank and channels as image; [W, H]",
                    [](const InferContext& ctx) {
                      ImageType in = expect_image(ctx, 0);
                      return image_like(in, in.width, in.height, in.dtype);
                    })
            .exec([](ExecContext&, const Args& args) { return Value(kernels::transpose(image_arg(args))); })
            .build());

  r.add(OpBuilder("image.rotate90")
            .allocates_destination()
            .doc("Rotates by k quarter turns counterclockwise as seen on screen (k any integer, taken modulo 4; "
                 "negative is clockwise). One turn moves point (x, y) of a W-wide image to (y, W - x).")
            .input("image", "H x W x C or H x W tensor (any dtype).")
            .input("k", "Integer scalar: number of counterclockwise quarter turns.")
            .output("same dtype, rank and channels as image; [H, W] for even k, [W, H] for odd k (unknown when "
                    "k is not a constant, unless the image is square)",
                    [](const InferContext& ctx) {
                      ImageType in = expect_image(ctx, 0);
                      expect_scalar(ctx, 1, "k");
                      auto k = constant_int(ctx, 1);
                      if (k) {
                        bool odd = ((*k % 4) + 4) % 4 % 2 == 1;
                        return odd ? image_like(in, in.width, in.height, in.dtype)
                                   : image_like(in, in.height, in.width, in.dtype);
                      }
                      if (in.height >= 0 && in.height == in.width)
                        return image_like(in, in.height, in.width, in.dtype);
                      return image_like(in, kUnknownDim, kUnknownDim, in.dtype);
                    })
            .exec([](ExecContext&, const Args& args) {
              return Value(kernels::rotate90(image_arg(args), int_arg(args, 1, "k")));
            })
            .build());
}

void register_resampling(Registry& r) {
  r.add(OpBuilder("image.resize")
            .allocates_destination()
            .doc("Resizes to width x height (cv::resize): a scaling by width / W and height / H in continuous "
                 "coordinates. 'nearest' takes the source pixel under each destination pixel's center "
                 "(OpenCV's INTER_NEAREST_EXACT); 'area' averages (best for shrinking).")
            .input("image", "H x W x C or H x W tensor of dtype u8, u16, i16, f32 or f64; not empty.")
            .input("width", "Integer scalar >= 1.")
            .input("height", "Integer scalar >= 1.")
            .attr_enum("interpolation", kernels::interpolation_names(), std::string("linear"),
                       "nearest, linear, area, cubic or lanczos (8 x 8 Lanczos).")
            .attr_bool("antialias", false,
                       "With linear interpolation, on u8 or f32 images of 1 to 4 channels (else a type error): " +
                           std::string(kAntialiasDoc))
            .output("same dtype, rank and channels as image; [height, width] when they are constants",
                    [](const InferContext& ctx) {
                      ImageType in = expect_image(ctx, 0, true);
                      expect_scalar(ctx, 1, "width");
                      expect_scalar(ctx, 2, "height");
                      return image_like(in, constant_int(ctx, 2).value_or(kUnknownDim),
                                        constant_int(ctx, 1).value_or(kUnknownDim), in.dtype);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(kernels::resize(image_arg(args), int_arg(args, 1, "width"), int_arg(args, 2, "height"),
                                           interpolation(ctx), ctx.attrs.get_bool("antialias")));
            })
            .build());

  {
    OpBuilder b("image.warp");
    b.allocates_destination();
    b.doc("Warps the image by a 3 x 3 matrix that maps source to destination coordinates (continuous "
          "convention): destination pixel p takes the source at matrix^-1 p. Affine matrices (last row 0 0 1) "
          "use cv::warpAffine (u8 RGB images with linear interpolation and a constant border: our own kernel, "
          "whose result is cv::warpAffine's bit for bit), others cv::warpPerspective. A singular matrix is an "
          "argument error. Warp masks with interpolation 'nearest'.")
        .input("image", "H x W x C or H x W tensor of dtype u8, u16, i16, f32 or f64.")
        .input("matrix", "3 x 3 tensor (source to destination, acting on column vectors [x, y, 1]).")
        .input("width", "Integer scalar >= 1: output width.")
        .input("height", "Integer scalar >= 1: output height.")
        .attr_enum("interpolation", warp_interpolations(), std::string("linear"),
                   "nearest (the source pixel containing the point), linear, cubic or lanczos.");
    border_attrs(b)
        .output("same dtype, rank and channels as image; [height, width] when they are constants",
                [](const InferContext& ctx) {
                  ImageType in = expect_image(ctx, 0, true);
                  expect_elements(ctx, 1, "matrix", 9);
                  const Type& m = ctx.inputs[1];
                  if (m.rank() != -1 && m.rank() != 2) type_error("input 'matrix' must be 3 x 3, not " + m.to_string());
                  expect_scalar(ctx, 2, "width");
                  expect_scalar(ctx, 3, "height");
                  return image_like(in, constant_int(ctx, 3).value_or(kUnknownDim),
                                    constant_int(ctx, 2).value_or(kUnknownDim), in.dtype);
                })
        .exec([](ExecContext& ctx, const Args& args) {
          return Value(kernels::warp(image_arg(args), matrix_arg(args, 1), int_arg(args, 2, "width"),
                                     int_arg(args, 3, "height"), interpolation(ctx), border(ctx),
                                     ctx.attrs.get_float("border_value")));
        });
    r.add(b.build());
  }

  {
    OpBuilder b("image.remap");
    b.allocates_destination();
    b.doc("Resamples the image at arbitrary points: output pixel (i, j) takes the source at "
          "(map_x[i, j], map_y[i, j]) in continuous coordinates (so map_x = j + 0.5, map_y = i + 0.5 is the "
          "identity). cv::remap; images and maps up to 32766 pixels a side.")
        .input("image", "H x W x C or H x W tensor of dtype u8, u16, i16, f32 or f64.")
        .input("map_x", "f32 tensor [H', W']: source x of each output pixel.")
        .input("map_y", "f32 tensor [H', W']: source y of each output pixel.")
        .attr_enum("interpolation", warp_interpolations(), std::string("linear"),
                   "nearest (the source pixel containing the point), linear, cubic or lanczos.");
    border_attrs(b)
        .output("same dtype, rank and channels as image; [H', W'] of the maps",
                [](const InferContext& ctx) {
                  ImageType in = expect_image(ctx, 0, true);
                  int64_t h = kUnknownDim, w = kUnknownDim;
                  for (size_t i : {size_t(1), size_t(2)}) {
                    const char* what = i == 1 ? "map_x" : "map_y";
                    expect_tensor(ctx, i, what);
                    const Type& m = ctx.inputs[i];
                    if ((m.rank() != -1 && m.rank() != 2) || (m.dtype && !is_float(*m.dtype)))
                      type_error(std::string("input '") + what + "' must be a float tensor [H', W'], not " +
                                 m.to_string());
                    if (m.rank() == 2) {
                      if ((*m.shape)[0] >= 0) h = (*m.shape)[0];
                      if ((*m.shape)[1] >= 0) w = (*m.shape)[1];
                    }
                  }
                  return image_like(in, h, w, in.dtype);
                })
        .exec([](ExecContext& ctx, const Args& args) {
          for (size_t i : {size_t(1), size_t(2)})
            if (!args[i].is_tensor()) type_error("coordinate maps must be tensors, not " + args[i].describe());
          return Value(kernels::remap(image_arg(args), args[1].tensor(), args[2].tensor(), interpolation(ctx),
                                      border(ctx), ctx.attrs.get_float("border_value")));
        });
    r.add(b.build());
  }
}

// Painting boxes into an image (dropout's holes); kernels/box_fill.hpp.
void register_painting(Registry& r) {
  r.add(OpBuilder("image.fill_boxes")
            .allocates_destination()
            .doc("Replaces the pixels of each box, box after box (a later box paints over an earlier one): the "
                 "pixels whose centers lie in [x1, x2) x [y1, y2) (as mask.render_boxes; a box with integer corners "
                 "covers exactly its pixels; parts outside the image are ignored). fill constant: `value` (one "
                 "number, or one per channel), rounded and saturated for integer dtypes. fill random: one draw per "
                 "value of the box's pixels in memory order (row, column, channel); random_per_box: one draw per "
                 "channel for each box. A draw is integer(0, max) (inclusive) for u8 and u16 images and "
                 "uniform(0, 1) for f32; the random fills need one of those dtypes.")
            .input("image", "H x W x C or H x W tensor (any numeric dtype for the constant fill).")
            .input("boxes", "N x 4 boxes x1, y1, x2, y2 in pixels, or one box [4].")
            .attr_enum("fill", {"constant", "random", "random_per_box"}, std::string("constant"),
                       "What the boxes are filled with.")
            .attr_floats("value", std::vector<double>{0.0}, "The constant fill: 1 number or one per channel.")
            .output("same type as image",
                    [](const InferContext& ctx) {
                      ImageType in = expect_image(ctx, 0);
                      expect_tensor(ctx, 1, "boxes");
                      if (ctx.attrs.get_floats("value").empty()) type_error("image.fill_boxes: value is empty");
                      return image_like(in, in.height, in.width, in.dtype);
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              if (!args[1].is_tensor()) type_error("input 'boxes' must be a tensor, not " + args[1].describe());
              const std::string& f = ctx.attrs.get_string("fill");
              kernels::BoxFill mode = f == "constant" ? kernels::BoxFill::Constant
                                      : f == "random" ? kernels::BoxFill::Random
                                                      : kernels::BoxFill::RandomPerBox;
              RandomStream rng = ctx.random();
              return Value(kernels::fill_boxes(image_arg(args), kernels::read_rows(args[1].tensor(), 4, "boxes"),
                                               ctx.attrs.get_floats("value"), mode, rng));
            })
            .build());

  r.add(OpBuilder("image.paste_boxes")
            .allocates_destination()
            .doc("Replaces the pixels of each box with the pixels of `source` at the same place (the pixels whose "
                 "centers lie in [x1, x2) x [y1, y2), as image.fill_boxes counts them; parts outside the image are "
                 "ignored). CutMix pastes another sample's patch with it.")
            .input("image", "H x W x C or H x W tensor, any dtype.")
            .input("source", "A tensor of the image's dtype and shape.")
            .input("boxes", "N x 4 boxes x1, y1, x2, y2 in pixels, or one box [4].")
            .output("same type as image",
                    [](const InferContext& ctx) {
                      ImageType in = expect_image(ctx, 0);
                      ImageType src = expect_image(ctx, 1);
                      if (src.dtype && in.dtype && *src.dtype != *in.dtype)
                        type_error("image.paste_boxes: the source is " + std::string(dtype_name(*src.dtype)) +
                                   ", the image " + dtype_name(*in.dtype));
                      expect_tensor(ctx, 2, "boxes");
                      return image_like(in, in.height, in.width, in.dtype);
                    })
            .exec([](ExecContext&, const Args& args) {
              if (!args[1].is_tensor()) type_error("input 'source' must be a tensor, not " + args[1].describe());
              if (!args[2].is_tensor()) type_error("input 'boxes' must be a tensor, not " + args[2].describe());
              return Value(kernels::paste_boxes(image_arg(args), args[1].tensor(),
                                                kernels::read_rows(args[2].tensor(), 4, "boxes")));
            })
            .build());

  r.add(OpBuilder("image.fill_where")
            .allocates_destination()
            .doc("Replaces the pixels where a mask is set (any of its channels nonzero) with `value` (one number, "
                 "or one per channel), rounded and saturated for integer dtypes. MaskDropout fills the dropped "
                 "objects with it.")
            .input("image", "H x W x C or H x W tensor, any numeric dtype.")
            .input("mask", "H x W x C or H x W mask of the image's height and width, any numeric dtype.")
            .attr_floats("value", std::vector<double>{0.0}, "The fill: 1 number or one per channel.")
            .output("same type as image",
                    [](const InferContext& ctx) {
                      ImageType in = expect_image(ctx, 0);
                      expect_tensor(ctx, 1, "mask");
                      if (ctx.attrs.get_floats("value").empty()) type_error("image.fill_where: value is empty");
                      return image_like(in, in.height, in.width, in.dtype);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              if (!args[1].is_tensor()) type_error("input 'mask' must be a tensor, not " + args[1].describe());
              return Value(kernels::fill_where(image_arg(args), args[1].tensor(), ctx.attrs.get_floats("value")));
            })
            .build());
}

}  // namespace

void register_image_ops(Registry& r) {
  register_decoders(r);
  register_properties(r);
  register_pixel_geometry(r);
  register_resampling(r);
  register_painting(r);
}

}  // namespace pxp
