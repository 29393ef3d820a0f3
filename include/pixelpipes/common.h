/* pixelpipes/common.h: export macro, status codes, versions and the last error.
 *
 * Thread safety: every function here may be called from any thread. The last
 * error is thread-local: it describes the most recent failing call made on the
 * calling thread and stays valid until the next failing call on that thread.
 */
#ifndef PIXELPIPES_COMMON_H
#define PIXELPIPES_COMMON_H

/* When PIXELPIPES_CDEF is defined (only while the header is preprocessed for
 * cffi's cdef), no system header is included and the export macro is empty. */
#ifndef PIXELPIPES_CDEF
#include <stddef.h>
#include <stdint.h>
#if defined(_WIN32)
#define PXP_API __declspec(dllexport)
#else
#define PXP_API __attribute__((visibility("default")))
#endif
#else
#define PXP_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Library version of the header; pxp_version() gives the one of the loaded
 * library, and bindings check that both agree. */
#define PXP_VERSION_MAJOR 0
#define PXP_VERSION_MINOR 1
#define PXP_VERSION_PATCH 0
#define PXP_VERSION_STRING "0.1.0"

/* Program format version written by this header's library. */
#define PXP_PROGRAM_FORMAT_MAJOR 1
#define PXP_PROGRAM_FORMAT_MINOR 0

/* Every function returns a status: 0 is success, positive values are
 * non-error outcomes, negative values are errors. */
typedef int32_t pxp_status;

enum {
  PXP_OK = 0,
  PXP_END_OF_STREAM = 1,
  PXP_NOT_FOUND = 2, /* a look-up found nothing recorded (not an error) */
  PXP_EINVALID_ARGUMENT = -1,
  PXP_EINVALID_PROGRAM = -2,
  PXP_EUNSUPPORTED_VERSION = -3,
  PXP_EUNKNOWN_OP = -4,
  PXP_ETYPE = -5,
  PXP_EIO = -6,
  PXP_EDECODE = -7,
  PXP_ENOMEM = -8,
  PXP_ESTATE = -9,
  PXP_EOUT_OF_RANGE = -10,
  PXP_EINTERNAL = -11
};

/* Static name of a status ("PXP_EINVALID_PROGRAM"); "PXP_UNKNOWN_STATUS" for
 * a value that is not a status. Never NULL. */
PXP_API const char *pxp_status_name(pxp_status status);

/* "MAJOR.MINOR.PATCH" of the loaded library; static storage. */
PXP_API const char *pxp_version(void);

/* Version of the loaded library as MAJOR * 10000 + MINOR * 100 + PATCH. */
PXP_API int32_t pxp_version_number(void);

/* Description of the last error on the calling thread. Fields that are not
 * known are -1 (integers) or "" (strings). Strings are owned by the library
 * and live until the next failing call on the same thread. */
typedef struct pxp_error_info {
  pxp_status code;
  const char *message;     /* full human-readable message */
  int64_t sample;          /* sample index being computed, or -1 (also for
                              indices >= 2^63: see pxp_error_last_sample) */
  int64_t instruction;     /* instruction index in the program, or -1 */
  const char *op;          /* op name ("math.add"), or "" */
  const char *node;        /* the user's node label, or "" */
  const char *source;      /* the user's "file:line", or "" */
} pxp_error_info;

/* Fills *out with the last error of the calling thread (code PXP_OK and empty
 * strings if no call has failed yet). Returns PXP_EINVALID_ARGUMENT if out is
 * NULL. Does not change the last error. */
PXP_API pxp_status pxp_error_last(pxp_error_info *out);

/* The sample index of the last error of the calling thread, any uint64_t
 * (pxp_error_info.sample holds only indices below 2^63). PXP_OK and *out set
 * when the error names a sample; PXP_NOT_FOUND when it names none;
 * PXP_EINVALID_ARGUMENT if out is NULL. Does not change the last error. */
PXP_API pxp_status pxp_error_last_sample(uint64_t *out);

/* The file the last error's sample was reading (the path given to the
 * io.read_file upstream of the failing op), or "" when none. Owned by the
 * library, valid until the next failing call on the same thread. The full
 * message names it too. */
PXP_API const char *pxp_error_last_file(void);

/* Clears the last error of the calling thread. */
PXP_API void pxp_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
