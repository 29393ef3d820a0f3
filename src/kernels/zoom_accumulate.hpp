// One zoom of ZoomBlur added to its accumulator without the zoomed image ever being stored: the
// central crop of an f32 image resized up by OpenCV's INTER_LINEAR rule (source coordinate
// (d + 0.5) * scale - 0.5, edges clamped, float weights 1 - f and f), evaluated only on the
// window of the resized image that lands on the accumulator. Rows are resized horizontally once
// each (two live at a time) and blended vertically straight into the sum; with AVX-512, 16
// values at a time, the horizontal taps by permutes of a 32-float window of the source row.
#pragma once

#include <cstdint>

namespace pxp::kernels {

struct ZoomWindow {
  int64_t crop_x, crop_y, crop_width, crop_height;  // the crop of the source image
  int64_t resized_width, resized_height;            // what cv::resize would make of it
  int64_t from_x, from_y;                           // the window's corner in the resized image
  int64_t width, height;                            // the window, added at the accumulator's (0, 0)
};

// acc[y][x] += resize(crop)[from_y + y][from_x + x] for the window; src and acc are interleaved
// f32 images of src_width columns and `channels` channels, rows contiguous. `vectors` false: the
// portable code even where AVX-512 is there (tests compare the two).
void add_zoom(const float* src, float* acc, int64_t src_width, int64_t channels, const ZoomWindow& zoom,
              bool vectors = true);

}  // namespace pxp::kernels
