/* bench_features — wall time of feature extraction on the steel-casting data.
 *
 *   bench_features [--raw FILE] [--peer FILE] [--threads 1,2] [--reps N]
 *                  [--spectral-casts N] [param=value ...]
 *
 * Data: by default the steel_casting generator's defaults (1200 casts × 7200
 * steps × 5 channels; generator params may be given as param=value); with
 * --raw, a little-endian float32 file of N × 7200 × 5 values in the peer
 * generator's channel order (bench/features_peer_data.py writes it from
 * /tmp/steel.npz, so tundish and bench/peers/features_pandas.py time the
 * very same numbers).
 *
 * Timed, per thread count (median of --reps runs, every run printed):
 *  - "peer56": the 56 features bench/peers/features_pandas.py computes
 *    (statistical + stability + duration + interaction configured as that
 *    script defines them: fixed band base ± 2 sigma, spike threshold 3 sd of
 *    each series' differences, std with ddof 1), create + fit + transform of
 *    the four extractors and the column stack, as a trial runs them;
 *  - each of the four on its own;
 *  - "fitted": the four with their defaults (bands and spike scale fitted on
 *    the first 80% of the casts, then applied to all);
 *  - "spectral": GSL band powers on the first --spectral-casts casts,
 *    reported per cast.
 * With --peer FILE (float64 N × 56 from the peer's /tmp/steel_features.npz,
 * written by features_peer_data.py), the peer56 values are compared to it.
 * Generation or loading is outside the timed region. Output: one JSON object
 * per line.
 */
#include <tundish/tundish.h>

#include "plugin/registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const steel_channels[] = {
  "casting_speed", "mold_temperature", "mold_level", "cooling_water_flow", "superheat", NULL
};
static const double plan_base[5] = { 1.2, 1520.0, 150.0, 200.0, 25.0 };
static const double plan_sd[5] = { 0.05, 10.0, 5.0, 15.0, 3.0 };

/* The peer script's column names, in its order. */
static const char *const peer_per[] = {
  "mean", "std", "min", "max", "median", "spike_count", "excursion_count", "secs_high",
  "secs_low", "max_run_out"
};
static const char *const peer_mine[] = {
  "mean", "std", "min", "max", "median", "spike_count", "excursion_count", "seconds_above",
  "seconds_below", "longest_run_outside"
};
static const char *const peer_inter[][2] = {
  { "speed_x_superheat_mean", "product_mean.casting_speed.superheat" },
  { "speed_over_superheat_max", "ratio_max.casting_speed.superheat" },
  { "temp_over_flow_mean", "ratio_mean.mold_temperature.cooling_water_flow" },
  { "leveldev_x_speed_mean", "absdev_product_mean.mold_level.casting_speed" },
  { "corr_speed_superheat", "corr.casting_speed.superheat" },
  { "corr_temp_flow", "corr.mold_temperature.cooling_water_flow" },
};

typedef struct {
  const char *plugin;
  char **kv;         /* NULL-terminated "key=value" */
} Stage;

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, size_t n)
{
  g_autofree double *c = g_memdup2 (v, n * sizeof *v);
  qsort (c, n, sizeof *c, cmp_double);
  return n % 2 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
}

static char *
band_text (const char *key, double sign)
{
  GString *s = g_string_new (key);
  g_string_append (s, "=[");
  for (int c = 0; c < 5; c++)
    g_string_append_printf (s, "%s%.17g", c ? ", " : "", plan_base[c] + sign * 2 * plan_sd[c]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static char **
strv_of (const char *first, ...)
{
  GPtrArray *a = g_ptr_array_new ();
  va_list ap;
  va_start (ap, first);
  for (const char *s = first; s; s = va_arg (ap, const char *))
    g_ptr_array_add (a, g_strdup (s));
  va_end (ap);
  g_ptr_array_add (a, NULL);
  return (char **) g_ptr_array_free (a, FALSE);
}

/* The peer-equivalent configuration of the four extractors. */
static void
peer_stages (Stage st[4])
{
  g_autofree char *lo = band_text ("band_low", -1), *hi = band_text ("band_high", 1);
  st[0] = (Stage) { "statistical", strv_of ("ddof=1", NULL) };
  st[1] = (Stage) { "stability", strv_of ("features=[spike_count, excursion_count]",
                                          "spike_scale=series_sd", "spike_k=3", "band=fixed",
                                          lo, hi, NULL) };
  st[2] = (Stage) { "duration",
                    strv_of ("features=[seconds_above, seconds_below, longest_run_outside]",
                             "band=fixed", lo, hi, NULL) };
  st[3] = (Stage) { "interaction",
                    strv_of ("ratio_pairs=[casting_speed:superheat:max, "
                             "mold_temperature:cooling_water_flow:mean]",
                             "product_pairs=[casting_speed:superheat]",
                             "deviation_pairs=[mold_level:casting_speed]",
                             "corr_pairs=[casting_speed:superheat, "
                             "mold_temperature:cooling_water_flow]",
                             "cooccur_pairs=[]", "band=fixed", lo, hi, NULL) };
}

static void
default_stages (Stage st[4])
{
  const char *names[4] = { "statistical", "stability", "duration", "interaction" };
  for (int k = 0; k < 4; k++)
    st[k] = (Stage) { names[k], strv_of (NULL) };
}

static void
clear_stages (Stage *st, size_t n)
{
  for (size_t k = 0; k < n; k++)
    g_strfreev (st[k].kv);
}

/* create, fit on train, transform input; the features or NULL. */
static TdDataset *
run_stage (TdRegistry *reg, const Stage *st, const TdDataset *train, const TdDataset *input,
           int threads, GError **error)
{
  const TdPluginEntry *e = td_registry_require (reg, TD_KIND_FEATURE, st->plugin, error);
  if (!e)
    return NULL;
  const TdFeatureVTable *vt = e->desc->vtable;
  g_autoptr (TdParams) p = td_params_new_defaults (e->desc->params, e->desc->n_params, error);
  if (!p)
    return NULL;
  for (size_t i = 0; st->kv[i]; i++)
    {
      g_auto (GStrv) kv = g_strsplit (st->kv[i], "=", 2);
      if (!td_params_set_text (p, kv[0], kv[1], error))
        return NULL;
    }
  g_autoptr (TdContext) ctx = td_context_new (1);
  td_context_set_threads (ctx, threads);
  TdFeature *f = vt->create (p, ctx, error);
  if (!f)
    return NULL;
  TdDataset *out = NULL;
  if (!vt->fit || vt->fit (f, train, ctx, error))
    out = vt->transform (f, input, ctx, error);
  vt->destroy (f);
  return out;
}

/* All stages on input, stacked; *seconds per stage and in all. */
static double
cpu_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static double last_cpu;   /* CPU seconds (all threads) of the last run_all */

static TdDataset *
run_all (TdRegistry *reg, const Stage *st, size_t n_st, const TdDataset *train,
         const TdDataset *input, int threads, double *stage_seconds, double *total,
         GError **error)
{
  double c0 = cpu_seconds ();
  gint64 t0 = g_get_monotonic_time ();
  g_autofree TdDataset **parts = g_new0 (TdDataset *, n_st);
  TdDataset *out = NULL;
  size_t k = 0;
  for (; k < n_st; k++)
    {
      gint64 a = g_get_monotonic_time ();
      parts[k] = run_stage (reg, &st[k], train, input, threads, error);
      stage_seconds[k] = (double) (g_get_monotonic_time () - a) * 1e-6;
      if (!parts[k])
        break;
    }
  if (k == n_st)
    out = td_dataset_hstack (parts, n_st, error);
  *total = (double) (g_get_monotonic_time () - t0) * 1e-6;
  last_cpu = cpu_seconds () - c0;
  for (size_t i = 0; i < n_st; i++)
    if (parts[i])
      td_dataset_unref (parts[i]);
  return out;
}

static TdDataset *
load_raw (const char *path, GError **error)
{
  g_autofree char *bytes = NULL;
  gsize n = 0;
  if (!g_file_get_contents (path, &bytes, &n, error))
    return NULL;
  size_t per = 7200 * 5 * sizeof (float);
  if (n == 0 || n % per != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: %zu bytes is not a whole number of 7200 × 5 float32 casts", path,
                   (size_t) n);
      return NULL;
    }
  TdDataset *ds = td_dataset_new (n / per, 7200, 5, TD_TASK_BINARY, 2);
  memcpy (ds->x, bytes, n);
  for (size_t c = 0; c < 5; c++)
    td_dataset_set_channel_name (ds, c, steel_channels[c]);
  return ds;
}

static TdDataset *
generate (char **assignments, GError **error)
{
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_default (reg, errors);
  const TdPluginEntry *e = td_registry_require (reg, TD_KIND_GENERATOR, "steel_casting", error);
  if (!e)
    return NULL;
  g_autoptr (TdParams) p = td_params_new_defaults (e->desc->params, e->desc->n_params, error);
  if (!p)
    return NULL;
  for (size_t k = 0; assignments && assignments[k]; k++)
    {
      g_auto (GStrv) kv = g_strsplit (assignments[k], "=", 2);
      if (!kv[1] || !td_params_set_text (p, kv[0], kv[1], error))
        {
          if (error && !*error)
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "expected name=value, got '%s'", assignments[k]);
          return NULL;
        }
    }
  g_autoptr (TdContext) ctx = td_context_new (42);
  td_context_set_threads (ctx, (int) g_get_num_processors ());
  return ((const TdGeneratorVTable *) e->desc->vtable)->generate (p, ctx, error);
}

/* The peer's float64 N × 56 features against ours (float32). */
static void
compare_peer (const TdDataset *f, const char *path)
{
  g_autofree char *bytes = NULL;
  gsize n = 0;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &bytes, &n, &error) || n != f->n_series * 56 * sizeof (double))
    {
      fprintf (stderr, "bench_features: cannot compare with %s (%s)\n", path,
               error ? error->message : "size does not match");
      return;
    }
  const double *peer = (const double *) bytes;
  double worst = 0;
  size_t mismatches = 0, nan_mismatch = 0, count_cols_differ = 0;
  const char *worst_name = "";
  for (size_t j = 0; j < 56; j++)
    {
      g_autofree char *mine = j < 50 ? g_strdup_printf ("%s.%s", steel_channels[j / 10],
                                                        peer_mine[j % 10])
                                     : g_strdup (peer_inter[j - 50][1]);
      size_t col = 0;
      while (col < f->n_channels && g_strcmp0 (f->channel_names[col], mine) != 0)
        col++;
      if (col == f->n_channels)
        {
          fprintf (stderr, "bench_features: no column %s\n", mine);
          return;
        }
      gboolean is_count = j < 50 && j % 10 >= 5;
      for (size_t s = 0; s < f->n_series; s++)
        {
          double a = td_dataset_series (f, s)[col], b = peer[s * 56 + j];
          if (isnan (a) || isnan (b))
            {
              nan_mismatch += isnan (a) != isnan (b);
              continue;
            }
          /* our output is float32: compare with the float of the peer's value */
          double rel = fabs (a - (float) b) / fmax (fabs ((float) b), 1e-30);
          if (is_count && a != b)
            count_cols_differ++;
          if (rel > worst)
            {
              worst = rel;
              worst_name = j < 50 ? peer_per[j % 10] : peer_inter[j - 50][0];
            }
          mismatches += rel > 0;
        }
    }
  printf ("{\"bench\": \"features-compare\", \"peer_file\": \"%s\", \"values\": %zu, "
          "\"differing_values\": %zu, \"max_rel_diff_vs_float32_of_peer\": %.3g, "
          "\"worst_feature\": \"%s\", \"count_mismatches\": %zu, \"nan_mismatches\": %zu}\n",
          path, f->n_series * 56, mismatches, worst, worst_name, count_cols_differ, nan_mismatch);
}

static void
print_times (const char *what, int threads, double *t, int reps, size_t n_series,
             size_t n_features, const char *extra)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "{\"bench\": \"features\", \"set\": \"%s\", \"threads\": %d, "
                          "\"n_series\": %zu, \"n_features\": %zu, \"times_s\": [", what, threads,
                          n_series, n_features);
  for (int r = 0; r < reps; r++)
    g_string_append_printf (s, "%s%.4f", r ? ", " : "", t[r]);
  double med = median (t, (size_t) reps);
  g_string_append_printf (s, "], \"median_s\": %.4f, \"ms_per_cast\": %.4f%s}", med,
                          1e3 * med / (double) n_series, extra ? extra : "");
  puts (s->str);
  fflush (stdout);
  g_string_free (s, TRUE);
}

int
main (int argc, char **argv)
{
  g_autofree char *raw = NULL, *peer = NULL, *thread_list = NULL, *sets = NULL;
  g_auto (GStrv) rest = NULL;
  int reps = 5, spectral_casts = 200;
  GOptionEntry entries[] = {
    { "raw", 0, 0, G_OPTION_ARG_FILENAME, &raw,
      "float32 N×7200×5 data (bench/features_peer_data.py) instead of generating", "FILE" },
    { "peer", 0, 0, G_OPTION_ARG_FILENAME, &peer,
      "float64 N×56 peer features to compare with", "FILE" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &thread_list,
      "comma-separated thread counts (default: 1 and the number of processors)", "N,.." },
    { "reps", 'r', 0, G_OPTION_ARG_INT, &reps, "runs per configuration (default 5)", "N" },
    { "sets", 0, 0, G_OPTION_ARG_STRING, &sets,
      "comma-separated sets to time: peer56, fitted, spectral (default all)", "S,.." },
    { "spectral-casts", 0, 0, G_OPTION_ARG_INT, &spectral_casts,
      "casts for the spectral timing (default 200)", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, "[param=value ...]" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("- time feature extraction");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_autoptr (GError) err = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &err))
    {
      fprintf (stderr, "bench_features: %s\n", err->message);
      return 2;
    }
  reps = MAX (reps, 1);
  g_auto (GStrv) set_list = g_strsplit (sets ? sets : "peer56,fitted,spectral", ",", -1);
  gboolean do_peer = g_strv_contains ((const char *const *) set_list, "peer56");
  gboolean do_fitted = g_strv_contains ((const char *const *) set_list, "fitted");
  gboolean do_spectral = g_strv_contains ((const char *const *) set_list, "spectral");

  g_autoptr (TdDataset) data = raw ? load_raw (raw, &err) : generate (rest, &err);
  if (!data)
    {
      fprintf (stderr, "bench_features: %s\n", err->message);
      return 1;
    }
  g_autoptr (TdRegistry) reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_default (reg, errors);

  size_t n = data->n_series, n_train = n * 8 / 10;
  g_autofree size_t *idx = g_new (size_t, MAX (n, (size_t) 1));
  for (size_t i = 0; i < n_train; i++)
    idx[i] = i;
  g_autoptr (TdDataset) train = td_dataset_subset (data, idx, n_train);

  g_autofree char *default_threads = g_strdup_printf ("1,%u", g_get_num_processors ());
  g_auto (GStrv) counts = g_strsplit (thread_list ? thread_list : default_threads, ",", -1);
  Stage peer_st[4], def_st[4];
  peer_stages (peer_st);
  default_stages (def_st);
  g_autofree double *t = g_new (double, (size_t) reps);
  g_autofree double *stage_t = g_new (double, 4 * (size_t) reps);
  g_autofree double *cpu_t = g_new (double, (size_t) reps);

  for (size_t k = 0; counts[k]; k++)
    {
      int threads = atoi (counts[k]);
      if (threads < 1)
        {
          fprintf (stderr, "bench_features: bad thread count '%s'\n", counts[k]);
          return 2;
        }
      /* the peer's 56, as a trial runs them (the fixed band needs no data) */
      size_t n_feat = 0;
      for (int r = 0; do_peer && r < reps; r++)
        {
          double st[4];
          g_autoptr (TdDataset) f = run_all (reg, peer_st, 4, data, data, threads, st, &t[r],
                                             &err);
          if (!f)
            {
              fprintf (stderr, "bench_features: %s\n", err->message);
              return 1;
            }
          n_feat = f->n_channels;
          cpu_t[r] = last_cpu;
          for (int s = 0; s < 4; s++)
            stage_t[s * reps + r] = st[s];
          if (r == 0 && k == 0 && peer)
            compare_peer (f, peer);
        }
      GString *extra = g_string_new (NULL);
      for (int s = 0; s < 4; s++)
        g_string_append_printf (extra, ", \"%s_median_s\": %.4f", peer_st[s].plugin,
                                median (stage_t + s * reps, (size_t) reps));
      g_string_append_printf (extra, ", \"cpu_median_s\": %.4f", median (cpu_t, (size_t) reps));
      if (do_peer)
        print_times ("peer56", threads, t, reps, n, n_feat, extra->str);
      g_string_free (extra, TRUE);

      /* the defaults, fitted on the first 80% */
      for (int r = 0; do_fitted && r < reps; r++)
        {
          double st[4];
          g_autoptr (TdDataset) f = run_all (reg, def_st, 4, train, data, threads, st, &t[r],
                                             &err);
          if (!f)
            {
              fprintf (stderr, "bench_features: %s\n", err->message);
              return 1;
            }
          n_feat = f->n_channels;
          cpu_t[r] = last_cpu;
          for (int s = 0; s < 4; s++)
            stage_t[s * reps + r] = st[s];
        }
      extra = g_string_new (NULL);
      g_string_append_printf (extra, ", \"cpu_median_s\": %.4f", median (cpu_t, (size_t) reps));
      for (int s = 0; s < 4; s++)
        g_string_append_printf (extra, ", \"%s_median_s\": %.4f", def_st[s].plugin,
                                median (stage_t + s * reps, (size_t) reps));
      g_string_append_printf (extra, ", \"n_train\": %zu", n_train);
      if (do_fitted)
        print_times ("defaults-fitted", threads, t, reps, n, n_feat, extra->str);
      g_string_free (extra, TRUE);

      /* spectral, per cast */
      size_t ns = MIN ((size_t) MAX (spectral_casts, 1), n);
      for (size_t i = 0; i < ns; i++)
        idx[i] = i;
      g_autoptr (TdDataset) part = td_dataset_subset (data, idx, ns);
      Stage sp = { "spectral", strv_of (NULL) };
      for (int r = 0; do_spectral && r < reps; r++)
        {
          double st[1];
          g_autoptr (TdDataset) f = run_all (reg, &sp, 1, part, part, threads, st, &t[r], &err);
          if (!f)
            {
              fprintf (stderr, "bench_features: %s\n", err->message);
              return 1;
            }
          n_feat = f->n_channels;
        }
      if (do_spectral)
        print_times ("spectral", threads, t, reps, ns, n_feat, NULL);
      clear_stages (&sp, 1);
    }
  clear_stages (peer_st, 4);
  clear_stages (def_st, 4);
  return 0;
}
