/* pixelpipes/callback.h: items computed by the host program (the Python escape hatch).
 *
 * A program's io.callback op asks the callback registered under a name for item `index`: the
 * callback fills a result tensor (pxp_callback_result_tensor) and returns 0, or describes its
 * failure (pxp_callback_result_error) and returns non-zero; the op then fails with PXP_EIO naming
 * the callback and the item. Callbacks run on the pipeline's worker threads, several at once:
 * they must be thread-safe. A program that names a callback no one registered fails per sample
 * with PXP_ESTATE (a saved program that calls Python runs only where its callback is registered).
 * Registration functions may be called from any thread.
 */
#ifndef PIXELPIPES_CALLBACK_H
#define PIXELPIPES_CALLBACK_H


#include "pixelpipes/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pxp_callback_result pxp_callback_result;

/* Computes item `index` into `result`; returns 0 on success. */
typedef int32_t (*pxp_item_callback)(void *user_data, int64_t index, pxp_callback_result *result);

/* Registers `callback` (with `user_data`, passed back on every call) under `name` (1 to 255
 * bytes), replacing any callback of that name; calls already running finish with the old one.
 * user_data must stay valid until the callback is replaced or unregistered and no call of it
 * runs any more. */
PXP_API pxp_status pxp_callback_register(const char *name, pxp_item_callback callback, void *user_data);

/* Removes the callback of `name` (PXP_EOUT_OF_RANGE if there is none). Returns once no call of
 * it runs any more, so user_data may be freed afterwards; never call it from the callback. */
PXP_API pxp_status pxp_callback_unregister(const char *name);

/* For the callback: allocates the result, a tensor of `dtype` with `ndim` dimensions of `shape`,
 * and returns its contiguous memory (row-major, numel * pxp_dtype_size(dtype) bytes, contents
 * unspecified) in *out_data, for the callback to fill before it returns. Called again, it
 * replaces the earlier result. */
PXP_API pxp_status pxp_callback_result_tensor(void **out_data, pxp_callback_result *result, int32_t dtype,
                                              size_t ndim, const int64_t *shape);

/* For the callback: the message of its failure (copied), shown in the op's error. */
PXP_API pxp_status pxp_callback_result_error(pxp_callback_result *result, const char *message);

#ifdef __cplusplus
}
#endif

#endif
