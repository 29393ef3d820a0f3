// Kernels of the noise and quality catalog (kernels/pixel_noise, image_compress, downscale) and
// RandomStream::fill_u32: draw order, arithmetic and safety.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "kernels/downscale.hpp"
#include "kernels/image_compress.hpp"
#include "kernels/pixel_noise.hpp"

namespace pxp {
namespace {

using namespace kernels;

Tensor filled(Shape shape, uint8_t v) {
  Tensor t = Tensor::empty(DType::U8, shape);
  std::memset(t.mutable_bytes(), v, t.nbytes());
  return t;
}

TEST(RandomStreamFill, EqualsWordByWordDraws) {
  for (size_t skip : {0, 1, 2, 3, 5}) {
    for (size_t n : {0, 1, 3, 4, 7, 31, 32, 33, 100, 1001}) {
      RandomStream a(3, 17, 99), b(3, 17, 99);
      for (size_t i = 0; i < skip; ++i) a.next_u32(), b.next_u32();
      std::vector<uint32_t> bulk(n);
      a.fill_u32(bulk.data(), n);
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(bulk[i], b.next_u32()) << "skip " << skip << " n " << n << " i " << i;
      EXPECT_EQ(a.draws(), b.draws());
      EXPECT_EQ(a.next_u32(), b.next_u32());  // and the stream goes on the same
    }
  }
}

TEST(PixelNoise, UniformFollowsTheDocumentedDrawOrder) {
  Tensor img = filled({2, 3, 2}, 100);
  NoiseField f;
  f.distribution = NoiseDistribution::Uniform;
  f.a = -0.5;
  f.b = 0.5;
  f.scale = 40.0;
  RandomStream rng(1, 2, 3), ref(1, 2, 3);
  Tensor out = add_noise_field(img, f, rng);
  for (int64_t i = 0; i < img.numel(); ++i) {
    const float u = static_cast<float>(ref.next_u32() >> 8) * (1.0f / 16777216.0f);
    const float n = 40.0f * -0.5f + 40.0f * 1.0f * u;
    EXPECT_EQ(out.data<uint8_t>()[i], 100 + static_cast<int>(n)) << i;  // trunc toward zero
  }
}

TEST(PixelNoise, GaussianMomentsAndSharedChannels) {
  Tensor img = filled({200, 200, 3}, 128);
  NoiseField f;
  f.a = 0.0;
  f.b = 0.05;
  f.scale = 255.0;
  f.shared = true;
  RandomStream rng(5, 0, 1);
  Tensor out = add_noise_field(img, f, rng);
  const uint8_t* p = out.data<uint8_t>();
  double sum = 0, sq = 0;
  for (int64_t i = 0; i < 200 * 200; ++i) {
    ASSERT_EQ(p[3 * i], p[3 * i + 1]);
    ASSERT_EQ(p[3 * i], p[3 * i + 2]);
    const double d = p[3 * i] - 128.0;
    sum += d;
    sq += d * d;
  }
  const double mean = sum / 40000, sd = std::sqrt(sq / 40000 - mean * mean);
  EXPECT_NEAR(mean, 0.0, 0.2);
  EXPECT_NEAR(sd, 12.75, 0.4);  // sigma 0.05 * 255 (truncation toward 0 narrows it a little)
}

TEST(PixelNoise, PoissonMeanAndVariance) {
  for (double lambda : {0.05, 3.0, 9.9, 10.0, 40.0, 500.0}) {
    RandomStream rng(2, 0, 7);
    double sum = 0, sq = 0;
    const int n = 40000;
    for (int i = 0; i < n; ++i) {
      const double k = static_cast<double>(poisson_variate(rng, lambda));
      sum += k;
      sq += k * k;
    }
    const double mean = sum / n, var = sq / n - mean * mean;
    EXPECT_NEAR(mean, lambda, 4 * std::sqrt(lambda / n) + 1e-3) << lambda;
    EXPECT_NEAR(var, lambda, 0.05 * lambda + 0.01) << lambda;
  }
}

TEST(PixelNoise, SaltAndPepperExactCounts) {
  for (double amount : {0.0, 0.1, 0.6, 1.0}) {
    RandomStream rng(4, 1, 2);
    Tensor out = salt_and_pepper_exact(filled({20, 30, 3}, 100), amount, 0.25, rng);
    const int64_t k = static_cast<int64_t>(600 * amount), salt = static_cast<int64_t>(k * 0.25);
    int64_t got_salt = 0, got_pepper = 0;
    for (int64_t i = 0; i < 600; ++i) {
      const uint8_t* px = out.data<uint8_t>() + 3 * i;
      ASSERT_TRUE(px[0] == px[1] && px[1] == px[2]);
      got_salt += px[0] == 255;
      got_pepper += px[0] == 0;
    }
    EXPECT_EQ(got_salt, salt) << amount;
    EXPECT_EQ(got_pepper, k - salt) << amount;
  }
}

TEST(ImageCompress, AnyShapeIsSafe) {
  for (auto format : {CompressionFormat::Jpeg, CompressionFormat::Webp}) {
    for (Shape shape : {Shape{1, 1}, Shape{1, 1, 3}, Shape{5, 3, 2}, Shape{9, 17, 4}, Shape{2, 70, 1}}) {
      Tensor out = compress_round_trip(filled(shape, 77), 60, format);
      EXPECT_EQ(out.shape(), shape);
    }
    EXPECT_THROW(compress_round_trip(filled({0, 4, 3}, 0), 60, format), Error);
    EXPECT_THROW(compress_round_trip(filled({4, 4, 3}, 0), 0, format), Error);
    EXPECT_THROW(compress_round_trip(filled({4, 4, 3}, 0), 101, format), Error);
    EXPECT_THROW(compress_round_trip(Tensor::zeros(DType::F32, {4, 4, 3}), 50, format), Error);
  }
  EXPECT_THROW(compress_round_trip(filled({16384, 1}, 0), 50, CompressionFormat::Webp), Error);
}

TEST(Downscale, NearestTakesTheFlooredSourcePixel) {
  Tensor img = Tensor::empty(DType::U8, {1, 10});
  for (int i = 0; i < 10; ++i) img.mutable_data<uint8_t>()[i] = static_cast<uint8_t>(i);
  // scale 0.3: 3 columns (round(3.0)) from floor(x / 0.3) = 0, 3, 6; back to 10 by floor(x * 0.3)
  Tensor out = downscale_round_trip(img, 0.3, 0, 0);
  const uint8_t want[10] = {0, 0, 0, 0, 3, 3, 3, 6, 6, 6};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(out.data<uint8_t>()[i], want[i]) << i;
  EXPECT_THROW(downscale_round_trip(img, 0.0, 0, 0), Error);
  EXPECT_THROW(downscale_round_trip(img, 1.5, 0, 0), Error);
  EXPECT_EQ(downscale_round_trip(filled({3, 2, 3}, 9), 0.01, 1, 1).data<uint8_t>()[5], 9);
  // more than 4 channels with OpenCV's area and cubic (4 at most there): channel by channel
  Tensor wide = downscale_round_trip(filled({9, 11, 6}, 40), 0.5, 3, 2);
  for (int64_t i = 0; i < wide.numel(); ++i) ASSERT_EQ(wide.data<uint8_t>()[i], 40);
}

}  // namespace
}  // namespace pxp
