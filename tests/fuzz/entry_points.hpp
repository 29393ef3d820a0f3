// The fuzz targets' bodies, shared by the libFuzzer binaries (tests/fuzz/fuzz_*.cpp, built with
// PIXELPIPES_FUZZ) and the regression test (tests/cpp/fuzz_regression_test.cpp), which feeds every
// file of tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/ to the same function in
// the normal ctest suite. A body returns normally for any input: a clean pxp::Error (or a failing
// status) is the expected outcome of bad bytes; anything else (a crash, a sanitizer report, another
// exception type, an abort) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pxp::fuzz {

// The resolution of recorded relative paths (pxp_program_load_file's step before the reader), then
// pxp_program_load through the C ABI and every query of the loaded program.
void program_load(const uint8_t* data, size_t size);
// kernels::decode_jpeg (mode and DCT scale chosen by the size), read_jpeg_header, decode_jpeg_crop.
void jpeg(const uint8_t* data, size_t size);
// kernels::decode_png (mode and force_8bit chosen by the size).
void png(const uint8_t* data, size_t size);
// The formats beyond JPEG and PNG, sniffed as image.decode does (kernels::detect_image_format):
// decode_webp, decode_bmp, decode_tiff or decode_pnm (mode chosen by the size) and the header
// reader; and the EXIF orientation parser on every input.
void image_formats(const uint8_t* data, size_t size);

// Pixel limit used by the image targets: large enough for every corpus file, small enough that a
// header claiming a huge image fails fast instead of spending the fuzzer's time on allocation.
constexpr int64_t kFuzzMaxPixels = int64_t(1) << 22;

}  // namespace pxp::fuzz
