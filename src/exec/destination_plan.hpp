// Which instruction computes each fixed-shape stream output straight into the sample's slot of
// the batch buffer, instead of its own memory that the stream then copies:
//  - an output instruction whose op writes_destination() gets the slot as ExecContext::destination;
//  - one whose op allocates_destination() gets it as its allocation (core/output_target.hpp);
//  - an output that is a tensor.reshape (a view: the augmentations reshape to pin static shapes)
//    passes the slot on to the instruction it reshapes, when that op allocates_destination() and
//    nothing else uses its value.
// Only the first output of a value takes part (a value output twice is copied for the others).
#pragma once

#include <cstdint>
#include <vector>

#include "program/program.hpp"

namespace pxp {

struct DestinationPlan {
  std::vector<int32_t> writes;     // per instruction: the output it writes into, or -1
  std::vector<int32_t> allocates;  // per instruction: the output its result may be allocated in, or -1

  // Whether output o has an instruction that can compute into its slot.
  bool targets(size_t o) const;
};

DestinationPlan plan_destinations(const Program& program);

}  // namespace pxp
