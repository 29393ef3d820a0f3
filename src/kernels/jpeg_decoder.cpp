#include "kernels/jpeg_decoder.hpp"

#include "kernels/cv_bridge.hpp"
#include "kernels/cv_resize.hpp"
#include "kernels/exif_orientation.hpp"
#include "kernels/image_resample.hpp"

// jpeglib.h needs FILE and size_t declared before it.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <csetjmp>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include <jerror.h>
#include <jpeglib.h>

namespace pxp::kernels {

namespace {

// libjpeg reports errors through error_exit, which must not return. We longjmp back to the
// phase function that called setjmp. Those phase functions hold no C++ objects with destructors
// and keep all state behind an unmodified pointer, so the jump skips nothing and leaves nothing
// indeterminate; the C++ caller turns the recorded message into an exception.
struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool strict = true;  // JpegOptions::strict
};

struct Decoder {
  jpeg_decompress_struct info;
  ErrorManager err;
  bool created = false;
  // Set by the C++ caller between the phases.
  uint8_t* out = nullptr;
  size_t out_stride = 0;
  bool cmyk = false;  // rows arrive as CMYK and are converted to RGB / gray in place
  uint8_t* cmyk_row = nullptr;
};

void on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Does this libjpeg warning mean that some pixels are not the file's (libjpeg goes on with gray
// or garbage)? A premature end of the file or of a scan's data, Huffman codes that do not decode,
// a lost restart marker, an inconsistent progression. Other warnings (extra bytes between
// markers, an unknown JFIF revision or Adobe transform) leave a correct image.
bool corrupts_pixels(int code) {
  switch (code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_NOT_SEQUENTIAL:
      return true;
    default:
      return false;
  }
}

// Strict decoding turns the warnings that corrupt pixels into errors; lenient decoding keeps them.
void on_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  if (err->strict && corrupts_pixels(cinfo->err->msg_code)) on_error(cinfo);
  cinfo->err->num_warnings++;
}

// Strict decoding: a header cannot declare more pixels than kMaxJpegPixelsPerByte per byte.
void check_pixels_per_byte(uint64_t width, uint64_t height, size_t size, const JpegOptions& options) {
  if (!options.strict || width * height <= kMaxJpegPixelsPerByte * size) return;
  fail(PXP_EDECODE, "JPEG header declares " + std::to_string(width) + " x " + std::to_string(height) +
                        " pixels in a file of " + std::to_string(size) + " bytes: more than the limit of " +
                        std::to_string(kMaxJpegPixelsPerByte) +
                        " pixels per byte of strict decoding (a corrupt or hostile header; strict=False decodes "
                        "it, gray where data is missing)");
}

// Phase 1: header and output geometry (allocates only libjpeg's small fixed tables).
bool read_header(Decoder* d, const uint8_t* data, size_t size) {
  if (setjmp(d->err.jump)) return false;
  jpeg_create_decompress(&d->info);
  d->created = true;
  jpeg_mem_src(&d->info, data, static_cast<unsigned long>(size));
  jpeg_read_header(&d->info, TRUE);
  return true;
}

bool configure(Decoder* d, J_COLOR_SPACE out_space, int denom) {
  if (setjmp(d->err.jump)) return false;
  d->info.out_color_space = out_space;
  d->info.scale_num = 1;
  d->info.scale_denom = static_cast<unsigned>(denom);
  jpeg_calc_output_dimensions(&d->info);
  return true;
}

void cmyk_to_rgb(const uint8_t* cmyk, uint8_t* rgb, JDIMENSION width, bool gray) {
  // Adobe writes CMYK inverted (0 = full ink), which is what nearly every CMYK JPEG is.
  for (JDIMENSION x = 0; x < width; ++x) {
    unsigned k = cmyk[4 * x + 3];
    unsigned r = (cmyk[4 * x] * k + 127) / 255, g = (cmyk[4 * x + 1] * k + 127) / 255,
             b = (cmyk[4 * x + 2] * k + 127) / 255;
    if (gray) {
      rgb[x] = static_cast<uint8_t>((r * 4899 + g * 9617 + b * 1868 + 8192) >> 14);
    } else {
      rgb[3 * x] = static_cast<uint8_t>(r);
      rgb[3 * x + 1] = static_cast<uint8_t>(g);
      rgb[3 * x + 2] = static_cast<uint8_t>(b);
    }
  }
}

// Reads `rows` scanlines into consecutive rows of d->out from row `first` on, several per call:
// libjpeg-turbo's upsamplers make two rows at a time from 4:2:0 data, and asking for one row
// makes it copy the spare one through a buffer. Called inside a phase function (its setjmp
// catches libjpeg's errors); holds nothing that needs destruction.
bool read_rgb_or_gray_rows(Decoder* d, size_t first, JDIMENSION rows) {
  constexpr JDIMENSION kRowsPerCall = 16;
  JSAMPROW pointers[kRowsPerCall];
  for (JDIMENSION done = 0; done < rows;) {
    JDIMENSION n = std::min(kRowsPerCall, rows - done);
    for (JDIMENSION k = 0; k < n; ++k) pointers[k] = d->out + d->out_stride * (first + done + k);
    JDIMENSION got = jpeg_read_scanlines(&d->info, pointers, n);
    if (got == 0) {
      // Suspension cannot happen with a memory source; treat it as truncation all the same.
      std::strcpy(d->err.message, "Premature end of JPEG file");
      return false;
    }
    done += got;
  }
  return true;
}

// Phase 2: decode every scanline into the caller's buffer.
bool decode_rows(Decoder* d, bool gray) {
  if (setjmp(d->err.jump)) return false;
  jpeg_start_decompress(&d->info);
  if (!d->cmyk) {
    if (!read_rgb_or_gray_rows(d, 0, d->info.output_height)) return false;
    jpeg_finish_decompress(&d->info);
    return true;
  }
  while (d->info.output_scanline < d->info.output_height) {
    uint8_t* dst = d->out + d->out_stride * d->info.output_scanline;
    JSAMPROW row = d->cmyk ? d->cmyk_row : dst;
    if (jpeg_read_scanlines(&d->info, &row, 1) != 1) {
      // Suspension cannot happen with a memory source; treat it as truncation all the same.
      std::strcpy(d->err.message, "Premature end of JPEG file");
      return false;
    }
    if (d->cmyk) cmyk_to_rgb(d->cmyk_row, dst, d->info.output_width, gray);
  }
  jpeg_finish_decompress(&d->info);
  return true;
}

// Crop path, phase A: start decompressing and restrict the columns to [x, x + width) of the
// scaled image; libjpeg widens the range to whole iMCUs and writes the range it chose back.
bool start_crop(Decoder* d, JDIMENSION* x, JDIMENSION* width) {
  if (setjmp(d->err.jump)) return false;
  jpeg_start_decompress(&d->info);
  if (*x != 0 || *width != d->info.output_width) jpeg_crop_scanline(&d->info, x, width);
  return true;
}

// Phase B: skip to row y (entropy decoding only), read `rows` rows into d->out, then stop: the
// rows below are never decoded.
bool read_crop_rows(Decoder* d, JDIMENSION y, JDIMENSION rows, bool gray) {
  if (setjmp(d->err.jump)) return false;
  if (y > 0 && jpeg_skip_scanlines(&d->info, y) != y) {
    std::strcpy(d->err.message, "Premature end of JPEG file");
    return false;
  }
  if (!d->cmyk) {
    if (!read_rgb_or_gray_rows(d, 0, rows)) return false;
    jpeg_abort_decompress(&d->info);
    return true;
  }
  for (JDIMENSION r = 0; r < rows; ++r) {
    uint8_t* dst = d->out + d->out_stride * r;
    JSAMPROW row = d->cmyk ? d->cmyk_row : dst;
    if (jpeg_read_scanlines(&d->info, &row, 1) != 1) {
      std::strcpy(d->err.message, "Premature end of JPEG file");
      return false;
    }
    if (d->cmyk) cmyk_to_rgb(d->cmyk_row, dst, d->info.output_width, gray);
  }
  jpeg_abort_decompress(&d->info);
  return true;
}

[[noreturn]] void decode_error(const Decoder& d) {
  fail(PXP_EDECODE, std::string("invalid JPEG data: ") + d.err.message);
}

// Destroys libjpeg's state on every way out, exceptions included.
struct DecoderGuard {
  Decoder& d;
  ~DecoderGuard() {
    if (d.created) jpeg_destroy_decompress(&d.info);
  }
};

}  // namespace

bool is_jpeg(const uint8_t* data, size_t size) {
  return size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

Tensor decode_jpeg(const uint8_t* data, size_t size, const JpegOptions& options) {
  if (size == 0) fail(PXP_EDECODE, "invalid JPEG data: the buffer is empty");
  if (!is_jpeg(data, size)) fail(PXP_EDECODE, "invalid JPEG data: no JPEG start-of-image marker");
  int denom = options.scale_denom;
  if (denom != 1 && denom != 2 && denom != 4 && denom != 8)
    argument_error("JPEG scale must be 1/1, 1/2, 1/4 or 1/8, not 1/" + std::to_string(denom));

  Decoder d{};
  d.info.err = jpeg_std_error(&d.err.pub);
  d.err.pub.error_exit = on_error;
  d.err.pub.emit_message = on_message;
  d.err.strict = options.strict;
  DecoderGuard guard{d};

  if (!read_header(&d, data, size)) decode_error(d);
  uint64_t width = d.info.image_width, height = d.info.image_height;
  if (width == 0 || height == 0) fail(PXP_EDECODE, "invalid JPEG data: the image has no pixels");
  // The full-size image bounds libjpeg's own buffers (progressive files keep every coefficient),
  // so the limit applies to it even when decoding at a reduced scale.
  if (width * height > static_cast<uint64_t>(options.max_pixels))
    fail(PXP_EDECODE, "JPEG image of " + std::to_string(width) + " x " + std::to_string(height) + " pixels (" +
                          std::to_string(width * height) + ") exceeds the limit of max_pixels = " +
                          std::to_string(options.max_pixels));
  check_pixels_per_byte(width, height, size, options);

  J_COLOR_SPACE source = d.info.jpeg_color_space;
  bool gray = options.mode == JpegMode::Gray || (options.mode == JpegMode::Unchanged && source == JCS_GRAYSCALE);
  d.cmyk = source == JCS_CMYK || source == JCS_YCCK;
  J_COLOR_SPACE out_space = d.cmyk ? JCS_CMYK : (gray ? JCS_GRAYSCALE : JCS_RGB);
  if (!configure(&d, out_space, denom)) decode_error(d);

  int64_t channels = gray ? 1 : 3;
  int64_t out_w = d.info.output_width, out_h = d.info.output_height;
  Tensor image = Tensor::empty(DType::U8, {out_h, out_w, channels});
  Tensor cmyk_row;
  if (d.cmyk) {
    cmyk_row = Tensor::empty(DType::U8, {out_w * 4});
    d.cmyk_row = cmyk_row.mutable_bytes();
  } else if (d.info.output_components != channels) {
    fail(PXP_EDECODE, "invalid JPEG data: unexpected number of components " +
                          std::to_string(d.info.output_components));
  }
  d.out = image.mutable_bytes();
  d.out_stride = static_cast<size_t>(out_w * channels);
  if (!decode_rows(&d, gray)) decode_error(d);
  int orientation = options.apply_exif_orientation ? jpeg_exif_orientation(data, size) : 1;
  return orientation == 1 ? image : apply_orientation(image, orientation).contiguous();
}

namespace {

void init_decoder(Decoder& d) {
  d.info.err = jpeg_std_error(&d.err.pub);
  d.err.pub.error_exit = on_error;
  d.err.pub.emit_message = on_message;
}

void check_signature(const uint8_t* data, size_t size) {
  if (size == 0) fail(PXP_EDECODE, "invalid JPEG data: the buffer is empty");
  if (!is_jpeg(data, size)) fail(PXP_EDECODE, "invalid JPEG data: no JPEG start-of-image marker");
}

void check_pixels(const Decoder& d, int64_t max_pixels) {
  uint64_t width = d.info.image_width, height = d.info.image_height;
  if (width == 0 || height == 0) fail(PXP_EDECODE, "invalid JPEG data: the image has no pixels");
  if (width * height > static_cast<uint64_t>(max_pixels))
    fail(PXP_EDECODE, "JPEG image of " + std::to_string(width) + " x " + std::to_string(height) + " pixels (" +
                          std::to_string(width * height) + ") exceeds the limit of max_pixels = " +
                          std::to_string(max_pixels));
}

// A per-thread buffer that only grows: the decoded crop region of every call on this thread.
uint8_t* scratch(size_t bytes) {
  thread_local std::vector<uint8_t> buffer;
  if (buffer.size() < bytes) buffer.resize(bytes);
  return buffer.data();
}

}  // namespace

JpegHeader read_jpeg_header(const uint8_t* data, size_t size) {
  check_signature(data, size);
  Decoder d{};
  init_decoder(d);
  DecoderGuard guard{d};
  if (!read_header(&d, data, size)) decode_error(d);
  if (d.info.image_width == 0 || d.info.image_height == 0)
    fail(PXP_EDECODE, "invalid JPEG data: the image has no pixels");
  return {static_cast<int64_t>(d.info.image_height), static_cast<int64_t>(d.info.image_width),
          d.info.num_components, jpeg_exif_orientation(data, size)};
}

int jpeg_crop_scale(int64_t crop_width, int64_t crop_height, int64_t out_width, int64_t out_height, int max_denom) {
  for (int denom : {8, 4, 2})
    if (denom <= max_denom && crop_width >= out_width * denom && crop_height >= out_height * denom) return denom;
  return 1;
}

namespace {

void check_max_scale(int max_denom) {
  if (max_denom != 1 && max_denom != 2 && max_denom != 4 && max_denom != 8)
    argument_error("JPEG scale must be 1/1, 1/2, 1/4 or 1/8, not 1/" + std::to_string(max_denom));
}

void check_output_size(int64_t out_width, int64_t out_height) {
  if (out_width < 1 || out_height < 1)
    range_error("output size must be at least 1 x 1, not " + std::to_string(out_width) + " x " +
                std::to_string(out_height));
  if (out_width > INT32_MAX || out_height > INT32_MAX) range_error("output size is too large");
}

// What the crop paths know once the header is read: the box clipped to the upright image and
// mapped to the stored pixels, and the color space to decode into.
struct CropStart {
  int orientation;
  int64_t stored_width, stored_height;
  PixelBox upright;  // clipped, upright pixels
  PixelBox stored;   // the same pixels as stored
  bool gray;
  J_COLOR_SPACE out_space;
};

// Checks the data and the options, sets up `d` (its DecoderGuard lives in the caller) and reads
// the header.
CropStart start_crop_decode(Decoder& d, const uint8_t* data, size_t size, const PixelBox& box,
                            const JpegOptions& options) {
  check_signature(data, size);
  check_max_scale(options.scale_denom);
  init_decoder(d);
  d.err.strict = options.strict;
  if (!read_header(&d, data, size)) decode_error(d);
  check_pixels(d, options.max_pixels);
  check_pixels_per_byte(d.info.image_width, d.info.image_height, size, options);
  CropStart s{};
  s.stored_width = d.info.image_width;
  s.stored_height = d.info.image_height;
  // The box is in upright pixels: clipped there, then mapped to the stored ones.
  s.orientation = options.apply_exif_orientation ? jpeg_exif_orientation(data, size) : 1;
  const bool swap = orientation_swaps_axes(s.orientation);
  const int64_t upright_w = swap ? s.stored_height : s.stored_width;
  const int64_t upright_h = swap ? s.stored_width : s.stored_height;
  s.upright = clip_box(box, upright_h, upright_w);
  if (s.upright.width == 0 || s.upright.height == 0)
    range_error("the crop box (" + std::to_string(box.x) + ", " + std::to_string(box.y) + ", " +
                std::to_string(box.x + box.width) + ", " + std::to_string(box.y + box.height) +
                ") does not overlap the " + std::to_string(upright_w) + " x " + std::to_string(upright_h) +
                " image");
  s.stored = box_in_stored_image(s.upright, s.orientation, upright_h, upright_w);
  J_COLOR_SPACE source = d.info.jpeg_color_space;
  s.gray = options.mode == JpegMode::Gray || (options.mode == JpegMode::Unchanged && source == JCS_GRAYSCALE);
  d.cmyk = source == JCS_CMYK || source == JCS_YCCK;
  s.out_space = d.cmyk ? JCS_CMYK : (s.gray ? JCS_GRAYSCALE : JCS_RGB);
  return s;
}

// A stored box in pixels of the scale 1/denom: [x0, x1) x [y0, y1), edges rounded to the nearest
// scaled pixel, at least one wide, within the scaled image.
struct ScaledBox {
  int64_t x0, x1, y0, y1;
};

ScaledBox scaled_box(const PixelBox& c, int denom, int64_t scaled_w, int64_t scaled_h) {
  auto scaled = [denom](int64_t v, int64_t limit) { return std::min<int64_t>(limit, (2 * v + denom) / (2 * denom)); };
  ScaledBox b{scaled(c.x, scaled_w), scaled(c.x + c.width, scaled_w), scaled(c.y, scaled_h),
              scaled(c.y + c.height, scaled_h)};
  if (b.x1 <= b.x0) b.x1 = std::min(b.x0 + 1, scaled_w), b.x0 = b.x1 - 1;
  if (b.y1 <= b.y0) b.y1 = std::min(b.y0 + 1, scaled_h), b.y0 = b.y1 - 1;
  return b;
}

// Decodes rows [y0, y1) and columns [x0, x1) of the image at the configured scale into the
// per-thread buffer, and returns a view of exactly those pixels (libjpeg may widen the columns
// to whole iMCUs: the view skips the extra ones).
Tensor decode_region(Decoder& d, const ScaledBox& r, bool gray) {
  const int64_t channels = gray ? 1 : 3;
  if (!d.cmyk && d.info.output_components != channels)
    fail(PXP_EDECODE, "invalid JPEG data: unexpected number of components " +
                          std::to_string(d.info.output_components));
  JDIMENSION col = static_cast<JDIMENSION>(r.x0), cols = static_cast<JDIMENSION>(r.x1 - r.x0);
  if (!start_crop(&d, &col, &cols)) decode_error(d);
  const int64_t region_w = d.info.output_width, rows = r.y1 - r.y0;
  d.out_stride = static_cast<size_t>(region_w * channels);
  d.out = scratch(d.out_stride * static_cast<size_t>(rows) + (d.cmyk ? static_cast<size_t>(region_w) * 4 : 0));
  if (d.cmyk) d.cmyk_row = d.out + d.out_stride * static_cast<size_t>(rows);
  if (!read_crop_rows(&d, static_cast<JDIMENSION>(r.y0), static_cast<JDIMENSION>(rows), gray)) decode_error(d);
  // The buffer is this thread's and is only read before the next decode on the thread.
  std::shared_ptr<void> owner(static_cast<void*>(d.out), [](void*) {});
  return Tensor::view(owner, d.out + (r.x0 - static_cast<int64_t>(col)) * channels, DType::U8,
                      {rows, r.x1 - r.x0, channels}, {static_cast<int64_t>(d.out_stride), channels, 1});
}

// The largest DCT scale 1/d (d <= max_denom) at which the source is still no coarser than the
// output in any direction: one scaled pixel spans d * s output pixels along the direction the
// matrix stretches most (s, its largest singular value), which must stay <= 1. Perspective
// matrices stretch differently across the image: scale 1.
int warp_scale(const Mat3& m, int max_denom) {
  if (m[6] != 0.0 || m[7] != 0.0 || m[8] != 1.0) return 1;
  const double a = m[0], b = m[1], c = m[3], e = m[4];
  const double sum = a * a + b * b + c * c + e * e, det = a * e - b * c;
  const double largest = std::sqrt((sum + std::sqrt(std::max(0.0, sum * sum - 4 * det * det))) / 2);
  for (int denom : {8, 4, 2})
    if (denom <= max_denom && denom * largest <= 1.0) return denom;
  return 1;
}

// Pixels an interpolation reads on each side of a sample's cell.
int64_t interpolation_reach(Interpolation interpolation) {
  switch (interpolation) {
    case Interpolation::Nearest: return 1;
    case Interpolation::Cubic: return 3;
    case Interpolation::Lanczos: return 5;
    default: return 2;
  }
}

}  // namespace

Tensor decode_jpeg_crop(const uint8_t* data, size_t size, const PixelBox& box, int64_t out_width,
                        int64_t out_height, const JpegOptions& options) {
  check_output_size(out_width, out_height);
  Decoder d{};
  DecoderGuard guard{d};
  const CropStart start = start_crop_decode(d, data, size, box, options);
  const PixelBox& c = start.stored;
  // The stored pixels' output, turned upright at the end.
  if (orientation_swaps_axes(start.orientation)) std::swap(out_width, out_height);

  // Antialiased, the filter is left at least a 2x shrink: the DCT scale's block averaging then
  // stays below its support (within about a level of torchvision's full decode + filter).
  const int64_t margin = options.antialias ? 2 : 1;
  int denom = jpeg_crop_scale(c.width, c.height, margin * out_width, margin * out_height, options.scale_denom);
  if (!configure(&d, start.out_space, denom)) decode_error(d);
  const ScaledBox b = scaled_box(c, denom, d.info.output_width, d.info.output_height);
  const Tensor region = decode_region(d, b, start.gray);

  const int64_t channels = region.dim(2);
  Tensor out = Tensor::empty(DType::U8, {out_height, out_width, channels});
  cv::Mat roi = as_mat(region);
  cv::Mat dst(static_cast<int>(out_height), static_cast<int>(out_width), roi.type(), out.mutable_bytes());
  try {
    if (options.antialias && (denom > 1 || roi.cols != out_width || roi.rows != out_height)) {
      // The box's exact edges in the scaled pixels of the snapped box (up to half a scaled pixel
      // off), and the filter kept inside the box, as torchvision's crop-then-resize keeps it. At
      // scale 1 this is the plain resize of the box.
      const double f = static_cast<double>(denom);
      const AntialiasWindow window{static_cast<double>(c.x) / f - static_cast<double>(b.x0),
                                   static_cast<double>(c.width) / f / static_cast<double>(out_width),
                                   static_cast<double>(c.y) / f - static_cast<double>(b.y0),
                                   static_cast<double>(c.height) / f / static_cast<double>(out_height)};
      resize_antialias_to(roi, dst, dst.size(), &window);
    } else if (roi.cols == out_width && roi.rows == out_height) {
      roi.copyTo(dst);
    } else {
      resize_to(roi, dst, dst.size(), cv::INTER_LINEAR);
    }
  } catch (const cv::Exception& e) {
    argument_error(std::string("OpenCV could not resize the decoded region: ") + e.what());
  }
  return start.orientation == 1 ? out : apply_orientation(out, start.orientation).contiguous();
}

Tensor decode_jpeg_crop_warp(const uint8_t* data, size_t size, const PixelBox& box, int64_t box_width,
                             int64_t box_height, const WarpTarget& target, const JpegOptions& options) {
  check_output_size(box_width, box_height);
  check_output_size(target.width, target.height);
  for (double v : target.matrix)
    if (!std::isfinite(v)) argument_error("transform matrix entries must be finite");
  Decoder d{};
  DecoderGuard guard{d};
  const CropStart start = start_crop_decode(d, data, size, box, options);

  // Stored full-size pixels -> output, and its inverse for the footprint.
  const PixelBox& b = start.upright;
  const Mat3 into_box = crop_resize_matrix(static_cast<double>(b.x), static_cast<double>(b.y),
                                           static_cast<double>(b.width), static_cast<double>(b.height),
                                           static_cast<double>(box_width), static_cast<double>(box_height));
  const Mat3 to_output = mat3_multiply(
      mat3_multiply(target.matrix, into_box),
      stored_to_upright(start.orientation, static_cast<double>(start.stored_width),
                        static_cast<double>(start.stored_height)));
  const Mat3 to_source = mat3_invert(to_output);
  const int denom = warp_scale(to_output, options.scale_denom);
  if (!configure(&d, start.out_space, denom)) decode_error(d);
  const ScaledBox inside = scaled_box(start.stored, denom, d.info.output_width, d.info.output_height);

  // The output rectangle's corners in scaled source pixels; a corner behind the perspective's
  // horizon makes the footprint unbounded: the whole box.
  double lo_x = INFINITY, lo_y = INFINITY, hi_x = -INFINITY, hi_y = -INFINITY;
  bool bounded = true;
  const double f = static_cast<double>(denom);
  for (double y : {0.0, static_cast<double>(target.height)})
    for (double x : {0.0, static_cast<double>(target.width)}) {
      const double w = to_source[6] * x + to_source[7] * y + to_source[8];
      if (!(w > 1e-12)) bounded = false;
      const double sx = (to_source[0] * x + to_source[1] * y + to_source[2]) / w / f;
      const double sy = (to_source[3] * x + to_source[4] * y + to_source[5]) / w / f;
      lo_x = std::min(lo_x, sx), hi_x = std::max(hi_x, sx), lo_y = std::min(lo_y, sy), hi_y = std::max(hi_y, sy);
    }
  ScaledBox r = inside;
  if (bounded && std::isfinite(lo_x) && std::isfinite(hi_x) && std::isfinite(lo_y) && std::isfinite(hi_y)) {
    // The footprint widened by the interpolation's reach, within the box; clamped before the
    // conversion, so a huge footprint cannot overflow.
    const double reach = static_cast<double>(interpolation_reach(target.interpolation));
    auto within = [](double v, int64_t lo, int64_t hi) {
      return static_cast<int64_t>(std::floor(std::clamp(v, static_cast<double>(lo), static_cast<double>(hi))));
    };
    r.x0 = within(lo_x - reach, inside.x0, inside.x1);
    r.x1 = std::min(inside.x1, within(hi_x + reach, inside.x0, inside.x1) + 1);
    r.y0 = within(lo_y - reach, inside.y0, inside.y1);
    r.y1 = std::min(inside.y1, within(hi_y + reach, inside.y0, inside.y1) + 1);
  }
  const int64_t channels = start.gray ? 1 : 3;
  if (r.x1 <= r.x0 || r.y1 <= r.y0) {
    // The output misses the box: all border, nothing to decode.
    Tensor out = Tensor::empty(DType::U8, {target.height, target.width, channels});
    std::memset(out.mutable_bytes(), cv::saturate_cast<uint8_t>(target.border_value), out.nbytes());
    return out;
  }
  const Tensor region = decode_region(d, r, start.gray);
  // Region pixels -> scaled pixels -> stored full-size pixels -> output. Outside the region is
  // outside the box where the region reaches the box's edge, and never sampled elsewhere.
  const Mat3 from_region = mat3_multiply(
      to_output, mat3_multiply(scaling(f, f, 0.0, 0.0),
                               translation(static_cast<double>(r.x0), static_cast<double>(r.y0))));
  return warp(region, from_region, target.width, target.height, target.interpolation, Border::Constant,
              target.border_value);
}

}  // namespace pxp::kernels
