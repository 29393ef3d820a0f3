// core.*: constants, the sample index and run-time checks.
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

  r.add(OpBuilder("core.check")
            .doc("Passes `value` on when every element of `condition` is true (non-zero; an empty condition holds), "
                 "else fails the sample with `message` (PXP_EARGUMENT, with the node and source line): a check of "
                 "the data, e.g. annotations inside their image.")
            .input("value", "Any value: the result.")
            .input("condition", "A tensor or number; every element must be non-zero.")
            .input("message", "A string: what is wrong and how to fix it.")
            .output("value's type",
                    [](const InferContext& ctx) {
                      expect_tensor(ctx, 1, "condition");
                      expect_string(ctx, 2, "message");
                      return ctx.inputs[0];
                    })
            .exec([](ExecContext&, const Args& args) {
              if (!args[1].is_tensor())
                type_error("input 'condition' must be a tensor or number, not " + args[1].describe());
              if (!args[2].is_string()) type_error("input 'message' must be a string, not " + args[2].describe());
              Tensor holds = args[1].tensor().cast(DType::Bool).contiguous();
              const bool* b = holds.data<bool>();
              for (int64_t i = 0; i < holds.numel(); ++i)
                if (!b[i]) argument_error(args[2].string());
              return args[0];
            })
            .build());
}

}  // namespace pxp
