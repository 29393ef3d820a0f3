#include "kernels/image_format.hpp"

#include <cstring>

#include "kernels/bmp_decoder.hpp"
#include "kernels/jpeg_decoder.hpp"
#include "kernels/png_decoder.hpp"
#include "kernels/pnm_decoder.hpp"
#include "kernels/tiff_decoder.hpp"
#include "kernels/webp_decoder.hpp"

namespace pxp::kernels {

ImageFormat detect_image_format(const uint8_t* data, size_t size) {
  if (is_jpeg(data, size)) return ImageFormat::Jpeg;
  if (is_png(data, size)) return ImageFormat::Png;
  if (is_webp(data, size)) return ImageFormat::Webp;
  if (is_bmp(data, size)) return ImageFormat::Bmp;
  if (is_tiff(data, size)) return ImageFormat::Tiff;
  if (is_pnm(data, size)) return ImageFormat::Pnm;
  return ImageFormat::Unknown;
}

const char* image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::Jpeg: return "JPEG";
    case ImageFormat::Png: return "PNG";
    case ImageFormat::Webp: return "WebP";
    case ImageFormat::Bmp: return "BMP";
    case ImageFormat::Tiff: return "TIFF";
    case ImageFormat::Pnm: return "PNM";
    default: return "unknown";
  }
}

}  // namespace pxp::kernels
