// JPEG decoding with libjpeg-turbo, directly: DCT-domain down-scaling, a pixel limit checked
// against the header before anything is allocated, and corrupt or truncated data reported as
// PXP_EDECODE (libjpeg's default handler would call exit()).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tensor.hpp"
#include "kernels/image_geometry.hpp"
#include "kernels/image_resample.hpp"

namespace pxp::kernels {

enum class JpegMode : uint8_t {
  Rgb,        // 3 channels, whatever the file holds
  Gray,       // 1 channel (the luma of color files)
  Unchanged,  // gray files stay 1 channel, color files (YCbCr, RGB, CMYK) become 3 channels RGB
};

struct JpegOptions {
  JpegMode mode = JpegMode::Rgb;
  int scale_denom = 1;  // 1, 2, 4 or 8: libjpeg scales by 1/denom while decoding (ceil of the size)
  int64_t max_pixels = int64_t(1) << 28;  // limit on width * height of the full-size image
  // Strict (the default): warnings that mean the pixels are not all the file's (data cut short,
  // a premature marker, bad entropy codes, an inconsistent progression) fail the decode, and a
  // header may declare at most kMaxJpegPixelsPerByte pixels per byte of the file (a 2 KB file
  // cannot hold a real 16384 x 16384 image; decoding it would allocate 805 MB of gray). Lenient:
  // what libjpeg makes of the data, gray where it is missing, up to max_pixels.
  bool strict = true;
  // Turn the pixels upright by the EXIF orientation tag (kernels/exif_orientation.hpp), as PIL's
  // exif_transpose does; false returns them as stored.
  bool apply_exif_orientation = true;
  // decode_jpeg_crop: resize the box with torchvision's antialiased bilinear filter
  // (antialias_resize.hpp) instead of OpenCV's bilinear one.
  bool antialias = false;
};

// Strict decoding's bound on declared pixels per byte of file. Real JPEGs hold a few to ~200
// pixels per byte (a flat image at the best compression); progressive files of flat images a few
// times more.
constexpr uint64_t kMaxJpegPixelsPerByte = 4096;

// Does the buffer start with a JPEG SOI marker?
bool is_jpeg(const uint8_t* data, size_t size);

// u8 H x W x C. Fails with PXP_EDECODE on anything libjpeg cannot decode completely.
Tensor decode_jpeg(const uint8_t* data, size_t size, const JpegOptions& options);

// The full-size geometry from the header alone (no pixel is decoded; nothing is allocated but
// libjpeg's small tables). Fails with PXP_EDECODE on data whose header libjpeg cannot read.
struct JpegHeader {
  int64_t height, width;
  int components;   // in the file: 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK
  int orientation;  // the EXIF orientation, 1 to 8 (1 without one); height and width are as stored
};
JpegHeader read_jpeg_header(const uint8_t* data, size_t size);

// The largest DCT down-scale denominator d in {1, 2, 4, 8}, d <= max_denom, that still leaves a
// crop of crop_width x crop_height full-size pixels at least out_width x out_height.
int jpeg_crop_scale(int64_t crop_width, int64_t crop_height, int64_t out_width, int64_t out_height, int max_denom);

// Fused decode -> crop -> resize: the part of the image inside `box` (full-size pixels of the
// upright image when options.apply_exif_orientation, else of the stored one; clipped
// to the image as kernels::crop does; an empty result is a range error), resized bilinearly
// (cv::resize INTER_LINEAR) to out_width x out_height, u8 out_height x out_width x C.
// Only what the box needs is decoded: at the DCT scale 1/d of jpeg_crop_scale (options.scale_denom
// is the largest d allowed), rows above the box are skipped (entropy-decoded only), rows below it
// are never read (jpeg_abort_decompress), and only the iMCU columns that cover it get IDCT and
// color conversion (jpeg_crop_scanline). At d > 1 the box edges are rounded to whole scaled
// pixels (an error of at most d / 2 full-size pixels) and the scaled IDCT averages where the
// unfused chain (full decode, crop, bilinear resize) samples, so the two differ slightly; at
// d = 1 they agree up to libjpeg's chroma upsampling at the edges of the decoded columns.
// With an EXIF orientation the upright box is mapped to the stored pixels, those are decoded and
// resized to the transposed output size where the orientation transposes, and the result is
// turned upright: flips and quarter turns commute with the bilinear resize.
// The decoded region lives in a per-thread buffer that is reused from call to call.
Tensor decode_jpeg_crop(const uint8_t* data, size_t size, const PixelBox& box, int64_t out_width,
                        int64_t out_height, const JpegOptions& options);

// Fused decode -> crop -> resize -> warp (a geometric chain after RandomResizedCrop, composed
// into one matrix): the result of warping, by target, the box (upright pixels as in
// decode_jpeg_crop, clipped to the image) resized to box_width x box_height, with one resample
// from the decoded pixels instead of two. Only the source footprint of the output is decoded
// (its bounding box widened by the interpolation's reach, within the box), at the largest DCT
// scale 1/d (d <= options.scale_denom) whose pixels are still no coarser than the output's in
// any direction (d = 1 for perspective matrices); the box's edges stay the border of the image,
// rounded to whole scaled pixels. An EXIF orientation is folded into the matrix, so the stored
// pixels are warped straight to the upright output. An output that misses the box is all
// border. u8 height x width x C.
Tensor decode_jpeg_crop_warp(const uint8_t* data, size_t size, const PixelBox& box, int64_t box_width,
                             int64_t box_height, const WarpTarget& target, const JpegOptions& options);

}  // namespace pxp::kernels
