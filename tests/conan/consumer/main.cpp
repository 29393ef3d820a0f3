// A Conan consumer that uses pixelpipes (C ABI) and OpenCV side by side (consumer_check.sh):
// runs resize.pxp (gradient.png decoded, and resized to 16 x 12 with 'area') and checks both
// outputs against OpenCV's own decode and cv::resize of the same file.
//
//   consumer resize.pxp gradient.png
#include <cstdio>
#include <cstring>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "pixelpipes/pixelpipes.h"

static int fail(const char *what) {
  const pxp_error *e = pxp_error_last();
  std::fprintf(stderr, "consumer: %s: %s: %s\n", what, pxp_status_name(e->code), e->message);
  return 1;
}

// Output `name` of the sample must be a u8 H x W x C tensor equal to `expected`, pixel for pixel.
static bool matches(const pxp_sample *sample, size_t output, const char *name, const cv::Mat &expected) {
  const pxp_value *value = nullptr;
  pxp_tensor_view view;
  if (pxp_sample_output(&value, sample, output) != PXP_OK || pxp_value_tensor(&view, value) != PXP_OK) {
    fail(name);
    return false;
  }
  std::printf("%s: %s [%lld, %lld, %lld]\n", name, pxp_dtype_name(view.dtype), (long long)view.shape[0],
              (long long)view.shape[1], (long long)view.shape[2]);
  if (view.dtype != PXP_DTYPE_U8 || view.ndim != 3 || view.shape[0] != expected.rows ||
      view.shape[1] != expected.cols || view.shape[2] != expected.channels()) {
    std::fprintf(stderr, "consumer: %s: expected u8 [%d, %d, %d]\n", name, expected.rows, expected.cols,
                 expected.channels());
    return false;
  }
  for (int y = 0; y < expected.rows; ++y)
    for (int x = 0; x < expected.cols; ++x)
      for (int c = 0; c < expected.channels(); ++c) {
        const unsigned char got = *(static_cast<const unsigned char *>(view.data) + y * view.strides[0] +
                                    x * view.strides[1] + c * view.strides[2]);
        const unsigned char want = expected.ptr<unsigned char>(y)[x * expected.channels() + c];
        if (got != want) {
          std::fprintf(stderr, "consumer: %s[%d, %d, %d] is %d, OpenCV says %d\n", name, y, x, c, got, want);
          return false;
        }
      }
  return true;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: consumer PROGRAM IMAGE (resize.pxp gradient.png)\n");
    return 2;
  }
  const cv::Mat bgr = cv::imread(argv[2], cv::IMREAD_COLOR);
  if (bgr.empty()) {
    std::fprintf(stderr, "consumer: OpenCV cannot read %s\n", argv[2]);
    return 1;
  }
  cv::Mat rgb, small;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);  // pixelpipes images are RGB
  cv::resize(rgb, small, cv::Size(16, 12), 0, 0, cv::INTER_AREA);

  pxp_program *program = nullptr;
  pxp_pipeline *pipeline = nullptr;
  pxp_sample *sample = nullptr;
  pxp_output_info first, second;
  // load_file: the program's relative path to gradient.png is joined with the program's folder.
  if (pxp_program_load_file(&program, argv[1]) != PXP_OK) return fail("load");
  if (pxp_program_output(&first, program, 0) != PXP_OK || pxp_program_output(&second, program, 1) != PXP_OK)
    return fail("outputs");
  if (std::strcmp(first.name, "image") != 0 || std::strcmp(second.name, "small") != 0) {
    std::fprintf(stderr, "consumer: outputs are %s, %s; expected image, small\n", first.name, second.name);
    return 1;
  }
  if (pxp_pipeline_create(&pipeline, program, nullptr) != PXP_OK) return fail("pipeline");
  pxp_program_free(program);  // the pipeline keeps its own reference
  if (pxp_pipeline_run(&sample, pipeline, 0) != PXP_OK) return fail("run");
  const bool good = matches(sample, 0, "image", rgb) && matches(sample, 1, "small", small);
  pxp_sample_free(sample);
  pxp_pipeline_free(pipeline);
  if (!good) return 1;
  std::printf("pixelpipes %s with OpenCV %s: outputs match OpenCV's decode and resize\n", pxp_version(),
              CV_VERSION);
  return 0;
}
