#include "kernels/image_resample.hpp"

#include <climits>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>
#include <string>

#include <opencv2/imgproc.hpp>

#include "kernels/affine_warp_u8.hpp"
#include "kernels/cv_bridge.hpp"
#include "kernels/image_geometry.hpp"
#include "kernels/transforms.hpp"
#include "kernels/cv_resize.hpp"

namespace pxp::kernels {

namespace {

void check_dtype(const Tensor& image) {
  if (!resample_dtype_supported(image.dtype()))
    type_error(std::string("images of dtype ") + dtype_name(image.dtype()) +
               " cannot be interpolated (use u8, u16, i16, f32 or f64)");
}

void check_output_size(const Tensor& image, int64_t width, int64_t height) {
  if (width < 1 || height < 1)
    range_error("output size must be at least 1 x 1, not " + std::to_string(width) + " x " + std::to_string(height));
  if (width > INT32_MAX || height > INT32_MAX) range_error("output size is too large");
  Shape shape{height, width, image_shape(image).channels};
  checked_numel(shape, dtype_size(image.dtype()));  // an error rather than a huge allocation
}

Shape shape_like(const Tensor& like, int64_t height, int64_t width) {
  Shape s{height, width};
  if (like.ndim() == 3) s.push_back(like.dim(2));
  return s;
}

// Every pixel set to `value` (the warp of an empty image with a constant border).
Tensor filled(const Tensor& like, int64_t width, int64_t height, double value) {
  Tensor out = Tensor::empty(like.dtype(), shape_like(like, height, width));
  cv::Mat m = as_mat(out);
  m.setTo(cv::Scalar::all(value));
  return out;
}

cv::Matx33d to_cv(const Matrix3& m) {
  return cv::Matx33d(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]);
}

// Brings a far-away coordinate (OpenCV convention) near the image without changing what it
// samples: OpenCV saturates coordinates to 16 bits and walks reflections one period at a time,
// so huge or non-finite map values would be wrong (wrap) or slow (reflect) otherwise.
// Interpolation reads at most 4 pixels to each side, so beyond that margin a constant or
// replicated border gives the same value everywhere.
class AxisFold {
 public:
  AxisFold(int64_t n, Border border) : n_(static_cast<double>(n)), border_(border) {
    // the periods of the border patterns: wrap n, reflect 2n (edge pixels repeated), reflect_101
    // 2(n - 1) (mirrored about the edge pixels; one pixel is its own period)
    if (border == Border::Wrap) period_ = n_;
    else if (border == Border::Reflect101) period_ = n > 1 ? 2 * (n_ - 1) : 1;
    else period_ = 2 * n_;
  }
  float operator()(float v) const {
    constexpr double kMargin = 8;
    double x = v;
    if (!std::isfinite(x)) return static_cast<float>(-kMargin);
    if (x >= -kMargin && x <= n_ + kMargin) return v;
    if (border_ == Border::Constant || border_ == Border::Replicate)
      return static_cast<float>(x < 0 ? -kMargin : n_ + kMargin);
    return static_cast<float>(x - period_ * std::floor(x / period_));
  }

 private:
  double n_, period_;
  Border border_;
};

template <typename F> auto guard_cv(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const cv::Exception& e) {
    argument_error(std::string("OpenCV could not process the image: ") + e.what());
  }
}

// Destination pixel i takes source pixel floor((i + 1/2) * n / m), the one under its center,
// computed in integers: OpenCV's INTER_NEAREST_EXACT rounds in fixed point and misses exact
// ties (and differs between OpenCV versions).
std::vector<int64_t> nearest_indices(int64_t n, int64_t m) {
  std::vector<int64_t> idx(static_cast<size_t>(m));
  for (int64_t i = 0; i < m; ++i) idx[i] = std::min(n - 1, ((2 * i + 1) * n) / (2 * m));
  return idx;
}

Tensor resize_nearest(const Tensor& src, int64_t width, int64_t height, bool channels_dim) {
  ImageShape s = image_shape(src);
  Shape shape{height, width};
  if (channels_dim) shape.push_back(s.channels);
  Tensor out = Tensor::empty(src.dtype(), shape);
  size_t px = dtype_size(src.dtype()) * static_cast<size_t>(s.channels);
  std::vector<int64_t> rows = nearest_indices(s.height, height), cols = nearest_indices(s.width, width);
  for (int64_t& c : cols) c *= static_cast<int64_t>(px);  // byte offsets within a row
  size_t out_stride = px * static_cast<size_t>(width);
  for (int64_t y = 0; y < height; ++y) {
    uint8_t* dst = out.mutable_bytes() + y * out_stride;
    if (y > 0 && rows[y] == rows[y - 1]) {
      std::memcpy(dst, dst - out_stride, out_stride);
      continue;
    }
    const uint8_t* row = src.bytes() + rows[y] * src.strides()[0];
    for (int64_t x = 0; x < width; ++x) std::memcpy(dst + x * px, row + cols[x], px);
  }
  return out;
}

}  // namespace

bool resample_dtype_supported(DType dtype) {
  return dtype == DType::U8 || dtype == DType::U16 || dtype == DType::I16 || dtype == DType::F32 ||
         dtype == DType::F64;
}

Tensor resize(const Tensor& image, int64_t width, int64_t height, Interpolation interpolation, bool antialias) {
  check_dtype(image);
  check_output_size(image, width, height);
  ImageShape s = image_shape(image);
  if (s.width == 0 || s.height == 0) range_error("cannot resize an empty image");
  // A stack of zero instance masks (an image without objects) has no channels: nothing to sample.
  if (s.channels == 0) return Tensor::empty(image.dtype(), shape_like(image, height, width));
  Tensor src = with_contiguous_rows(image);
  if (interpolation == Interpolation::Nearest) return resize_nearest(src, width, height, image.ndim() == 3);
  if (antialias && interpolation == Interpolation::Linear) {
    if (image.dtype() != DType::U8 && image.dtype() != DType::F32)
      type_error(std::string("antialiased resizing takes u8 or f32 images, not ") + dtype_name(image.dtype()));
    if (s.channels > 4) argument_error("antialiased resizing takes images of 1 to 4 channels");
    return guard_cv([&] {
      return into_tensor(image.dtype(), shape_like(image, height, width), [&](cv::Mat& dst) {
        resize_antialias_to(as_mat(src), dst, cv::Size(static_cast<int>(width), static_cast<int>(height)));
      });
    });
  }
  return guard_cv([&] {
    return into_tensor(image.dtype(), shape_like(image, height, width), [&](cv::Mat& dst) {
      resize_to(as_mat(src), dst, cv::Size(static_cast<int>(width), static_cast<int>(height)),
                cv_resize_flag(interpolation));
    });
  });
}

Tensor warp(const Tensor& image, const Matrix3& matrix, int64_t width, int64_t height, Interpolation interpolation,
            Border border, double border_value) {
  check_dtype(image);
  check_output_size(image, width, height);
  for (double v : matrix)
    if (!std::isfinite(v)) argument_error("transform matrix entries must be finite");
  // OpenCV coordinates are ours minus half a pixel: M_cv = T(-1/2) M T(+1/2).
  cv::Matx33d shift_in(1, 0, 0.5, 0, 1, 0.5, 0, 0, 1), shift_out(1, 0, -0.5, 0, 1, -0.5, 0, 0, 1);
  cv::Matx33d forward = shift_out * to_cv(matrix) * shift_in;
  // We invert here (not OpenCV) to report singular matrices instead of producing garbage.
  bool affine = matrix[6] == 0.0 && matrix[7] == 0.0 && matrix[8] == 1.0;
  double det = cv::determinant(forward);
  if (!std::isfinite(det) || std::fabs(det) < 1e-12)
    argument_error("transform matrix is singular (determinant " + std::to_string(det) + ")");
  cv::Matx33d inverse = forward.inv(cv::DECOMP_LU);

  ImageShape s = image_shape(image);
  // No channels (instance masks of an image without instances): nothing to sample.
  if (s.channels == 0) return Tensor::empty(image.dtype(), shape_like(image, height, width));
  if (s.width == 0 || s.height == 0) {
    if (border != Border::Constant) range_error("an empty image can only be warped with a constant border");
    return filled(image, width, height, border_value);
  }
  if (s.width > INT32_MAX || s.height > INT32_MAX) range_error("image is too large to warp");
  Tensor src = with_contiguous_rows(image);
  return guard_cv([&] {
    return into_tensor(image.dtype(), shape_like(image, height, width), [&](cv::Mat& dst) {
      cv::Size size(static_cast<int>(width), static_cast<int>(height));
      int flags = cv_warp_flag(interpolation) | cv::WARP_INVERSE_MAP;
      if (affine) {
        cv::Matx23d m(inverse(0, 0), inverse(0, 1), inverse(0, 2), inverse(1, 0), inverse(1, 1), inverse(1, 2));
        // u8 RGB, bilinear, constant border: our kernel, the same bits in fewer steps
        if (interpolation == Interpolation::Linear && border == Border::Constant && src.dtype() == DType::U8 &&
            s.channels == 3) {
          const uint8_t fill = cv::saturate_cast<uint8_t>(border_value);
          const uint8_t fills[3] = {fill, fill, fill};
          const cv::Mat in = as_mat(src);
          if (warp_affine_linear_rgb_u8(in.ptr<uint8_t>(), static_cast<int64_t>(in.step), in.cols, in.rows, m.val,
                                        fills, dst.ptr<uint8_t>(), static_cast<int64_t>(dst.step), dst.cols,
                                        dst.rows))
            return;
        }
        cv::warpAffine(as_mat(src), dst, m, size, flags, cv_border(border), cv::Scalar::all(border_value));
      } else {
        cv::warpPerspective(as_mat(src), dst, inverse, size, flags, cv_border(border), cv::Scalar::all(border_value));
      }
    });
  });
}

Tensor remap(const Tensor& image, const Tensor& map_x, const Tensor& map_y, Interpolation interpolation,
             Border border, double border_value) {
  check_dtype(image);
  if (map_x.ndim() != 2 || map_y.ndim() != 2 || map_x.shape() != map_y.shape())
    argument_error("map_x and map_y must be 2-D and of the same shape");
  int64_t height = map_x.dim(0), width = map_x.dim(1);
  check_output_size(image, width, height);
  ImageShape s = image_shape(image);
  // OpenCV's remap addresses pixels with 16-bit integers.
  if (s.width >= SHRT_MAX || s.height >= SHRT_MAX || width >= SHRT_MAX || height >= SHRT_MAX)
    range_error("remap supports images and maps of up to 32766 pixels a side");
  if (s.channels == 0) return Tensor::empty(image.dtype(), shape_like(image, height, width));
  if (s.width == 0 || s.height == 0) {
    if (border != Border::Constant) range_error("an empty image can only be remapped with a constant border");
    return filled(image, width, height, border_value);
  }
  // Maps in OpenCV's center-based coordinates. Nearest takes the pixel that contains the point
  // (floor), which OpenCV's rounding of (x - 1/2) only matches away from exact pixel edges.
  bool nearest = interpolation == Interpolation::Nearest;
  Tensor mx = Tensor::empty(DType::F32, {height, width}), my = Tensor::empty(DType::F32, {height, width});
  Tensor fx = map_x.dtype() == DType::F32 ? map_x.contiguous() : map_x.cast(DType::F32).contiguous();
  Tensor fy = map_y.dtype() == DType::F32 ? map_y.contiguous() : map_y.cast(DType::F32).contiguous();
  AxisFold fold_x(s.width, border), fold_y(s.height, border);
  const float* ix = fx.data<float>();
  const float* iy = fy.data<float>();
  float* ox = mx.mutable_data<float>();
  float* oy = my.mutable_data<float>();
  int64_t n = width * height;
  float shift = nearest ? 0.0f : 0.5f;
  for (int64_t i = 0; i < n; ++i) {
    float x = nearest ? std::floor(ix[i]) : ix[i], y = nearest ? std::floor(iy[i]) : iy[i];
    ox[i] = fold_x(x - shift);
    oy[i] = fold_y(y - shift);
  }
  Tensor src = with_contiguous_rows(image);
  return guard_cv([&] {
    return into_tensor(image.dtype(), shape_like(image, height, width), [&](cv::Mat& dst) {
      cv::remap(as_mat(src), dst, as_mat(mx), as_mat(my), cv_warp_flag(interpolation), cv_border(border),
                cv::Scalar::all(border_value));
    });
  });
}

Tensor warp_resized_crop(const Tensor& image, const PixelBox& box, int64_t box_width, int64_t box_height,
                         const WarpTarget& target) {
  if (box_width < 1 || box_height < 1) range_error("the box's resized size must be at least 1 x 1");
  const Tensor part = crop(image, box);
  const ImageShape s = image_shape(part);
  if (s.width == 0 || s.height == 0) range_error("the crop box does not overlap the image");
  const Mat3 into_box = crop_resize_matrix(0, 0, static_cast<double>(s.width), static_cast<double>(s.height),
                                           static_cast<double>(box_width), static_cast<double>(box_height));
  return warp(part, mat3_multiply(target.matrix, into_box), target.width, target.height, target.interpolation,
              Border::Constant, target.border_value);
}

}  // namespace pxp::kernels
