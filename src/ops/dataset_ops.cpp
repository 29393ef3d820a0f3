// dataset.*: from a stream position to a dataset item. The order of every epoch
// is a permutation derived from (seed, epoch), computed per element, so any
// position of any epoch costs O(1): resuming needs only (seed, position).
#include "kernels/permutation.hpp"
#include "ops/families.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

namespace {
void check_position_and_size(const InferContext& ctx) {
  expect_scalar(ctx, 0, "position");
  expect_scalar(ctx, 1, "size");
  for (size_t i = 0; i < 2; ++i)
    if (ctx.inputs[i].dtype && !is_integer(*ctx.inputs[i].dtype))
      type_error(std::string("input '") + (i ? "size" : "position") + "' must be an integer, not " +
                 ctx.inputs[i].to_string());
}

// position and size as checked unsigned values.
std::pair<uint64_t, uint64_t> position_and_size(const Args& args) {
  int64_t position = int_arg(args, 0, "position");
  int64_t size = int_arg(args, 1, "size");
  if (position < 0) range_error("position must not be negative, got " + std::to_string(position));
  if (size <= 0) range_error("dataset size must be positive, got " + std::to_string(size));
  return {static_cast<uint64_t>(position), static_cast<uint64_t>(size)};
}
}  // namespace

void register_dataset_ops(Registry& r) {
  r.add(OpBuilder("dataset.epoch")
            .doc("The epoch of a stream position: position // size.")
            .input("position", "Stream position (the sample index), an integer >= 0.")
            .input("size", "Number of items in the dataset, > 0.")
            .output("i64 scalar",
                    [](const InferContext& ctx) {
                      check_position_and_size(ctx);
                      return Type::scalar(DType::I64);
                    })
            .exec([](ExecContext&, const Args& args) {
              auto [position, size] = position_and_size(args);
              return Value::scalar<int64_t>(static_cast<int64_t>(position / size));
            })
            .build());

  r.add(OpBuilder("dataset.item")
            .doc("The dataset item at a stream position. Every epoch visits each item once; with `shuffle`, "
                 "in an order that is a pseudo-random permutation chosen by (pipeline seed, node, epoch), "
                 "evaluated in O(1) for any position, so streams start and resume anywhere at no cost.")
            .input("position", "Stream position (the sample index), an integer >= 0.")
            .input("size", "Number of items in the dataset, > 0.")
            .attr_bool("shuffle", true, "Shuffle every epoch; false: items in order, epoch after epoch.")
            .output("i64 scalar in [0, size)",
                    [](const InferContext& ctx) {
                      check_position_and_size(ctx);
                      return Type::scalar(DType::I64);
                    })
            .random()
            .exec([](ExecContext& ctx, const Args& args) {
              auto [position, size] = position_and_size(args);
              uint64_t epoch = position / size, offset = position % size;
              if (!ctx.attrs.get_bool("shuffle")) return Value::scalar<int64_t>(static_cast<int64_t>(offset));
              uint64_t key = ctx.random_for(epoch).next_u64();  // the epoch's permutation key
              return Value::scalar<int64_t>(static_cast<int64_t>(kernels::permute_index(offset, size, key)));
            })
            .build());
}

}  // namespace pxp
