// core.*: constants and the sample index.
#include "ops/op_helpers.hpp"
#include "ops/families.hpp"

namespace pxp {

void register_core_ops(Registry& r) {
  r.add(OpBuilder("core.constant")
            .doc("A value from the program's constant table (scalars, strings, lists, tensors).")
            .attr_int("index", std::nullopt, "Position in the program's constant table.", 0)
            .output("the constant's own type", [](const InferContext&) { return Type::any(); })
            .control(Control::Constant)
            .build());

  r.add(OpBuilder("core.sample_index")
            .doc("The index of the sample being computed, as an i64 scalar.")
            .output("i64 scalar", [](const InferContext&) { return Type::scalar(DType::I64); })
            .impure()
            .exec([](ExecContext& ctx, const Args&) {
              return Value::scalar<int64_t>(static_cast<int64_t>(ctx.sample()));
            })
            .build());
}

}  // namespace pxp
