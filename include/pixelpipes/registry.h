/* pixelpipes/registry.h: introspection of the registered ops.
 *
 * The registry is filled once, on first use, and is read-only afterwards:
 * every function here may be called from any thread.
 */
#ifndef PIXELPIPES_REGISTRY_H
#define PIXELPIPES_REGISTRY_H

#include "pixelpipes/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Number of registered ops. */
PXP_API pxp_status pxp_registry_count(size_t *out);

/* Name of op number index (0 <= index < count, sorted by name). The string is
 * static. PXP_EOUT_OF_RANGE past the end. */
PXP_API pxp_status pxp_registry_name(const char **out, size_t index);

/* JSON schema of an op: {"name", "doc", "inputs": [{"name","doc","variadic"}],
 * "attributes": [{"name","type","default"?,"min"?,"max"?,"choices"?,"doc"}],
 * "output": "<type rule in words>", "random": bool, "pure": bool,
 * "control": "none" | "jump" | "branch" | "merge" | "constant"} (control: what
 * the interpreter does besides calling the op: the flow ops and constants).
 * The string is static. PXP_EUNKNOWN_OP if no op has that name. */
PXP_API pxp_status pxp_registry_schema(const char **out, const char *op_name);

#ifdef __cplusplus
}
#endif
#endif
