// OutputTarget (core/output_target.hpp): the first Tensor::empty on the thread with the target's
// dtype and element count is the target itself (in the shape asked for), once; other counts and
// dtypes, later allocations, other threads and allocations after the scope get their own memory.
#include <gtest/gtest.h>

#include <thread>

#include "core/output_target.hpp"
#include "core/tensor.hpp"

namespace pxp {
namespace {

TEST(OutputTarget, FirstMatchingAllocationIsTheTargetOnce) {
  Tensor slot = Tensor::empty(DType::U8, {4, 8, 3});
  {
    OutputTarget target(&slot);
    Tensor other_count = Tensor::empty(DType::U8, {8, 4, 2});
    Tensor other_dtype = Tensor::empty(DType::F32, {4, 8, 3});
    EXPECT_NE(other_count.bytes(), slot.bytes());
    EXPECT_NE(other_dtype.bytes(), slot.bytes());
    Tensor first = Tensor::empty(DType::U8, {4, 8, 3});
    EXPECT_EQ(first.bytes(), slot.bytes());
    Tensor second = Tensor::empty(DType::U8, {4, 8, 3});
    EXPECT_NE(second.bytes(), slot.bytes());
  }
  Tensor after = Tensor::empty(DType::U8, {4, 8, 3});
  EXPECT_NE(after.bytes(), slot.bytes());
}

TEST(OutputTarget, TheSameElementCountGetsTheSlotInItsOwnShape) {
  // an op followed by tensor.reshape: the op allocates [96, 32], the slot is [32, 32, 3]
  Tensor slot = Tensor::empty(DType::U8, {32, 32, 3});
  OutputTarget target(&slot);
  Tensor t = Tensor::empty(DType::U8, {96, 32});
  EXPECT_EQ(t.bytes(), slot.bytes());
  EXPECT_EQ(t.shape(), (Shape{96, 32}));
  EXPECT_TRUE(t.is_contiguous());
}

TEST(OutputTarget, OnlyItsOwnThreadAndNeverANonContiguousTarget) {
  Tensor slot = Tensor::empty(DType::U8, {4, 8, 3});
  OutputTarget target(&slot);
  const uint8_t* seen = nullptr;
  std::thread t([&] { seen = Tensor::empty(DType::U8, {4, 8, 3}).bytes(); });
  t.join();
  EXPECT_NE(seen, slot.bytes());
  Tensor big = Tensor::empty(DType::U8, {4, 16, 3});
  Tensor strided = big.restrided({4, 8, 3}, {16 * 3, 6, 1});   // every other column: not contiguous
  OutputTarget nested(&strided);
  EXPECT_NE(Tensor::empty(DType::U8, {4, 8, 3}).bytes(), big.bytes());
}

TEST(OutputTarget, NestedScopesRestoreTheOuterTarget) {
  Tensor outer = Tensor::empty(DType::U8, {2, 64}), inner = Tensor::empty(DType::U8, {3, 64});
  OutputTarget a(&outer);
  {
    OutputTarget b(&inner);
    EXPECT_EQ(Tensor::empty(DType::U8, {3, 64}).bytes(), inner.bytes());
  }
  EXPECT_EQ(Tensor::empty(DType::U8, {2, 64}).bytes(), outer.bytes());
}

}  // namespace
}  // namespace pxp
