/* Dense algebra binds to OpenBLAS, not to GSL's reference CBLAS (libgslcblas,
 * which libgsl.so lists as a dependency and which would be 5-10x slower).
 * Checks both the symbol a plugin or the core would call directly, and the
 * one libgsl's own gsl_blas_* calls bind to (read from the dynamic linker's
 * LD_DEBUG=bindings trace of a child process). */
#include <dlfcn.h>
#include <gsl/gsl_blas.h>
#include <string.h>

#include <tundish/tundish.h>

static const char *self;

static void
test_direct_symbol (void)
{
  void *sym = dlsym (RTLD_DEFAULT, "cblas_sgemm");
  g_assert_nonnull (sym);
  Dl_info info;
  g_assert_true (dladdr (sym, &info));
  if (!strstr (info.dli_fname, "openblas"))
    g_error ("cblas_sgemm comes from %s, not OpenBLAS", info.dli_fname);
}

static void
test_gsl_binding (void)
{
  const char *argv[] = { self, "--gemm", NULL };
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "LD_DEBUG", "bindings", TRUE);
  g_autofree char *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_auto (GStrv) lines = g_strsplit (err, "\n", -1);
  int found = 0;
  for (size_t k = 0; lines[k]; k++)
    if (strstr (lines[k], "libgsl.so") && strstr (lines[k], "`cblas_dgemm'"))
      {
        found++;
        if (!strstr (lines[k], "openblas"))
          g_error ("libgsl's cblas_dgemm binds elsewhere: %s", lines[k]);
      }
  g_assert_cmpint (found, >, 0);
}

int
main (int argc, char **argv)
{
  if (argc > 1 && strcmp (argv[1], "--gemm") == 0)
    {
      double a[4] = { 1, 2, 3, 4 }, b[4] = { 1, 0, 0, 1 }, c[4] = { 0 };
      gsl_matrix_view A = gsl_matrix_view_array (a, 2, 2), B = gsl_matrix_view_array (b, 2, 2),
                      C = gsl_matrix_view_array (c, 2, 2);
      gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, &A.matrix, &B.matrix, 0.0, &C.matrix);
      return c[3] == 4.0 ? 0 : 1;
    }
  self = argv[0];
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/blas/direct-symbol", test_direct_symbol);
  g_test_add_func ("/blas/gsl-binding", test_gsl_binding);
  return g_test_run ();
}
