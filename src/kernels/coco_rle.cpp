#include "kernels/coco_rle.hpp"

#include <limits>
#include <string>

#include "core/error.hpp"

namespace pxp::kernels {

namespace {

constexpr int kGroupBits = 5;
constexpr int kMaxGroups = 12;  // 60 bits: any count of a mask that fits in memory, and no UB on shifts

[[noreturn]] void bad_rle(const std::string& why, size_t at) {
  fail(PXP_EDECODE, "corrupt COCO RLE string: " + why + " at character " + std::to_string(at));
}

}  // namespace

std::vector<int64_t> parse_compressed_rle(const std::string& text) {
  std::vector<int64_t> counts;
  size_t at = 0;
  while (at < text.size()) {
    uint64_t bits = 0;
    int groups = 0;
    bool more = true;
    bool negative = false;
    size_t start = at;
    while (more) {
      if (at >= text.size()) bad_rle("the last count is cut short", start);
      int c = static_cast<unsigned char>(text[at]) - 48;
      if (c < 0 || c > 63) bad_rle("character " + std::to_string(static_cast<unsigned char>(text[at])) +
                                       " is outside the RLE alphabet ('0' to 'o')",
                                   at);
      if (groups == kMaxGroups) bad_rle("a count has more than 60 bits", start);
      bits |= static_cast<uint64_t>(c & 0x1f) << (kGroupBits * groups);
      ++groups;
      more = (c & 0x20) != 0;
      negative = !more && (c & 0x10) != 0;
      ++at;
    }
    int width = kGroupBits * groups;
    // Two's complement of `width` bits: the top bit of the last group is the sign.
    int64_t value = negative ? static_cast<int64_t>(bits) - (int64_t(1) << width) : static_cast<int64_t>(bits);
    if (counts.size() > 2) value += counts[counts.size() - 2];
    if (value < 0) bad_rle("run " + std::to_string(counts.size()) + " is negative (" + std::to_string(value) + ")", start);
    counts.push_back(value);
  }
  return counts;
}

void paint_rle(Tensor& mask, int64_t channel, const std::vector<int64_t>& counts, uint8_t value) {
  const int64_t h = mask.dim(0), w = mask.dim(1), c = mask.dim(2);
  const int64_t total = h * w;
  int64_t sum = 0;
  for (int64_t n : counts) {
    if (n < 0) fail(PXP_EDECODE, "RLE counts must not be negative, got " + std::to_string(n));
    if (n > total - sum) {
      sum = total + 1;
      break;
    }
    sum += n;
  }
  if (sum != total) {
    int64_t all = 0;
    bool over = false;
    for (int64_t n : counts) {
      if (n > std::numeric_limits<int64_t>::max() - all) { over = true; break; }
      all += n;
    }
    fail(PXP_EDECODE, "RLE counts add up to " + (over ? std::string("more than 2^63") : std::to_string(all)) +
                          " pixels, but the mask has " + std::to_string(h) + " x " + std::to_string(w) + " = " +
                          std::to_string(total));
  }
  uint8_t* data = mask.mutable_data<uint8_t>();
  int64_t pos = 0;
  for (size_t k = 0; k < counts.size(); ++k) {
    int64_t end = pos + counts[k];
    if (k % 2 == 1)
      for (int64_t p = pos; p < end; ++p) {
        // column-major position p is row p % h of column p / h
        data[((p % h) * w + p / h) * c + channel] = value;
      }
    pos = end;
  }
}

}  // namespace pxp::kernels
