// effects.*: weather and lighting effects (albumentations 2.0.8's RandomRain, RandomFog, RandomSnow,
// RandomSunFlare, RandomShadow, RandomGravel, Spatter). Each effect is a geometry op that draws from
// its instruction's random stream (drops, particles, polygons, circles) and a pure render op that
// takes that geometry as a tensor (kernels/weather.hpp), so a test can render the reference's draws.
#include <cmath>

#include "kernels/cv_bridge.hpp"
#include "kernels/weather.hpp"
#include "ops/families.hpp"
#include "ops/pixel_args.hpp"

namespace pxp {

namespace {

using namespace kernels;

constexpr const char* kRgbDoc = "RGB image, H x W x 3 u8.";
constexpr const char* kSameType = "same dtype and shape as image";

Type rgb_image(const InferContext& ctx) {
  Type t = expect_pixels(ctx, 0, "image", true);
  if (t.shape && t.shape->size() == 3 && (*t.shape)[2] != kUnknownDim && (*t.shape)[2] != 3)
    type_error("input 'image' must have 3 channels (RGB)");
  return t;
}

// The image plus tensors at inputs 1.. (geometry) and scalars after them.
InferFn rgb_with(std::vector<const char*> tensors, std::vector<const char*> scalars, bool any_channels = false) {
  return [tensors, scalars, any_channels](const InferContext& ctx) {
    size_t i = 1;
    for (const char* t : tensors) expect_tensor(ctx, i++, t);
    for (const char* s : scalars) expect_scalar(ctx, i++, s);
    return any_channels ? expect_pixels(ctx, 0, "image", true) : rgb_image(ctx);
  };
}

Type int_rows_type(int64_t cols) { return Type::tensor(DType::I32, Shape{kUnknownDim, cols}); }

Rgb rgb_attr(const Attributes& attrs, const char* name) {
  std::vector<double> v = attrs.get_floats(name);
  return Rgb{v.at(0), v.at(1), v.at(2)};
}

void check_rgb_attr(const InferContext& ctx, const char* name) {
  std::vector<double> v = ctx.attrs.get_floats(name);
  if (v.size() != 3) type_error(std::string("attribute '") + name + "' needs 3 values (R, G, B)");
  for (double c : v)
    if (!(c >= 0 && c <= 255)) type_error(std::string("attribute '") + name + "' values must be in [0, 255]");
}

void check_roi(const Attributes& attrs, const char* name) {
  std::vector<double> v = attrs.get_floats(name);
  if (v.size() != 4 || !(0 <= v[0] && v[0] < v[2] && v[2] <= 1) || !(0 <= v[1] && v[1] < v[3] && v[3] <= 1))
    type_error(std::string("attribute '") + name + "' must be x_min, y_min, x_max, y_max with 0 <= min < max <= 1");
}

double unit_arg(const Args& args, size_t i, const char* what) {
  double v = scalar_arg(args, i, what);
  if (!(v >= 0.0 && v <= 1.0)) range_error(std::string(what) + " must be in [0, 1], not " + std::to_string(v));
  return v;
}

}  // namespace

void register_effects_ops(Registry& r) {
  // --- Rain ----------------------------------------------------------------------------------------
  r.add(OpBuilder("effects.rain_drops")
            .doc("Rain drop origins for effects.rain: count = H * numerator / denominator (integer division; "
                 "albumentations' rain_type drizzle 1/4, heavy 1/1, torrential 2/1, default 1/3) rows (x, y), "
                 "x = integer(0, W - 1) then y = integer(0, H - L - 1) per drop, L = drop_length (0: max(1, H / 8)).")
            .input("image", "Image whose height and width the drops fall on (values not read).")
            .attr_int("numerator", 1, "Drops per image row, numerator.", 0, 64)
            .attr_int("denominator", 3, "Drops per image row, denominator.", 1, 64)
            .attr_int("drop_length", 0, "Drop length in pixels; 0 means max(1, H / 8).", 0, 1 << 20)
            .output("i32 N x 2 (x, y)",
                    [](const InferContext& ctx) {
                      expect_pixels(ctx, 0, "image");
                      return int_rows_type(2);
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              Tensor img = args[0].tensor();
              ImageShape s = image_shape(img, "image");
              int64_t len = ctx.attrs.get_int("drop_length");
              if (len == 0) len = std::max<int64_t>(1, s.height / 8);
              int64_t count = s.height * ctx.attrs.get_int("numerator") / ctx.attrs.get_int("denominator");
              RandomStream rng = ctx.random();
              return Value(rain_drops(s.height, s.width, count, len, rng));
            })
            .build());

  r.add(OpBuilder("effects.rain")
            .doc("albumentations' add_rain: a line from each drop (x, y) to (trunc(x + slant), y + L), 4-connected, "
                 "drop_width thick, in drop_color, on a black layer; the layer box-blurred blur_value x blur_value "
                 "(when > 1) and added with saturation; then the image scaled by brightness_coefficient (rounded).")
            .input("image", kRgbDoc)
            .input("drops", "i32 N x 2 drop origins (x, y), as effects.rain_drops draws them.")
            .input("slant", "Horizontal shift of the drop's end in pixels.")
            .attr_int("drop_length", 0, "Drop length in pixels; 0 means max(1, H / 8).", 0, 1 << 20)
            .attr_int("drop_width", 1, "Line thickness in pixels.", 1, 1000)
            .attr_floats("drop_color", std::vector<double>{200, 200, 200}, "Drop color (R, G, B).")
            .attr_int("blur_value", 7, "Box blur side of the rain layer (1: none).", 1, 1001)
            .attr_float("brightness_coefficient", 0.7, "Scale of the result.", 0.0, 1.0)
            .output(kSameType,
                    [](const InferContext& ctx) {
                      check_rgb_attr(ctx, "drop_color");
                      return rgb_with({"drops"}, {"slant"})(ctx);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              Tensor img = pixels_arg(args, 0, "image");
              int64_t len = ctx.attrs.get_int("drop_length");
              if (len == 0) len = std::max<int64_t>(1, image_shape(img).height / 8);
              double slant = scalar_arg(args, 2, "slant");
              if (!std::isfinite(slant)) range_error("slant must be finite");
              return Value(rain(img, args[1].tensor(), slant, len, ctx.attrs.get_int("drop_width"),
                                rgb_attr(ctx.attrs, "drop_color"), ctx.attrs.get_int("blur_value"),
                                ctx.attrs.get_float("brightness_coefficient")));
            })
            .build());

  // --- Fog -----------------------------------------------------------------------------------------
  r.add(OpBuilder("effects.fog_particles")
            .doc("Fog particles for effects.fog, as albumentations' RandomFog lays them: region side "
                 "s = max(1, trunc((W / 3) * intensity)); up to 10 nested regions centred on (trunc(W / 2 - 0.5), trunc(H / 2 - 0.5)) (shrinking by 10% "
                 "a time while both sides exceed s), each with trunc(area / s^2 * intensity * 10) particles "
                 "x = integer(cx - w / 2, cx + w / 2), y = integer(cy - h / 2, cy + h / 2) drawn in turn; then one "
                 "radius integer(max(1, m / 2), m - 1) per particle, m = max(2, trunc(min(H, W) * 0.1 * intensity)).")
            .input("image", "Image whose size the fog covers (values not read).")
            .input("intensity", "Fog intensity in [0, 1].")
            .output("i32 N x 3 (x, y, radius)",
                    [](const InferContext& ctx) {
                      expect_pixels(ctx, 0, "image");
                      expect_scalar(ctx, 1, "intensity");
                      return int_rows_type(3);
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              ImageShape s = image_shape(args[0].tensor(), "image");
              double intensity = unit_arg(args, 1, "intensity");
              RandomStream rng = ctx.random();
              return Value(fog_particles(s.height, s.width, intensity, rng));
            })
            .build());

  r.add(OpBuilder("effects.fog")
            .doc("albumentations' add_fog: per particle in turn, a filled white disk blended into the image "
                 "with weight alpha_coef * intensity (cv::addWeighted); then a Gaussian blur of odd side "
                 "max(3, min(H, W) / 30).")
            .input("image", kRgbDoc)
            .input("particles", "i32 N x 3 (x, y, radius), as effects.fog_particles draws them.")
            .input("intensity", "Fog intensity in [0, 1].")
            .attr_float("alpha_coef", 0.08, "Transparency of one particle, times intensity.", 0.0, 1.0)
            .output(kSameType, rgb_with({"particles"}, {"intensity"}))
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(fog(pixels_arg(args, 0, "image"), args[1].tensor(), unit_arg(args, 2, "intensity"),
                               ctx.attrs.get_float("alpha_coef")));
            })
            .build());

  // --- Snow ----------------------------------------------------------------------------------------
  r.add(OpBuilder("effects.snow_bleach")
            .doc("albumentations' add_snow_bleach: in HLS, lightness L below snow_point * 127.5 + 85 becomes "
                 "min(255, trunc(L * brightness_coeff)) (f32 arithmetic); back to RGB.")
            .input("image", kRgbDoc)
            .input("snow_point", "Snow point in [0, 1].")
            .attr_float("brightness_coeff", 2.5, "Lightness gain below the threshold.", 0.0)
            .output(kSameType, rgb_with({}, {"snow_point"}))
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(snow_bleach(pixels_arg(args, 0, "image"), unit_arg(args, 1, "snow_point"),
                                       ctx.attrs.get_float("brightness_coeff")));
            })
            .build());

  r.add(OpBuilder("effects.snow_texture")
            .doc("albumentations' add_snow_texture: HSV value scaled by 1 + brightness_coeff * snow_point (clipped); "
                 "the texture (noise blurred twice with sigma 1, times a row ramp from 1 at the top to 0.2 at the "
                 "bottom, times 255 * snow_point) added to all three HSV channels; then 0.85 x + 0.15 snow_point "
                 "(0.6, 0.75, 1); cast to u8 as numpy does (truncated, wrapping); back to RGB; pixels whose "
                 "sparkle value exceeds 0.99 set to white.")
            .input("image", kRgbDoc)
            .input("snow_point", "Snow point in [0, 1].")
            .input("noise", "f32 H x W texture noise, normal(0.5, 0.3) in albumentations.")
            .input("sparkle", "f32 H x W uniform values in [0, 1): above 0.99 is a sparkle.")
            .attr_float("brightness_coeff", 2.5, "Brightness gain, times snow_point.", 0.0)
            .output(kSameType,
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 1, "snow_point");
                      expect_tensor(ctx, 2, "noise");
                      expect_tensor(ctx, 3, "sparkle");
                      return rgb_image(ctx);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              return Value(snow_texture(pixels_arg(args, 0, "image"), unit_arg(args, 1, "snow_point"),
                                        ctx.attrs.get_float("brightness_coeff"), args[2].tensor(), args[3].tensor()));
            })
            .build());

  // --- Sun flare -----------------------------------------------------------------------------------
  r.add(OpBuilder("effects.sun_flare_geometry")
            .doc("albumentations' RandomSunFlare draws, as f32 (N + 1) x 7: row 0 the source (0, cx, cy, 0, 0, 0, 0), "
                 "rows 1..N the circles (alpha, x, y, rad^3, r, g, b). Draws: angle = 2 pi uniform(angle_range), "
                 "cx = trunc(W uniform(x range of flare_roi)), cy = trunc(H uniform(y range)), N = "
                 "integer(num_flare_circles_range); per circle alpha = uniform(0.05, 0.2), a point of the line "
                 "through the source at angle (t from -cx to W - cx in steps of max(1, trunc(diagonal / 100))), "
                 "rad = integer(1, max(2, trunc(H / 100))), each color channel integer(max(c - d, 0), c) with "
                 "d = trunc(0.2 max(src_color)).")
            .input("image", "Image whose size the flare is drawn for (values not read).")
            .attr_floats("flare_roi", std::vector<double>{0, 0, 1, 0.5}, "Source region (x_min, y_min, x_max, y_max), fractions.")
            .attr_floats("angle_range", std::vector<double>{0, 1}, "Flare angle range in turns (0..1).")
            .attr_ints("num_flare_circles_range", std::vector<int64_t>{6, 10}, "Fewest and most circles.")
            .attr_floats("src_color", std::vector<double>{255, 255, 255}, "Source color (R, G, B).")
            .output("f32 (N + 1) x 7",
                    [](const InferContext& ctx) {
                      expect_pixels(ctx, 0, "image");
                      check_roi(ctx.attrs, "flare_roi");
                      check_rgb_attr(ctx, "src_color");
                      auto a = ctx.attrs.get_floats("angle_range");
                      auto n = ctx.attrs.get_ints("num_flare_circles_range");
                      if (a.size() != 2 || !(0 <= a[0] && a[0] <= a[1] && a[1] <= 1))
                        type_error("attribute 'angle_range' must be 0 <= min <= max <= 1");
                      if (n.size() != 2 || n[0] < 1 || n[0] > n[1] || n[1] > 100000)
                        type_error("attribute 'num_flare_circles_range' must be 1 <= min <= max <= 100000");
                      return Type::tensor(DType::F32, Shape{kUnknownDim, 7});
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              ImageShape s = image_shape(args[0].tensor(), "image");
              FlareSpec spec;
              auto roi = ctx.attrs.get_floats("flare_roi");
              auto a = ctx.attrs.get_floats("angle_range");
              auto n = ctx.attrs.get_ints("num_flare_circles_range");
              spec.roi = {roi[0], roi[1], roi[2], roi[3]};
              spec.angle = {a[0], a[1]};
              spec.num_circles = {n[0], n[1]};
              spec.src_color = rgb_attr(ctx.attrs, "src_color");
              RandomStream rng = ctx.random();
              return Value(flare_geometry(s.height, s.width, spec, rng));
            })
            .build());

  r.add(OpBuilder("effects.sun_flare")
            .doc("albumentations' add_sun_flare_overlay (method overlay: the circles drawn in turn on an overlay "
                 "each blended with its alpha, then src_radius / 10 concentric source disks with alphas falling "
                 "as a cube) or add_sun_flare_physics_based (method physics_based: source disk, four rays and "
                 "circles on an f32 layer, Gaussian blur sigma 15, radial falloff, extra blur of R (sigma 3) and "
                 "B (sigma 5), screen blend, truncated).")
            .input("image", kRgbDoc)
            .input("flare", "f32 (N + 1) x 7 from effects.sun_flare_geometry.")
            .attr_int("src_radius", 400, "Source radius in pixels.", 0, 1 << 20)
            .attr_floats("src_color", std::vector<double>{255, 255, 255}, "Source color (R, G, B).")
            .attr_enum("method", {"overlay", "physics_based"}, "overlay", "Rendering method.")
            .output(kSameType,
                    [](const InferContext& ctx) {
                      check_rgb_attr(ctx, "src_color");
                      return rgb_with({"flare"}, {})(ctx);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              Tensor img = pixels_arg(args, 0, "image");
              int64_t radius = ctx.attrs.get_int("src_radius");
              Rgb color = rgb_attr(ctx.attrs, "src_color");
              if (ctx.attrs.get_string("method") == "overlay")
                return Value(sun_flare_overlay(img, args[1].tensor(), radius, color));
              return Value(sun_flare_physics(img, args[1].tensor(), radius, color));
            })
            .build());

  // --- Shadow --------------------------------------------------------------------------------------
  r.add(OpBuilder("effects.shadow_polygons")
            .doc("albumentations' RandomShadow polygons, i32 K x D x 2: K = integer(min_shadows, max_shadows); per "
                 "polygon D x coordinates integer(x0, x1 - 1) then D y coordinates integer(y0, y1 - 1), with "
                 "x0 = trunc(W shadow_roi[0]) ... y1 = trunc(H shadow_roi[3]).")
            .input("image", "Image whose size the shadows fall on (values not read).")
            .attr_floats("shadow_roi", std::vector<double>{0, 0.5, 1, 1}, "Region (x_min, y_min, x_max, y_max), fractions.")
            .attr_int("min_shadows", 1, "Fewest shadows.", 0, 10000)
            .attr_int("max_shadows", 2, "Most shadows.", 0, 10000)
            .attr_int("dimension", 5, "Vertices per polygon.", 3, 10000)
            .output("i32 K x D x 2",
                    [](const InferContext& ctx) {
                      expect_pixels(ctx, 0, "image");
                      check_roi(ctx.attrs, "shadow_roi");
                      if (ctx.attrs.get_int("min_shadows") > ctx.attrs.get_int("max_shadows"))
                        type_error("min_shadows > max_shadows");
                      return Type::tensor(DType::I32, Shape{kUnknownDim, ctx.attrs.get_int("dimension"), 2});
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              ImageShape s = image_shape(args[0].tensor(), "image");
              auto roi = ctx.attrs.get_floats("shadow_roi");
              RandomStream rng = ctx.random();
              return Value(shadow_polygons(s.height, s.width, {roi[0], roi[1], roi[2], roi[3]},
                                           ctx.attrs.get_int("min_shadows"), ctx.attrs.get_int("max_shadows"),
                                           ctx.attrs.get_int("dimension"), rng));
            })
            .build());

  r.add(OpBuilder("effects.shadow")
            .doc("albumentations' add_shadow: the pixels inside polygon k (cv::fillPoly) scaled by 1 - intensities[k] "
                 "and truncated, polygon after polygon. Any channel count.")
            .input("image", "Image, H x W x C or H x W, u8.")
            .input("polygons", "i32 K x D x 2 vertices (x, y).")
            .input("intensities", "At least K shadow intensities in [0, 1] (the first K are used).")
            .output(kSameType, rgb_with({"polygons", "intensities"}, {}, true))
            .exec([](ExecContext&, const Args& args) {
              return Value(shadow(pixels_arg(args, 0, "image"), args[1].tensor(), args[2].tensor()));
            })
            .build());

  // --- Gravel --------------------------------------------------------------------------------------
  r.add(OpBuilder("effects.gravel_particles")
            .doc("albumentations' RandomGravel particles, i32 N x 5 (y0, y1, x0, x1, lightness): per patch, "
                 "width integer(rw / 10, rw / 5), height integer(rh / 10, rh / 5), left integer(x0, x1 - width), top "
                 "integer(y0, y1 - height); then width * height / 100 particles: x, y in the patch (both ends "
                 "included), r = integer(1, 3), lightness = integer(0, 255); the rectangle is [y - r, y + r) x "
                 "[x - r, x + r) clipped to the image.")
            .input("image", "Image whose size the gravel covers (values not read).")
            .attr_floats("gravel_roi", std::vector<double>{0.1, 0.4, 0.9, 0.9}, "Region (x_min, y_min, x_max, y_max), fractions.")
            .attr_int("number_of_patches", 2, "Gravel patches.", 1, 10000)
            .output("i32 N x 5",
                    [](const InferContext& ctx) {
                      expect_pixels(ctx, 0, "image");
                      check_roi(ctx.attrs, "gravel_roi");
                      return int_rows_type(5);
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              ImageShape s = image_shape(args[0].tensor(), "image");
              auto roi = ctx.attrs.get_floats("gravel_roi");
              RandomStream rng = ctx.random();
              return Value(gravel_particles(s.height, s.width, {roi[0], roi[1], roi[2], roi[3]},
                                            ctx.attrs.get_int("number_of_patches"), rng));
            })
            .build());

  r.add(OpBuilder("effects.gravel")
            .doc("albumentations' add_gravel: RGB to HLS, lightness set to each rectangle's value "
                 "(rows y0..y1 - 1, columns x0..x1 - 1), back to RGB.")
            .input("image", kRgbDoc)
            .input("rectangles", "i32 N x 5 (y0, y1, x0, x1, lightness).")
            .output(kSameType, rgb_with({"rectangles"}, {}))
            .exec([](ExecContext&, const Args& args) {
              return Value(gravel(pixels_arg(args, 0, "image"), args[1].tensor()));
            })
            .build());

  // --- Spatter -------------------------------------------------------------------------------------
  r.add(OpBuilder("effects.spatter")
            .doc("albumentations' Spatter from a liquid layer (normal(mean, std) per pixel): blurred with sigma "
                 "(side 2 round(3 sigma) + 1, replicated border), values below cutout set to 0; mode rain: edges, "
                 "distance, equalization and an emboss kernel shape drops of color times 0.9 intensity, added; "
                 "mode mud: the wet mask blurred with sigma, normalized, times intensity, mixed toward color. "
                 "Results rounded. A layer without a wet pixel leaves mud mode's image unchanged.")
            .input("image", kRgbDoc)
            .input("liquid", "f32 H x W liquid layer.")
            .input("sigma", "Blur sigma (> 0).")
            .input("cutout", "Cutout threshold in [0, 1].")
            .input("intensity", "Intensity in [0, 1].")
            .attr_enum("mode", {"rain", "mud"}, "rain", "Spatter kind.")
            .attr_floats("color", std::vector<double>{238, 238, 175}, "Liquid color (R, G, B).")
            .output(kSameType,
                    [](const InferContext& ctx) {
                      check_rgb_attr(ctx, "color");
                      return rgb_with({"liquid"}, {"sigma", "cutout", "intensity"})(ctx);
                    })
            .exec([](ExecContext& ctx, const Args& args) {
              double sigma = scalar_arg(args, 2, "sigma");
              if (!(sigma > 0 && sigma < 1000)) range_error("sigma must be in (0, 1000)");
              return Value(spatter(pixels_arg(args, 0, "image"), args[1].tensor(), sigma, unit_arg(args, 3, "cutout"),
                                   unit_arg(args, 4, "intensity"), ctx.attrs.get_string("mode") == "mud",
                                   rgb_attr(ctx.attrs, "color")));
            })
            .build());
}

}  // namespace pxp
