// The one list of op families, and the library's registry made of them. Explicit
// calls (no static initializers) keep every op in a static build too.
#include "ops/families.hpp"

namespace pxp {

namespace {
void register_all_ops(Registry& r) {
  register_core_ops(r);
  register_flow_ops(r);
  register_math_ops(r);
  register_random_ops(r);
  register_list_ops(r);
  register_tensor_ops(r);
  register_io_ops(r);
  register_image_ops(r);
  register_geometry_matrix_ops(r);
  register_geometry_annotation_ops(r);
  register_geometry_distortion_ops(r);
  register_geometry_grid_shuffle_ops(r);
  register_geometry_grid_elastic_ops(r);
  register_color_adjust_ops(r);
  register_color_value_ops(r);
  register_color_tone_ops(r);
  register_color_effects_ops(r);
  register_filter_ops(r);
  register_filter_blur_ops(r);
  register_domain_ops(r);
  register_noise_ops(r);
  register_noise_field_ops(r);
  register_image_quality_ops(r);
  register_effects_ops(r);
  register_mask_ops(r);
  register_mask_coco_ops(r);
  register_dataset_ops(r);
}
}  // namespace

const Registry& Registry::global() {
  // Built on first use (thread-safe static init), never from static initializers of op files.
  static const Registry registry = [] {
    Registry r;
    register_all_ops(r);
    return r;
  }();
  return registry;
}

}  // namespace pxp
