// Compiled, never run, by the cxx17_header_templates test with strict warnings as errors
// (tests/CMakeLists.txt): pixelpipes.hpp's templates are instantiated for every dtype, so that
// a consumer building with -Wconversion -Wshadow ... -Werror gets no warning from the header.
#include <pixelpipes/pixelpipes.hpp>
#include <pixelpipes/pixelpipes.hpp>  // the include guard

namespace {

template <typename T> size_t touch(const pxp::TensorView& view) {
  size_t n = view.to_vector<T>().size();
  if (view.is<T>() && view.ndim() == 1) n += static_cast<size_t>(view.at<T>(0) ? 1 : 0);
  if (view.ndim() == 2) n += static_cast<size_t>(view.at<T>(0u, int64_t{1}) ? 1 : 0);
  if (view.ndim() == 0) n += static_cast<size_t>(view.at<T>() ? 1 : 0);
  return n + (view.data_as<T>() != nullptr ? 1u : 0u);
}

size_t every_dtype(const pxp::TensorView& view) {
  return touch<uint8_t>(view) + touch<int8_t>(view) + touch<uint16_t>(view) + touch<int16_t>(view) +
         touch<int32_t>(view) + touch<int64_t>(view) + touch<float>(view) + touch<double>(view) + touch<bool>(view);
}

}  // namespace

size_t strict_header_use(pxp::Pipeline& pipeline) {
  size_t n = 0;
  for (pxp::Batch& batch : pipeline.stream(pxp::StreamOptions().batch_size(2).stop(4))) {
    n += every_dtype(batch.output(0).tensor());
    for (const pxp::Value& v : batch.output(1).elements()) n += v.string().size();
  }
  return n;
}
