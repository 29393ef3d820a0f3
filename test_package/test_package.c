/* Links pixelpipes::pixelpipes from C and lists the registered ops. */
#include <stdio.h>

#include "pixelpipes/pixelpipes.h"

int main(void) {
  size_t count = 0;
  const char *first = NULL;
  if (pxp_registry_count(&count) != PXP_OK || pxp_registry_name(&first, 0) != PXP_OK) {
    pxp_error_info e;
    pxp_error_last(&e);
    fprintf(stderr, "registry failed: %s\n", e.message);
    return 1;
  }
  printf("pixelpipes %s: %lu ops, first %s\n", pxp_version(), (unsigned long)count, first);
  return count > 0 ? 0 : 1;
}
