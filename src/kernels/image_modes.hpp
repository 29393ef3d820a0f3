// Interpolation and border modes shared by the image ops, and how they map to OpenCV.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pxp::kernels {

enum class Interpolation : uint8_t { Nearest, Linear, Area, Cubic, Lanczos };

// How pixels outside the image are defined, in the continuous convention:
// constant: a fixed value; replicate: the nearest edge pixel; reflect: mirrored about the
// image edge, edge pixel included (dcba|abcd, OpenCV's BORDER_REFLECT); wrap: periodic;
// reflect_101: mirrored about the edge pixel, which is not repeated (dcb|abcd, OpenCV's
// BORDER_REFLECT_101, albumentations' and OpenCV's default for many transforms). New modes go
// at the end: programs store the choice by name, the enum follows border_names().
enum class Border : uint8_t { Constant, Replicate, Reflect, Wrap, Reflect101 };

// The enum attribute choices, in the order of the enums.
const std::vector<std::string>& interpolation_names();
const std::vector<std::string>& border_names();

// From an attribute value (the verifier has already checked it is one of the names).
Interpolation interpolation_from_name(const std::string& name);
Border border_from_name(const std::string& name);

// OpenCV flags. "nearest" is INTER_NEAREST_EXACT for resizing: the source pixel is the one
// under the destination pixel's center, as the continuous convention says.
int cv_resize_flag(Interpolation interpolation);
int cv_warp_flag(Interpolation interpolation);  // area is not a warp mode: it is linear here
int cv_border(Border border);

// Index of the source pixel for position p along an axis of n pixels; -1 for a constant border
// outside. n must be positive for the other modes.
int64_t border_index(int64_t p, int64_t n, Border border);

}  // namespace pxp::kernels
