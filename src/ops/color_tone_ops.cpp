// color.* tone and channel operations of albumentations' color transforms (InvertImg ... CLAHE):
// per-channel lookup-table curves, HSV shifts, histogram equalization, CLAHE, channel matrices,
// gray conversions, per-sample channel picks and fills, auto-contrast. Math in kernels/tone.*.
#include "kernels/tone.hpp"
#include "ops/color_args.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

using namespace kernels;
using namespace color_args;

namespace {

constexpr const char* kU8Image = "u8 image, H x W x C or H x W.";

Type u8_same(const InferContext& ctx) { return expect_pixels(ctx, 0, "image", true); }

std::vector<int64_t> ints_arg(const Args& args, size_t i, const char* what) {
  std::vector<double> v = numbers_arg(args, i, what);
  return std::vector<int64_t>(v.begin(), v.end());
}

}  // namespace

void register_color_tone_ops(Registry& r) {
  r.add(OpBuilder("color.tone_curve")
            .allocates_destination()
            .doc("A per-value curve of each channel of a u8 image through a 256-entry table per channel, with "
                 "albumentations' arithmetic: multiply_add: trunc(clip(f32(x) * f32(a) + f32(b), 0, 255)) (albucore "
                 "multiply_add); add: clip(x + trunc(b), 0, 255) (albucore add); gamma: trunc((x * (1 / 255))^a * 255); "
                 "posterize: keeps the a high bits; solarize: x >= a * 255 ? 255 - x : x; multiply_add_mean: multiply_add with b times the mean of all the image's values. a and b are numbers or "
                 "1-D tensors of one value per channel.")
            .input("image", kU8Image)
            .input("a", "First parameter: factor, gamma, bits or threshold fraction (a number or 1 or C numbers).")
            .input("b", "Second parameter: the added value (multiply_add, add); ignored by the others.")
            .attr_enum("curve", tone_curve_names(), std::nullopt, "Which curve.")
            .output(kSameType, u8_same)
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(tone_curve(pixels_arg(args, 0, "image"), tone_curve_from_name(ctx.attrs.get_string("curve")),
                                      numbers_arg(args, 1, "a"), numbers_arg(args, 2, "b")));
            })
            .build());

  r.add(OpBuilder("color.lookup")
            .allocates_destination()
            .doc("out[..., c] = table[c, x] (or table[x] for a 256-value table): a u8 lookup table per channel.")
            .input("image", kU8Image)
            .input("table", "u8 tensor of 256 values, or C x 256.")
            .output(kSameType, u8_same)
            .exec([](ExecContext&, const Args& args) {
              return Value(lookup_table(pixels_arg(args, 0, "image"), args[1].tensor()));
            })
            .build());

  r.add(OpBuilder("color.shift_hsv")
            .allocates_destination()
            .doc("albumentations' HueSaturationValue: OpenCV's u8 HSV (H in [0, 180)); H becomes "
                 "trunc((H + hue) mod 180), S and V add trunc(shift) and saturate, and S = 0 stays 0; back to RGB. "
                 "RGB images take one pass with the bits of the cv2 albumentations runs (4.10: each row's "
                 "32-pixel blocks and its last width % 32 pixels convert back to RGB its two ways). A 1-channel "
                 "image only shifts V (through RGB). All shifts 0: the image unchanged.")
            .input("image", "u8 image with 3 channels (RGB) or 1.")
            .input("hue", "Hue shift in OpenCV units (180 a full turn).")
            .input("saturation", "Saturation shift in [-255, 255].")
            .input("value", "Value shift in [-255, 255].")
            .output(kSameType, u8_same)
            .exec([](ExecContext&, const Args& args) {
              return Value(shift_hsv(pixels_arg(args, 0, "image"), scalar_arg(args, 1, "hue"),
                                     scalar_arg(args, 2, "saturation"), scalar_arg(args, 3, "value")));
            })
            .build());

  for (bool masked : {false, true}) {
    OpBuilder b(masked ? "color.equalize_histogram_masked" : "color.equalize_histogram");
    b.doc(std::string("albumentations' Equalize: histogram equalization of each channel (by_channels) or of Y in "
                      "YCrCb. mode cv: cv::equalizeHist's mapping (levels from the lowest occupied one spread by "
                      "255 / (pixels - its count), rounded); mode pil: albumentations' pil mapping, "
                      "min((pixels at or below x + step // 2) // step, 255) with step = (pixels but those of the "
                      "highest occupied level) // 255.") +
          (masked ? " Only pixels where the mask is non-zero are counted; every pixel is mapped." : ""))
        .input("image", "u8 image with 1 or 3 channels.");
    if (masked) b.input("mask", "H x W or H x W x C mask of the image's size (non-zero: counted).");
    b.attr_enum("mode", {"cv", "pil"}, std::string("cv"), "Which mapping.")
        .attr_bool("by_channels", true, "Each channel separately, else Y of YCrCb only.")
        .output(kSameType, u8_same)
        .exec([masked](ExecContext& ctx, const Args& args) {
          Tensor mask;
          if (masked) mask = args[1].tensor();
          return Value(equalize_histogram(pixels_arg(args, 0, "image"), masked ? &mask : nullptr,
                                          ctx.attrs.get_string("mode") == "pil", ctx.attrs.get_bool("by_channels")));
        });
    r.add(b.build());
  }

  r.add(OpBuilder("color.clahe")
            .allocates_destination()
            .doc("Contrast-limited adaptive histogram equalization (cv::CLAHE) of a u8 gray image, or of the L "
                 "channel of OpenCV's u8 Lab for RGB (albumentations' CLAHE; the Lab conversions are a kernel of our "
                 "own with OpenCV's bits).")
            .input("image", "u8 image with 1 or 3 channels.")
            .input("clip_limit", "Contrast limit (OpenCV's clipLimit).")
            .attr_int("tile_cols", 8, "Tiles across (tile_grid_size[0]).", 1, 256)
            .attr_int("tile_rows", 8, "Tiles down (tile_grid_size[1]).", 1, 256)
            .output(kSameType, u8_same)
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(clahe_image(pixels_arg(args, 0, "image"), scalar_arg(args, 1, "clip_limit"),
                                       static_cast<int>(ctx.attrs.get_int("tile_cols")),
                                       static_cast<int>(ctx.attrs.get_int("tile_rows"))));
            })
            .build());

  r.add(OpBuilder("color.transform")
            .allocates_destination()
            .doc("cv::transform: out[..., r] = sum_k matrix[r, k] * x[..., k], rounded and saturated (ToSepia's "
                 "matrix product).")
            .input("image", kU8Image)
            .attr_floats("matrix", std::nullopt, "rows x C coefficients, row-major.")
            .attr_int("rows", 3, "Output channels.", 1, 512)
            .output("u8; H x W x rows", [](const InferContext& ctx) {
              Type t = expect_pixels(ctx, 0, "image", true);
              return pixels_with_channels(t, t.dtype, ctx.attrs.get_int("rows"));
            })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(transform_channels(pixels_arg(args, 0, "image"), ctx.attrs.get_floats("matrix"),
                                              ctx.attrs.get_int("rows")));
            })
            .build());

  r.add(OpBuilder("color.to_gray")
            .allocates_destination()
            .doc("albumentations' to_gray methods on u8: weighted_average (OpenCV's u8 RGB2GRAY, as albumentations "
                 "calls it: (9798 R + 19235 G + 3735 B + 2^14) >> 15), from_lab (L of OpenCV's u8 Lab), desaturation ((max + min) // 2), "
                 "average (sum // C), max, pca (the first principal component of the pixels, signed with its "
                 "largest entry positive, min-max scaled, rint(y * 255)); the gray channel repeated `channels` times.")
            .input("image", kU8Image)
            .attr_enum("method", gray_method_names(), std::string("weighted_average"), "Conversion.")
            .attr_int("channels", 3, "Output channels (copies of the gray channel).", 1, 512)
            .output("u8; H x W x channels (H x W for one channel of a rank-2 image)", [](const InferContext& ctx) {
              Type t = expect_pixels(ctx, 0, "image", true);
              int64_t ch = ctx.attrs.get_int("channels");
              if (ch == 1 && t.shape && t.shape->size() == 2) return t;
              return pixels_with_channels(t, t.dtype, ch);
            })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(to_gray(pixels_arg(args, 0, "image"), gray_method_from_name(ctx.attrs.get_string("method")),
                                   ctx.attrs.get_int("channels")));
            })
            .build());

  r.add(OpBuilder("color.pick_channels")
            .allocates_destination()
            .doc("out[..., k] = image[..., order[k]] with the order a run-time tensor (a per-sample shuffle); "
                 "a rank-2 image is returned as it is.")
            .input("image", kImageDoc)
            .input("order", "1-D integer tensor of channel indices (its length: the output's channels).")
            .output("same dtype; H x W x len(order)", [](const InferContext& ctx) {
              Type t = expect_pixels(ctx, 0, "image");
              const Type& o = ctx.inputs.at(1);
              int64_t n = (o.shape && o.shape->size() == 1) ? (*o.shape)[0] : kUnknownDim;
              if (t.shape && t.shape->size() == 2) return t;
              return pixels_with_channels(t, t.dtype, n);
            })
            .exec([](ExecContext&, const Args& args) {
              return Value(pick_channels(pixels_arg(args, 0, "image"), ints_arg(args, 1, "order")));
            })
            .build());

  r.add(OpBuilder("color.fill_channels")
            .allocates_destination()
            .doc("The listed channels of a u8 image set to fill (saturated), the others copied (ChannelDropout).")
            .input("image", kU8Image)
            .input("channels", "1-D integer tensor of channel indices (at least one).")
            .input("fill", "The value written.")
            .output(kSameType, u8_same)
            .exec([](ExecContext&, const Args& args) {
              return Value(fill_channels(pixels_arg(args, 0, "image"), ints_arg(args, 1, "channels"),
                                         scalar_arg(args, 2, "fill")));
            })
            .build());

  r.add(OpBuilder("color.auto_contrast")
            .allocates_destination()
            .doc("albumentations' AutoContrast of each channel of a u8 image: bounds lo, hi from the histogram "
                 "(albumentations' histogram: 256 bins over [0, 255), so the value 255 is not counted; cutting `cutoff` percent of the pixels at each end), then cdf: the cumulative histogram between "
                 "them stretched to [0, 255] (float32, rounded half to even), or pil: (x - lo) * 255 / (hi - lo) "
                 "rounded; below lo 0, above hi 255; hi <= lo: unchanged. ignore >= 0: the channel of that index is "
                 "skipped, pixels of that value are not counted and keep their value (albumentations' rule).")
            .input("image", kU8Image)
            .attr_float("cutoff", 0.0, "Percent cut at each end, in [0, 100].")
            .attr_int("ignore", -1, "Value (and channel index) to ignore; -1: none.", -1, 255)
            .attr_enum("method", {"cdf", "pil"}, std::string("cdf"), "Mapping.")
            .output(kSameType, u8_same)
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(auto_contrast(pixels_arg(args, 0, "image"), ctx.attrs.get_float("cutoff"),
                                         static_cast<int>(ctx.attrs.get_int("ignore")),
                                         ctx.attrs.get_string("method") == "pil"));
            })
            .build());
}

}  // namespace pxp
