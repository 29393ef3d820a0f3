#include "kernels/bmp_decoder.hpp"

#include <array>
#include <string>

namespace pxp::kernels {

namespace {

constexpr size_t kFileHeader = 14;
enum Compression : uint32_t { kRgb = 0, kRle8 = 1, kRle4 = 2, kBitFields = 3, kJpeg = 4, kPng = 5, kAlphaBitFields = 6 };

uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

[[noreturn]] void bmp_error(const std::string& what) { fail(PXP_EDECODE, "invalid BMP data: " + what); }

// One channel of a bit-field pixel: the masked bits, scaled to 0..255.
struct BitField {
  uint32_t mask = 0;
  int shift = 0;
  uint32_t max = 0;

  explicit BitField(uint32_t m = 0) : mask(m) {
    if (!m) return;
    while (!((m >> shift) & 1u)) ++shift;
    max = m >> shift;
    if (max & (max + 1)) bmp_error("a bit-field mask whose bits are not contiguous");
  }
  uint8_t operator()(uint32_t pixel) const {
    if (!mask) return 0;
    uint64_t v = (pixel & mask) >> shift;
    return static_cast<uint8_t>((v * 255 + max / 2) / max);
  }
};

struct Header {
  int64_t width = 0, height = 0;
  bool top_down = false;
  int bits = 0;
  uint32_t compression = kRgb;
  uint32_t colors = 0;       // palette entries in the file
  size_t palette_at = 0;     // byte offset of the palette
  size_t palette_entry = 4;  // bytes per palette entry (3 for OS/2 core headers)
  size_t pixels_at = 0;
  std::array<uint32_t, 4> masks{};  // R, G, B, A
};

Header read_header(const uint8_t* data, size_t size) {
  if (size == 0) bmp_error("the buffer is empty");
  if (!is_bmp(data, size)) bmp_error("no BM signature");
  if (size < kFileHeader + 4) bmp_error("the file is truncated in its header");
  Header h;
  h.pixels_at = le32(data + 10);
  uint32_t dib = le32(data + kFileHeader);
  const uint8_t* d = data + kFileHeader;
  if (dib != 12 && dib < 40) bmp_error("unknown header size " + std::to_string(dib));
  if (dib > size - kFileHeader) bmp_error("the file is truncated in its header");
  int planes;
  if (dib == 12) {  // OS/2 BITMAPCOREHEADER: unsigned 16-bit sides, 3-byte palette entries
    h.width = le16(d + 4);
    h.height = le16(d + 6);
    planes = le16(d + 8);
    h.bits = le16(d + 10);
    h.palette_entry = 3;
  } else {
    int32_t w = static_cast<int32_t>(le32(d + 4)), ht = static_cast<int32_t>(le32(d + 8));
    h.width = w;
    h.top_down = ht < 0;
    h.height = ht < 0 ? -int64_t(ht) : int64_t(ht);
    planes = le16(d + 12);
    h.bits = le16(d + 14);
    h.compression = le32(d + 16);
    h.colors = le32(d + 32);
    if (dib >= 52) h.masks = {le32(d + 40), le32(d + 44), le32(d + 48), dib >= 56 ? le32(d + 52) : 0u};
  }
  if (planes != 1) bmp_error(std::to_string(planes) + " color planes (must be 1)");
  if (h.width <= 0 || h.height <= 0) bmp_error("the image has no pixels");
  if (h.compression == kRle8 || h.compression == kRle4)
    bmp_error("run-length compressed (RLE) BMP is not supported");
  if (h.compression == kJpeg || h.compression == kPng) bmp_error("BMP with an embedded JPEG or PNG is not supported");
  if (h.compression != kRgb && h.compression != kBitFields && h.compression != kAlphaBitFields)
    bmp_error("unknown compression " + std::to_string(h.compression));
  bool bit_fields = h.compression != kRgb;
  if (bit_fields && h.bits != 16 && h.bits != 32) bmp_error("bit fields with " + std::to_string(h.bits) + " bits per pixel");
  if (h.bits != 1 && h.bits != 4 && h.bits != 8 && h.bits != 16 && h.bits != 24 && h.bits != 32)
    bmp_error(std::to_string(h.bits) + " bits per pixel");
  size_t after = kFileHeader + dib;
  if (bit_fields && dib == 40) {  // the masks follow a plain BITMAPINFOHEADER
    size_t n = h.compression == kAlphaBitFields ? 4 : 3;
    if (size < after + 4 * n) bmp_error("the file is truncated in its bit-field masks");
    for (size_t k = 0; k < n; ++k) h.masks[k] = le32(data + after + 4 * k);
    after += 4 * n;
  }
  if (!bit_fields) {
    if (h.bits == 16) h.masks = {0x7C00, 0x03E0, 0x001F, 0};  // 5-5-5
    if (h.bits == 32) h.masks = {0xFF0000, 0xFF00, 0xFF, 0};  // the fourth byte is padding
  }
  h.palette_at = after;
  if (h.bits <= 8) {
    uint32_t full = 1u << h.bits;
    if (h.colors == 0 || h.colors > full) h.colors = full;
    if (h.palette_at > size || (size - h.palette_at) / h.palette_entry < h.colors)
      bmp_error("the file is truncated in its palette");
  }
  return h;
}

}  // namespace

bool is_bmp(const uint8_t* data, size_t size) { return size >= 2 && data[0] == 'B' && data[1] == 'M'; }

ImageSize read_bmp_header(const uint8_t* data, size_t size) {
  Header h = read_header(data, size);
  return {h.height, h.width};
}

Tensor decode_bmp(const uint8_t* data, size_t size, const DecodeOptions& options) {
  Header h = read_header(data, size);
  check_decode_pixels("BMP", static_cast<uint64_t>(h.width), static_cast<uint64_t>(h.height), options.max_pixels);
  // Rows are padded to 4 bytes. width <= 2^31 and bits <= 32 keep this well inside 64 bits.
  uint64_t stride = (static_cast<uint64_t>(h.width) * h.bits + 31) / 32 * 4;
  if (h.pixels_at > size || (size - h.pixels_at) / stride < static_cast<uint64_t>(h.height))
    bmp_error("the file is truncated: " + std::to_string(h.height) + " rows of " + std::to_string(stride) +
              " bytes do not fit after offset " + std::to_string(h.pixels_at) + " in " + std::to_string(size) +
              " bytes");

  std::array<std::array<uint8_t, 3>, 256> palette{};  // RGB; past the file's entries: black
  bool gray_palette = true;
  for (uint32_t i = 0; h.bits <= 8 && i < h.colors; ++i) {
    const uint8_t* e = data + h.palette_at + i * h.palette_entry;
    palette[i] = {e[2], e[1], e[0]};
    gray_palette = gray_palette && e[0] == e[1] && e[1] == e[2];
  }
  std::array<BitField, 4> fields{BitField(h.masks[0]), BitField(h.masks[1]), BitField(h.masks[2]),
                                 BitField(h.bits > 8 && h.compression != kRgb ? h.masks[3] : 0)};
  bool alpha = fields[3].mask != 0;
  int64_t channels = h.bits <= 8 ? (gray_palette ? 1 : 3) : (alpha ? 4 : 3);

  Tensor image = Tensor::empty(DType::U8, {h.height, h.width, channels});
  uint8_t* out = image.mutable_bytes();
  for (int64_t y = 0; y < h.height; ++y) {
    const uint8_t* row = data + h.pixels_at + stride * static_cast<uint64_t>(h.top_down ? y : h.height - 1 - y);
    uint8_t* dst = out + y * h.width * channels;
    for (int64_t x = 0; x < h.width; ++x, dst += channels) {
      if (h.bits <= 8) {
        int64_t bit = x * h.bits;
        unsigned index = (row[bit / 8] >> (8 - h.bits - bit % 8)) & ((1u << h.bits) - 1);
        const auto& rgb = palette[index];
        for (int64_t k = 0; k < channels; ++k) dst[k] = rgb[k];
      } else if (h.bits == 24) {
        const uint8_t* p = row + 3 * x;
        dst[0] = p[2], dst[1] = p[1], dst[2] = p[0];
      } else {
        uint32_t pixel = h.bits == 16 ? le16(row + 2 * x) : le32(row + 4 * x);
        for (int64_t k = 0; k < channels; ++k) dst[k] = fields[k](pixel);
      }
    }
  }
  return to_decode_mode(image, options.mode);
}

}  // namespace pxp::kernels
