#include "kernels/jpeg_decoder.hpp"

// jpeglib.h needs FILE and size_t declared before it.
#include <cstddef>
#include <cstdio>
#include <csetjmp>
#include <cstring>
#include <string>

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

// Warnings are ignored except those that mean the pixels are not the file's: a premature end
// (libjpeg would pad with gray) and entropy data that does not decode. Other warnings (extra
// bytes between markers, odd but valid headers) leave a correct image, as other decoders accept.
void on_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  int code = cinfo->err->msg_code;
  if (code == JWRN_JPEG_EOF || code == JWRN_HUFF_BAD_CODE)
    on_error(cinfo);
  cinfo->err->num_warnings++;
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

// Phase 2: decode every scanline into the caller's buffer.
bool decode_rows(Decoder* d, bool gray) {
  if (setjmp(d->err.jump)) return false;
  jpeg_start_decompress(&d->info);
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
  return image;
}

}  // namespace pxp::kernels
