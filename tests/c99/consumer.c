/* A strict C99 consumer of the public ABI: builds a tiny program in memory
 * (msgpack written by hand), runs it, and checks the output, the error path
 * and the registry. */
#include <stdio.h>
#include <string.h>

#include "pixelpipes/pixelpipes.h"

/* {"magic":"PXPP","version":[1,0],"instructions":[{"op":"core.sample_index"}],"outputs":{"i":0}} */
static const unsigned char k_program[] = {
    0x84, 0xa5, 'm', 'a', 'g', 'i', 'c', 0xa4, 'P', 'X', 'P', 'P',
    0xa7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0x92, 0x01, 0x00,
    0xac, 'i', 'n', 's', 't', 'r', 'u', 'c', 't', 'i', 'o', 'n', 's', 0x91,
    0x81, 0xa2, 'o', 'p', 0xb1, 'c', 'o', 'r', 'e', '.', 's', 'a', 'm', 'p', 'l', 'e', '_', 'i', 'n', 'd', 'e', 'x',
    0xa7, 'o', 'u', 't', 'p', 'u', 't', 's', 0x81, 0xa1, 'i', 0x00};

static int fail(const char *what) {
  const pxp_error *e = pxp_error_last();
  fprintf(stderr, "%s: %s: %s\n", what, pxp_status_name(e->code), e->message);
  return 1;
}

int main(void) {
  pxp_program *program = NULL;
  pxp_pipeline *pipeline = NULL;
  pxp_sample *sample = NULL;
  const pxp_value *value = NULL;
  pxp_tensor_view view;
  pxp_pipeline_options options;
  size_t ops = 0;
  const char *schema = NULL;
  pxp_status status;

  if (strcmp(pxp_version(), PXP_VERSION_STRING) != 0) return fail("version mismatch");
  if (pxp_registry_count(&ops) != PXP_OK || ops < 3) return fail("registry");
  if (pxp_registry_schema(&schema, "core.sample_index") != PXP_OK) return fail("schema");
  if (pxp_program_load(&program, k_program, sizeof k_program) != PXP_OK) return fail("load");
  if (pxp_pipeline_options_init(&options, PXP_PIPELINE_OPTIONS_VERSION) != PXP_OK) return fail("options");
  options.seed = 5;
  options.threads = 2;
  if (pxp_pipeline_create(&pipeline, program, &options) != PXP_OK) return fail("create");
  pxp_program_free(program);
  if (pxp_pipeline_run(&sample, pipeline, 123) != PXP_OK) return fail("run");
  if (pxp_sample_output(&value, sample, 0) != PXP_OK) return fail("output");
  if (pxp_value_tensor(&view, value) != PXP_OK) return fail("tensor");
  if (view.dtype != PXP_DTYPE_I64 || view.ndim != 0 || *(const int64_t *)view.data != 123) {
    fprintf(stderr, "unexpected output\n");
    return 1;
  }
  pxp_sample_free(sample);
  pxp_pipeline_free(pipeline);

  /* errors are statuses with a message, never crashes */
  program = NULL;
  status = pxp_program_load(&program, k_program, 10);
  if (status != PXP_EINVALID_PROGRAM || program != NULL) return fail("truncated program was accepted");
  pxp_program_free(NULL);
  pxp_pipeline_free(NULL);
  pxp_sample_free(NULL);
  printf("c99 consumer OK (%lu ops)\n", (unsigned long)ops);
  return 0;
}
