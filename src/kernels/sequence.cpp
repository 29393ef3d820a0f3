#include "kernels/sequence.hpp"

#include <string>

namespace pxp::kernels {

namespace {
std::string quoted(const char* what) { return std::string("input '") + what + "'"; }

bool float_or_bool(DType d) { return !is_integer(d); }

template <typename Out> std::vector<Out> read_sequence(const Value& v, const char* what, bool integers_only) {
  std::vector<Out> out;
  auto reject = [&](const std::string& got) {
    type_error(quoted(what) + " must be a 1-D tensor or a list of " + (integers_only ? "integers" : "numbers") +
               ", not " + got);
  };
  if (v.is_tensor()) {
    const Tensor& t = v.tensor();
    if (t.ndim() != 1 || (integers_only && float_or_bool(t.dtype()))) reject(v.describe());
    Tensor c = t.contiguous();
    out.resize(static_cast<size_t>(c.numel()));
    dispatch_dtype(c.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* p = c.data<T>();
      for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<Out>(p[i]);
    });
    return out;
  }
  if (!v.is_list()) reject(v.describe());
  const List& items = v.list();
  out.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const Value& item = items[i];
    if (!item.is_tensor() || item.tensor().ndim() != 0 || (integers_only && float_or_bool(item.tensor().dtype())))
      reject("a list whose element " + std::to_string(i) + " is " + item.describe());
    if constexpr (std::is_floating_point_v<Out>)
      out.push_back(item.tensor().item_double());
    else
      out.push_back(item.tensor().item_int());
  }
  return out;
}
}  // namespace

int64_t integer_value(const Value& v, const char* what) {
  if (!v.is_tensor() || v.tensor().numel() != 1 || float_or_bool(v.tensor().dtype()))
    type_error(quoted(what) + " must be a single integer, not " + v.describe());
  return v.tensor().item_int();
}

std::vector<double> sequence_numbers(const Value& v, const char* what) {
  return read_sequence<double>(v, what, false);
}

std::vector<int64_t> sequence_integers(const Value& v, const char* what) {
  return read_sequence<int64_t>(v, what, true);
}

size_t resolve_index(int64_t index, size_t size) {
  int64_t n = static_cast<int64_t>(size);
  int64_t i = index < 0 ? index + n : index;
  if (i < 0 || i >= n)
    range_error("list index " + std::to_string(index) + " is out of range for a list of " + std::to_string(size) +
                (size == 1 ? " element" : " elements"));
  return static_cast<size_t>(i);
}

std::pair<size_t, size_t> slice_bounds(int64_t begin, int64_t end, size_t size) {
  int64_t n = static_cast<int64_t>(size);
  auto clamp = [n](int64_t i) {
    if (i < 0) i = i < -n ? 0 : i + n;  // compared first so INT64_MIN cannot overflow
    return i > n ? n : i;
  };
  int64_t b = clamp(begin), e = clamp(end);
  if (e < b) e = b;
  return {static_cast<size_t>(b), static_cast<size_t>(e)};
}

uint64_t value_footprint(const Value& v) {
  uint64_t bytes = kValueOverheadBytes;
  if (v.is_tensor()) return bytes + v.tensor().nbytes();
  if (v.is_string()) return bytes + v.string().size();
  if (v.is_list())
    for (const Value& item : v.list()) {
      bytes += value_footprint(item);
      if (bytes > kMaxListBytes) return bytes;  // enough to fail the check; stop measuring
    }
  return bytes;
}

void check_list_size(uint64_t length, uint64_t bytes, const char* op) {
  if (length > static_cast<uint64_t>(kMaxListLength))
    range_error(std::string(op) + " would make a list of " + std::to_string(length) +
                " elements, more than the limit of " + std::to_string(kMaxListLength));
  if (bytes > kMaxListBytes)
    range_error(std::string(op) + " would make a list of " + std::to_string(bytes) +
                " bytes (128 per element plus its tensors' and strings' bytes), more than the limit of " +
                std::to_string(kMaxListBytes));
}

int64_t range_length(int64_t start, int64_t stop, int64_t step) {
  if (step == 0) argument_error("list.range step must not be zero");
  // 128-bit: stop - start overflows int64 for extreme bounds.
  __int128 span = step > 0 ? static_cast<__int128>(stop) - start : static_cast<__int128>(start) - stop;
  __int128 stride = step > 0 ? static_cast<__int128>(step) : -static_cast<__int128>(step);
  __int128 count = span <= 0 ? 0 : (span - 1) / stride + 1;
  if (count > kMaxListLength)
    range_error("list.range(" + std::to_string(start) + ", " + std::to_string(stop) + ", " + std::to_string(step) +
                ") would have more than " + std::to_string(kMaxListLength) + " elements");
  return static_cast<int64_t>(count);
}

std::vector<int64_t> random_order(size_t n, RandomStream& rng) {
  std::vector<int64_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<int64_t>(i);
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  return order;
}

}  // namespace pxp::kernels
