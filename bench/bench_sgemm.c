/* bench_sgemm — OpenBLAS sgemm throughput: the machine's ceiling for the
 * sequence models, and the GEMM shapes one LSTM training step is made of.
 *
 *   bench_sgemm [--threads 1,2] [--reps N]
 *
 * Prints one line per (threads, shape): milliseconds per call (best of reps)
 * and GFLOP/s (2·M·N·K per call). The first shape is large and square (the
 * peak); the others are tundish's lstm at H 64, shards of 16 sequences of 300
 * steps (recurrent step forward and backward, input projection, weight
 * gradient, input gradient). */
#include <cblas.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  const char *what;
  gboolean ta, tb;
  int M, N, K;
  float beta;
} Shape;

static const Shape shapes[] = {
  { "peak (2048^3)", FALSE, FALSE, 2048, 2048, 2048, 0 },
  { "recurrent step fwd", FALSE, FALSE, 16, 256, 64, 1 },
  { "recurrent step bwd", FALSE, FALSE, 16, 64, 256, 0 },
  { "input projection l2", FALSE, FALSE, 4800, 256, 64, 1 },
  { "input projection l1", FALSE, FALSE, 4800, 256, 5, 1 },
  { "dW_hh (all steps)", TRUE, FALSE, 256, 64, 4800, 1 },
  { "dx l2", FALSE, TRUE, 4800, 64, 256, 1 },
};

static double
time_one (const Shape *s, int reps)
{
  size_t na = (size_t) s->M * s->K, nb = (size_t) s->K * s->N, nc = (size_t) s->M * s->N;
  float *a = g_new (float, na), *b = g_new (float, nb), *c = g_new0 (float, nc);
  for (size_t i = 0; i < na; i++)
    a[i] = (float) (i % 7) * 0.1f;
  for (size_t i = 0; i < nb; i++)
    b[i] = (float) (i % 5) * 0.1f;
  double best = 1e30;
  for (int r = 0; r < reps; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      int inner = s->M * (gint64) s->N * s->K > 100000000 ? 1 : 200;
      for (int k = 0; k < inner; k++)
        cblas_sgemm (CblasRowMajor, s->ta ? CblasTrans : CblasNoTrans,
                     s->tb ? CblasTrans : CblasNoTrans, s->M, s->N, s->K, 1.0f, a,
                     s->ta ? s->M : s->K, b, s->tb ? s->K : s->N, s->beta, c, s->N);
      double t = (double) (g_get_monotonic_time () - t0) * 1e-6 / inner;
      best = MIN (best, t);
    }
  g_free (a);
  g_free (b);
  g_free (c);
  return best;
}

int
main (int argc, char **argv)
{
  g_autofree char *threads = NULL;
  int reps = 5;
  GOptionEntry entries[] = {
    { "threads", 0, 0, G_OPTION_ARG_STRING, &threads, "comma-separated thread counts (1,2)", "LIST" },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "repetitions; the best is kept (5)", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("- OpenBLAS sgemm throughput");
  g_option_context_add_main_entries (oc, entries, NULL);
  if (!g_option_context_parse (oc, &argc, &argv, NULL))
    return 1;
  g_auto (GStrv) counts = g_strsplit (threads ? threads : "1,2", ",", -1);
  for (size_t t = 0; counts[t]; t++)
    {
      int n = atoi (counts[t]);
      openblas_set_num_threads (n);
      for (size_t k = 0; k < G_N_ELEMENTS (shapes); k++)
        {
          const Shape *s = &shapes[k];
          double sec = time_one (s, reps);
          printf ("threads=%d %-22s %s%s M=%d N=%d K=%d: %.4f ms, %.1f GFLOP/s\n", n, s->what,
                  s->ta ? "T" : "N", s->tb ? "T" : "N", s->M, s->N, s->K, sec * 1e3,
                  2.0 * s->M * s->N * (double) s->K / sec * 1e-9);
        }
    }
  return 0;
}
