/* cmd_bench.c — `tundish bench MODEL [key=value ...]`: train a model plugin
 * for a few epochs on random sequences of a given shape and print seconds
 * per epoch, sequences per second, single-sequence inference latency and
 * peak memory, so users can profile their own configurations. Works for any
 * model plugin that accepts sequences (or matrices, with steps=1). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli_common.h"
#include "commands.h"

/* Keys of the bench itself; every other key=value is a model parameter. */
typedef struct {
  gint64 sequences, steps, channels, epochs, threads, reps;
  guint64 seed;
} BenchShape;

static gboolean
parse_shape_key (BenchShape *s, const char *key, const char *val, gboolean *taken, GError **error)
{
  static const char *const keys[] = { "sequences", "steps", "channels", "threads", "reps", "seed" };
  gint64 *slots[] = { &s->sequences, &s->steps, &s->channels, &s->threads, &s->reps, NULL };
  *taken = FALSE;
  for (size_t k = 0; k < G_N_ELEMENTS (keys); k++)
    if (g_str_equal (key, keys[k]))
      {
        char *end = NULL;
        guint64 v = g_ascii_strtoull (val, &end, 10);
        if (!*val || *end || v == 0 || v > (guint64) 1 << 31)
          {
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "%s must be a positive integer, not \"%s\"", key, val);
            return FALSE;
          }
        if (slots[k])
          *slots[k] = (gint64) v;
        else
          s->seed = v;
        *taken = TRUE;
      }
  return TRUE;
}

/* Per-epoch wall times, from the model's "train_loss" curve points. */
typedef struct {
  gint64 last;
  GArray *epoch_s;     /* of double */
} EpochClock;

static void
on_curve (const char *name, int step, double value, gpointer data)
{
  (void) step;
  (void) value;
  EpochClock *ck = data;
  if (!g_str_equal (name, "train_loss"))
    return;
  gint64 now = g_get_monotonic_time ();
  double s = (double) (now - ck->last) * 1e-6;
  g_array_append_val (ck->epoch_s, s);
  ck->last = now;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, size_t n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Standard-normal-ish series; a quarter positive (abnormal, for a model of
 * the anomaly task only), carrying a weak trend. */
static TdDataset *
random_data (const BenchShape *s, guint64 seed, guint32 tasks)
{
  TdTask task = tasks & TD_TASK_BINARY ? TD_TASK_BINARY : TD_TASK_ANOMALY;
  TdDataset *ds = td_dataset_new ((size_t) s->sequences, (size_t) s->steps, (size_t) s->channels,
                                  task, 2);
  g_autoptr (GRand) r = g_rand_new_with_seed ((guint32) (seed ^ (seed >> 32)));
  for (size_t i = 0; i < ds->n_series; i++)
    {
      ds->y[i] = i % 4 == 0;
      float *x = td_dataset_series (ds, i);
      for (size_t k = 0; k < ds->n_steps * ds->n_channels; k++)
        x[k] = (float) (g_rand_double_range (r, -1.7, 1.7)
                        + (ds->y[i] ? 0.3 * (double) (k / ds->n_channels) / (double) ds->n_steps : 0));
    }
  return ds;
}

static const char help_text[] =
  "Trains MODEL for a few epochs on random data of the given shape (no validation\n"
  "split) and prints, one key=value per line: the configuration, seconds_per_epoch\n"
  "(median over epochs, from the model's per-epoch train_loss reports, else fit time /\n"
  "epochs), sequences_per_second, infer_ms_per_sequence (median of single-sequence\n"
  "predict calls, batch 1), peak_rss_mib, and fit_cpu_seconds (all threads) to judge\n"
  "how much a loaded machine disturbed the wall times.\n"
  "\n"
  "Bench keys: sequences (960), steps (300), channels (5), threads (2, the model's\n"
  "thread budget as --threads-per-trial gives it), reps (200 inference calls), seed (42).\n"
  "Every other key=value is a model parameter (epochs defaults to 3 when the model has\n"
  "one); without architecture parameters a model runs with its defaults.\n"
  "\n"
  "Examples:\n"
  "  tundish bench lstm sequences=960 steps=300 channels=5 batch_size=32 epochs=3\n"
  "  tundish bench lstm hidden_size=128 bidirectional=true threads=1\n"
  "  tundish bench xgboost steps=1 channels=40 n_estimators=50   # a matrix model: one step\n"
  "\n"
  "Exit status: 0 ok, 1 usage error (an unknown model, key or parameter value; a\n"
  "matrix model without steps=1), 2 the model could not be created, trained or used.\n";

int
td_cmd_bench (int argc, char **argv)
{
  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      printf ("Usage: tundish bench MODEL [key=value ...]\n\n%s", help_text);
      return TD_EXIT_OK;
    }
  if (argc < 2 || argv[1][0] == '-')
    {
      fprintf (stderr, "tundish bench: expected a model name (see --help)\n");
      return TD_EXIT_USAGE;
    }
  g_autoptr (TdRegistry) reg = td_cli_registry (TRUE);
  g_autoptr (GError) error = NULL;
  const TdPluginEntry *en = td_registry_require (reg, TD_KIND_MODEL, argv[1], &error);
  if (!en)
    {
      fprintf (stderr, "tundish bench: %s\n", error->message);
      return TD_EXIT_USAGE;
    }
  const TdModelVTable *vt = en->desc->vtable;
  BenchShape shape = { 960, 300, 5, 3, 2, 200, 42 };
  g_autoptr (TdParams) params = td_params_new_defaults (en->desc->params, en->desc->n_params, &error);
  if (!params)
    {
      fprintf (stderr, "tundish bench: %s\n", error->message);
      return TD_EXIT_RUNTIME;
    }
  if (td_params_has (params, "epochs") && !td_params_set_text (params, "epochs", "3", &error))
    g_clear_error (&error);   /* a model whose epochs cannot be 3 keeps its default */
  for (int k = 2; k < argc; k++)
    {
      g_auto (GStrv) kv = g_strsplit (argv[k], "=", 2);
      gboolean taken = FALSE;
      if (!kv[0] || !kv[1])
        {
          fprintf (stderr, "tundish bench: expected key=value, got \"%s\"\n", argv[k]);
          return TD_EXIT_USAGE;
        }
      if (!parse_shape_key (&shape, kv[0], kv[1], &taken, &error)
          || (!taken && !td_params_set_text (params, kv[0], kv[1], &error)))
        {
          fprintf (stderr, "tundish bench: %s\n", error->message);
          return TD_EXIT_USAGE;
        }
    }
  if ((vt->accepts & TD_DATA_SEQUENCE) == 0 && shape.steps != 1)
    {
      fprintf (stderr, "tundish bench: %s takes feature matrices: use steps=1\n", argv[1]);
      return TD_EXIT_USAGE;
    }
  shape.epochs = td_params_has (params, "epochs") ? td_params_get_int (params, "epochs") : 1;

  g_autoptr (TdDataset) train = random_data (&shape, shape.seed, vt->tasks);
  g_autoptr (TdContext) ctx = td_context_new (shape.seed);
  td_context_set_threads (ctx, (int) shape.threads);
  EpochClock ck = { 0, g_array_new (FALSE, FALSE, sizeof (double)) };
  td_context_set_curve_sink (ctx, on_curve, &ck);
  TdModel *model = vt->create (params, ctx, &error);
  struct rusage ru0, ru1;
  getrusage (RUSAGE_SELF, &ru0);
  gint64 t0 = g_get_monotonic_time ();
  ck.last = t0;
  gboolean ok = model && vt->fit (model, train, NULL, ctx, &error);
  double fit_s = (double) (g_get_monotonic_time () - t0) * 1e-6;
  getrusage (RUSAGE_SELF, &ru1);
  /* CPU seconds of the fit, all threads: a cross-check when the machine is loaded */
  double fit_cpu = (double) (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec
                             - ru0.ru_stime.tv_sec)
                   + 1e-6 * (double) (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec
                                      + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec);
  if (!ok)
    {
      fprintf (stderr, "tundish bench: %s\n", error ? error->message : "create failed");
      if (model)
        vt->destroy (model);
      g_array_unref (ck.epoch_s);
      return TD_EXIT_RUNTIME;
    }

  /* latency of one sequence, batch 1 */
  g_autoptr (TdDataset) one = td_dataset_subset (train, (size_t[]) { 1 }, 1);
  double score = 0;
  for (int w = 0; w < 5; w++)   /* warm-up */
    vt->predict (model, one, &score, ctx, NULL);
  g_autofree double *lat = g_new (double, (size_t) shape.reps);
  for (gint64 r = 0; r < shape.reps; r++)
    {
      gint64 a = g_get_monotonic_time ();
      ok = ok && vt->predict (model, one, &score, ctx, &error);
      lat[r] = (double) (g_get_monotonic_time () - a) * 1e-3;
    }
  vt->destroy (model);
  if (!ok)
    {
      fprintf (stderr, "tundish bench: predict: %s\n", error->message);
      g_array_unref (ck.epoch_s);
      return TD_EXIT_RUNTIME;
    }
  double per_epoch = ck.epoch_s->len > 0
    ? median ((double *) (void *) ck.epoch_s->data, ck.epoch_s->len)
    : fit_s / (double) shape.epochs;
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  g_autofree char *ptext = td_params_to_text (params);
  printf ("model=%s\n", en->desc->name);
  printf ("params=%s\n", ptext);
  printf ("sequences=%" G_GINT64_FORMAT "\nsteps=%" G_GINT64_FORMAT "\nchannels=%" G_GINT64_FORMAT
          "\nthreads=%" G_GINT64_FORMAT "\n", shape.sequences, shape.steps, shape.channels,
          shape.threads);
  printf ("epochs=%" G_GINT64_FORMAT "\nfit_seconds=%.4f\nfit_cpu_seconds=%.4f\n", shape.epochs,
          fit_s, fit_cpu);
  printf ("epoch_seconds=");
  for (guint k = 0; k < ck.epoch_s->len; k++)
    printf ("%s%.4f", k ? "," : "", g_array_index (ck.epoch_s, double, k));
  printf ("\nseconds_per_epoch=%.4f\n", per_epoch);
  printf ("sequences_per_second=%.1f\n", (double) shape.sequences / per_epoch);
  printf ("infer_ms_per_sequence=%.4f\n", median (lat, (size_t) shape.reps));
  printf ("peak_rss_mib=%.1f\n", (double) ru.ru_maxrss / 1024.0);
  g_array_unref (ck.epoch_s);
  return TD_EXIT_OK;
}
