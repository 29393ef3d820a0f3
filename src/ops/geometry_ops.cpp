#include "ops/families.hpp"
#include "ops/op_helpers.hpp"

namespace pxp {

void register_geometry_ops(Registry& r) { (void)r; }

}  // namespace pxp
