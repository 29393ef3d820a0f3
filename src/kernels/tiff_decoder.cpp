#include "kernels/tiff_decoder.hpp"

#include <tiffio.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace pxp::kernels {

namespace {

// The bytes being read and the first error libtiff reported about them.
struct Source {
  const uint8_t* data;
  size_t size;
  uint64_t pos = 0;
  std::string error;
};

tmsize_t on_read(thandle_t handle, void* out, tmsize_t n) {
  auto* s = static_cast<Source*>(handle);
  if (n <= 0 || s->pos >= s->size) return 0;
  size_t count = std::min<uint64_t>(static_cast<uint64_t>(n), s->size - s->pos);
  std::memcpy(out, s->data + s->pos, count);
  s->pos += count;
  return static_cast<tmsize_t>(count);
}
tmsize_t on_write(thandle_t, void*, tmsize_t) { return 0; }
toff_t on_seek(thandle_t handle, toff_t offset, int whence) {
  auto* s = static_cast<Source*>(handle);
  uint64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? s->pos : s->size;
  s->pos = base + offset;  // past the end is allowed; reads there return nothing
  return s->pos;
}
int on_close(thandle_t) { return 0; }
toff_t on_size(thandle_t handle) { return static_cast<Source*>(handle)->size; }
int on_map(thandle_t, void**, toff_t*) { return 0; }
void on_unmap(thandle_t, void*, toff_t) {}

int on_error(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  auto* s = static_cast<Source*>(user);
  if (s->error.empty()) {
    char message[512];
    std::vsnprintf(message, sizeof(message), fmt, ap);
    s->error = (module && *module ? std::string(module) + ": " : std::string()) + message;
  }
  return 1;  // handled: nothing reaches libtiff's global handlers (stderr)
}
int on_warning(TIFF*, void*, const char*, const char*, va_list) { return 1; }  // pixels stay right

[[noreturn]] void tiff_error(const Source& s, const char* fallback) {
  fail(PXP_EDECODE, std::string("invalid TIFF data: ") + (s.error.empty() ? fallback : s.error));
}

struct TiffCloser {
  void operator()(TIFF* t) const { TIFFClose(t); }
};
using TiffHandle = std::unique_ptr<TIFF, TiffCloser>;

TiffHandle open(Source& s, size_t max_alloc) {
  if (s.size == 0) fail(PXP_EDECODE, "invalid TIFF data: the buffer is empty");
  if (!is_tiff(s.data, s.size)) fail(PXP_EDECODE, "invalid TIFF data: no II/MM TIFF signature");
  TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
  if (!opts) fail(PXP_ENOMEM, "cannot create a TIFF decoder");
  TIFFOpenOptionsSetErrorHandlerExtR(opts, on_error, &s);
  TIFFOpenOptionsSetWarningHandlerExtR(opts, on_warning, &s);
  // libtiff's own buffers (a strip, a tile, a table) may not be larger than the image itself.
  TIFFOpenOptionsSetMaxSingleMemAlloc(opts, static_cast<tmsize_t>(std::min<size_t>(max_alloc, INT64_MAX)));
  // "m": no memory mapping (our data is already in memory, and on_map declines).
  TIFF* t = TIFFClientOpenExt("memory", "rm", &s, on_read, on_write, on_seek, on_close, on_size, on_map, on_unmap,
                              opts);
  TIFFOpenOptionsFree(opts);
  if (!t) tiff_error(s, "libtiff cannot read its header");
  return TiffHandle(t);
}

struct Layout {
  uint32_t width = 0, height = 0;
  uint16_t samples = 1, bits = 1, photometric = PHOTOMETRIC_MINISBLACK, planar = PLANARCONFIG_CONTIG,
           format = SAMPLEFORMAT_UINT, extra = 0;
};

Layout layout_of(TIFF* t, const Source& s) {
  Layout l;
  if (!TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &l.width) || !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &l.height))
    tiff_error(s, "no image width or length");
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &l.samples);
  TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &l.bits);
  TIFFGetFieldDefaulted(t, TIFFTAG_PLANARCONFIG, &l.planar);
  TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLEFORMAT, &l.format);
  if (!TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &l.photometric))
    l.photometric = l.samples >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
  uint16_t* kinds = nullptr;
  TIFFGetFieldDefaulted(t, TIFFTAG_EXTRASAMPLES, &l.extra, &kinds);
  return l;
}

// Gray, RGB and multi-channel 8/16-bit unsigned samples: copied as they are.
bool direct(const Layout& l) {
  return (l.bits == 8 || l.bits == 16) && l.format == SAMPLEFORMAT_UINT &&
         (l.photometric == PHOTOMETRIC_MINISBLACK || l.photometric == PHOTOMETRIC_RGB);
}

// Decodes every strip or tile (each a block of block_w x block_h pixels) and copies the part
// inside the image to its place; planar files have one block set per sample.
template <typename T>
void read_blocks(TIFF* t, const Source& s, const Layout& l, Tensor& image) {
  bool tiled = TIFFIsTiled(t);
  uint32_t block_w = l.width, block_h = 0;
  if (tiled) {
    TIFFGetField(t, TIFFTAG_TILEWIDTH, &block_w);
    TIFFGetField(t, TIFFTAG_TILELENGTH, &block_h);
  } else {
    TIFFGetFieldDefaulted(t, TIFFTAG_ROWSPERSTRIP, &block_h);
    block_h = std::min(block_h, l.height);
  }
  if (block_w == 0 || block_h == 0) tiff_error(s, "a tile or strip of no pixels");
  bool planar = l.planar == PLANARCONFIG_SEPARATE;
  size_t per_pixel = planar ? 1 : l.samples;
  tmsize_t block_bytes = tiled ? TIFFTileSize(t) : TIFFStripSize(t);
  uint64_t expected = uint64_t(block_w) * block_h * per_pixel * sizeof(T);
  if (block_bytes <= 0 || static_cast<uint64_t>(block_bytes) < expected) tiff_error(s, "inconsistent strip or tile size");
  std::vector<T> block(static_cast<size_t>(block_bytes / sizeof(T)) + 1);
  T* out = image.mutable_data<T>();
  int64_t channels = l.samples;
  for (uint16_t sample = 0; sample < (planar ? l.samples : 1); ++sample) {
    for (uint32_t y0 = 0; y0 < l.height; y0 += block_h) {
      for (uint32_t x0 = 0; x0 < l.width; x0 += block_w) {
        tmsize_t got = tiled ? TIFFReadEncodedTile(t, TIFFComputeTile(t, x0, y0, 0, sample), block.data(), block_bytes)
                             : TIFFReadEncodedStrip(t, TIFFComputeStrip(t, y0, sample), block.data(), block_bytes);
        if (got < 0) tiff_error(s, "a strip or tile cannot be decoded");
        uint32_t rows = std::min(block_h, l.height - y0), cols = std::min(block_w, l.width - x0);
        // A last strip may hold only its rows; what it lacks is an error, not garbage.
        if (static_cast<uint64_t>(got) < (uint64_t(rows - 1) * block_w + cols) * per_pixel * sizeof(T))
          tiff_error(s, "a strip or tile is shorter than its pixels (the file is truncated)");
        for (uint32_t r = 0; r < rows; ++r) {
          const T* src = block.data() + size_t(r) * block_w * per_pixel;
          T* dst = out + (size_t(y0 + r) * l.width + x0) * channels;
          if (planar) {
            for (uint32_t c = 0; c < cols; ++c) dst[c * channels + sample] = src[c];
          } else {
            std::memcpy(dst, src, size_t(cols) * channels * sizeof(T));
          }
        }
      }
    }
  }
}

Tensor read_rgba(TIFF* t, const Source& s, const Layout& l) {
  char why[1024] = {0};
  if (!TIFFRGBAImageOK(t, why))
    fail(PXP_EDECODE, std::string("invalid TIFF data: unsupported kind (") + why + ")");
  std::vector<uint32_t> raster(size_t(l.width) * l.height);
  if (!TIFFReadRGBAImageOriented(t, l.width, l.height, raster.data(), ORIENTATION_TOPLEFT, 0))
    tiff_error(s, "libtiff cannot decode the image");
  bool gray = l.photometric == PHOTOMETRIC_MINISBLACK || l.photometric == PHOTOMETRIC_MINISWHITE;
  int64_t channels = gray ? 1 : (l.extra > 0 ? 4 : 3);
  Tensor image = Tensor::empty(DType::U8, {int64_t(l.height), int64_t(l.width), channels});
  uint8_t* out = image.mutable_bytes();
  for (size_t p = 0; p < raster.size(); ++p) {
    uint32_t v = raster[p];
    uint8_t rgba[4] = {uint8_t(TIFFGetR(v)), uint8_t(TIFFGetG(v)), uint8_t(TIFFGetB(v)), uint8_t(TIFFGetA(v))};
    for (int64_t k = 0; k < channels; ++k) out[p * channels + k] = rgba[k];
  }
  return image;
}

}  // namespace

bool is_tiff(const uint8_t* data, size_t size) {
  if (size < 4) return false;
  bool ii = data[0] == 'I' && data[1] == 'I' && (data[2] == 42 || data[2] == 43) && data[3] == 0;
  bool mm = data[0] == 'M' && data[1] == 'M' && data[2] == 0 && (data[3] == 42 || data[3] == 43);
  return ii || mm;
}

ImageSize read_tiff_header(const uint8_t* data, size_t size) {
  Source s{data, size, 0, {}};
  TiffHandle t = open(s, size_t(64) << 20);
  Layout l = layout_of(t.get(), s);
  if (l.width == 0 || l.height == 0) fail(PXP_EDECODE, "invalid TIFF data: the image has no pixels");
  return {int64_t(l.height), int64_t(l.width)};
}

Tensor decode_tiff(const uint8_t* data, size_t size, const DecodeOptions& options) {
  Source s{data, size, 0, {}};
  // libtiff's largest single buffer: a strip or tile of the whole image at most (256 samples of
  // 16 bits per pixel), and at least 64 MiB for its tables.
  uint64_t limit = std::max<uint64_t>(uint64_t(64) << 20, uint64_t(std::min<int64_t>(options.max_pixels, int64_t(1) << 40)) *
                                                              kMaxTiffSamples * 2);
  TiffHandle t = open(s, static_cast<size_t>(limit));
  Layout l = layout_of(t.get(), s);
  check_decode_pixels("TIFF", l.width, l.height, options.max_pixels);
  if (l.samples == 0 || l.samples > kMaxTiffSamples)
    fail(PXP_EDECODE, "invalid TIFF data: " + std::to_string(l.samples) + " samples per pixel (at most " +
                          std::to_string(kMaxTiffSamples) + " are decoded)");
  Tensor image;
  if (direct(l)) {
    image = Tensor::empty(l.bits == 16 ? DType::U16 : DType::U8, {int64_t(l.height), int64_t(l.width), int64_t(l.samples)});
    if (l.bits == 16) read_blocks<uint16_t>(t.get(), s, l, image);
    else read_blocks<uint8_t>(t.get(), s, l, image);
  } else {
    image = read_rgba(t.get(), s, l);
  }
  return to_decode_mode(image, options.mode);
}

}  // namespace pxp::kernels
