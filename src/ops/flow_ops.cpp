// flow.*: control flow. Conditional branches are real jumps, so a branch that
// a sample does not take costs nothing; flow.merge joins their results.
#include "ops/families.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

namespace {
Type infer_merge(const InferContext& ctx) {
  expect_scalar(ctx, 0, "selector");
  if (ctx.inputs[0].dtype && is_float(*ctx.inputs[0].dtype))
    type_error("input 'selector' must be an integer or boolean, not " + ctx.inputs[0].to_string());
  if (ctx.inputs.size() < 2) type_error("flow.merge needs at least one value to choose from");
  Type t = ctx.inputs[1];
  for (size_t i = 2; i < ctx.inputs.size(); ++i) t = unify(t, ctx.inputs[i]);
  return t;
}

Type infer_select(const InferContext& ctx) {
  expect_scalar(ctx, 0, "condition");
  return unify(ctx.inputs[1], ctx.inputs[2]);
}
}  // namespace

void register_flow_ops(Registry& r) {
  r.add(OpBuilder("flow.jump")
            .doc("Continues at instruction `target`, skipping everything in between.")
            .attr_int("target", std::nullopt, "Index of the next instruction to run (after this one).", 0)
            .output("nothing", [](const InferContext&) { return Type::none(); })
            .control(Control::Jump)
            .build());

  r.add(OpBuilder("flow.branch")
            .doc("Runs the next instructions only if `condition` is true; otherwise continues at `target`.")
            .input("condition", "A scalar; zero is false.")
            .attr_int("target", std::nullopt, "Index of the instruction to continue at when the condition is false.", 0)
            .output("nothing",
                    [](const InferContext& ctx) {
                      expect_scalar(ctx, 0, "condition");
                      return Type::none();
                    })
            .control(Control::Branch)
            .build());

  r.add(OpBuilder("flow.merge")
            .doc("Joins branches: the value number `selector` among `values` (only the chosen one need have "
                 "been computed). A boolean selector picks values[1] when true, values[0] when false.")
            .input("selector", "Integer or boolean scalar choosing the branch.")
            .variadic("values", "One value per branch.")
            .output("the common type of the values", infer_merge)
            .control(Control::Merge)
            .build());

  r.add(OpBuilder("flow.select")
            .doc("`a` if `condition` is true, else `b`. Both are computed; use a conditional branch to skip work.")
            .input("condition", "A scalar; zero is false.")
            .input("a", "Value when true.")
            .input("b", "Value when false.")
            .output("the common type of a and b", infer_select)
            .exec([](ExecContext&, const Args& args) {
              return scalar_arg(args, 0, "condition") != 0.0 ? args[1] : args[2];
            })
            .build());
}

}  // namespace pxp
