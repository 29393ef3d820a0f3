// Tensor::contiguous on strided views: the copy goes by contiguous runs, so it must still give
// every element in row-major order for crops, transposes, negative strides, broadcasts and
// empty views.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/tensor.hpp"

namespace pxp {
namespace {

Tensor counting(const Shape& shape) {
  Tensor t = Tensor::empty(DType::U16, shape);
  for (int64_t i = 0; i < t.numel(); ++i) t.mutable_data<uint16_t>()[i] = static_cast<uint16_t>(i * 7 + 3);
  return t;
}

// The element at index idx of a (possibly strided) view, read through its strides.
uint16_t at(const Tensor& t, const std::vector<int64_t>& idx) {
  int64_t off = 0;
  for (size_t i = 0; i < idx.size(); ++i) off += idx[i] * t.strides()[i];
  uint16_t v;
  std::memcpy(&v, t.bytes() + off, sizeof v);
  return v;
}

void expect_row_major_copy(const Tensor& view) {
  Tensor c = view.contiguous();
  ASSERT_TRUE(c.is_contiguous());
  ASSERT_EQ(c.shape(), view.shape());
  std::vector<int64_t> idx(view.ndim(), 0);
  for (int64_t k = 0; k < view.numel(); ++k) {
    ASSERT_EQ(c.data<uint16_t>()[k], at(view, idx)) << "element " << k;
    for (size_t i = idx.size(); i-- > 0;) {
      if (++idx[i] < view.shape()[i]) break;
      idx[i] = 0;
    }
  }
}

TEST(TensorContiguous, CropOfAnImageCopiesRowRuns) {
  Tensor img = counting({10, 12, 3});
  const int64_t e = 2;
  // rows 2..7, columns 3..10: a view whose pixels are contiguous within each row
  expect_row_major_copy(img.restrided({6, 8, 3}, {12 * 3 * e, 3 * e, e}, (2 * 12 + 3) * 3 * e));
}

TEST(TensorContiguous, TransposedNegativeAndBroadcastViews) {
  Tensor img = counting({5, 4, 2});
  const int64_t e = 2;
  expect_row_major_copy(img.restrided({4, 5, 2}, {2 * e, 4 * 2 * e, e}));                   // H <-> W
  expect_row_major_copy(img.restrided({5, 4, 2}, {4 * 2 * e, -2 * e, e}, 3 * 2 * e));       // mirrored
  expect_row_major_copy(img.restrided({5, 4, 2}, {4 * 2 * e, 2 * e, -e}, e));               // channels reversed
  expect_row_major_copy(img.restrided({3, 4, 2}, {0, 2 * e, e}));                           // a repeated row
  expect_row_major_copy(img.restrided({5, 1, 2}, {4 * 2 * e, 999, e}));                    // a size-1 axis
  expect_row_major_copy(img.restrided({5, 0, 2}, {4 * 2 * e, 2 * e, e}));                   // empty
}

}  // namespace
}  // namespace pxp
