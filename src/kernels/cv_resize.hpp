// cv::resize to a given size, with the u8 bilinear case done by our own kernel
// (linear_resize_u8.hpp: the same bytes, about twice as fast). Every resize to a size goes through
// here (Downscale's resizes by factors excepted), so each gets the fast path without a case of its own.
#pragma once

#include <opencv2/core.hpp>

#include "kernels/antialias_resize.hpp"

namespace pxp::kernels {

// src resized to `size` into dst with `interpolation` (cv::INTER_*): exactly cv::resize(src, dst,
// size, 0, 0, interpolation). dst is (re)created by OpenCV's rules: a header over memory of the
// right size and type is written in place.
void resize_to(const cv::Mat& src, cv::Mat& dst, cv::Size size, int interpolation);

// src (u8 or f32, 1 to 4 channels) resized to `size` into dst with torchvision's antialiased
// bilinear filter (antialias_resize.hpp); dst (re)created as cv::Mat::create does. Other depths
// are an argument error.
// `window` (u8 only; null: the whole source): the fractional part of src resized, as in
// resize_antialias_u8.
void resize_antialias_to(const cv::Mat& src, cv::Mat& dst, cv::Size size, const AntialiasWindow* window = nullptr);

}  // namespace pxp::kernels
