/* pixelpipes/pixelpipes.h: the whole public C ABI of pixelpipes.
 *
 * Conventions: functions are pxp_<module>_<verb>; every function returns a
 * pxp_status (PXP_OK = 0, negative on error) and writes results through the
 * out-parameters that come first. A T** out gives the caller ownership, freed
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

#endif
