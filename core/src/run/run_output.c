/* run_output.c — a run's aggregated outputs: predictions.h5,
 * training_curves.csv, feature importance, saliency and attention maps and
 * confusion counts (run_interpret.c), comparisons.csv, the reporters' input,
 * timings.csv (run_timings.c) and, last, the manifest. Everything is built
 * from the trials as read back from their folders and ordered by pipeline
 * label, repeat and fold (never by completion order), so outputs are
 * byte-identical whatever -j is, wherever a pipeline stands in the file,
 * whether the run was resumed, and when `tundish report` rebuilds them. */
#include "run/run_output.h"
#include "run/run_drift.h"
#include "run/run_root_cause.h"
#include "run/run_targets.h"
#include "run/run_interpret.h"
#include "run/run_timings.h"
#include "run/run_summary.h"
#include "run/run_manifest.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/atomic_file.h"
#include "eval/compare.h"
#include <tundish/io.h>
#include "run/killpoint.h"
#include "data/split.h"
#include <tundish/tundish.h>

static gboolean
write_atomic (const char *path, const char *text, GError **error)
{
  return td_file_write_atomic (path, text, -1, error);
}


static GPtrArray *
sorted_trials (const TdRunMeta *m)
{
  GPtrArray *out = g_ptr_array_new ();
  for (size_t k = 0; k < m->n_trials; k++)
    g_ptr_array_add (out, &m->trials[k]);
  g_ptr_array_sort (out, td_trial_cmp);
  return out;
}

guint
td_run_label_end (GPtrArray *trials, guint k)
{
  const char *label = ((const TdTrial *) trials->pdata[k])->pipeline->label;
  guint end = k;
  while (end < trials->len
         && strcmp (((const TdTrial *) trials->pdata[end])->pipeline->label, label) == 0)
    end++;
  return end;
}

static gboolean
h5_write_1d (hid_t g, const char *name, hid_t type, size_t n, const void *data)
{
  hsize_t dims[1] = { n };
  hid_t sp = H5Screate_simple (1, dims, NULL);
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE);
  H5Pset_obj_track_times (dcpl, 0);     /* no clock in the bytes: reruns give the same file */
  hid_t d = H5Dcreate2 (g, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  herr_t st = d < 0 ? -1 : (n ? H5Dwrite (d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0);
  if (d >= 0)
    H5Dclose (d);
  H5Pclose (dcpl);
  H5Sclose (sp);
  return st >= 0;
}

/* An HDF5 link name for a label: '/' cannot appear in one and "." means the
 * group itself, so '%', '/' and a leading '.' are %-escaped (reversibly). */
static char *
h5_name (const char *label)
{
  GString *s = g_string_new ("");
  for (const char *c = label; *c; c++)
    {
      if (*c == '%' || *c == '/' || (*c == '.' && c == label))
        g_string_append_printf (s, "%%%02X", (unsigned char) *c);
      else
        g_string_append_c (s, *c);
    }
  return g_string_free (s, FALSE);
}

/* predictions.h5: /<pipeline label>/r<R>-f<F>/{series_id, label, score}.
 * Built in memory (HDF5's core driver) and written with the same atomic
 * writer as every other file: HDF5 itself never touches the disk, so a full
 * disk is reported like any write error (an HDF5 1.10 file whose close
 * failed on a write crashes the library at exit). */
static gboolean
write_predictions (const TdRunMeta *m, GPtrArray *trials, GError **error)
{
  g_autofree char *path = g_build_filename (m->run_dir, "predictions.h5", NULL);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  hid_t fcpl = H5Pcreate (H5P_FILE_CREATE);
  H5Pset_obj_track_times (fcpl, 0);
  hid_t fapl = H5Pcreate (H5P_FILE_ACCESS);
  H5Pset_fapl_core (fapl, 1 << 20, 0);     /* memory only, no backing file */
  hid_t f = H5Fcreate ("predictions.h5", H5F_ACC_TRUNC, fcpl, fapl);
  H5Pclose (fcpl);
  H5Pclose (fapl);
  if (f < 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot build %s (HDF5 error)",
                   path);
      return FALSE;
    }
  gboolean ok = TRUE;
  hid_t lcpl = H5Pcreate (H5P_LINK_CREATE);
  H5Pset_create_intermediate_group (lcpl, 1);
  hid_t gcpl = H5Pcreate (H5P_GROUP_CREATE);
  H5Pset_obj_track_times (gcpl, 0);
  for (guint k = 0; ok && k < trials->len; k++)
    {
      const TdTrial *t = trials->pdata[k];
      if (!t->ok)
        continue;
      g_autofree char *label = h5_name (t->pipeline->label);
      hid_t pg = H5Lexists (f, label, H5P_DEFAULT) > 0
                   ? H5Gopen2 (f, label, H5P_DEFAULT)
                   : H5Gcreate2 (f, label, H5P_DEFAULT, gcpl, H5P_DEFAULT);
      g_autofree char *leaf = g_strdup_printf ("r%d-f%d", t->repeat, t->fold);
      hid_t g = pg < 0 ? -1 : H5Gcreate2 (pg, leaf, lcpl, gcpl, H5P_DEFAULT);
      ok = g >= 0 && h5_write_1d (g, "series_id", H5T_NATIVE_INT64, t->n_test, t->test_ids)
        && h5_write_1d (g, "label", H5T_NATIVE_DOUBLE, t->n_test, t->test_y)
        && h5_write_1d (g, "score", H5T_NATIVE_DOUBLE, t->n_test * t->n_outputs, t->test_scores);
      if (g >= 0)
        H5Gclose (g);
      if (pg >= 0)
        H5Gclose (pg);
    }
  H5Pclose (gcpl);
  H5Pclose (lcpl);
  g_autofree char *image = NULL;
  ssize_t size = -1;
  if (ok && H5Fflush (f, H5F_SCOPE_GLOBAL) >= 0)
    {
      size = H5Fget_file_image (f, NULL, 0);
      if (size > 0)
        {
          image = g_malloc ((gsize) size);
          if (H5Fget_file_image (f, image, (size_t) size) != size)
            size = -1;
        }
    }
  H5Fclose (f);
  if (!ok || size <= 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot build %s (HDF5 error)",
                   path);
      return FALSE;
    }
  return td_file_write_atomic (path, image, size, error);
}

static gboolean
write_curves (const TdRunMeta *m, GPtrArray *trials, GError **error)
{
  GString *s = g_string_new ("pipeline,variant,repeat,fold,curve,step,value\n");
  for (guint k = 0; k < trials->len; k++)
    {
      const TdTrial *t = trials->pdata[k];
      for (guint c = 0; t->curves && c < t->curves->len; c++)
        {
          const TdCurvePoint *pt = &g_array_index (t->curves, TdCurvePoint, c);
          td_csv_field (s, t->pipeline->name);
          g_string_append_c (s, ',');
          td_csv_field (s, t->pipeline->variant);
          g_string_append_printf (s, ",%d,%d,", t->repeat, t->fold);
          td_csv_field (s, pt->name);
          g_string_append_printf (s, ",%d,", pt->step);
          td_csv_double (s, pt->value);
          g_string_append_c (s, '\n');
        }
    }
  g_autofree char *path = g_build_filename (m->run_dir, "training_curves.csv", NULL);
  gboolean ok = write_atomic (path, s->str, error);
  g_string_free (s, TRUE);
  return ok;
}

/* feature_importance.csv (per trial) and feature_importance_summary.csv
 * (mean, sd, n over trials, per pipeline variant, feature and type). */
static gboolean
write_importance (const TdRunMeta *m, GPtrArray *trials, GArray *rows, GStringChunk *strings,
                  GError **error)
{
  GString *s = g_string_new ("experiment,pipeline,variant,repeat,fold,feature,type,value\n");
  GString *sum = g_string_new ("experiment,pipeline,variant,feature,type,mean,sd,n\n");
  gboolean any = FALSE;
  for (guint k = 0; k < trials->len;)
    {
      const TdTrial *first = trials->pdata[k];
      guint end = td_run_label_end (trials, k);
      /* (feature, type) -> running sums, in first-seen order */
      g_autoptr (GHashTable) idx = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GArray) acc = g_array_new (FALSE, TRUE, sizeof (double) * 3);
      for (guint i = k; i < end; i++)
        {
          const TdTrial *t = trials->pdata[i];
          if (!t->ok || !t->importance)
            continue;
          any = TRUE;
          for (guint j = 0; j < t->importance->len; j++)
            {
              const TdImportance *im = &g_array_index (t->importance, TdImportance, j);
              td_csv_field (s, m->exp->name);
              g_string_append_c (s, ',');
              td_csv_field (s, t->pipeline->name);
              g_string_append_c (s, ',');
              td_csv_field (s, t->pipeline->variant);
              g_string_append_printf (s, ",%d,%d,", t->repeat, t->fold);
              td_csv_field (s, im->feature);
              g_string_append_c (s, ',');
              td_csv_field (s, im->type);
              g_string_append_c (s, ',');
              td_csv_double (s, im->value);
              g_string_append_c (s, '\n');
              /* "<length of feature>:<feature><type>": any feature name splits back */
              g_autofree char *key = g_strdup_printf ("%zu:%s%s", strlen (im->feature),
                                                      im->feature, im->type);
              gpointer pos;
              if (!g_hash_table_lookup_extended (idx, key, NULL, &pos))
                {
                  pos = GUINT_TO_POINTER (keys->len);
                  g_hash_table_insert (idx, g_strdup (key), pos);
                  g_ptr_array_add (keys, g_strdup (key));
                  g_array_set_size (acc, keys->len);
                }
              double *a = (double *) (void *) (acc->data + GPOINTER_TO_UINT (pos) * sizeof (double) * 3);
              a[0] += 1;
              a[1] += im->value;
              a[2] += im->value * im->value;
            }
        }
      for (guint j = 0; j < keys->len; j++)
        {
          const double *a = (const double *) (const void *) (acc->data + j * sizeof (double) * 3);
          const char *key = keys->pdata[j];
          char *colon = NULL;
          size_t flen = (size_t) g_ascii_strtoull (key, &colon, 10);
          g_autofree char *feature = g_strndup (colon + 1, flen);
          const char *type = colon + 1 + flen;
          double n = a[0], mean = a[1] / n;
          double var = n > 1 ? fmax (0.0, (a[2] - n * mean * mean) / (n - 1)) : 0.0;
          td_csv_field (sum, m->exp->name);
          g_string_append_c (sum, ',');
          td_csv_field (sum, first->pipeline->name);
          g_string_append_c (sum, ',');
          td_csv_field (sum, first->pipeline->variant);
          g_string_append_c (sum, ',');
          td_csv_field (sum, feature);
          g_string_append_c (sum, ',');
          td_csv_field (sum, type);
          g_string_append_c (sum, ',');
          td_csv_double (sum, mean);
          g_string_append_c (sum, ',');
          td_csv_double (sum, sqrt (var));
          g_string_append_printf (sum, ",%.0f\n", n);
          TdImportanceRow row = { first->pipeline->name, first->pipeline->variant,
                                  g_string_chunk_insert_const (strings, feature),
                                  g_string_chunk_insert_const (strings, type),
                                  mean, sqrt (var), (size_t) n };
          g_array_append_val (rows, row);
        }
      k = end;
    }
  gboolean ok = TRUE;
  if (any)
    {
      g_autofree char *p1 = g_build_filename (m->run_dir, "feature_importance.csv", NULL);
      g_autofree char *p2 = g_build_filename (m->run_dir, "feature_importance_summary.csv", NULL);
      ok = write_atomic (p1, s->str, error) && write_atomic (p2, sum->str, error);
    }
  g_string_free (s, TRUE);
  g_string_free (sum, TRUE);
  return ok;
}

/* comparisons.csv: tidy, one row per (pipeline, baseline, metric, test). */
static gboolean
write_comparisons (const TdRunMeta *m, GArray *rows, GError **error)
{
  if (rows->len == 0)
    return TRUE;
  GString *s = g_string_new ("experiment,pipeline_a,pipeline_b,metric,test,estimate,statistic,"
                             "p_value,correction,p_adjusted\n");
  for (guint k = 0; k < rows->len; k++)
    {
      const TdComparisonRow *r = &g_array_index (rows, TdComparisonRow, k);
      td_csv_field (s, m->exp->name);
      g_string_append_c (s, ',');
      td_csv_field (s, r->pipeline_a);
      g_string_append_c (s, ',');
      td_csv_field (s, r->pipeline_b);
      g_string_append_c (s, ',');
      td_csv_field (s, r->metric);
      g_string_append_c (s, ',');
      td_csv_field (s, r->test);
      g_string_append_c (s, ',');
      td_csv_double (s, r->estimate);
      g_string_append_c (s, ',');
      td_csv_double (s, r->statistic);
      g_string_append_c (s, ',');
      td_csv_double (s, r->p_value);
      g_string_append_c (s, ',');
      td_csv_field (s, r->correction);
      g_string_append_c (s, ',');
      td_csv_double (s, r->p_adjusted);
      g_string_append_c (s, '\n');
    }
  g_autofree char *path = g_build_filename (m->run_dir, "comparisons.csv", NULL);
  gboolean ok = write_atomic (path, s->str, error);
  g_string_free (s, TRUE);
  return ok;
}

static int
cmp_comparison (gconstpointer a, gconstpointer b)
{
  const TdComparisonRow *x = a, *y = b;
  int c = g_strcmp0 (x->pipeline_a, y->pipeline_a);
  return c ? c : g_strcmp0 (x->pipeline_b, y->pipeline_b);
}

/* Seconds per step of the data, when the generator says (0 otherwise). */
static double
sample_period (const TdExperiment *exp)
{
  const TdGeneratorVTable *v = exp->data->entry->desc->vtable;
  const TdSamplePeriodExt *ext = v && v->extension ? v->extension (TD_EXT_SAMPLE_PERIOD) : NULL;
  return ext && isfinite (ext->seconds) && ext->seconds > 0 ? ext->seconds : 0;
}

gboolean
td_run_write_outputs (const TdRunMeta *m, GError **error)
{
  double t_start = td_clock ();
  const TdExperiment *exp = m->exp;
  g_autoptr (GPtrArray) trials = sorted_trials (m);
  size_t nm = exp->metrics->len;
  g_autoptr (GArray) results = g_array_new (FALSE, TRUE, sizeof (TdResultRow));
  g_autoptr (GArray) summary = g_array_new (FALSE, TRUE, sizeof (TdSummaryRow));
  g_autoptr (GArray) failed = g_array_new (FALSE, TRUE, sizeof (TdFailedTrial));
  g_autoptr (GArray) preds = g_array_new (FALSE, TRUE, sizeof (TdTrialPredictions));
  g_autoptr (GArray) curves = g_array_new (FALSE, TRUE, sizeof (TdCurveRow));
  g_autoptr (GArray) importance = g_array_new (FALSE, TRUE, sizeof (TdImportanceRow));
  g_autoptr (GArray) comparisons = g_array_new (FALSE, TRUE, sizeof (TdComparisonRow));
  g_autoptr (GArray) saliency = g_array_new (FALSE, TRUE, sizeof (TdInterpretRow));
  g_autoptr (GArray) attention = g_array_new (FALSE, TRUE, sizeof (TdInterpretRow));
  g_autoptr (GArray) confusion = g_array_new (FALSE, TRUE, sizeof (TdConfusionRow));
  g_autoptr (GArray) timings = g_array_new (FALSE, TRUE, sizeof (TdStageTime));
  GStringChunk *strings = g_string_chunk_new (4096);
  for (guint k = 0; k < trials->len; k++)
    {
      const TdTrial *t = trials->pdata[k];
      if (!t->ok)
        {
          TdFailedTrial f = { t->pipeline->name, t->pipeline->variant, t->repeat, t->fold, t->error };
          g_array_append_val (failed, f);
          continue;
        }
      TdTrialPredictions tp = { t->pipeline->name, t->pipeline->variant, t->repeat, t->fold,
                                t->n_test, t->n_outputs, t->test_ids, t->test_y, t->test_scores,
                                t->seconds };
      g_array_append_val (preds, tp);
      for (guint c = 0; t->curves && c < t->curves->len; c++)
        {
          const TdCurvePoint *pt = &g_array_index (t->curves, TdCurvePoint, c);
          TdCurveRow cr = { t->pipeline->name, t->pipeline->variant, t->repeat, t->fold,
                            pt->name, pt->step, pt->value };
          g_array_append_val (curves, cr);
        }
      for (size_t j = 0; j < nm; j++)
        {
          TdResultRow r = { t->pipeline->name, t->pipeline->variant, exp->metrics->pdata[j],
                            t->repeat, t->fold, t->metrics[j] };
          g_array_append_val (results, r);
        }
    }
  /* Summary per (label, metric) over the trials where the metric is defined. */
  g_autoptr (GArray) summary_ci = g_array_new (FALSE, TRUE, sizeof (TdSummaryInterval));
  if (!td_run_summary (m, trials, summary, summary_ci, error))
    {
      g_string_chunk_free (strings);
      return FALSE;
    }

  /* Left by a writer killed mid-file in an earlier attempt. */
  td_file_remove_stale_temps (m->run_dir);
  if (!write_predictions (m, trials, error) || !write_curves (m, trials, error)
      || !write_importance (m, trials, importance, strings, error)
      || !td_run_write_interpret (m, trials, saliency, attention, strings, error)
      || !td_run_write_confusion (m, trials, confusion, strings, error)
      || !td_run_write_drift (m, error)
      || !td_run_write_root_cause (m, trials, error)
      || !td_run_write_targets (m, summary, summary_ci, error))
    {
      g_string_chunk_free (strings);
      return FALSE;
    }
  td_kill_point ("outputs", -1);

  g_autofree const char **metric_names = g_new0 (const char *, nm + 1);
  for (size_t j = 0; j < nm; j++)
    metric_names[j] = exp->metrics->pdata[j];
  g_autofree const char **labels = g_new0 (const char *, exp->pipelines->len + 1);
  for (guint p = 0; p < exp->pipelines->len; p++)
    labels[p] = ((const TdPipeline *) exp->pipelines->pdata[p])->label;
  g_autofree const char **tests = g_new0 (const char *, exp->compare_tests->len + 1);
  for (guint j = 0; j < exp->compare_tests->len; j++)
    tests[j] = exp->compare_tests->pdata[j];
  g_autofree char *st = g_date_time_format_iso8601 (m->started);
  g_autofree char *fi = g_date_time_format_iso8601 (m->finished);
  const TdSplit *first = ((GPtrArray *) m->splits->pdata[0])->pdata[0];
  TdRunReport rep = {
    .experiment = exp->name, .config_yaml = exp->resolved_yaml, .config_hash = exp->hash,
    .run_dir = m->run_dir, .started_utc = st, .finished_utc = fi,
    .generator = exp->data->entry->desc->name, .data = m->data,
    .split_method = td_split_method_name (exp->split.method),
    .n_train = first->n_train, .n_valid = first->n_valid, .n_test = first->n_test,
    .metrics = metric_names, .pipelines = labels, .baseline = exp->baseline,
    .results = (TdResultRow *) results->data, .n_results = results->len,
    .summary = (TdSummaryRow *) summary->data, .n_summary = summary->len,
    .failed = (TdFailedTrial *) failed->data, .n_failed = failed->len,
    .n_trials = trials->len, .tundish_version = TUNDISH_VERSION,
    .predictions = (TdTrialPredictions *) preds->data, .n_predictions = preds->len,
    .curves = (TdCurveRow *) curves->data, .n_curves = curves->len,
    .importance = (TdImportanceRow *) importance->data, .n_importance = importance->len,
    .compare_tests = (const char *const *) tests,
    .saliency = (TdInterpretRow *) saliency->data, .n_saliency = saliency->len,
    .attention = (TdInterpretRow *) attention->data, .n_attention = attention->len,
    .confusion = (TdConfusionRow *) confusion->data, .n_confusion = confusion->len,
    .sample_period = sample_period (exp),
    .summary_ci = (TdSummaryInterval *) summary_ci->data,
    .summary_ci_grouped = td_split_is_grouped (&exp->split),
  };
  td_run_timing_rows (m, trials, TRUE, timings);
  rep.timings = (TdStageTime *) timings->data;
  rep.n_timings = timings->len;
  gboolean ok = td_compare_pipelines (exp, &rep, comparisons, strings, error);
  /* by pipeline pair, whatever order the pipelines have in the file (stable:
   * the metric and test order within a pair stays the experiment's) */
  g_array_sort (comparisons, cmp_comparison);
  ok = ok && write_comparisons (m, comparisons, error);
  rep.comparisons = (TdComparisonRow *) comparisons->data;
  rep.n_comparisons = comparisons->len;
  for (guint k = 0; ok && k < exp->reporters->len; k++)
    {
      const TdStage *r = exp->reporters->pdata[k];
      const TdReporterVTable *v = r->entry->desc->vtable;
      if (!v->write (r->params, &rep, error))
        {
          g_prefix_error (error, "reporter %s: ", r->entry->desc->name);
          ok = FALSE;
        }
    }
  g_string_chunk_free (strings);
  /* After the reporters, so the report stage includes them; `tundish report`
   * keeps the run's own time. */
  double report_seconds = m->report_seconds > 0 ? m->report_seconds : td_clock () - t_start;
  ok = ok && td_run_write_timings (m, trials, report_seconds, error);
  /* Last: a manifest saying "finished" vouches for every file above. */
  return ok && td_run_write_manifest (m, error);
}
