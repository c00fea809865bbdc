/* blas.c — see blas.h. */
#include "util/blas.h"

char *openblas_get_config (void);

const char *
td_blas_config (void)
{
  return openblas_get_config ();
}
