#include "kernels/image_compress.hpp"

#include <climits>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <turbojpeg.h>
#include <webp/decode.h>
#include <webp/encode.h>

#include "core/error.hpp"

namespace pxp::kernels {

namespace {

// JPEG's and WebP's own limits on a side.
constexpr int64_t kJpegMaxSide = 65500, kWebpMaxSide = WEBP_MAX_DIMENSION;

struct TjHandle {
  tjhandle h;
  explicit TjHandle(tjhandle handle) : h(handle) {}
  ~TjHandle() {
    if (h) tjDestroy(h);
  }
  TjHandle(const TjHandle&) = delete;
  TjHandle& operator=(const TjHandle&) = delete;
};

// Per worker thread: a compressor, a decompressor and the JPEG buffer, reused from image to image
// (no allocations and page faults per image). Each thread uses only its own.
struct JpegContext {
  TjHandle enc{tjInitCompress()}, dec{tjInitDecompress()};
  unsigned char* buffer = nullptr;
  unsigned long capacity = 0;
  JpegContext() {
    if (!enc.h || !dec.h) fail(PXP_ENOMEM, "image.compress: TurboJPEG could not start");
  }
  ~JpegContext() { tjFree(buffer); }
  JpegContext(const JpegContext&) = delete;
  JpegContext& operator=(const JpegContext&) = delete;
  // A buffer TurboJPEG can always write into (its worst case for this size and subsampling).
  void reserve(int w, int h, int subsampling) {
    const unsigned long need = tjBufSize(w, h, subsampling);
    if (need == static_cast<unsigned long>(-1) || need > INT_MAX)
      range_error("image.compress: the image is too large for one JPEG buffer");
    if (need <= capacity) return;
    tjFree(buffer);
    buffer = tjAlloc(static_cast<int>(need));
    capacity = buffer ? need : 0;
    if (!buffer) fail(PXP_ENOMEM, "image.compress: no memory for the JPEG data");
  }
};

// One plane set (1 or 3 channels, contiguous rows) through JPEG, into `out` (same layout).
void jpeg_round_trip(const uint8_t* src, int h, int w, int channels, int quality, uint8_t* out) {
  thread_local JpegContext ctx;
  const int format = channels == 1 ? TJPF_GRAY : TJPF_RGB;
  const int subsampling = channels == 1 ? TJSAMP_GRAY : TJSAMP_420;
  ctx.reserve(w, h, subsampling);
  unsigned char* jpeg = ctx.buffer;
  unsigned long size = ctx.capacity;
  // TurboJPEG does not write through src; its API predates const. TJFLAG_ACCURATEDCT: TurboJPEG
  // compresses with the fast DCT by default, libjpeg's API (and OpenCV) with the accurate one.
  if (tjCompress2(ctx.enc.h, const_cast<uint8_t*>(src), w, w * channels, h, format, &jpeg, &size, subsampling,
                  quality, TJFLAG_ACCURATEDCT | TJFLAG_NOREALLOC) != 0)
    fail(PXP_EDECODE, std::string("image.compress: JPEG encoding failed: ") + tjGetErrorStr2(ctx.enc.h));
  if (tjDecompress2(ctx.dec.h, jpeg, size, out, w, w * channels, h, format, TJFLAG_ACCURATEDCT) != 0)
    fail(PXP_EDECODE, std::string("image.compress: JPEG decoding failed: ") + tjGetErrorStr2(ctx.dec.h));
}

// Three channels through lossy WebP.
void webp_round_trip_rgb(const uint8_t* src, int h, int w, int quality, uint8_t* out) {
  uint8_t* data = nullptr;
  const size_t size = WebPEncodeRGB(src, w, h, w * 3, static_cast<float>(quality), &data);
  std::unique_ptr<uint8_t, void (*)(uint8_t*)> owned(data, [](uint8_t* p) { WebPFree(p); });
  if (size == 0 || data == nullptr) fail(PXP_EDECODE, "image.compress: WebP encoding failed");
  if (WebPDecodeRGBInto(data, size, out, static_cast<size_t>(h) * w * 3, w * 3) == nullptr)
    fail(PXP_EDECODE, "image.compress: WebP decoding failed");
}

// A 1- or 3-channel plane set through the format.
void round_trip(const uint8_t* src, int h, int w, int channels, int quality, CompressionFormat format, uint8_t* out) {
  if (format == CompressionFormat::Jpeg) return jpeg_round_trip(src, h, w, channels, quality, out);
  if (channels == 3) return webp_round_trip_rgb(src, h, w, quality, out);
  // Gray through WebP: as OpenCV, the value in all three channels, then back to gray (BT.601).
  cv::Mat gray(h, w, CV_8UC1, const_cast<uint8_t*>(src)), rgb, decoded(h, w, CV_8UC3);
  cv::cvtColor(gray, rgb, cv::COLOR_GRAY2RGB);
  webp_round_trip_rgb(rgb.ptr<uint8_t>(), h, w, quality, decoded.ptr<uint8_t>());
  cv::Mat result(h, w, CV_8UC1, out);
  cv::cvtColor(decoded, result, cv::COLOR_RGB2GRAY);
}

}  // namespace

Tensor compress_round_trip(const Tensor& image, int quality, CompressionFormat format) {
  if (image.dtype() != DType::U8) type_error("image.compress: the image must be u8");
  if (image.ndim() != 2 && image.ndim() != 3) type_error("image.compress: the image must be H x W or H x W x C");
  if (quality < 1 || quality > 100) range_error("image.compress: quality must be in [1, 100]");
  const int64_t h = image.dim(0), w = image.dim(1), c = image.ndim() == 3 ? image.dim(2) : 1;
  const int64_t max_side = format == CompressionFormat::Jpeg ? kJpegMaxSide : kWebpMaxSide;
  if (h < 1 || w < 1 || c < 1)
    range_error("image.compress: the image is empty (" + std::to_string(h) + " x " + std::to_string(w) + " x " +
                std::to_string(c) + ")");
  if (h > max_side || w > max_side)
    range_error("image.compress: " + std::string(format == CompressionFormat::Jpeg ? "JPEG" : "WebP") +
                " holds sides up to " + std::to_string(max_side) + ", not " + std::to_string(h) + " x " +
                std::to_string(w));
  const int hi = static_cast<int>(h), wi = static_cast<int>(w);
  Tensor out = Tensor::empty(DType::U8, image.shape());
  const uint8_t* src = image.data<uint8_t>();
  uint8_t* dst = out.mutable_data<uint8_t>();
  if (c == 1 || c == 3) {
    round_trip(src, hi, wi, static_cast<int>(c), quality, format, dst);
    return out;
  }
  // Other channel counts: split into an RGB set (the first three, or two plus a zero channel) and
  // single gray channels, each through the format, as albumentations.
  const int64_t pixels = h * w;
  std::vector<uint8_t> rgb(static_cast<size_t>(pixels * 3), 0), rgb_out(static_cast<size_t>(pixels * 3));
  const int64_t color = c == 2 ? 2 : 3;
  for (int64_t p = 0; p < pixels; ++p)
    for (int64_t k = 0; k < color; ++k) rgb[static_cast<size_t>(p * 3 + k)] = src[p * c + k];
  round_trip(rgb.data(), hi, wi, 3, quality, format, rgb_out.data());
  for (int64_t p = 0; p < pixels; ++p)
    for (int64_t k = 0; k < color; ++k) dst[p * c + k] = rgb_out[static_cast<size_t>(p * 3 + k)];
  std::vector<uint8_t> plane(static_cast<size_t>(pixels)), plane_out(static_cast<size_t>(pixels));
  for (int64_t k = color; k < c; ++k) {
    for (int64_t p = 0; p < pixels; ++p) plane[static_cast<size_t>(p)] = src[p * c + k];
    round_trip(plane.data(), hi, wi, 1, quality, format, plane_out.data());
    for (int64_t p = 0; p < pixels; ++p) dst[p * c + k] = plane_out[static_cast<size_t>(p)];
  }
  return out;
}

}  // namespace pxp::kernels
