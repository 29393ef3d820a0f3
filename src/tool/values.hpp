// Reading values through the C ABI: one sample's output out of a batch, and text for people.
#pragma once

#include <cstddef>
#include <string>

#include "pixelpipes/value.h"

namespace pxp::tool {

// One sample's output: a tensor (a row of a stacked batch tensor, or a whole tensor value), or
// any other value (a string or a list).
struct Item {
  bool is_tensor = false;
  pxp_tensor_view tensor{};
  const pxp_value* value = nullptr;  // set when !is_tensor
};

// Sample row of a batch output: a stacked tensor gives its row-th slice (no copy); a list (the
// outputs whose shape varies) gives its row-th element. Returns false if row is out of range.
bool batch_item(Item* out, const pxp_value* batch_output, size_t row);

// The item of a single sample's output.
Item value_item(const pxp_value* value);

// "u8[32,224,224,3]", "string", "list[4] of i64[]".
std::string describe(const pxp_value* value);
std::string describe(const Item& item);

// " = 1 2 3" for 0-d and 1-d tensors of at most 16 elements, " = \"text\"" for short strings,
// else "".
std::string small_values(const Item& item);

}  // namespace pxp::tool
