#include "kernels/image_decoding.hpp"

#include <opencv2/imgproc.hpp>

#include "kernels/cv_bridge.hpp"

namespace pxp::kernels {

void check_decode_pixels(const char* format, uint64_t width, uint64_t height, int64_t max_pixels) {
  if (width == 0 || height == 0) fail(PXP_EDECODE, std::string("invalid ") + format + " data: the image has no pixels");
  // A 32-bit side times a 32-bit side fits in 64 bits.
  if (width * height > static_cast<uint64_t>(max_pixels))
    fail(PXP_EDECODE, std::string(format) + " image of " + std::to_string(width) + " x " + std::to_string(height) +
                          " pixels (" + std::to_string(width * height) + ") exceeds the limit of max_pixels = " +
                          std::to_string(max_pixels));
}

namespace {

template <typename T>
Tensor pick_channels(const Tensor& image, int64_t first_three_or_one) {
  int64_t h = image.dim(0), w = image.dim(1), c = image.dim(2);
  int64_t out_c = first_three_or_one;
  Tensor out = Tensor::empty(image.dtype(), {h, w, out_c});
  const T* src = image.data<T>();
  T* dst = out.mutable_data<T>();
  for (int64_t p = 0; p < h * w; ++p)
    for (int64_t k = 0; k < out_c; ++k) dst[p * out_c + k] = src[p * c + (c == 1 || c == 2 ? 0 : k)];
  return out;
}

Tensor gray_of_rgb(const Tensor& rgb) {
  Tensor out = Tensor::empty(rgb.dtype(), {rgb.dim(0), rgb.dim(1), 1});
  int depth = rgb.dtype() == DType::U8 ? CV_8U : CV_16U;
  cv::Mat src(static_cast<int>(rgb.dim(0)), static_cast<int>(rgb.dim(1)), CV_MAKETYPE(depth, 3),
              const_cast<uint8_t*>(rgb.bytes()));
  cv::Mat dst(static_cast<int>(rgb.dim(0)), static_cast<int>(rgb.dim(1)), CV_MAKETYPE(depth, 1), out.mutable_bytes());
  cv::cvtColor(src, dst, cv::COLOR_RGB2GRAY);
  return out;
}

template <typename F> decltype(auto) by_pixel_type(DType dtype, F&& f) {
  if (dtype == DType::U8) return f(uint8_t{});
  if (dtype == DType::U16) return f(uint16_t{});
  type_error(std::string("decoded pixels must be u8 or u16, not ") + dtype_name(dtype));
}

}  // namespace

Tensor to_decode_mode(const Tensor& decoded, DecodeMode mode) {
  if (mode == DecodeMode::Unchanged) return decoded;
  Tensor image = decoded.contiguous();
  int64_t c = image.dim(2);
  return by_pixel_type(image.dtype(), [&](auto zero) -> Tensor {
    using T = decltype(zero);
    if (mode == DecodeMode::Rgb) return c == 3 ? image : pick_channels<T>(image, 3);
    if (c == 1) return image;
    if (c == 2) return pick_channels<T>(image, 1);
    return gray_of_rgb(c == 3 ? image : pick_channels<T>(image, 3));
  });
}

Tensor to_pixel_dtype(const Tensor& decoded, DType dtype) {
  if (decoded.dtype() == dtype) return decoded;
  Tensor image = decoded.contiguous();
  Tensor out = Tensor::empty(dtype, image.shape());
  int64_t n = image.numel();
  if (image.dtype() == DType::U16 && dtype == DType::U8) {
    const uint16_t* src = image.data<uint16_t>();
    uint8_t* dst = out.mutable_data<uint8_t>();
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(src[i] >> 8);
  } else if (image.dtype() == DType::U8 && dtype == DType::U16) {
    const uint8_t* src = image.data<uint8_t>();
    uint16_t* dst = out.mutable_data<uint16_t>();
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<uint16_t>(src[i] * 257u);
  } else {
    type_error(std::string("cannot convert decoded pixels of dtype ") + dtype_name(image.dtype()) + " to " +
               dtype_name(dtype));
  }
  return out;
}

}  // namespace pxp::kernels
