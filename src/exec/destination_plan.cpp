#include "exec/destination_plan.hpp"

#include <algorithm>

namespace pxp {

bool DestinationPlan::targets(size_t o) const {
  const int32_t k = static_cast<int32_t>(o);
  return std::find(writes.begin(), writes.end(), k) != writes.end() ||
         std::find(allocates.begin(), allocates.end(), k) != allocates.end();
}

DestinationPlan plan_destinations(const Program& p) {
  const size_t n = p.instructions.size();
  DestinationPlan plan{std::vector<int32_t>(n, -1), std::vector<int32_t>(n, -1)};
  // how many times each value is read (by instructions and by outputs)
  std::vector<uint32_t> uses(n, 0);
  for (const Instruction& ins : p.instructions)
    for (uint32_t s : ins.inputs)
      if (s < n) ++uses[s];
  for (const auto& out : p.outputs)
    if (out.second < n) ++uses[out.second];
  auto executed = [&](size_t i) { return i < n && p.folded[i].empty(); };
  for (size_t o = 0; o < p.outputs.size(); ++o) {
    const uint32_t s = p.outputs[o].second;
    bool first = true;
    for (size_t k = 0; k < o; ++k) first = first && p.outputs[k].second != s;
    if (!first || !executed(s)) continue;
    const Instruction& ins = p.instructions[s];
    if (ins.op->writes_destination) plan.writes[s] = static_cast<int32_t>(o);
    if (ins.op->allocates_destination) plan.allocates[s] = static_cast<int32_t>(o);
    if (ins.op->writes_destination || ins.op->allocates_destination) continue;
    if (ins.op->name == "tensor.reshape" && ins.inputs.size() == 1) {
      const uint32_t j = ins.inputs[0];
      if (executed(j) && uses[j] == 1 && p.instructions[j].op->allocates_destination)
        plan.allocates[j] = static_cast<int32_t>(o);
    }
  }
  return plan;
}

}  // namespace pxp
