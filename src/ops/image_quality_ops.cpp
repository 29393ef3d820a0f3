// Image quality degradations: image.compress (a JPEG or WebP encode-decode round trip in memory,
// kernels/image_compress.hpp) and image.downscale (a resize down and back, kernels/downscale.hpp).
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "kernels/downscale.hpp"
#include "kernels/image_compress.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

void register_image_quality_ops(Registry& r) {
  r.add(OpBuilder("image.compress")
            .doc("Lossy compression artifacts (albumentations' ImageCompression): the image encoded at `quality` "
                 "and decoded again. jpeg: libjpeg-turbo, 4:2:0 chroma, accurate DCT, fancy upsampling (OpenCV's "
                 "imencode / imdecode settings, the same pixels); webp: libwebp lossy. Channels: 1 or H x W as "
                 "gray, 3 as RGB, 2 with a zero third channel, 4 or more as RGB plus each further channel as gray. "
                 "Images JPEG or WebP cannot hold (an empty side, sides over 65500 / 16383) fail with "
                 "PXP_EOUT_OF_RANGE.")
            .input("image", "u8 image, H x W x C or H x W.")
            .input("quality", "Quality, an integer in [1, 100].")
            .attr_enum("format", {"jpeg", "webp"}, std::string("jpeg"), "Codec.")
            .output("same dtype and shape as image",
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 1, "quality");
                      return expect_pixels(ctx, 0, "image", true);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              const double q = scalar_arg(args, 1, "quality");
              if (!(q >= 1 && q <= 100) || q != std::floor(q))
                range_error("image.compress: quality must be an integer in [1, 100], not " + std::to_string(q));
              const auto format = ctx.attrs.get_string("format") == "webp" ? kernels::CompressionFormat::Webp
                                                                            : kernels::CompressionFormat::Jpeg;
              return Value(kernels::compress_round_trip(pixels_arg(args, 0, "image"), static_cast<int>(q), format));
            })
            .build());

  // OpenCV's interpolation flags by name (albumentations passes the cv2 constants).
  static const std::vector<std::string> interpolations{"nearest", "linear", "cubic", "area", "lanczos4",
                                                       "linear_exact", "nearest_exact"};
  auto flag = [](const std::string& name) {
    static const std::vector<std::pair<std::string, int>> flags{
        {"nearest", cv::INTER_NEAREST}, {"linear", cv::INTER_LINEAR}, {"cubic", cv::INTER_CUBIC},
        {"area", cv::INTER_AREA}, {"lanczos4", cv::INTER_LANCZOS4}, {"linear_exact", cv::INTER_LINEAR_EXACT},
        {"nearest_exact", cv::INTER_NEAREST_EXACT}};
    for (const auto& [n, f] : flags)
      if (n == name) return f;
    return static_cast<int>(cv::INTER_NEAREST);
  };
  r.add(OpBuilder("image.downscale")
            .doc("Lowers the resolution (albumentations' Downscale): cv::resize with fx = fy = scale (OpenCV "
                 "rounds the size; a side that would be 0 is 1) and the `down` interpolation, then back to H x W "
                 "with `up`. Interpolations are OpenCV's flags by name: nearest is INTER_NEAREST (floor of the "
                 "scaled coordinate), nearest_exact INTER_NEAREST_EXACT.")
            .input("image", "H x W x C or H x W image of u8, u16 or f32; not empty.")
            .input("scale", "Factor in (0, 1].")
            .attr_enum("down", interpolations, std::string("nearest"), "Interpolation of the shrinking.")
            .attr_enum("up", interpolations, std::string("nearest"), "Interpolation of the enlarging.")
            .output("same dtype and shape as image",
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 1, "scale");
                      return expect_pixels(ctx, 0, "image");
                    })
            .exec([flag](ExecContext& ctx, const Args& args) {
              const double s = scalar_arg(args, 1, "scale");
              return Value(kernels::downscale_round_trip(pixels_arg(args, 0, "image"), s,
                                                         flag(ctx.attrs.get_string("down")),
                                                         flag(ctx.attrs.get_string("up"))));
            })
            .build());
}

}  // namespace pxp
