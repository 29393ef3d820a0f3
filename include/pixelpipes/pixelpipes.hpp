// pixelpipes/pixelpipes.hpp: a header-only C++17 layer over the C ABI of pixelpipes.h.
//
// It calls only the public pxp_* functions: nothing here is compiled into the library, and it
// changes no ABI. What it adds is C++ ownership and errors:
//   - Program, Pipeline, Sample, Batch own one C handle each and free it in their destructor.
//     They move and do not copy (the C ABI has no reference counting to share a handle with); a
//     moved-from object is empty, and destroying or reassigning it is safe.
//   - Stream is a pipeline's running stream of batches, iterated with a range-for that ends
//     where the stream ends (PXP_END_OF_STREAM).
//   - Value and TensorView are non-owning views borrowed from the Sample or Batch that returned
//     them (or from the list value that holds them): valid while that owner lives. Moving the
//     owner keeps them valid (the C handle stays the same); destroying it ends them.
//   - Every failing call throws pxp::Error, which copies the calling thread's pxp_error_last()
//     (code, message, sample, instruction, op, node, source, file). No destructor throws.
//   - PipelineOptions and StreamOptions start from the library's defaults (pxp_*_options_init).
//
// Thread safety is the C ABI's (docs/c-api.md): a Program may be used by any number of threads;
// a Pipeline, and the Stream it returned, by one thread at a time (Pipeline::interrupt
// excepted); Samples, Batches and their views may be read from any thread and are destroyed
// once, after every reader is done. See docs/cpp-api.md.
#ifndef PIXELPIPES_PIXELPIPES_HPP
#define PIXELPIPES_PIXELPIPES_HPP

#if !defined(__cplusplus) || (__cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L))
#error "pixelpipes/pixelpipes.hpp needs C++17; from C, include pixelpipes/pixelpipes.h"
#endif

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "pixelpipes/pixelpipes.h"

namespace pxp {
// The inline namespace gives these classes their own mangled names: the library's internal
// C++ core also lives in namespace pxp (with its own Error, Program, Pipeline ...), and code
// that links both (the library's white-box tests) must never see two definitions of one name.
inline namespace cpp_v0 {

// ---- Versions -----------------------------------------------------------------------------------

// The version of this header; version_number() is the loaded library's (compare them at start-up).
inline constexpr int32_t header_version_number =
    PXP_VERSION_MAJOR * 10000 + PXP_VERSION_MINOR * 100 + PXP_VERSION_PATCH;
inline int32_t version_number() noexcept { return pxp_version_number(); }
inline std::string_view version() noexcept { return pxp_version(); }

// ---- Errors -------------------------------------------------------------------------------------

// Every failure: what() is "PXP_<STATUS>: <message>". The fields are copies, so an Error outlives
// the next failing call (which overwrites pxp_error_last()) and may be rethrown on any thread.
// Errors that this header raises itself (a dtype mismatch, a replaced Stream) carry the status
// that fits and no location, and leave pxp_error_last() as it was.
class Error : public std::runtime_error {
 public:
  Error(pxp_status code, const std::string& message) : Error(make(code, message)) {}

  // The calling thread's last error, thrown for the failing status `status`.
  static Error last(pxp_status status) {
    const pxp_error* e = pxp_error_last();
    if (e->code != status)  // not expected: every failing pxp_ call sets the last error
      return Error(status, std::string("the library reported no details for this ") + pxp_status_name(status));
    auto text = [](const char* s) { return std::string(s ? s : ""); };
    Details d = make(status, text(e->message));
    if (e->has_sample) d.sample = e->sample;
    d.instruction = e->instruction;
    d.op = text(e->op);
    d.node = text(e->node);
    d.source = text(e->source);
    d.file = text(e->file);
    return Error(std::move(d));
  }

  pxp_status code() const noexcept { return details_->code; }
  const char* status_name() const noexcept { return pxp_status_name(details_->code); }
  // The library's message (what() without the status name); it repeats the location below.
  const std::string& message() const noexcept { return details_->message; }
  // The sample being computed, for an error of a sample's computation.
  std::optional<uint64_t> sample() const noexcept { return details_->sample; }
  // The instruction index in the program, or -1.
  int64_t instruction() const noexcept { return details_->instruction; }
  const std::string& op() const noexcept { return details_->op; }          // "math.add", or ""
  const std::string& node() const noexcept { return details_->node; }      // the user's label, or ""
  const std::string& source() const noexcept { return details_->source; }  // the user's "file:line", or ""
  const std::string& file() const noexcept { return details_->file; }      // the file the sample read, or ""

 private:
  struct Details {
    pxp_status code = PXP_OK;
    std::string message;
    std::optional<uint64_t> sample;
    int64_t instruction = -1;
    std::string op, node, source, file;
  };
  static Details make(pxp_status code, std::string message) {
    Details d;
    d.code = code;
    d.message = std::move(message);
    return d;
  }
  explicit Error(Details d)
      : std::runtime_error(std::string(pxp_status_name(d.code)) + ": " + d.message),
        details_(std::make_shared<const Details>(std::move(d))) {}

  // Shared, so that copying an Error (as throwing and catching may) cannot throw.
  std::shared_ptr<const Details> details_;
};

namespace detail {

// Negative statuses are errors; the others (PXP_OK, PXP_END_OF_STREAM, PXP_NOT_FOUND) are returned.
inline pxp_status check(pxp_status status) {
  if (status < 0) throw Error::last(status);
  return status;
}

// One owned C handle, freed by Free; moves, never copies. A moved-from Owned is empty.
template <typename T, void (*Free)(T*)>
class Owned {
 public:
  Owned() noexcept = default;
  explicit Owned(T* handle) noexcept : handle_(handle) {}
  Owned(Owned&& other) noexcept : handle_(other.release()) {}
  Owned& operator=(Owned&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() { Free(handle_); }  // every pxp_*_free takes NULL and cannot fail

  T* get() const noexcept { return handle_; }
  T* release() noexcept { return std::exchange(handle_, nullptr); }
  void reset(T* handle = nullptr) noexcept { Free(std::exchange(handle_, handle)); }

 private:
  T* handle_ = nullptr;
};

}  // namespace detail

// ---- Element types and values -------------------------------------------------------------------

// The numbers are the ABI's (pxp_dtype). A newer library may return a dtype this header does
// not name: compare, never assume the list is complete.
enum class DType : int32_t {
  U8 = PXP_DTYPE_U8,
  I8 = PXP_DTYPE_I8,
  U16 = PXP_DTYPE_U16,
  I16 = PXP_DTYPE_I16,
  I32 = PXP_DTYPE_I32,
  I64 = PXP_DTYPE_I64,
  F32 = PXP_DTYPE_F32,
  F64 = PXP_DTYPE_F64,
  Bool = PXP_DTYPE_BOOL
};

inline const char* dtype_name(DType dtype) noexcept { return pxp_dtype_name(static_cast<int32_t>(dtype)); }
inline size_t dtype_size(DType dtype) noexcept { return pxp_dtype_size(static_cast<int32_t>(dtype)); }

// The C++ type of each dtype; using another type in TensorView's typed access does not compile.
template <typename T> struct dtype_traits;
template <> struct dtype_traits<uint8_t> { static constexpr DType value = DType::U8; };
template <> struct dtype_traits<int8_t> { static constexpr DType value = DType::I8; };
template <> struct dtype_traits<uint16_t> { static constexpr DType value = DType::U16; };
template <> struct dtype_traits<int16_t> { static constexpr DType value = DType::I16; };
template <> struct dtype_traits<int32_t> { static constexpr DType value = DType::I32; };
template <> struct dtype_traits<int64_t> { static constexpr DType value = DType::I64; };
template <> struct dtype_traits<float> { static constexpr DType value = DType::F32; };
template <> struct dtype_traits<double> { static constexpr DType value = DType::F64; };
// The library stores a bool as one byte, 0 or 1.
template <> struct dtype_traits<bool> { static constexpr DType value = DType::Bool; };
template <typename T> inline constexpr DType dtype_of = dtype_traits<std::remove_cv_t<T>>::value;

enum class ValueKind : int32_t { Tensor = PXP_VALUE_TENSOR, String = PXP_VALUE_STRING, List = PXP_VALUE_LIST };

// A non-owning view of a tensor's memory (pxp_tensor_view): data, dtype, shape and strides in
// bytes (never negative, 0 along a broadcast axis). Valid while the value it came from lives.
class TensorView {
 public:
  explicit TensorView(const pxp_tensor_view& view) noexcept : view_(view) {}

  const void* data() const noexcept { return view_.data; }
  DType dtype() const noexcept { return static_cast<DType>(view_.dtype); }
  const char* dtype_name() const noexcept { return pxp_dtype_name(view_.dtype); }
  int ndim() const noexcept { return view_.ndim; }  // 0 for a scalar
  int64_t shape(int axis) const { return view_.shape[checked_axis(axis)]; }
  int64_t stride(int axis) const { return view_.strides[checked_axis(axis)]; }  // in bytes
  std::vector<int64_t> shape() const { return std::vector<int64_t>(view_.shape, view_.shape + view_.ndim); }
  std::vector<int64_t> strides() const { return std::vector<int64_t>(view_.strides, view_.strides + view_.ndim); }
  // Number of elements: the product of the shape (1 for a scalar).
  int64_t size() const noexcept {
    int64_t n = 1;
    for (int k = 0; k < view_.ndim; ++k) n *= view_.shape[k];
    return n;
  }
  // Whether the elements lie densely in C order, so that data_as<T>()[k] is element k.
  bool is_contiguous() const noexcept {
    int64_t expected = static_cast<int64_t>(pxp_dtype_size(view_.dtype));
    for (int k = view_.ndim - 1; k >= 0; --k) {
      if (view_.shape[k] != 1 && view_.strides[k] != expected) return false;
      expected *= view_.shape[k];
    }
    return true;
  }
  template <typename T> bool is() const noexcept { return dtype() == dtype_of<T>; }

  // The data as T; PXP_ETYPE unless the dtype is T's. Elements lie at the byte strides: index
  // the pointer directly only when is_contiguous().
  template <typename T> const T* data_as() const {
    require<T>();
    return static_cast<const T*>(view_.data);
  }
  // The element at one index per axis (none for a scalar): PXP_ETYPE unless the dtype is T's,
  // PXP_EINVALID_ARGUMENT for a wrong number of indices, PXP_EOUT_OF_RANGE past an axis' end.
  template <typename T, typename... Index> const T& at(Index... index) const {
    static_assert((std::is_integral_v<Index> && ...), "TensorView::at takes integer indices");
    require<T>();
    const int64_t indices[] = {0, static_cast<int64_t>(index)...};  // the leading 0 keeps it non-empty
    if (static_cast<int>(sizeof...(Index)) != view_.ndim)
      throw Error(PXP_EINVALID_ARGUMENT, "TensorView::at got " + std::to_string(sizeof...(Index)) +
                                             " indices for a tensor of " + std::to_string(view_.ndim) + " dimensions");
    int64_t offset = 0;
    for (int k = 0; k < view_.ndim; ++k) {
      const int64_t i = indices[k + 1];
      if (i < 0 || i >= view_.shape[k])
        throw Error(PXP_EOUT_OF_RANGE, "TensorView::at: index " + std::to_string(i) + " is out of range for axis " +
                                           std::to_string(k) + " of size " + std::to_string(view_.shape[k]));
      offset += i * view_.strides[k];
    }
    return *reinterpret_cast<const T*>(static_cast<const char*>(view_.data) + offset);
  }
  // Every element in C order, copied (any strides); PXP_ETYPE unless the dtype is T's.
  template <typename T> std::vector<T> to_vector() const {
    require<T>();
    std::vector<T> out;
    const int64_t n = size();
    if (n <= 0) return out;
    out.reserve(static_cast<size_t>(n));
    int64_t position[PXP_MAX_DIMS] = {};
    const char* base = static_cast<const char*>(view_.data);
    for (int64_t e = 0; e < n; ++e) {
      int64_t offset = 0;
      for (int k = 0; k < view_.ndim; ++k) offset += position[k] * view_.strides[k];
      out.push_back(*reinterpret_cast<const T*>(base + offset));
      for (int k = view_.ndim - 1; k >= 0; --k) {  // the next index, last axis fastest
        if (++position[k] < view_.shape[k]) break;
        position[k] = 0;
      }
    }
    return out;
  }

  const pxp_tensor_view& c_view() const noexcept { return view_; }

 private:
  size_t checked_axis(int axis) const {
    if (axis < 0 || axis >= view_.ndim)
      throw Error(PXP_EOUT_OF_RANGE, "axis " + std::to_string(axis) + " of a tensor of " + std::to_string(view_.ndim) +
                                         " dimensions");
    return static_cast<size_t>(axis);
  }
  template <typename T> void require() const {
    if (dtype() != dtype_of<T>)
      throw Error(PXP_ETYPE, std::string("the tensor is ") + pxp_dtype_name(view_.dtype) + ", not " +
                                 pxp::dtype_name(dtype_of<T>));
  }

  pxp_tensor_view view_;
};

// A non-owning view of a value (a tensor, a string or a list), borrowed from the Sample or Batch
// that returned it, or from the list it is an element of: valid while that owner lives.
class Value {
 public:
  explicit Value(const pxp_value* value) noexcept : value_(value) {}

  ValueKind kind() const {
    int32_t kind = 0;
    detail::check(pxp_value_kind_get(&kind, value_));
    return static_cast<ValueKind>(kind);
  }
  bool is_tensor() const { return kind() == ValueKind::Tensor; }
  bool is_string() const { return kind() == ValueKind::String; }
  bool is_list() const { return kind() == ValueKind::List; }

  // PXP_ETYPE unless the value is a tensor (scalars are 0-dimensional tensors).
  TensorView tensor() const {
    pxp_tensor_view view;
    detail::check(pxp_value_tensor(&view, value_));
    return TensorView(view);
  }
  // The string's bytes (not NUL-terminated); PXP_ETYPE unless the value is a string.
  std::string_view string() const {
    const char* data = nullptr;
    size_t size = 0;
    detail::check(pxp_value_string(&data, &size, value_));
    return std::string_view(data, size);
  }
  // A list's number of elements; PXP_ETYPE unless the value is a list.
  size_t length() const {
    size_t n = 0;
    detail::check(pxp_value_list_length(&n, value_));
    return n;
  }
  // Element i of a list, borrowed from the list; PXP_ETYPE, PXP_EOUT_OF_RANGE.
  Value at(size_t i) const {
    const pxp_value* element = nullptr;
    detail::check(pxp_value_list_get(&element, value_, i));
    return Value(element);
  }
  std::vector<Value> elements() const {
    std::vector<Value> out;
    const size_t n = length();
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back(at(i));
    return out;
  }

  const pxp_value* get() const noexcept { return value_; }

 private:
  const pxp_value* value_;
};

// ---- Programs -----------------------------------------------------------------------------------

// One output of a program, copied out of it (so it outlives the Program).
struct OutputInfo {
  std::string name;
  std::optional<ValueKind> kind;  // empty when not known at load
  std::optional<DType> dtype;     // tensors only
  int ndim = -1;                  // -1 when the rank is unknown or the output is not a tensor
  std::vector<int64_t> shape;     // ndim entries, -1 for a dimension not known at load
  std::string type_json;          // the inferred type, as pxp_output_info.type_json
};

// A loaded, verified, immutable program: any number of threads may use one Program at once.
// Pipelines keep their own reference, so a Program may be destroyed right after creating them.
class Program {
 public:
  Program() noexcept = default;  // empty
  explicit Program(pxp_program* adopted) noexcept : handle_(adopted) {}

  // Parses and verifies program bytes (copied: the caller may free them at once). Any bytes are
  // safe; a bad program throws with the instruction, op and node it names.
  [[nodiscard]] static Program from_bytes(const void* data, size_t size) {
    pxp_program* program = nullptr;
    detail::check(pxp_program_load(&program, data, size));
    return Program(program);
  }
  [[nodiscard]] static Program from_bytes(std::string_view bytes) { return from_bytes(bytes.data(), bytes.size()); }
  // Reads a program file; the paths pixelpipes.save recorded relative to it resolve against its folder.
  [[nodiscard]] static Program from_file(const std::string& path) {
    pxp_program* program = nullptr;
    detail::check(pxp_program_load_file(&program, path.c_str()));
    return Program(program);
  }

  explicit operator bool() const noexcept { return handle_.get() != nullptr; }
  pxp_program* get() const noexcept { return handle_.get(); }
  pxp_program* release() noexcept { return handle_.release(); }
  void reset() noexcept { handle_.reset(); }  // frees the handle now; empty afterwards

  size_t output_count() const {
    size_t n = 0;
    detail::check(pxp_program_output_count(&n, get()));
    return n;
  }
  OutputInfo output(size_t index) const {
    pxp_output_info info;
    detail::check(pxp_program_output(&info, get(), index));
    OutputInfo out;
    out.name = info.name;
    if (info.kind >= 0) out.kind = static_cast<ValueKind>(info.kind);
    if (info.dtype >= 0) out.dtype = static_cast<DType>(info.dtype);
    out.ndim = info.ndim;
    if (info.ndim > 0) out.shape.assign(info.shape, info.shape + info.ndim);
    out.type_json = info.type_json;
    return out;
  }
  std::vector<OutputInfo> outputs() const {
    std::vector<OutputInfo> out;
    const size_t n = output_count();
    for (size_t i = 0; i < n; ++i) out.push_back(output(i));
    return out;
  }
  // The index of the output called name (the index Sample::output and Batch::output take).
  std::optional<size_t> find_output(std::string_view name) const {
    const size_t n = output_count();
    for (size_t i = 0; i < n; ++i) {
      pxp_output_info info;
      detail::check(pxp_program_output(&info, get(), i));
      if (name == info.name) return i;
    }
    return std::nullopt;
  }
  size_t instruction_count() const {
    size_t n = 0;
    detail::check(pxp_program_instruction_count(&n, get()));
    return n;
  }
  // JSON of the whole program, borrowed from it (valid while it lives).
  std::string_view describe() const {
    const char* json = nullptr;
    detail::check(pxp_program_describe(&json, get()));
    return json;
  }
  // The bytes the program was made from, borrowed from it (see pxp_program_bytes).
  std::string_view bytes() const {
    const void* data = nullptr;
    size_t size = 0;
    detail::check(pxp_program_bytes(&data, &size, get()));
    return std::string_view(static_cast<const char*>(data), size);
  }
  // The seed pixelpipes.save recorded, if any.
  std::optional<uint64_t> saved_seed() const {
    uint64_t seed = 0;
    if (detail::check(pxp_program_saved_seed(&seed, get())) == PXP_NOT_FOUND) return std::nullopt;
    return seed;
  }

 private:
  detail::Owned<pxp_program, pxp_program_free> handle_;
};

// ---- Options ------------------------------------------------------------------------------------

enum class OnError : uint32_t {
  Raise = PXP_ON_ERROR_RAISE,
  Skip = PXP_ON_ERROR_SKIP,
  Fallback = PXP_ON_ERROR_FALLBACK
};

// pxp_pipeline_options, filled with the library's defaults by pxp_pipeline_options_init; each
// setter returns *this. Limits are checked by the Pipeline constructor, which names the option.
class PipelineOptions {
 public:
  PipelineOptions() { detail::check(pxp_pipeline_options_init(&options_, PXP_PIPELINE_OPTIONS_VERSION)); }

  uint64_t seed() const noexcept { return options_.seed; }
  PipelineOptions& seed(uint64_t v) noexcept { options_.seed = v; return *this; }
  uint32_t threads() const noexcept { return options_.threads; }  // 0: one per core
  PipelineOptions& threads(uint32_t v) noexcept { options_.threads = v; return *this; }
  OnError on_error() const noexcept { return static_cast<OnError>(options_.on_error); }
  PipelineOptions& on_error(OnError v) noexcept { options_.on_error = static_cast<uint32_t>(v); return *this; }
  uint32_t max_attempts() const noexcept { return options_.max_attempts; }
  PipelineOptions& max_attempts(uint32_t v) noexcept { options_.max_attempts = v; return *this; }
  uint64_t fallback_index() const noexcept { return options_.fallback_index; }
  PipelineOptions& fallback_index(uint64_t v) noexcept { options_.fallback_index = v; return *this; }
  uint64_t epoch_length() const noexcept { return options_.epoch_length; }
  PipelineOptions& epoch_length(uint64_t v) noexcept { options_.epoch_length = v; return *this; }
  uint64_t max_batch_bytes() const noexcept { return options_.max_batch_bytes; }
  PipelineOptions& max_batch_bytes(uint64_t v) noexcept { options_.max_batch_bytes = v; return *this; }
  uint64_t max_file_bytes() const noexcept { return options_.max_file_bytes; }
  PipelineOptions& max_file_bytes(uint64_t v) noexcept { options_.max_file_bytes = v; return *this; }

  // The C struct, for fields a newer pixelpipes.h adds before this header names them.
  pxp_pipeline_options& c_options() noexcept { return options_; }
  const pxp_pipeline_options& c_options() const noexcept { return options_; }

 private:
  pxp_pipeline_options options_;
};

// pxp_stream_options, filled with the library's defaults by pxp_stream_options_init (from
// position 0, batches of 1, 2 computed ahead, one rank, no stop, short last batch kept).
class StreamOptions {
 public:
  StreamOptions() { detail::check(pxp_stream_options_init(&options_, PXP_STREAM_OPTIONS_VERSION)); }

  uint64_t start() const noexcept { return options_.start; }
  StreamOptions& start(uint64_t v) noexcept { options_.start = v; return *this; }
  uint32_t batch_size() const noexcept { return options_.batch_size; }
  StreamOptions& batch_size(uint32_t v) noexcept { options_.batch_size = v; return *this; }
  uint32_t prefetch() const noexcept { return options_.prefetch; }
  StreamOptions& prefetch(uint32_t v) noexcept { options_.prefetch = v; return *this; }
  uint32_t rank() const noexcept { return options_.rank; }
  StreamOptions& rank(uint32_t v) noexcept { options_.rank = v; return *this; }
  uint32_t world_size() const noexcept { return options_.world_size; }
  StreamOptions& world_size(uint32_t v) noexcept { options_.world_size = v; return *this; }
  bool pad_varying() const noexcept { return options_.pad_varying != 0; }
  StreamOptions& pad_varying(bool v) noexcept { options_.pad_varying = v ? 1u : 0u; return *this; }
  // The end (exclusive) of the stream's positions; empty: the stream ends only at 2^64.
  std::optional<uint64_t> stop() const noexcept {
    return options_.has_stop ? std::optional<uint64_t>(options_.stop) : std::nullopt;
  }
  StreamOptions& stop(uint64_t v) noexcept { options_.has_stop = 1; options_.stop = v; return *this; }
  StreamOptions& no_stop() noexcept { options_.has_stop = 0; options_.stop = 0; return *this; }
  // true: the global batch that the stop cuts short is dropped, by every rank.
  bool drop_last() const noexcept { return options_.drop_last != 0; }
  StreamOptions& drop_last(bool v) noexcept { options_.drop_last = v ? 1u : 0u; return *this; }

  pxp_stream_options& c_options() noexcept { return options_; }
  const pxp_stream_options& c_options() const noexcept { return options_; }

 private:
  pxp_stream_options options_;
};

// ---- Samples and batches ------------------------------------------------------------------------

// One computed sample. Independent of its pipeline: it may outlive it.
class Sample {
 public:
  Sample() noexcept = default;  // empty
  explicit Sample(pxp_sample* adopted) noexcept : handle_(adopted) {}

  explicit operator bool() const noexcept { return handle_.get() != nullptr; }
  pxp_sample* get() const noexcept { return handle_.get(); }
  pxp_sample* release() noexcept { return handle_.release(); }
  void reset() noexcept { handle_.reset(); }  // frees the handle now; empty afterwards

  uint64_t index() const {
    uint64_t index = 0;
    detail::check(pxp_sample_index(&index, get()));
    return index;
  }
  // Output i, in the program's output order (Program::find_output); PXP_EOUT_OF_RANGE past the end.
  Value output(size_t i) const {
    const pxp_value* value = nullptr;
    detail::check(pxp_sample_output(&value, get(), i));
    return Value(value);
  }

 private:
  detail::Owned<pxp_sample, pxp_sample_free> handle_;
};

using BatchInfo = pxp_batch_info;  // number, first_position, size

// One batch of a stream. Independent of its pipeline: it may outlive it; its buffers go back to
// the pipeline's pool when it is destroyed (so destroy batches promptly).
class Batch {
 public:
  Batch() noexcept = default;  // empty; also what Stream::next returns at the end
  explicit Batch(pxp_batch* adopted) noexcept : handle_(adopted) {}

  explicit operator bool() const noexcept { return handle_.get() != nullptr; }
  pxp_batch* get() const noexcept { return handle_.get(); }
  pxp_batch* release() noexcept { return handle_.release(); }
  void reset() noexcept { handle_.reset(); }  // frees the handle now; empty afterwards

  BatchInfo info() const {
    BatchInfo info;
    detail::check(pxp_batch_info_get(&info, get()));
    return info;
  }
  uint64_t number() const { return info().number; }                  // k: the k-th batch of its stream
  uint64_t first_position() const { return info().first_position; }  // stream position of its first sample
  uint32_t size() const { return info().size; }                      // samples; a stream's last may be short
  // Output i: a tensor with a leading batch dimension for a fixed-shape output, else a list of
  // per-sample values (or a zero-padded tensor with StreamOptions::pad_varying).
  Value output(size_t i) const {
    const pxp_value* value = nullptr;
    detail::check(pxp_batch_output(&value, get(), i));
    return Value(value);
  }
  // For a padded output: an i64 tensor [size, ndim] of each sample's shape; PXP_ESTATE if not padded.
  Value lengths(size_t i) const {
    const pxp_value* value = nullptr;
    detail::check(pxp_batch_lengths(&value, get(), i));
    return Value(value);
  }

 private:
  detail::Owned<pxp_batch, pxp_batch_free> handle_;
};

// ---- Pipelines and streams ----------------------------------------------------------------------

using StreamStats = pxp_pipeline_stats;  // buffers_allocated, buffers_reused
using ErrorStats = pxp_error_stats;      // failed, skipped, fallbacks, failed_attempts, epochs

// One row of the per-op profile, copied out of the pipeline.
struct ProfileRow {
  std::string op, node, source;
  uint64_t count = 0;
  uint64_t nanoseconds = 0;
};

class Stream;

namespace detail {
// What a Pipeline and its Streams share: the handle, and which stream is the current one, so
// that a Stream replaced by a later Pipeline::stream (or whose pipeline is gone) can tell.
struct PipelineState {
  explicit PipelineState(pxp_pipeline* h) noexcept : handle(h) {}
  PipelineState(const PipelineState&) = delete;
  PipelineState& operator=(const PipelineState&) = delete;
  ~PipelineState() { pxp_pipeline_free(handle); }
  pxp_pipeline* handle;
  uint64_t stream_generation = 0;
};
}  // namespace detail

// A program running with a seed: sample i is the same bits whatever the threads. Driven by one
// thread at a time (its Streams included); interrupt() is the one call allowed from another
// thread meanwhile. Destroying it stops its stream and joins its workers; the Samples and
// Batches it returned stay valid.
class Pipeline {
 public:
  Pipeline() noexcept = default;  // empty
  explicit Pipeline(const Program& program, const PipelineOptions& options = PipelineOptions()) {
    pxp_pipeline* pipeline = nullptr;
    detail::check(pxp_pipeline_create(&pipeline, program.get(), &options.c_options()));
    try {
      state_ = std::make_shared<detail::PipelineState>(pipeline);
    } catch (...) {
      pxp_pipeline_free(pipeline);
      throw;
    }
  }
  Pipeline(Pipeline&&) noexcept = default;
  Pipeline& operator=(Pipeline&&) noexcept = default;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  explicit operator bool() const noexcept { return state_ != nullptr; }
  pxp_pipeline* get() const noexcept { return state_ ? state_->handle : nullptr; }

  // Sample index, computed on the calling thread.
  [[nodiscard]] Sample run(uint64_t index) {
    pxp_sample* sample = nullptr;
    detail::check(pxp_pipeline_run(&sample, get(), index));
    return Sample(sample);
  }
  // Samples start .. start + count - 1 on the worker threads; on an error none is returned and
  // the Error names the failing sample with the lowest index.
  [[nodiscard]] std::vector<Sample> run_many(uint64_t start, size_t count) {
    std::vector<Sample> out;
    out.reserve(count);  // before the call: nothing can throw once the samples exist
    std::vector<pxp_sample*> raw(count > 0 ? count : 1, nullptr);  // never NULL: count 0 is no error
    detail::check(pxp_pipeline_run_many(raw.data(), get(), start, count));
    for (size_t k = 0; k < count; ++k) out.emplace_back(raw[k]);
    return out;
  }
  // The worker threads (0: one per core); PXP_ESTATE while a stream runs.
  void set_threads(uint32_t threads) { detail::check(pxp_pipeline_set_threads(get(), threads)); }
  // From any thread: on, a run_many in progress (and every later one) fails with PXP_ESTATE.
  void interrupt(bool on) { detail::check(pxp_pipeline_interrupt(get(), on ? 1u : 0u)); }

  // Starts a stream of batches. The running stream is stopped (its Stream then throws
  // PXP_ESTATE), also when this call fails: then no stream runs.
  [[nodiscard]] Stream stream(const StreamOptions& options = StreamOptions());

  // Failing samples of the batches returned since the pipeline was created.
  ErrorStats error_stats() const {
    ErrorStats stats;
    stats.version = PXP_ERROR_STATS_VERSION;
    detail::check(pxp_pipeline_error_stats_get(&stats, get()));
    return stats;
  }
  // (epoch, samples replaced) for the epochs with at least one skip or fallback, ascending.
  std::vector<std::pair<uint64_t, uint64_t>> epoch_skips() const {
    size_t total = 0;
    detail::check(pxp_pipeline_epoch_skips(nullptr, nullptr, 0, &total, get()));
    std::vector<uint64_t> epochs(total), counts(total);
    detail::check(pxp_pipeline_epoch_skips(epochs.data(), counts.data(), total, &total, get()));
    std::vector<std::pair<uint64_t, uint64_t>> out;
    for (size_t k = 0; k < total && k < epochs.size(); ++k) out.emplace_back(epochs[k], counts[k]);
    return out;
  }

  void profile_enable(bool on) { detail::check(pxp_pipeline_profile_enable(get(), on ? 1u : 0u)); }
  void profile_reset() { detail::check(pxp_pipeline_profile_reset(get())); }
  // One row per instruction, then "(batch copy)" (see docs/c-api.md, per-op profile).
  std::vector<ProfileRow> profile() const {
    size_t total = 0;
    detail::check(pxp_pipeline_profile_get(nullptr, 0, &total, get()));
    std::vector<pxp_profile_row> rows(total);
    detail::check(pxp_pipeline_profile_get(rows.data(), rows.size(), &total, get()));
    std::vector<ProfileRow> out;
    for (size_t k = 0; k < total && k < rows.size(); ++k)
      out.push_back(ProfileRow{rows[k].op, rows[k].node, rows[k].source, rows[k].count, rows[k].nanoseconds});
    return out;
  }

 private:
  std::shared_ptr<detail::PipelineState> state_;
};

// A pipeline's running stream of batches, from Pipeline::stream:
//
//   for (pxp::Batch& batch : pipeline.stream(pxp::StreamOptions().batch_size(64).stop(6400))) { ... }
//
// The loop ends at the stream's end; each batch is freed when the loop moves on (move it out of
// the loop variable to keep it). A failing batch throws from the loop; the stream has then moved
// past it, and iterating again (or next()) goes on with the batch after it.
//
// A Stream drives its pipeline: its calls, like the pipeline's, are made by one thread at a
// time. Destroying it stops the stream (batches already returned stay valid). A later
// Pipeline::stream replaces it, and so does destroying the Pipeline: it then throws PXP_ESTATE,
// and destroying it does nothing.
class [[nodiscard]] Stream {
 public:
  Stream() noexcept = default;  // empty: next() throws PXP_ESTATE
  Stream(Stream&& other) noexcept
      : state_(std::move(other.state_)),
        generation_(other.generation_),
        ended_(other.ended_),
        current_(std::move(other.current_)) {}
  Stream& operator=(Stream&& other) noexcept {
    if (this != &other) {
      stop_if_current();
      state_ = std::move(other.state_);
      generation_ = other.generation_;
      ended_ = other.ended_;
      current_ = std::move(other.current_);
    }
    return *this;
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() { stop_if_current(); }

  // The next batch, in order (blocks until it is ready); an empty Batch after the last one, at
  // every later call, and after stop().
  Batch next() {
    pxp_pipeline* pipeline = current("next");
    if (ended_) return Batch();
    pxp_batch* batch = nullptr;
    if (detail::check(pxp_pipeline_next_batch(&batch, pipeline)) == PXP_END_OF_STREAM) {
      ended_ = true;
      return Batch();
    }
    return Batch(batch);
  }
  // The number of batches the stream returns in all, those returned included (UINT64_MAX for
  // a stream without a stop). PXP_ESTATE after stop().
  uint64_t batch_count() const {
    uint64_t n = 0;
    detail::check(pxp_pipeline_stream_batch_count(&n, current("batch_count")));
    return n;
  }
  // Batch buffers the stream allocated and reused (0 after stop()).
  StreamStats stats() const {
    StreamStats stats;
    detail::check(pxp_pipeline_stats_get(&stats, current("stats")));
    return stats;
  }
  // Ends the stream now: work not started is dropped, work in flight finishes; next() then
  // returns an empty Batch.
  void stop() {
    detail::check(pxp_pipeline_stop(current("stop")));
    ended_ = true;
  }
  bool ended() const noexcept { return ended_; }

  // An input iterator: copies share the Stream's current batch; moving the Stream invalidates them.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    using pointer = Batch*;
    using reference = Batch&;

    iterator() noexcept = default;  // the end
    Batch& operator*() const noexcept { return stream_->current_; }
    Batch* operator->() const noexcept { return &stream_->current_; }
    iterator& operator++() {
      stream_->advance();
      return *this;
    }
    // Equal when both are at the end, or both are iterating the same Stream.
    bool operator==(const iterator& other) const noexcept {
      return at_end() == other.at_end() && (at_end() || stream_ == other.stream_);
    }
    bool operator!=(const iterator& other) const noexcept { return !(*this == other); }

   private:
    friend class Stream;
    explicit iterator(Stream* stream) noexcept : stream_(stream) {}
    bool at_end() const noexcept { return stream_ == nullptr || stream_->ended_; }
    Stream* stream_ = nullptr;
  };
  // Fetches the next batch (so iterating a Stream again goes on where it was).
  iterator begin() {
    advance();
    return iterator(this);
  }
  iterator end() noexcept { return iterator(); }

 private:
  friend class Pipeline;
  Stream(std::weak_ptr<detail::PipelineState> state, uint64_t generation) noexcept
      : state_(std::move(state)), generation_(generation) {}

  // The pipeline's handle while this is its current stream; PXP_ESTATE otherwise.
  pxp_pipeline* current(const char* what) const {
    std::shared_ptr<detail::PipelineState> state = state_.lock();
    if (!state)
      throw Error(PXP_ESTATE, std::string("Stream::") + what +
                                  ": no pipeline (an empty or moved-from Stream, or its Pipeline was destroyed)");
    if (state->stream_generation != generation_)
      throw Error(PXP_ESTATE, std::string("Stream::") + what + ": a later Pipeline::stream replaced this stream");
    return state->handle;  // the Pipeline still owns it: only the driving thread could free it
  }
  void stop_if_current() noexcept {
    std::shared_ptr<detail::PipelineState> state = state_.lock();
    if (state && state->stream_generation == generation_) (void)pxp_pipeline_stop(state->handle);
    state_.reset();
    current_.reset();
  }
  // Frees the current batch first, so that the pool can reuse its buffers for the next one.
  void advance() {
    current_.reset();
    current_ = next();
  }

  std::weak_ptr<detail::PipelineState> state_;
  uint64_t generation_ = 0;
  bool ended_ = false;
  Batch current_;  // the batch a range-for is at
};

inline Stream Pipeline::stream(const StreamOptions& options) {
  // The running stream's Stream must never drive (or stop) the next one: it is replaced before
  // the call, whatever the call does.
  if (state_) ++state_->stream_generation;
  const pxp_status status = pxp_pipeline_start(get(), &options.c_options());
  if (status < 0) {
    // pxp_pipeline_start may fail before or after it stopped the running stream; stopping it
    // here leaves one outcome: no stream runs.
    Error error = Error::last(status);
    (void)pxp_pipeline_stop(get());
    throw error;
  }
  return Stream(state_, state_->stream_generation);
}

// ---- The registry -------------------------------------------------------------------------------

// Every registered op's name, sorted.
inline std::vector<std::string> op_names() {
  size_t n = 0;
  detail::check(pxp_registry_count(&n));
  std::vector<std::string> names;
  names.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const char* name = nullptr;
    detail::check(pxp_registry_name(&name, i));
    names.emplace_back(name);
  }
  return names;
}

// The JSON schema of an op (static storage); PXP_EUNKNOWN_OP for a name no op has.
inline std::string_view op_schema(const std::string& name) {
  const char* json = nullptr;
  detail::check(pxp_registry_schema(&json, name.c_str()));
  return json;
}

}  // inline namespace cpp_v0
}  // namespace pxp

#endif
