#include <gtest/gtest.h>

#include <set>

#include "kernels/permutation.hpp"
#include "program_builder.hpp"

namespace pxp::test {
namespace {

TEST(DatasetOps, PermutationIsABijectionForManySizes) {
  for (uint64_t n : {1u, 2u, 3u, 5u, 7u, 16u, 17u, 100u, 1000u, 4097u}) {
    for (uint64_t key : {0ull, 1ull, 0xdeadbeefull}) {
      std::set<uint64_t> seen;
      for (uint64_t x = 0; x < n; ++x) {
        uint64_t y = kernels::permute_index(x, n, key);
        ASSERT_LT(y, n);
        seen.insert(y);
      }
      EXPECT_EQ(seen.size(), n) << "n=" << n;
    }
  }
}

TEST(DatasetOps, DifferentKeysGiveDifferentOrders) {
  size_t same = 0;
  for (uint64_t x = 0; x < 1000; ++x)
    same += kernels::permute_index(x, 1000, 1) == kernels::permute_index(x, 1000, 2);
  EXPECT_LT(same, 20u);  // about 1 expected for independent permutations
}

// Runs dataset.item for positions [0, count) of a dataset of `size` items.
std::vector<int64_t> items(uint64_t seed, int64_t size, int64_t count, bool shuffle = true) {
  ProgramBuilder b;
  uint32_t position = b.op("core.sample_index");
  uint32_t n = b.scalar<int64_t>(size);
  b.output("item", b.op("dataset.item", {position, n}, {{"shuffle", shuffle}}, 77));
  b.output("epoch", b.op("dataset.epoch", {position, n}));
  Pipeline p(b.load(), seed, 2);
  std::vector<int64_t> out;
  for (const auto& s : p.run_many(0, static_cast<size_t>(count))) out.push_back(s.outputs[0].as_int());
  return out;
}

TEST(DatasetOps, EveryEpochVisitsEachItemOnceInANewOrder) {
  auto order = items(3, 50, 150);
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::set<int64_t> seen(order.begin() + epoch * 50, order.begin() + (epoch + 1) * 50);
    EXPECT_EQ(seen.size(), 50u);
    EXPECT_EQ(*seen.begin(), 0);
    EXPECT_EQ(*seen.rbegin(), 49);
  }
  EXPECT_FALSE(std::equal(order.begin(), order.begin() + 50, order.begin() + 50));
  EXPECT_NE(items(3, 50, 50), items(4, 50, 50));  // the seed changes the order
}

TEST(DatasetOps, UnshuffledIsInOrder) {
  auto order = items(3, 4, 8, false);
  EXPECT_EQ(order, (std::vector<int64_t>{0, 1, 2, 3, 0, 1, 2, 3}));
}

TEST(DatasetOps, EpochAndErrors) {
  EXPECT_EQ(run_op("dataset.epoch", {Value::scalar<int64_t>(250), Value::scalar<int64_t>(100)}).as_int(), 2);
  try {
    run_op("dataset.item", {Value::scalar<int64_t>(3), Value::scalar<int64_t>(0)});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), PXP_EOUT_OF_RANGE);
  }
}

}  // namespace
}  // namespace pxp::test
