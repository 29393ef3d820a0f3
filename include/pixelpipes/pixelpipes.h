/* pixelpipes/pixelpipes.h: the whole public C ABI of pixelpipes.
 *
 * Conventions: functions are pxp_<module>_<verb>; every function that can
 * fail returns a pxp_status (PXP_OK = 0, negative on error) and writes
 * results through the out-parameters that come first. Those that cannot fail
 * return their result directly: the pxp_*_free functions and
 * pxp_error_clear (void), pxp_status_name, pxp_version, pxp_version_number,
 * pxp_error_last, pxp_dtype_name and pxp_dtype_size. Option structs are filled
 * with their pxp_*_options_init: the library owns every default and limit. A T** out gives the caller ownership, freed
 * with pxp_T_free (NULL is a no-op). No C++ exception crosses this ABI.
 * See docs/c-api.md for lifetimes, thread safety and the stability promise.
 */
#ifndef PIXELPIPES_PIXELPIPES_H
#define PIXELPIPES_PIXELPIPES_H

#include "pixelpipes/common.h"
#include "pixelpipes/value.h"
#include "pixelpipes/registry.h"
#include "pixelpipes/program.h"
#include "pixelpipes/pipeline.h"
#include "pixelpipes/callback.h"

#endif
