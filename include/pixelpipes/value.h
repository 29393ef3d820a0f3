/* pixelpipes/value.h: read-only access to values computed by a pipeline.
 *
 * A pxp_value is always borrowed from the object that returned it (a sample,
 * or an enclosing list value) and lives exactly as long as that object.
 * Values are immutable, so they may be read from any number of threads.
 */
#ifndef PIXELPIPES_VALUE_H
#define PIXELPIPES_VALUE_H

#include "pixelpipes/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Element types of tensors. The numbers are part of the ABI and of the
 * program format. */
typedef enum pxp_dtype {
  PXP_DTYPE_U8 = 0,
  PXP_DTYPE_I8 = 1,
  PXP_DTYPE_U16 = 2,
  PXP_DTYPE_I16 = 3,
  PXP_DTYPE_I32 = 4,
  PXP_DTYPE_I64 = 5,
  PXP_DTYPE_F32 = 6,
  PXP_DTYPE_F64 = 7,
  PXP_DTYPE_BOOL = 8
} pxp_dtype;

/* Static short name of a dtype ("u8", "f32", "bool"); "?" if unknown. */
PXP_API const char *pxp_dtype_name(int32_t dtype);

/* Size in bytes of one element; 0 if unknown. */
PXP_API size_t pxp_dtype_size(int32_t dtype);

typedef enum pxp_value_kind {
  PXP_VALUE_TENSOR = 0, /* includes scalars: 0-dimensional tensors */
  PXP_VALUE_STRING = 1,
  PXP_VALUE_LIST = 2
} pxp_value_kind;

#define PXP_MAX_DIMS 8

/* A borrowed view of a tensor's memory. data is valid as long as the value
 * it came from. strides are in bytes and may be zero (broadcast) but never
 * negative. */
typedef struct pxp_tensor_view {
  const void *data;
  int32_t dtype;          /* pxp_dtype */
  int32_t ndim;           /* 0 for a scalar */
  int64_t shape[PXP_MAX_DIMS];
  int64_t strides[PXP_MAX_DIMS];
} pxp_tensor_view;

typedef struct pxp_value pxp_value;

/* Kind of a value; PXP_EINVALID_ARGUMENT if value or out is NULL. */
PXP_API pxp_status pxp_value_kind_get(int32_t *out, const pxp_value *value);

/* View of a tensor value; PXP_ETYPE if the value is not a tensor. */
PXP_API pxp_status pxp_value_tensor(pxp_tensor_view *out, const pxp_value *value);

/* Bytes of a string value (not NUL-terminated in general; *out_size bytes).
 * PXP_ETYPE if the value is not a string. */
PXP_API pxp_status pxp_value_string(const char **out, size_t *out_size, const pxp_value *value);

/* Number of elements of a list value; PXP_ETYPE if not a list. */
PXP_API pxp_status pxp_value_list_length(size_t *out, const pxp_value *value);

/* Element i of a list value, borrowed from the list; PXP_EOUT_OF_RANGE if i
 * is past the end. */
PXP_API pxp_status pxp_value_list_get(const pxp_value **out, const pxp_value *value, size_t index);

#ifdef __cplusplus
}
#endif
#endif
