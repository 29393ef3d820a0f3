#include "entry_points.hpp"

#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "kernels/bmp_decoder.hpp"
#include "kernels/exif_orientation.hpp"
#include "kernels/image_format.hpp"
#include "kernels/jpeg_decoder.hpp"
#include "kernels/png_decoder.hpp"
#include "kernels/pnm_decoder.hpp"
#include "kernels/tiff_decoder.hpp"
#include "kernels/webp_decoder.hpp"
#include "pixelpipes/pixelpipes.h"
#include "program/relative_paths.hpp"

namespace pxp::fuzz {

namespace {
// A failing status must come with a last error whose code matches: a mismatch is a finding.
void expect_consistent_error(pxp_status status) {
  const pxp_error* info = pxp_error_last();
  if (!info || info->code != status || !info->message || !info->message[0]) std::abort();
}
}  // namespace

void program_load(const uint8_t* data, size_t size) {
  // pxp_program_load_file's extra step on the same bytes: joining recorded relative paths.
  try {
    (void)resolve_relative_paths(std::string(reinterpret_cast<const char*>(data), size), "/fuzz/folder");
  } catch (const Error&) {
  }
  pxp_program* program = nullptr;
  pxp_status status = pxp_program_load(&program, data, size);
  if (status != PXP_OK) {
    if (program) std::abort();  // *out must be NULL on failure
    expect_consistent_error(status);
    return;
  }
  size_t outputs = 0;
  if (pxp_program_output_count(&outputs, program) != PXP_OK) std::abort();
  for (size_t i = 0; i < outputs; ++i) {
    pxp_output_info info;
    if (pxp_program_output(&info, program, i) != PXP_OK || !info.name) std::abort();
  }
  pxp_output_info info;
  if (pxp_program_output(&info, program, outputs) == PXP_OK) std::abort();  // one past the end
  // A loaded program makes a pipeline; no sample is run (a valid program may legitimately take
  // long or allocate much: that is what the limits and the stream options are for).
  pxp_pipeline* pipeline = nullptr;
  pxp_pipeline_options options;
  if (pxp_pipeline_options_init(&options, PXP_PIPELINE_OPTIONS_VERSION) != PXP_OK) std::abort();
  options.threads = 1;
  if (pxp_pipeline_create(&pipeline, program, &options) != PXP_OK) std::abort();
  pxp_pipeline_free(pipeline);
  pxp_program_free(program);
}

void jpeg(const uint8_t* data, size_t size) {
  static const kernels::JpegMode modes[] = {kernels::JpegMode::Rgb, kernels::JpegMode::Gray,
                                            kernels::JpegMode::Unchanged};
  kernels::JpegOptions o;
  o.mode = modes[size % 3];
  o.scale_denom = 1 << ((size / 3) % 4);
  o.max_pixels = kFuzzMaxPixels;
  try {
    Tensor t = kernels::decode_jpeg(data, size, o);
    if (t.ndim() != 3 || t.dtype() != DType::U8) std::abort();
  } catch (const Error&) {
  }
  try {
    kernels::JpegHeader h = kernels::read_jpeg_header(data, size);
    if (h.width <= 0 || h.height <= 0) std::abort();
    if (h.width * h.height <= kFuzzMaxPixels) {
      kernels::PixelBox box{h.width / 4, h.height / 4, h.width / 2 + 1, h.height / 2 + 1};
      Tensor t = kernels::decode_jpeg_crop(data, size, box, 7, 5, o);
      if (t.ndim() != 3 || t.shape()[0] != 5 || t.shape()[1] != 7) std::abort();
    }
  } catch (const Error&) {
  }
}

void png(const uint8_t* data, size_t size) {
  static const kernels::PngMode modes[] = {kernels::PngMode::Unchanged, kernels::PngMode::Rgb,
                                           kernels::PngMode::Gray, kernels::PngMode::Indices};
  kernels::PngOptions o;
  o.mode = modes[size % 4];
  o.force_8bit = (size / 4) % 2 == 1;
  o.max_pixels = kFuzzMaxPixels;
  try {
    Tensor t = kernels::decode_png(data, size, o);
    if (t.ndim() != 3) std::abort();
  } catch (const Error&) {
  }
}

void image_formats(const uint8_t* data, size_t size) {
  int orientation = kernels::jpeg_exif_orientation(data, size);
  if (orientation < 1 || orientation > 8) std::abort();
  static const kernels::DecodeMode modes[] = {kernels::DecodeMode::Unchanged, kernels::DecodeMode::Rgb,
                                              kernels::DecodeMode::Gray};
  kernels::DecodeOptions o;
  o.mode = modes[size % 3];
  o.max_pixels = kFuzzMaxPixels;
  kernels::ImageFormat format = kernels::detect_image_format(data, size);
  using Decode = Tensor (*)(const uint8_t*, size_t, const kernels::DecodeOptions&);
  using Header = kernels::ImageSize (*)(const uint8_t*, size_t);
  Decode decode = nullptr;
  Header header = nullptr;
  switch (format) {
    case kernels::ImageFormat::Webp: decode = kernels::decode_webp, header = kernels::read_webp_header; break;
    case kernels::ImageFormat::Bmp: decode = kernels::decode_bmp, header = kernels::read_bmp_header; break;
    case kernels::ImageFormat::Tiff: decode = kernels::decode_tiff, header = kernels::read_tiff_header; break;
    case kernels::ImageFormat::Pnm: decode = kernels::decode_pnm, header = kernels::read_pnm_header; break;
    default: return;
  }
  try {
    Tensor t = decode(data, size, o);
    if (t.ndim() != 3 || (t.dtype() != DType::U8 && t.dtype() != DType::U16)) std::abort();
    if (o.mode == kernels::DecodeMode::Rgb && t.shape()[2] != 3) std::abort();
    if (o.mode == kernels::DecodeMode::Gray && t.shape()[2] != 1) std::abort();
  } catch (const Error&) {
  }
  try {
    kernels::ImageSize s = header(data, size);
    if (s.width <= 0 || s.height <= 0) std::abort();
  } catch (const Error&) {
  }
}

}  // namespace pxp::fuzz
