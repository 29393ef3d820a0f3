/* Conan and CMake consumer of pixelpipes::pixelpipes, in C99: loads a small committed program
 * (sample_index.pxp: index, linear = 3 * index + 1, product = (index - 5) * (index + 2)), streams
 * two batches of four samples and checks every value.
 *
 *   test_package PROGRAM
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pixelpipes/pixelpipes.h"

static int fail(const char *what) {
  const pxp_error *e = pxp_error_last();
  fprintf(stderr, "test_package: %s: %s: %s\n", what, pxp_status_name(e->code), e->message);
  return 1;
}

static char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  long n = 0;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
    data = (char *)malloc((size_t)n);
    if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
      free(data);
      data = NULL;
    }
  }
  fclose(f);
  *size = (size_t)n;
  return data;
}

/* Checks the stacked i64 batch output number output against the formula which (0, 1, 2). */
static int expect_column(const pxp_batch *batch, size_t output, uint64_t first, uint32_t size, int which) {
  const pxp_value *value = NULL;
  pxp_tensor_view view;
  uint32_t k;
  if (pxp_batch_output(&value, batch, output) != PXP_OK || pxp_value_tensor(&view, value) != PXP_OK)
    return fail("batch output");
  if (view.dtype != PXP_DTYPE_I64 || view.ndim != 1 || view.shape[0] != (int64_t)size) {
    fprintf(stderr, "test_package: output %lu is %s with %d dims\n", (unsigned long)output, pxp_dtype_name(view.dtype),
            (int)view.ndim);
    return 1;
  }
  for (k = 0; k < size; ++k) {
    int64_t i = (int64_t)(first + k);
    int64_t got = *(const int64_t *)((const char *)view.data + (int64_t)k * view.strides[0]);
    int64_t want = which == 0 ? i : which == 1 ? 3 * i + 1 : (i - 5) * (i + 2);
    if (got != want) {
      fprintf(stderr, "test_package: sample %ld output %lu is %ld, expected %ld\n", (long)i, (unsigned long)output,
              (long)got, (long)want);
      return 1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *names[3] = {"index", "linear", "product"};
  pxp_program *program = NULL;
  pxp_pipeline *pipeline = NULL;
  pxp_pipeline_options options;
  pxp_stream_options stream;
  size_t size = 0, outputs = 0, o;
  char *bytes;
  int b, failed = 0;

  if (argc != 2) {
    fprintf(stderr, "usage: test_package PROGRAM (test_package/sample_index.pxp)\n");
    return 2;
  }
  if (pxp_version_number() != PXP_VERSION_MAJOR * 10000 + PXP_VERSION_MINOR * 100 + PXP_VERSION_PATCH) {
    fprintf(stderr, "test_package: header %s but library %s\n", PXP_VERSION_STRING, pxp_version());
    return 1;
  }
  bytes = read_file(argv[1], &size);
  if (!bytes) {
    fprintf(stderr, "test_package: cannot read %s\n", argv[1]);
    return 1;
  }
  if (pxp_program_load(&program, bytes, size) != PXP_OK) return fail("load");
  free(bytes);
  if (pxp_program_output_count(&outputs, program) != PXP_OK || outputs != 3) return fail("output count");
  for (o = 0; o < outputs; ++o) {
    pxp_output_info info;
    if (pxp_program_output(&info, program, o) != PXP_OK) return fail("output info");
    if (strcmp(info.name, names[o]) != 0) {
      fprintf(stderr, "test_package: output %lu is %s, expected %s\n", (unsigned long)o, info.name, names[o]);
      return 1;
    }
  }

  if (pxp_pipeline_options_init(&options, PXP_PIPELINE_OPTIONS_VERSION) != PXP_OK) return fail("options");
  options.seed = 7;
  options.threads = 2;
  if (pxp_pipeline_create(&pipeline, program, &options) != PXP_OK) return fail("pipeline");
  pxp_program_free(program); /* the pipeline keeps its own reference */

  if (pxp_stream_options_init(&stream, PXP_STREAM_OPTIONS_VERSION) != PXP_OK) return fail("stream options");
  stream.start = 10;
  stream.batch_size = 4;
  if (pxp_pipeline_start(pipeline, &stream) != PXP_OK) return fail("start");
  for (b = 0; b < 2 && !failed; ++b) {
    pxp_batch *batch = NULL;
    pxp_batch_info info;
    if (pxp_pipeline_next_batch(&batch, pipeline) != PXP_OK) return fail("next batch");
    if (pxp_batch_info_get(&info, batch) != PXP_OK) return fail("batch info");
    for (o = 0; o < outputs && !failed; ++o)
      failed = expect_column(batch, o, info.first_position, info.size, (int)o);
    pxp_batch_free(batch);
  }
  pxp_pipeline_free(pipeline);
  if (failed) return 1;
  printf("pixelpipes %s: ran %s, 2 batches of 4 samples correct\n", pxp_version(), argv[1]);
  return 0;
}
