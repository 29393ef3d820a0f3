// mask.decode_rle and mask.from_coco: COCO's compressed and uncompressed run-length encodings
// (strings made by pycocotools' encoder), polygons, and clean decode errors for corrupt strings.
#include <gtest/gtest.h>

#include "geometry_test_util.hpp"

namespace pxp::test::geom {
namespace {

Value str(const char* s) { return Value(std::string(s)); }

Value i64s(const std::vector<int64_t>& v, const Shape& shape) { return Value(tensor<int64_t>(v, shape)); }

// Rows of '#' (set) and '.' of plane `plane` of an H x W x C mask.
std::string picture(const Value& mask, int64_t plane = 0) {
  const Tensor& t = mask.tensor();
  auto v = values(t);
  int64_t h = t.dim(0), w = t.dim(1), c = t.dim(2);
  std::string s;
  for (int64_t i = 0; i < h; ++i) {
    for (int64_t j = 0; j < w; ++j) s += v[static_cast<size_t>((i * w + j) * c + plane)] ? '#' : '.';
    s += '\n';
  }
  return s;
}

TEST(MaskCocoOps, DecodeRleIsColumnMajor) {
  // runs 1 unset, 2 set (column 0, rows 1-2), 3 unset (column 1), 6 set (columns 2-3)
  const char* expected = "..##\n#.##\n#.##\n";
  Value m = run("mask.decode_rle", {i64s({1, 2, 3, 6}, {4}), i64(4), i64(3)});
  EXPECT_EQ(m.tensor().shape(), (Shape{3, 4, 1}));
  EXPECT_EQ(picture(m), expected);
  EXPECT_EQ(vals(m)[1 * 4 + 0], 255);
  // pycocotools' compressed string of the same mask: from the fourth count on, deltas
  EXPECT_EQ(picture(run("mask.decode_rle", {str("1234"), i64(4), i64(3)})), expected);
}

TEST(MaskCocoOps, DecodeRleMultiCharacterCounts) {
  // pycocotools' encoding of a 40 x 50 mask: rows 5-29 of columns 3-44 set, but pixel (10, 10)
  Value m = run("mask.decode_rle",
                {str("m3i0?000000000000\\OB>>6000000000000000000000000000000000000000000000000000000000000000000S6"),
                 i64(50), i64(40)},
                {{"value", int64_t(1)}});
  auto v = vals(m);
  double total = 0;
  for (double x : v) total += x;
  EXPECT_EQ(total, 25 * 42 - 1);
  EXPECT_EQ(v[10 * 50 + 10], 0);
  EXPECT_EQ(v[10 * 50 + 11], 1);
  EXPECT_EQ(v[4 * 50 + 10], 0);
  EXPECT_EQ(v[29 * 50 + 44], 1);
  EXPECT_EQ(v[30 * 50 + 44], 0);
}

TEST(MaskCocoOps, CorruptRleIsADecodeError) {
  std::string message;
  // a character outside '0'..'o'
  EXPECT_EQ(error_code([&] { run_dynamic("mask.decode_rle", {str("12~4"), i64(4), i64(3)}); }, &message), PXP_EDECODE);
  EXPECT_NE(message.find("outside the RLE alphabet"), std::string::npos) << message;
  // a continuation bit on the last character
  EXPECT_EQ(error_code([&] { run_dynamic("mask.decode_rle", {str("12P"), i64(4), i64(3)}); }, &message), PXP_EDECODE);
  EXPECT_NE(message.find("cut short"), std::string::npos) << message;
  // counts that do not cover the mask, and a negative run
  EXPECT_EQ(error_code([&] { run_dynamic("mask.decode_rle", {i64s({1, 2, 3}, {3}), i64(4), i64(3)}); }, &message),
            PXP_EDECODE);
  EXPECT_NE(message.find("add up to 6 pixels, but the mask has 3 x 4 = 12"), std::string::npos) << message;
  EXPECT_EQ(error_code([&] { run_dynamic("mask.decode_rle", {i64s({1, -2, 13}, {3}), i64(4), i64(3)}); }),
            PXP_EDECODE);
  // a delta that makes a run negative: "1" "2" "3", then L is -4, and counts[1] + -4 = -2
  EXPECT_EQ(error_code([&] { run_dynamic("mask.decode_rle", {str("123L"), i64(4), i64(3)}); }, &message),
            PXP_EDECODE);
  // endless continuation characters stop at 60 bits
  EXPECT_EQ(error_code([&] { run_dynamic("mask.decode_rle", {str(std::string(40, 'P').c_str()), i64(4), i64(3)}); },
                       &message),
            PXP_EDECODE);
  EXPECT_NE(message.find("60 bits"), std::string::npos) << message;
  // absurd sizes are refused before allocating
  EXPECT_EQ(error_code([&] { run_dynamic("mask.decode_rle", {str(""), i64(1000000), i64(1000000)}); }),
            PXP_EOUT_OF_RANGE);
}

TEST(MaskCocoOps, FromCocoPolygonsAndRles) {
  // instance 0: two polygons (boxes), instance 1: an RLE, instance 2: nothing
  Value points = f32s({0, 0, 2, 0, 2, 1, 0, 1, 3, 2, 4, 2, 4, 3, 3, 3}, {8, 2});
  Value parts = i64s({0, 4, 0, 4}, {2, 2});
  Value rles(List{str(""), str("1234"), str("")});
  Value m = run("mask.from_coco", {points, parts, rles, i64(4), i64(3)});
  EXPECT_EQ(m.tensor().shape(), (Shape{3, 4, 3}));
  EXPECT_EQ(picture(m, 0), "##..\n....\n...#\n");
  EXPECT_EQ(picture(m, 1), "..##\n#.##\n#.##\n");
  EXPECT_EQ(picture(m, 2), "....\n....\n....\n");
  EXPECT_EQ(vals(m)[0], 1);  // value defaults to 1, as COCO's masks
  Value merged = run("mask.from_coco", {points, parts, rles, i64(4), i64(3)}, {{"merge", true}});
  EXPECT_EQ(merged.tensor().shape(), (Shape{3, 4, 1}));
  EXPECT_EQ(picture(merged), "####\n#.##\n#.##\n");
  // no instance at all
  Value none = run("mask.from_coco", {f32s({}, {0, 2}), i64s({}, {0, 2}), Value(List{}), i64(4), i64(3)});
  EXPECT_EQ(none.tensor().shape(), (Shape{3, 4, 0}));
}

TEST(MaskCocoOps, FromCocoErrorsNameTheInstance) {
  std::string message;
  Value points = f32s({0, 0, 2, 0, 2, 1}, {3, 2});
  EXPECT_EQ(error_code([&] {
              run_dynamic("mask.from_coco", {points, i64s({0, 3}, {1, 2}), Value(List{str(""), str("12~")}), i64(4),
                                             i64(3)});
            },
                       &message),
            PXP_EDECODE);
  EXPECT_NE(message.find("instance 1 of 2"), std::string::npos) << message;
  // a part naming an instance that does not exist, or more vertices than there are
  EXPECT_EQ(error_code([&] {
              run_dynamic("mask.from_coco", {points, i64s({2, 3}, {1, 2}), Value(List{str("")}), i64(4), i64(3)});
            }),
            PXP_EINVALID_ARGUMENT);
  EXPECT_EQ(error_code([&] {
              run_dynamic("mask.from_coco", {points, i64s({0, 4}, {1, 2}), Value(List{str("")}), i64(4), i64(3)});
            }),
            PXP_EINVALID_ARGUMENT);
}

}  // namespace
}  // namespace pxp::test::geom
