#include "kernels/exif_orientation.hpp"

#include <cstring>

namespace pxp::kernels {

namespace {

constexpr uint16_t kOrientationTag = 0x0112;
constexpr uint16_t kTiffShort = 3;

// The TIFF structure inside an APP1 segment; every read is checked against its end.
struct TiffView {
  const uint8_t* data;
  size_t size;
  bool little_endian;

  bool u16(size_t at, uint16_t* out) const {
    if (at > size || size - at < 2) return false;
    *out = little_endian ? uint16_t(data[at] | (data[at + 1] << 8)) : uint16_t((data[at] << 8) | data[at + 1]);
    return true;
  }
  bool u32(size_t at, uint32_t* out) const {
    if (at > size || size - at < 4) return false;
    const uint8_t* p = data + at;
    *out = little_endian ? (uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24)
                         : (uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]));
    return true;
  }
};

// The orientation in IFD0 of a TIFF structure, or 1.
int tiff_orientation(const uint8_t* data, size_t size) {
  if (size < 8) return 1;
  TiffView t{data, size, data[0] == 'I'};
  if (!((data[0] == 'I' && data[1] == 'I') || (data[0] == 'M' && data[1] == 'M'))) return 1;
  uint16_t magic;
  uint32_t ifd;
  if (!t.u16(2, &magic) || magic != 42 || !t.u32(4, &ifd)) return 1;
  uint16_t count;
  if (!t.u16(ifd, &count)) return 1;
  for (size_t i = 0; i < count; ++i) {
    size_t entry = size_t(ifd) + 2 + 12 * i;
    uint16_t tag, type, value;
    uint32_t n;
    if (!t.u16(entry, &tag) || !t.u16(entry + 2, &type) || !t.u32(entry + 4, &n) || !t.u16(entry + 8, &value))
      return 1;
    if (tag != kOrientationTag) continue;
    if (type != kTiffShort || n < 1 || value < 1 || value > 8) return 1;
    return value;
  }
  return 1;
}

}  // namespace

int jpeg_exif_orientation(const uint8_t* data, size_t size) {
  if (size < 4 || data[0] != 0xFF || data[1] != 0xD8) return 1;
  size_t pos = 2;
  // Marker segments up to the first scan: FF, fill bytes (FF), the marker, a big-endian length
  // that counts itself. Each step moves forward, so the loop ends.
  while (pos + 4 <= size) {
    if (data[pos] != 0xFF) return 1;
    while (pos < size && data[pos] == 0xFF) ++pos;
    if (pos >= size) return 1;
    uint8_t marker = data[pos++];
    if (marker == 0xDA || marker == 0xD9) return 1;                   // start of scan, end of image
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length
    if (pos + 2 > size) return 1;
    size_t length = (size_t(data[pos]) << 8) | data[pos + 1];
    if (length < 2 || length > size - pos) return 1;
    const uint8_t* body = data + pos + 2;
    size_t body_size = length - 2;
    if (marker == 0xE1 && body_size >= 6 && std::memcmp(body, "Exif\0\0", 6) == 0)
      return tiff_orientation(body + 6, body_size - 6);  // the first Exif segment counts, as for PIL
    pos += length;
  }
  return 1;
}

Tensor apply_orientation(const Tensor& stored, int orientation) {
  switch (orientation) {
    case 2: return flip(stored, FlipAxis::Horizontal);
    case 3: return rotate90(stored, 2);
    case 4: return flip(stored, FlipAxis::Vertical);
    case 5: return transpose(stored);
    case 6: return rotate90(stored, -1);  // a quarter turn clockwise
    case 7: return rotate90(transpose(stored), 2);
    case 8: return rotate90(stored, 1);
    default: return stored;
  }
}

PixelBox box_in_stored_image(const PixelBox& b, int orientation, int64_t uh, int64_t uw) {
  // The inverse of apply_orientation on pixel indices; (x, y) of the stored image for each case.
  switch (orientation) {
    case 2: return {uw - (b.x + b.width), b.y, b.width, b.height};
    case 3: return {uw - (b.x + b.width), uh - (b.y + b.height), b.width, b.height};
    case 4: return {b.x, uh - (b.y + b.height), b.width, b.height};
    case 5: return {b.y, b.x, b.height, b.width};
    case 6: return {b.y, uw - (b.x + b.width), b.height, b.width};
    case 7: return {uh - (b.y + b.height), uw - (b.x + b.width), b.height, b.width};
    case 8: return {uh - (b.y + b.height), b.x, b.height, b.width};
    default: return b;
  }
}

Mat3 stored_to_upright(int orientation, double sw, double sh) {
  // Rows give upright x = a xs + b ys + c and y = d xs + e ys + f (the inverse of
  // box_in_stored_image's index mapping, on continuous coordinates).
  switch (orientation) {
    case 2: return {-1, 0, sw, 0, 1, 0, 0, 0, 1};
    case 3: return {-1, 0, sw, 0, -1, sh, 0, 0, 1};
    case 4: return {1, 0, 0, 0, -1, sh, 0, 0, 1};
    case 5: return {0, 1, 0, 1, 0, 0, 0, 0, 1};
    case 6: return {0, -1, sh, 1, 0, 0, 0, 0, 1};
    case 7: return {0, -1, sh, -1, 0, sw, 0, 0, 1};
    case 8: return {0, 1, 0, -1, 0, sw, 0, 0, 1};
    default: return mat3_identity();
  }
}

}  // namespace pxp::kernels
