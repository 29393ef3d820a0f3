// list.*: building, measuring and indexing lists. Lists are homogeneous, so
// type rules carry one element type and, when known, the length; indices
// follow Python (negative counts from the end, slices clamp).
#include <unordered_map>

#include "kernels/sequence.hpp"
#include "ops/families.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

namespace {

using kernels::integer_value;

Type list_of_input(const InferContext& ctx, size_t i, const char* what) {
  expect_list(ctx, i, what);
  return ctx.inputs[i].is_list() ? ctx.inputs[i] : Type::list(Type::any());
}

// An integer input's value when it is a load-time constant.
std::optional<int64_t> constant_int(const InferContext& ctx, size_t i, const char* what) {
  if (const Value* v = constant_input(ctx, i)) return integer_value(*v, what);
  return std::nullopt;
}

std::string kind_word(const Type& t) {
  switch (t.kind) {
    case Type::Kind::Tensor: return "a tensor";
    case Type::Kind::String: return "a string";
    case Type::Kind::List: return "a list";
    default: return "nothing";
  }
}

// The element type shared by several lists (Any when there are none).
Type unify_all(const std::vector<Type>& types) {
  if (types.empty()) return Type::any();
  Type t = types[0];
  for (size_t i = 1; i < types.size(); ++i) t = unify(t, types[i]);
  return t;
}

int64_t checked_count(int64_t count, const char* op) {
  if (count < 0) range_error(std::string(op) + " count must not be negative, got " + std::to_string(count));
  if (count > kernels::kMaxListLength)
    range_error(std::string(op) + " count " + std::to_string(count) + " is over the limit of " +
                std::to_string(kernels::kMaxListLength) + " elements");
  return count;
}

// The footprint of the list made of these values, each distinct input measured once (list.make
// and list.concat are often given the same slot many times).
uint64_t footprint_of_items(const Args& args) {
  std::unordered_map<const Value*, uint64_t> measured;
  uint64_t bytes = kernels::kValueOverheadBytes;
  for (size_t i = 0; i < args.size() && bytes <= kernels::kMaxListBytes; ++i) {
    if (!args[i].is_list()) {  // a tensor or string costs O(1) to measure: no memo (no allocation)
      bytes += kernels::value_footprint(args[i]);
      continue;
    }
    auto [it, fresh] = measured.try_emplace(&args[i], 0);
    if (fresh) it->second = kernels::value_footprint(args[i]);
    bytes += it->second;
  }
  return bytes;
}

}  // namespace

void register_list_ops(Registry& r) {
  r.add(OpBuilder("list.make")
            .doc("A list of the given values, in order. All items must be the same kind (tensors, strings or "
                 "lists).")
            .variadic("items", "The elements.")
            .output("a list of the items' common type, with the exact length",
                    [](const InferContext& ctx) {
                      const Type* first = nullptr;
                      for (size_t i = 0; i < ctx.inputs.size(); ++i) {
                        const Type& t = ctx.inputs[i];
                        if (t.is_any()) continue;
                        if (t.kind == Type::Kind::None) type_error("item " + std::to_string(i) + " has no value");
                        if (first && first->kind != t.kind)
                          type_error("list items must all be the same kind, but item " + std::to_string(i) + " is " +
                                     kind_word(t) + " (" + t.to_string() + ") and an earlier one is " +
                                     kind_word(*first) + " (" + first->to_string() + ")");
                        if (!first) first = &t;
                      }
                      return Type::list(unify_all(ctx.inputs), static_cast<int64_t>(ctx.inputs.size()));
                    })
            .exec([](ExecContext&, const Args& args) {
              kernels::check_list_size(args.size(), footprint_of_items(args), "list.make");
              List items;
              items.reserve(args.size());
              for (size_t i = 0; i < args.size(); ++i) items.push_back(args[i]);
              return Value(std::move(items));
            })
            .build());

  r.add(OpBuilder("list.length")
            .doc("The number of elements of a list.")
            .input("list", "Any list.")
            .output("i64 scalar",
                    [](const InferContext& ctx) {
                      expect_list(ctx, 0, "list");
                      return Type::scalar(DType::I64);
                    })
            .exec([](ExecContext&, const Args& args) {
              return Value::scalar<int64_t>(static_cast<int64_t>(args[0].list().size()));
            })
            .build());

  r.add(OpBuilder("list.element")
            .doc("The element at `index`; a negative index counts from the end (-1 is the last). An index out of "
                 "range is a run-time error.")
            .input("list", "Any list.")
            .input("index", "An integer.")
            .output("the list's element type",
                    [](const InferContext& ctx) {
                      Type list = list_of_input(ctx, 0, "list");
                      check_integer_scalar_type(ctx.inputs[1], "index");
                      return list.element_type();
                    })
            .exec([](ExecContext&, const Args& args) {
              const List& items = args[0].list();
              return items[kernels::resolve_index(integer_value(args[1], "index"), items.size())];
            })
            .build());

  r.add(OpBuilder("list.sublist")
            .doc("Elements [begin, end), as a Python slice: negative indices count from the end and bounds beyond "
                 "the list are clamped, so the result may be empty but is never an error.")
            .input("list", "Any list.")
            .input("begin", "First index (an integer).")
            .input("end", "Index after the last (an integer).")
            .output("a list of the same element type; the length is known when the list's length and both bounds are",
                    [](const InferContext& ctx) {
                      Type list = list_of_input(ctx, 0, "list");
                      check_integer_scalar_type(ctx.inputs[1], "begin");
                      check_integer_scalar_type(ctx.inputs[2], "end");
                      int64_t length = kUnknownDim;
                      auto b = constant_int(ctx, 1, "begin"), e = constant_int(ctx, 2, "end");
                      if (list.length >= 0 && b && e) {
                        auto [lo, hi] = kernels::slice_bounds(*b, *e, static_cast<size_t>(list.length));
                        length = static_cast<int64_t>(hi - lo);
                      }
                      return Type::list(list.element_type(), length);
                    })
            .exec([](ExecContext&, const Args& args) {
              const List& items = args[0].list();
              auto [lo, hi] = kernels::slice_bounds(integer_value(args[1], "begin"), integer_value(args[2], "end"),
                                                    items.size());
              return Value(List(items.begin() + static_cast<std::ptrdiff_t>(lo),
                                items.begin() + static_cast<std::ptrdiff_t>(hi)));
            })
            .build());

  r.add(OpBuilder("list.concat")
            .doc("The elements of all the lists, one list after the other.")
            .variadic("lists", "Lists to join (zero or more).")
            .output("a list of the lists' common element type; the length is the sum when every length is known",
                    [](const InferContext& ctx) {
                      std::vector<Type> elements;
                      int64_t length = 0;
                      for (size_t i = 0; i < ctx.inputs.size(); ++i) {
                        Type list = list_of_input(ctx, i, ("lists[" + std::to_string(i) + "]").c_str());
                        elements.push_back(list.element_type());
                        length = (length < 0 || list.length < 0) ? kUnknownDim : length + list.length;
                      }
                      return Type::list(unify_all(elements), length);
                    })
            .exec([](ExecContext&, const Args& args) {
              uint64_t total = 0;
              for (size_t i = 0; i < args.size(); ++i) total += args[i].list().size();
              // the lists' footprints less their own handles: the elements'
              uint64_t bytes = footprint_of_items(args) - kernels::kValueOverheadBytes * args.size();
              kernels::check_list_size(total, bytes, "list.concat");
              List out;
              out.reserve(total);
              for (size_t i = 0; i < args.size(); ++i)
                for (const Value& v : args[i].list()) out.push_back(v);
              return Value(std::move(out));
            })
            .build());

  r.add(OpBuilder("list.repeat")
            .doc("A list of `count` copies of `value` (copies share their payload, so this is cheap).")
            .input("value", "Any value.")
            .input("count", "Number of copies (an integer, 0 to 2^24).")
            .output("a list of value's type; the length is known when count is a constant",
                    [](const InferContext& ctx) {
                      check_integer_scalar_type(ctx.inputs[1], "count");
                      if (ctx.inputs[0].kind == Type::Kind::None) type_error("input 'value' has no value");
                      auto count = constant_int(ctx, 1, "count");
                      int64_t length = count && *count >= 0 && *count <= kernels::kMaxListLength ? *count : kUnknownDim;
                      return Type::list(ctx.inputs[0], length);
                    })
            .exec([](ExecContext&, const Args& args) {
              int64_t count = checked_count(integer_value(args[1], "count"), "list.repeat");
              uint64_t each = kernels::value_footprint(args[0]);
              // count <= 2^24 and each is cut just past 2^31, so the product fits
              kernels::check_list_size(static_cast<uint64_t>(count), kernels::kValueOverheadBytes + each * static_cast<uint64_t>(count),
                                       "list.repeat");
              return Value(List(static_cast<size_t>(count), args[0]));
            })
            .build());

  r.add(OpBuilder("list.range")
            .doc("i64 scalars start, start + step, ... up to but excluding stop, as Python's range. A zero step "
                 "is an error, and so is a range of more than 2^24 elements.")
            .input("start", "First value (an integer).")
            .input("stop", "Bound that is not reached (an integer).")
            .input("step", "Difference between elements (a non-zero integer).")
            .output("a list of i64 scalars; the length is known when all three inputs are constants",
                    [](const InferContext& ctx) {
                      check_integer_scalar_type(ctx.inputs[0], "start");
                      check_integer_scalar_type(ctx.inputs[1], "stop");
                      check_integer_scalar_type(ctx.inputs[2], "step");
                      auto start = constant_int(ctx, 0, "start"), stop = constant_int(ctx, 1, "stop"),
                           step = constant_int(ctx, 2, "step");
                      int64_t length = kUnknownDim;
                      // a bad constant step is left to the run (it may sit in a branch never taken)
                      if (start && stop && step && *step != 0) {
                        try {
                          length = kernels::range_length(*start, *stop, *step);
                        } catch (const Error&) {
                          length = kUnknownDim;
                        }
                      }
                      return Type::list(Type::scalar(DType::I64), length);
                    })
            .exec([](ExecContext&, const Args& args) {
              int64_t start = integer_value(args[0], "start"), stop = integer_value(args[1], "stop"),
                      step = integer_value(args[2], "step");
              int64_t n = kernels::range_length(start, stop, step);
              List out;
              out.reserve(static_cast<size_t>(n));
              // start + k * step stays between start and stop, so it cannot overflow
              for (int64_t k = 0; k < n; ++k) out.push_back(Value::scalar<int64_t>(start + k * step));
              return Value(std::move(out));
            })
            .build());

  r.add(OpBuilder("list.filter")
            .doc("The elements whose mask entry is true (non-zero), in order.")
            .input("list", "Any list.")
            .input("mask", "A 1-D tensor or a list of numbers, as long as the list.")
            .output("a list of the same element type (length unknown)",
                    [](const InferContext& ctx) {
                      Type list = list_of_input(ctx, 0, "list");
                      int64_t n = check_sequence_type(ctx.inputs[1], "mask", false);
                      if (list.length >= 0 && n >= 0 && n != list.length)
                        type_error("input 'mask' has " + std::to_string(n) + " entries but the list has " +
                                   std::to_string(list.length) + " elements");
                      return Type::list(list.element_type());
                    })
            .exec([](ExecContext&, const Args& args) {
              const List& items = args[0].list();
              std::vector<double> mask = kernels::sequence_numbers(args[1], "mask");
              if (mask.size() != items.size())
                argument_error("list.filter mask has " + std::to_string(mask.size()) + " entries but the list has " +
                               std::to_string(items.size()) + " elements");
              List out;
              for (size_t i = 0; i < items.size(); ++i)
                if (mask[i] != 0.0) out.push_back(items[i]);
              return Value(std::move(out));
            })
            .build());

  r.add(OpBuilder("list.gather")
            .doc("The elements at the given indices, in the order of the indices (repeats allowed); negative "
                 "indices count from the end, and any index out of range is a run-time error.")
            .input("list", "Any list.")
            .input("indices", "A 1-D integer tensor or a list of integers.")
            .output("a list of the same element type, as long as indices",
                    [](const InferContext& ctx) {
                      Type list = list_of_input(ctx, 0, "list");
                      int64_t n = check_sequence_type(ctx.inputs[1], "indices", true);
                      return Type::list(list.element_type(), n);
                    })
            .exec([](ExecContext&, const Args& args) {
              const List& items = args[0].list();
              std::vector<int64_t> indices = kernels::sequence_integers(args[1], "indices");
              kernels::check_list_size(indices.size(), 0, "list.gather");
              uint64_t bytes = kernels::kValueOverheadBytes;
              for (size_t k = 0; k < indices.size() && bytes <= kernels::kMaxListBytes; ++k)
                bytes += kernels::value_footprint(items[kernels::resolve_index(indices[k], items.size())]);
              kernels::check_list_size(indices.size(), bytes, "list.gather");
              List out;
              out.reserve(indices.size());
              for (int64_t i : indices) out.push_back(items[kernels::resolve_index(i, items.size())]);
              return Value(std::move(out));
            })
            .build());

  r.add(OpBuilder("list.random_element")
            .doc("A uniformly random element. Consumes one unbiased below(length) draw (multiply-and-reject on "
                 "64-bit words, usually exactly one). An empty list is a run-time error.")
            .input("list", "Any list.")
            .output("the list's element type",
                    [](const InferContext& ctx) { return list_of_input(ctx, 0, "list").element_type(); })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              const List& items = args[0].list();
              if (items.empty()) range_error("list.random_element cannot choose from an empty list");
              RandomStream rng = ctx.random();
              return items[static_cast<size_t>(rng.below(items.size()))];
            })
            .build());
}

}  // namespace pxp
