/* pixelpipes/pipeline.h: running a program for sample indices.
 *
 * A pipeline is driven by one thread at a time (its own worker threads are
 * internal). Different pipelines are independent. Sample i of a pipeline with
 * seed s is a pure function of (program, s, i): the same bits whatever the
 * number of threads.
 */
#ifndef PIXELPIPES_PIPELINE_H
#define PIXELPIPES_PIPELINE_H

#include "pixelpipes/common.h"
#include "pixelpipes/program.h"
#include "pixelpipes/value.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a stream does with a sample that fails (a corrupt image, a missing
 * file, any error of the sample's computation); pxp_pipeline_options.on_error.
 * pxp_pipeline_run and pxp_pipeline_run_many always raise. */
enum {
  /* The batch fails with the sample's error (its index, file, op and node). */
  PXP_ON_ERROR_RAISE = 0,
  /* The sample is replaced by the sample at another position, drawn as a pure
   * function of (seed, failing position, attempt) inside the failing
   * position's epoch (epoch_length positions; 2^32 when epoch_length is 0);
   * after max_attempts failing replacements the batch fails with the original
   * error. Skips are counted (pxp_pipeline_error_stats_get). */
  PXP_ON_ERROR_SKIP = 1,
  /* The sample is replaced by the sample at position fallback_index (a sample
   * the caller knows is good); if that fails too the batch fails. Counted. */
  PXP_ON_ERROR_FALLBACK = 2
};

/* Options of pxp_pipeline_create. Fill with pxp_pipeline_options_init, then
 * set what you need: the library owns every default and limit. New fields are
 * only ever added at the end, and version says which are set. */
typedef struct pxp_pipeline_options {
  uint32_t version;   /* PXP_PIPELINE_OPTIONS_VERSION */
  uint64_t seed;      /* pipeline seed */
  uint32_t threads;   /* worker threads for pxp_pipeline_run_many; 0: one per core */
  /* version 2 */
  uint32_t on_error;         /* PXP_ON_ERROR_*, for streams */
  uint32_t max_attempts;     /* skip: replacements tried per failing sample (1 .. 1024; 0: the default) */
  uint64_t fallback_index;   /* fallback: the position computed instead of a failing one */
  uint64_t epoch_length;     /* positions per epoch (0: unknown): replacements stay in the
                                failing sample's epoch and skips are counted per epoch */
  uint64_t max_batch_bytes;  /* limit on the bytes of one batch's outputs (0: none); a stream
                                whose batch would exceed it fails with PXP_ENOMEM */
  /* version 3 */
  uint64_t max_file_bytes;   /* largest file io.read_file reads (0: the default); a larger
                                one fails with PXP_EIO naming the limit */
} pxp_pipeline_options;

#define PXP_PIPELINE_OPTIONS_VERSION 3

/* Fills *options with the library's defaults for the fields of struct version
 * `version` (1 .. PXP_PIPELINE_OPTIONS_VERSION; pass PXP_PIPELINE_OPTIONS_VERSION)
 * and sets options->version. The limits are checked by pxp_pipeline_create,
 * which names the field out of range. */
PXP_API pxp_status pxp_pipeline_options_init(pxp_pipeline_options *options, uint32_t version);

typedef struct pxp_pipeline pxp_pipeline;
typedef struct pxp_sample pxp_sample;

/* Creates a pipeline over a program (the pipeline keeps its own reference).
 * options may be NULL for the defaults; fields that the caller's version of
 * the struct does not have take their defaults. PXP_EINVALID_ARGUMENT names an
 * option out of its range. The caller owns *out. */
PXP_API pxp_status pxp_pipeline_create(pxp_pipeline **out, const pxp_program *program,
                                       const pxp_pipeline_options *options);

/* Stops the workers (waiting for work in flight) and frees the pipeline;
 * NULL is a no-op. Samples already returned stay valid. */
PXP_API void pxp_pipeline_free(pxp_pipeline *pipeline);

/* Computes sample index on the calling thread. The caller owns *out. On an
 * error the last error names the sample, instruction, op, node and source. */
PXP_API pxp_status pxp_pipeline_run(pxp_sample **out, pxp_pipeline *pipeline, uint64_t index);

/* Computes samples start .. start+count-1 on the worker threads and stores
 * them in out[0..count-1] (the caller owns each). If any sample fails, none is
 * returned (all out[i] are NULL) and the last error describes the failing
 * sample with the lowest index. */
PXP_API pxp_status pxp_pipeline_run_many(pxp_sample **out, pxp_pipeline *pipeline, uint64_t start,
                                         size_t count);

/* Changes the number of worker threads (0: one per core; at most 1024). A pool
 * already started with another count is stopped and joined first, so a
 * pipeline never holds more than one pool of threads. PXP_ESTATE while a
 * stream runs on the pipeline. */
PXP_API pxp_status pxp_pipeline_set_threads(pxp_pipeline *pipeline, uint32_t threads);

/* Interrupts a pxp_pipeline_run_many in progress (interrupted nonzero): it
 * stops claiming samples, lets those in flight finish and fails with
 * PXP_ESTATE "run_many was interrupted". Every later run_many fails the same
 * way until this is called again with interrupted 0. The one function that
 * may be called from another thread while the pipeline's driving thread is
 * inside a call (this is how a binding turns Ctrl-C into a prompt stop). */
PXP_API pxp_status pxp_pipeline_interrupt(pxp_pipeline *pipeline, uint32_t interrupted);

/* Frees a sample and every value borrowed from it; NULL is a no-op. A sample
 * does not depend on its pipeline: it may outlive it. */
PXP_API void pxp_sample_free(pxp_sample *sample);

/* Sample index this sample was computed for. */
PXP_API pxp_status pxp_sample_index(uint64_t *out, const pxp_sample *sample);

/* Output number i (in the program's output order), borrowed from the sample. */
PXP_API pxp_status pxp_sample_output(const pxp_value **out, const pxp_sample *sample, size_t index);

/* ---- Streams of batches ---------------------------------------------------
 * A pipeline streams batches on its own worker threads. Batch k of rank r
 * holds the samples at positions start + (k * world_size + rank) * batch_size
 * + [0, batch_size), so the ranks' batch k together are global batch k of a
 * single process with batch_size * world_size samples. Outputs whose shape is
 * fixed at load come back as one contiguous tensor with a leading batch
 * dimension that the workers write into directly; outputs whose shape varies
 * come back as a list of tensors, or padded with zeros when pad_varying is set
 * (their lengths through pxp_batch_lengths). Batch buffers are reused once a
 * batch is freed. */
typedef struct pxp_stream_options {
  uint32_t version;     /* PXP_STREAM_OPTIONS_VERSION */
  uint64_t start;       /* stream position of the first sample of global batch 0 */
  uint32_t batch_size;  /* samples per batch of this rank (>= 1) */
  uint32_t prefetch;    /* batches computed ahead (>= 1) */
  uint32_t rank;        /* this rank, < world_size */
  uint32_t world_size;  /* number of ranks sharing every global batch (>= 1) */
  uint32_t pad_varying; /* nonzero: varying-shape outputs padded instead of listed */
  /* version 2 */
  uint32_t has_stop;    /* nonzero: the stream ends at position stop; otherwise at 2^64,
                           the end of all positions (positions never wrap around) */
  uint64_t stop;        /* has_stop: end (exclusive) of the stream's positions, >= start */
  uint32_t drop_last;   /* nonzero: the global batch that the end cuts short is not
                           returned, by any rank (every rank has the same count);
                           otherwise its part of it is returned with fewer samples
                           (pxp_batch_info.size) */
} pxp_stream_options;

#define PXP_STREAM_OPTIONS_VERSION 2

/* Fills *options with the library's defaults for struct version `version`
 * (1 .. PXP_STREAM_OPTIONS_VERSION) and sets options->version: from position 0,
 * batches of 1, 2 computed ahead, one rank, no stop. */
PXP_API pxp_status pxp_stream_options_init(pxp_stream_options *options, uint32_t version);

typedef struct pxp_batch pxp_batch;

/* Starts (or restarts) the pipeline's stream; a stream already running is
 * stopped first and the batches it had computed ahead are dropped. */
PXP_API pxp_status pxp_pipeline_start(pxp_pipeline *pipeline, const pxp_stream_options *options);

/* The next batch, in order; blocks until it is ready. The caller owns *out.
 * After the stream's last batch: PXP_END_OF_STREAM (not an error) and *out
 * NULL, at every later call. A sample's error is returned here (with its
 * sample index, op and node); the stream then moves past that batch.
 * PXP_ESTATE if no stream was started. */
PXP_API pxp_status pxp_pipeline_next_batch(pxp_batch **out, pxp_pipeline *pipeline);

/* The number of batches the current stream returns in all (those already
 * returned included), saturated at UINT64_MAX for a stream that ends only at
 * 2^64. A rank's last batch may be short (drop_last 0), and a rank may have one
 * batch fewer than lower ranks. PXP_ESTATE if no stream was started. */
PXP_API pxp_status pxp_pipeline_stream_batch_count(uint64_t *out, const pxp_pipeline *pipeline);

/* Stops the stream: work not yet started is dropped, work in flight finishes.
 * Batches already returned stay valid. No-op without a stream. */
PXP_API pxp_status pxp_pipeline_stop(pxp_pipeline *pipeline);

typedef struct pxp_batch_info {
  uint64_t number;          /* k: the k-th batch of the stream */
  uint64_t first_position;  /* stream position of its first sample */
  uint32_t size;            /* samples in the batch */
} pxp_batch_info;

PXP_API pxp_status pxp_batch_info_get(pxp_batch_info *out, const pxp_batch *batch);

/* Output i of the batch (program output order), borrowed from the batch. */
PXP_API pxp_status pxp_batch_output(const pxp_value **out, const pxp_batch *batch, size_t index);

/* For a padded output: an i64 tensor [size, ndim] of each sample's shape.
 * PXP_ESTATE if the output is not padded. */
PXP_API pxp_status pxp_batch_lengths(const pxp_value **out, const pxp_batch *batch, size_t index);

/* Frees a batch; its buffers return to the pipeline's pool. NULL is a no-op.
 * A batch may outlive its pipeline. */
PXP_API void pxp_batch_free(pxp_batch *batch);

typedef struct pxp_pipeline_stats {
  uint64_t buffers_allocated;  /* batch buffers allocated by the current stream */
  uint64_t buffers_reused;     /* batch buffers taken from its pool instead */
} pxp_pipeline_stats;

PXP_API pxp_status pxp_pipeline_stats_get(pxp_pipeline_stats *out, const pxp_pipeline *pipeline);

/* Failing samples of the batches returned by pxp_pipeline_next_batch since the
 * pipeline was created (over every stream it ran; batches computed ahead and
 * dropped are not counted). The caller sets version; fields are only ever
 * added at the end. */
typedef struct pxp_error_stats {
  uint32_t version;          /* PXP_ERROR_STATS_VERSION, set by the caller */
  uint64_t failed;           /* samples that failed (each failing position once) */
  uint64_t skipped;          /* ... replaced under PXP_ON_ERROR_SKIP */
  uint64_t fallbacks;        /* ... replaced by fallback_index */
  uint64_t failed_attempts;  /* replacement samples that failed as well */
  uint64_t epochs;           /* epochs with at least one skip (see pxp_pipeline_epoch_skips) */
} pxp_error_stats;

#define PXP_ERROR_STATS_VERSION 1

PXP_API pxp_status pxp_pipeline_error_stats_get(pxp_error_stats *out, const pxp_pipeline *pipeline);

/* Skips and fallbacks per epoch (failing position / epoch_length; everything
 * is epoch 0 when epoch_length is 0), ascending by epoch, for the epochs with
 * at least one: writes up to capacity pairs into epochs[] and counts[] (either
 * may be NULL when capacity is 0) and the number of such epochs into *total. */
PXP_API pxp_status pxp_pipeline_epoch_skips(uint64_t *epochs, uint64_t *counts, size_t capacity, size_t *total,
                                            const pxp_pipeline *pipeline);

/* ---- Per-op profile -------------------------------------------------------
 * When profiling is on, every instruction a sample executes adds one to its
 * count and its steady-clock time to its total; instructions folded at load
 * and instructions skipped by a jump (an untaken branch) are not counted, nor
 * is an instruction whose op fails. It covers samples computed by
 * pxp_pipeline_run, pxp_pipeline_run_many and streams, on any worker. Off (the
 * default) it costs one predictable branch per instruction and no clock read.
 *
 * The profile has one row per instruction of the program, in program order
 * (row i is instruction i), and one last row, op "(batch copy)", for streams
 * copying each sample's outputs into the batch buffers (count: samples
 * copied). Not included: the interpreter's per-sample set-up and the padding
 * of varying outputs (pad_varying). Times are wall time on the thread that ran
 * the instruction, so with several workers the total exceeds elapsed time.
 *
 * Thread safety: like every pipeline call, one thread at a time per pipeline;
 * the workers may be running (reading is safe while a stream computes batches
 * ahead; a sample in flight may be counted in part). The switch takes effect
 * at each worker's next sample. */

/* Switches profiling on (enabled nonzero) or off. Counts so far are kept. */
PXP_API pxp_status pxp_pipeline_profile_enable(pxp_pipeline *pipeline, uint32_t enabled);

/* Starts the profile again from zero (whether profiling is on or off). */
PXP_API pxp_status pxp_pipeline_profile_reset(pxp_pipeline *pipeline);

/* One row of the profile. The layout is fixed (it is an array element): new
 * information would come with a new function, never by growing this struct. */
typedef struct pxp_profile_row {
  const char *op;        /* op name, or "(batch copy)" for the last row; static */
  const char *node;      /* the user's node label, "" if none; valid while the pipeline lives */
  const char *source;    /* the user's "file:line", "" if none; valid while the pipeline lives */
  uint64_t count;        /* executions since the last reset */
  uint64_t nanoseconds;  /* their total steady-clock time */
} pxp_profile_row;

/* The profile since the pipeline was created or last reset: writes rows 0 ..
 * min(capacity, total) - 1 into rows[] (which may be NULL when capacity is 0)
 * and the number of rows, the program's instruction count + 1, into *total. */
PXP_API pxp_status pxp_pipeline_profile_get(pxp_profile_row *rows, size_t capacity, size_t *total,
                                            const pxp_pipeline *pipeline);

#ifdef __cplusplus
}
#endif
#endif
