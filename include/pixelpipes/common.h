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

/* The last error of the calling thread. The library owns the struct and its
 * strings; they stay valid until the next failing call on the same thread.
 * Fields are only ever added at the end (the caller never allocates it), so a
 * new field needs no new function. Fields that are not known are -1, 0 or "". */
typedef struct pxp_error {
  pxp_status code;         /* PXP_OK if no call has failed on this thread */
  const char *message;     /* full human-readable message */
  uint32_t has_sample;     /* nonzero: the error names a sample (the field below) */
  uint64_t sample;         /* the sample index being computed, any uint64_t */
  int64_t instruction;     /* instruction index in the program, or -1 */
  const char *op;          /* op name ("math.add"), or "" */
  const char *node;        /* the user's node label, or "" */
  const char *source;      /* the user's "file:line", or "" */
  const char *file;        /* the file the failing sample was reading (the path given
                              to the io.read_file upstream of the failing op), or "" */
} pxp_error;

/* The last error of the calling thread; never NULL. Does not change it. */
PXP_API const pxp_error *pxp_error_last(void);

/* Clears the last error of the calling thread. */
PXP_API void pxp_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
