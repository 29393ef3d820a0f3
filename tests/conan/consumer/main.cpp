// A Conan consumer that uses pixelpipes (its C++ API, pixelpipes.hpp) and OpenCV side by side
// (consumer_check.sh): runs resize.pxp (gradient.png decoded, and resized to 16 x 12 with 'area')
// and checks both outputs against OpenCV's own decode and cv::resize of the same file.
//
//   consumer resize.pxp gradient.png
#include <cstdio>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "pixelpipes/pixelpipes.hpp"

// Output `name` of the sample must be a u8 H x W x C tensor equal to `expected`, pixel for pixel.
static bool matches(const pxp::Sample& sample, size_t output, const char* name, const cv::Mat& expected) {
  const pxp::TensorView view = sample.output(output).tensor();
  std::printf("%s: %s [%lld, %lld, %lld]\n", name, view.dtype_name(), (long long)view.shape(0),
              (long long)view.shape(1), (long long)view.shape(2));
  if (!view.is<unsigned char>() || view.ndim() != 3 || view.shape(0) != expected.rows ||
      view.shape(1) != expected.cols || view.shape(2) != expected.channels()) {
    std::fprintf(stderr, "consumer: %s: expected u8 [%d, %d, %d]\n", name, expected.rows, expected.cols,
                 expected.channels());
    return false;
  }
  for (int y = 0; y < expected.rows; ++y)
    for (int x = 0; x < expected.cols; ++x)
      for (int c = 0; c < expected.channels(); ++c) {
        const unsigned char got = view.at<unsigned char>(y, x, c);
        const unsigned char want = expected.ptr<unsigned char>(y)[x * expected.channels() + c];
        if (got != want) {
          std::fprintf(stderr, "consumer: %s[%d, %d, %d] is %d, OpenCV says %d\n", name, y, x, c, got, want);
          return false;
        }
      }
  return true;
}

int main(int argc, char** argv) try {
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

  // from_file: the program's relative path to gradient.png is joined with the program's folder.
  const pxp::Program program = pxp::Program::from_file(argv[1]);
  const auto outputs = program.outputs();
  if (outputs.size() != 2 || outputs[0].name != "image" || outputs[1].name != "small") {
    std::fprintf(stderr, "consumer: the program's outputs are not image, small\n");
    return 1;
  }
  pxp::Pipeline pipeline(program);  // the library's default options
  const pxp::Sample sample = pipeline.run(0);
  if (!matches(sample, 0, "image", rgb) || !matches(sample, 1, "small", small)) return 1;
  std::printf("pixelpipes %s with OpenCV %s: outputs match OpenCV's decode and resize\n", pxp_version(),
              CV_VERSION);
  return 0;
} catch (const pxp::Error& e) {  // the error names the sample, op, node and source line
  std::fprintf(stderr, "consumer: %s\n", e.what());
  return 1;
}
