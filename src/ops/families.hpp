// One registration function per op family; all_ops.cpp calls each exactly once.
#pragma once

#include "registry/registry.hpp"

namespace pxp {

void register_core_ops(Registry& r);
void register_flow_ops(Registry& r);
void register_math_ops(Registry& r);
void register_random_ops(Registry& r);
void register_list_ops(Registry& r);
void register_tensor_ops(Registry& r);
void register_io_ops(Registry& r);
void register_image_ops(Registry& r);
void register_geometry_matrix_ops(Registry& r);
void register_geometry_annotation_ops(Registry& r);
void register_geometry_distortion_ops(Registry& r);
void register_geometry_grid_shuffle_ops(Registry& r);
void register_geometry_grid_elastic_ops(Registry& r);
void register_color_adjust_ops(Registry& r);
void register_color_value_ops(Registry& r);
void register_color_tone_ops(Registry& r);
void register_color_effects_ops(Registry& r);
void register_filter_ops(Registry& r);
void register_filter_blur_ops(Registry& r);
void register_domain_ops(Registry& r);
void register_noise_ops(Registry& r);
void register_noise_field_ops(Registry& r);
void register_image_quality_ops(Registry& r);
void register_effects_ops(Registry& r);
void register_mask_ops(Registry& r);
void register_mask_coco_ops(Registry& r);
void register_dataset_ops(Registry& r);

}  // namespace pxp
