// The worker buffer cache (core/buffer_cache.hpp): reuse by size on threads that opt in, nothing
// kept elsewhere, bounded, and a worker's samples in steady state allocate no new pixel memory.
#include <gtest/gtest.h>

#include <thread>

#include "core/buffer_cache.hpp"
#include "core/tensor.hpp"
#include "kernels/color.hpp"
#include "kernels/cv_bridge.hpp"

#include <opencv2/imgproc.hpp>

namespace pxp {
namespace {

// Runs f on a new thread (each test gets a thread whose cache starts empty).
template <typename F> void on_new_thread(F f) {
  std::thread t(f);
  t.join();
}

TEST(BufferCache, ThreadsThatDoNotOptInKeepNothing) {
  on_new_thread([] {
    { Tensor a = Tensor::empty(DType::U8, {300, 300, 3}); }
    { Tensor b = Tensor::empty(DType::U8, {300, 300, 3}); }
    BufferCacheCounts c = buffer_cache_counts_on_this_thread();
    EXPECT_EQ(c.reused, 0u);
    EXPECT_EQ(c.allocated, 0u);
  });
}

TEST(BufferCache, SameSizeIsReusedAndOtherSizesAreNot) {
  on_new_thread([] {
    enable_buffer_cache_on_this_thread();
    const uint8_t* first;
    {
      Tensor a = Tensor::empty(DType::U8, {300, 300, 3});
      first = a.bytes();
    }
    Tensor b = Tensor::empty(DType::U8, {300, 300, 3});
    EXPECT_EQ(b.bytes(), first) << "the freed buffer of the same size comes back";
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b.bytes()) % 64, 0u);
    Tensor c = Tensor::empty(DType::U8, {301, 300, 3});  // another size: a fresh buffer
    EXPECT_NE(c.bytes(), first);
    BufferCacheCounts counts = buffer_cache_counts_on_this_thread();
    EXPECT_EQ(counts.reused, 1u);
    EXPECT_EQ(counts.allocated, 2u);
  });
}

TEST(BufferCache, HoldsAtMostItsLimitDroppingTheOldest) {
  on_new_thread([] {
    enable_buffer_cache_on_this_thread(1 << 20);  // 1 MiB
    const uint8_t *old_ptr, *new_ptr;
    {
      Tensor a = Tensor::empty(DType::U8, {600, 1000});  // 600 kB
      Tensor b = Tensor::empty(DType::U8, {500, 1000});  // 500 kB: both do not fit
      old_ptr = a.bytes();
      new_ptr = b.bytes();
    }  // b is freed first, then a: a pushes b out
    Tensor again_a = Tensor::empty(DType::U8, {600, 1000});
    EXPECT_EQ(again_a.bytes(), old_ptr);
    Tensor again_b = Tensor::empty(DType::U8, {500, 1000});
    BufferCacheCounts counts = buffer_cache_counts_on_this_thread();
    EXPECT_EQ(counts.reused, 1u) << "b was dropped to stay within 1 MiB";
    (void)new_ptr;
    // larger than the whole cache: freed directly
    { Tensor huge = Tensor::empty(DType::U8, {2000, 1000}); }
    Tensor huge_again = Tensor::empty(DType::U8, {2000, 1000});
    EXPECT_EQ(buffer_cache_counts_on_this_thread().reused, 1u);
  });
}

TEST(BufferCache, OpenCvOutputsComeFromTheCache) {
  on_new_thread([] {
    enable_buffer_cache_on_this_thread();
    cv::Mat src(64, 64, CV_8UC3, cv::Scalar::all(7));
    const uint8_t* first;
    {
      cv::Mat dst = kernels::output_mat();
      cv::GaussianBlur(src, dst, cv::Size(5, 5), 1.0);
      Tensor t = kernels::from_mat(dst);
      first = t.bytes();
      EXPECT_EQ(t.bytes()[0], 7);
    }  // the Mat and the tensor viewing it are gone: the buffer is back in the cache
    cv::Mat again = kernels::output_mat();
    cv::GaussianBlur(src, again, cv::Size(5, 5), 1.0);
    EXPECT_EQ(again.data, first);
    EXPECT_EQ(buffer_cache_counts_on_this_thread().reused, 1u);
  });
}

TEST(BufferCache, SteadyStateSamplesAllocateNothingNew) {
  on_new_thread([] {
    enable_buffer_cache_on_this_thread();
    Tensor image = Tensor::empty(DType::U8, {120, 160, 3});
    std::memset(image.mutable_bytes(), 90, image.nbytes());
    auto sample = [&] {
      Tensor a = kernels::adjust_brightness(image, 1.2);
      Tensor b = kernels::adjust_saturation(a, 0.8);
      return kernels::normalize_image(b, {0.5}, {0.25}, 1.0 / 255, true);
    };
    for (int i = 0; i < 3; ++i) sample();  // warm-up
    uint64_t before = buffer_cache_counts_on_this_thread().allocated;
    for (int i = 0; i < 20; ++i) sample();
    EXPECT_EQ(buffer_cache_counts_on_this_thread().allocated, before);
  });
}

}  // namespace
}  // namespace pxp
