#include "kernels/webp_decoder.hpp"

#include <webp/decode.h>

#include <cstring>
#include <string>

namespace pxp::kernels {

namespace {

const char* status_text(VP8StatusCode status) {
  switch (status) {
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR: return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
    case VP8_STATUS_SUSPENDED: return "suspended";
    case VP8_STATUS_USER_ABORT: return "aborted";
    case VP8_STATUS_NOT_ENOUGH_DATA: return "not enough data (the file is truncated)";
    default: return "unknown error";
  }
}

WebPBitstreamFeatures features_of(const uint8_t* data, size_t size) {
  if (size == 0) fail(PXP_EDECODE, "invalid WebP data: the buffer is empty");
  if (!is_webp(data, size)) fail(PXP_EDECODE, "invalid WebP data: no RIFF/WEBP signature");
  WebPBitstreamFeatures features;
  VP8StatusCode status = WebPGetFeatures(data, size, &features);
  if (status != VP8_STATUS_OK) fail(PXP_EDECODE, std::string("invalid WebP data: ") + status_text(status));
  if (features.has_animation)
    fail(PXP_EDECODE, "invalid WebP data: an animated WebP (only still images are decoded)");
  return features;
}

}  // namespace

bool is_webp(const uint8_t* data, size_t size) {
  return size >= 12 && std::memcmp(data, "RIFF", 4) == 0 && std::memcmp(data + 8, "WEBP", 4) == 0;
}

ImageSize read_webp_header(const uint8_t* data, size_t size) {
  WebPBitstreamFeatures f = features_of(data, size);
  return {f.height, f.width};
}

Tensor decode_webp(const uint8_t* data, size_t size, const DecodeOptions& options) {
  WebPBitstreamFeatures f = features_of(data, size);
  check_decode_pixels("WebP", static_cast<uint64_t>(f.width), static_cast<uint64_t>(f.height), options.max_pixels);
  bool alpha = f.has_alpha && options.mode == DecodeMode::Unchanged;
  int64_t channels = alpha ? 4 : 3;
  Tensor image = Tensor::empty(DType::U8, {f.height, f.width, channels});
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) fail(PXP_EDECODE, "invalid WebP data: libwebp version mismatch");
  config.output.colorspace = alpha ? MODE_RGBA : MODE_RGB;
  config.output.is_external_memory = 1;  // straight into the tensor
  config.output.u.RGBA.rgba = image.mutable_bytes();
  config.output.u.RGBA.stride = static_cast<int>(f.width * channels);
  config.output.u.RGBA.size = image.nbytes();
  VP8StatusCode status = WebPDecode(data, size, &config);
  WebPFreeDecBuffer(&config.output);  // frees nothing of external memory; required by the API
  if (status != VP8_STATUS_OK) fail(PXP_EDECODE, std::string("invalid WebP data: ") + status_text(status));
  return to_decode_mode(image, options.mode);
}

}  // namespace pxp::kernels
