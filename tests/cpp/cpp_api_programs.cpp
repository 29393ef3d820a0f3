#include "cpp_api_programs.hpp"

#include <stdexcept>

#include "program_builder.hpp"

namespace cpp_api_programs {

using pxp::Value;
using pxp::test::ProgramBuilder;

std::string demo() {
  ProgramBuilder b;
  uint32_t index = b.op("core.sample_index");
  b.output("index", index);
  uint32_t base = b.constant(Value(pxp::test::tensor<float>({0, 1, 2, 3, 4, 5}, {2, 3})));
  b.output("matrix", b.op("math.add", {base, index}));  // f32: the tensor's dtype wins over a scalar
  uint32_t parity = b.op("math.modulo", {index, b.scalar<int64_t>(2)});
  b.output("even", b.op("math.equal", {parity, b.scalar<int64_t>(0)}));
  b.output("name", b.op("flow.select", {parity, b.constant(Value(std::string("odd"))),
                                        b.constant(Value(std::string("even")))}));
  uint32_t items = b.op("list.repeat", {index, b.op("math.add", {parity, b.scalar<int64_t>(1)})});
  b.output("items", items);
  b.output("row", b.op("tensor.from_list", {items}));
  return b.bytes();
}

Failing failing() {
  ProgramBuilder b;
  uint32_t list = b.op("list.make", {b.scalar<int64_t>(10), b.scalar<int64_t>(20), b.scalar<int64_t>(30)});
  uint32_t pick = b.op("list.element", {list, b.op("core.sample_index")}, {}, 7, "pick", "cpp_api_test.py:42");
  b.output("value", pick);
  return Failing{b.bytes(), static_cast<int64_t>(pick)};
}

std::string reads_file(const std::string& path) {
  ProgramBuilder b;
  // select(i >= 0, path, path) is path, but depends on the sample: read at run time, not at load
  uint32_t p = b.op("flow.select", {b.op("math.greater_equal", {b.op("core.sample_index"), b.scalar<int64_t>(0)}),
                                    b.constant(Value(path)), b.constant(Value(path))});
  b.output("bytes", b.op("io.read_file", {p}, {}, 9, "read", "cpp_api_test.py:50"));
  return b.bytes();
}

std::string type_error() {
  ProgramBuilder b;
  uint32_t text = b.constant(Value(std::string("text")));
  uint32_t one = b.scalar<int64_t>(1);
  uint32_t sum = b.op("math.add", {text, one}, {}, 3, "sum", "cpp_api_test.py:7");
  if (sum != 2) throw std::logic_error("type_error(): math.add is no longer instruction 2");
  b.output("sum", sum);
  return b.bytes();
}

}  // namespace cpp_api_programs
