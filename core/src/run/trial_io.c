/* trial_io.c — a trial's own folder, written when it ends and read back by
 * the runner (every run's outputs are built from these files), by
 * `tundish run --resume` and by `tundish report`.
 *
 * trials/<pipeline>/r<R>-f<F>/
 *   predictions.csv        series_id,label,score[_k]   (test split)
 *   valid_predictions.csv  the same for the validation split, when there is one
 *   curves.csv             curve,step,value
 *   importance.csv         feature,type,value          (models that report it)
 *   saliency.csv           class_index,class,channel,time_bin,t_start,t_end,value,n_series
 *   attention.csv          class_index,class,time_bin,t_start,t_end,value,n_series
 *                          (interpret.h; models that explain / report attention)
 *   root_cause.csv         series_id,defect_type,...,share.<channel>  (root_cause.h;
 *                          data with cause metadata, models that explain)
 *   trial.csv              key,value: seconds, seconds.<stage> per timed stage, seeds,
 *                          augmentation counts, model path
 *   metrics.csv            metric,value — or "# failed,<message>"; written LAST
 *
 * Each file is written atomically (atomic_file.h). metrics.csv is the commit
 * point: a trial whose metrics.csv exists and parses is finished, whatever
 * else a kill left behind. Numbers are %.17g, so they read back bit for bit.
 */
#include "run/run_output.h"
#include "run/trial_io.h"
#include "util/text.h"

#include <math.h>
#include <string.h>

#include "util/atomic_file.h"
#include <tundish/io.h>
#include "run/interpret.h"
#include "run/killpoint.h"
#include "run/root_cause.h"

static gboolean
write_in (const char *dir, const char *name, GString *s, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return td_file_write_atomic (path, s->str, (gssize) s->len, error);
}

static void
predictions_text (GString *s, size_t n, size_t n_outputs, const gint64 *ids, const double *y,
                  const double *scores)
{
  g_string_assign (s, "series_id,label");
  for (size_t o = 0; o < n_outputs; o++)
    g_string_append_printf (s, n_outputs == 1 ? ",score" : ",score_%zu", o);
  g_string_append_c (s, '\n');
  for (size_t i = 0; i < n; i++)
    {
      g_string_append_printf (s, "%" G_GINT64_FORMAT ",", ids[i]);
      td_csv_double (s, y[i]);
      for (size_t o = 0; o < n_outputs; o++)
        {
          g_string_append_c (s, ',');
          td_csv_double (s, scores[i * n_outputs + o]);
        }
      g_string_append_c (s, '\n');
    }
}

static void
u64_list (GString *s, GArray *a, gboolean is_signed)
{
  for (guint j = 0; a && j < a->len; j++)
    {
      if (j)
        g_string_append_c (s, ' ');
      if (is_signed)
        g_string_append_printf (s, "%" G_GINT64_FORMAT, g_array_index (a, gint64, j));
      else
        g_string_append_printf (s, "%" G_GUINT64_FORMAT, g_array_index (a, guint64, j));
    }
}

/* The stage times go here, never into metrics.csv or predictions: they
 * differ from run to run, and those files are compared byte for byte. */
static void
trial_info_text (GString *s, const TdTrial *t, double write_seconds)
{
  g_string_assign (s, "key,value\nseconds,");
  td_csv_double (s, t->seconds);
  for (int st = 0; st < TD_N_STAGES; st++)
    {
      gboolean ran = st == TD_STAGE_WRITE ? write_seconds >= 0 : (t->stages_run >> st) & 1;
      if (!ran)
        continue;
      g_string_append_printf (s, "\nseconds.%s,", td_trial_stage_names[st]);
      td_csv_seconds (s, st == TD_STAGE_WRITE ? write_seconds : t->stage_seconds[st]);
    }
  g_string_append_printf (s, "\nmodel_seed,%" G_GUINT64_FORMAT "\nfeature_seeds,", t->model_seed);
  u64_list (s, t->feature_seeds, FALSE);
  g_string_append (s, "\naugmented,");
  u64_list (s, t->augmented, TRUE);
  g_string_append (s, "\nmodel,");
  td_csv_field (s, t->model_path ? t->model_path : "");
  g_string_append_c (s, '\n');
}

static void
interpret_text (GString *s, GArray *cells, gboolean attention)
{
  g_string_assign (s, attention ? "class_index,class,time_bin,t_start,t_end,value,n_series\n"
                                : "class_index,class,channel,time_bin,t_start,t_end,value,"
                                  "n_series\n");
  for (guint k = 0; k < cells->len; k++)
    {
      const TdInterpretCell *c = &g_array_index (cells, TdInterpretCell, k);
      g_string_append_printf (s, "%d,", c->class_index);
      td_interpret_cell_csv (s, c);
      td_csv_double (s, c->value);
      g_string_append_printf (s, ",%d\n", c->n_series);
    }
}

gboolean
td_run_write_trial (const char *run_dir, const TdExperiment *exp, const TdTrial *t, GError **error)
{
  g_autofree char *dir = td_trial_dir (run_dir, t);
  g_autoptr (GString) s = g_string_new ("");
  double t0 = td_clock (), write_seconds = -1;
  if (t->ok)
    {
      predictions_text (s, t->n_test, t->n_outputs, t->test_ids, t->test_y, t->test_scores);
      if (!write_in (dir, "predictions.csv", s, error))
        return FALSE;
      if (t->n_valid)
        {
          predictions_text (s, t->n_valid, t->n_outputs, t->valid_ids, t->valid_y,
                            t->valid_scores);
          if (!write_in (dir, "valid_predictions.csv", s, error))
            return FALSE;
        }
      g_string_assign (s, "curve,step,value\n");
      for (guint c = 0; t->curves && c < t->curves->len; c++)
        {
          const TdCurvePoint *pt = &g_array_index (t->curves, TdCurvePoint, c);
          td_csv_field (s, pt->name);
          g_string_append_printf (s, ",%d,", pt->step);
          td_csv_double (s, pt->value);
          g_string_append_c (s, '\n');
        }
      if (!write_in (dir, "curves.csv", s, error))
        return FALSE;
      if (t->importance)
        {
          g_string_assign (s, "feature,type,value\n");
          for (guint j = 0; j < t->importance->len; j++)
            {
              const TdImportance *im = &g_array_index (t->importance, TdImportance, j);
              td_csv_field (s, im->feature);
              g_string_append_c (s, ',');
              td_csv_field (s, im->type);
              g_string_append_c (s, ',');
              td_csv_double (s, im->value);
              g_string_append_c (s, '\n');
            }
          if (!write_in (dir, "importance.csv", s, error))
            return FALSE;
        }
      if (t->saliency)
        {
          interpret_text (s, t->saliency, FALSE);
          if (!write_in (dir, "saliency.csv", s, error))
            return FALSE;
        }
      if (t->attention)
        {
          interpret_text (s, t->attention, TRUE);
          if (!write_in (dir, "attention.csv", s, error))
            return FALSE;
        }
      if (t->root_cause)
        {
          g_string_truncate (s, 0);
          td_root_cause_csv (s, t->root_cause);
          if (!write_in (dir, "root_cause.csv", s, error))
            return FALSE;
        }
      write_seconds = td_clock () - t0;
    }
  trial_info_text (s, t, write_seconds);
  if (!write_in (dir, "trial.csv", s, error))
    return FALSE;
  td_kill_point ("trial-write", t->index);
  return td_trial_write_metrics (run_dir, exp, t, error);
}

gboolean
td_trial_write_metrics (const char *run_dir, const TdExperiment *exp, const TdTrial *t,
                        GError **error)
{
  g_autofree char *dir = td_trial_dir (run_dir, t);
  g_autoptr (GString) s = g_string_new ("metric,value\n");
  if (t->ok)
    for (guint m = 0; m < exp->metrics->len; m++)
      {
        td_csv_field (s, exp->metrics->pdata[m]);
        g_string_append_c (s, ',');
        td_csv_double (s, t->metrics[m]);
        g_string_append_c (s, '\n');
      }
  else
    {
      /* one line: a failure message is read as a single record field */
      g_autofree char *msg = g_strdup (t->error ? t->error : "failed");
      g_strdelimit (msg, "\r\n", ' ');
      g_string_append (s, "# failed,");
      td_csv_field (s, msg);
      g_string_append_c (s, '\n');
    }
  return write_in (dir, "metrics.csv", s, error);
}

static gboolean
load_fail (GError **error, const char *path, guint row, const char *what)
{
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: record %u: %s", path, row, what);
  return FALSE;
}

/* The records of dir/name; NULL with error when missing or malformed. */
static GPtrArray *
read_csv (const char *dir, const char *name, char **path_out, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, error))
    return NULL;
  GPtrArray *rows = td_csv_parse (text, len, path, error);
  if (rows && path_out)
    *path_out = g_steal_pointer (&path);
  return rows;
}

static gboolean
load_predictions (const char *dir, const char *name, size_t *n_out, size_t *n_outputs,
                  gint64 **ids, double **y, double **scores, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) rows = read_csv (dir, name, &path, error);
  if (!rows)
    return FALSE;
  char **head = rows->len ? rows->pdata[0] : NULL;
  size_t ncol = head ? g_strv_length (head) : 0;
  if (ncol < 3 || strcmp (head[0], "series_id") != 0 || strcmp (head[1], "label") != 0)
    return load_fail (error, path, 1, "expected the header series_id,label,score...");
  if (*n_outputs && ncol - 2 != *n_outputs)
    return load_fail (error, path, 1, "a different number of score columns than the test file");
  *n_outputs = ncol - 2;
  size_t n = rows->len - 1;
  *n_out = n;
  *ids = g_new (gint64, MAX (n, (size_t) 1));
  *y = g_new (double, MAX (n, (size_t) 1));
  *scores = g_new (double, MAX (n * *n_outputs, (size_t) 1));
  for (size_t i = 0; i < n; i++)
    {
      char **f = rows->pdata[i + 1];
      gint64 id = 0;
      gboolean ok = g_strv_length (f) == ncol
                    && g_ascii_string_to_signed (f[0], 10, G_MININT64, G_MAXINT64, &id, NULL)
                    && td_csv_parse_double (f[1], &(*y)[i]);
      for (size_t o = 0; ok && o < *n_outputs; o++)
        ok = td_csv_parse_double (f[o + 2], &(*scores)[i * *n_outputs + o]);
      if (!ok)
        return load_fail (error, path, (guint) i + 2, "malformed prediction row");
      (*ids)[i] = id;
    }
  return TRUE;
}

static gboolean
parse_u64_list (const char *text, GArray *out, gboolean is_signed)
{
  g_auto (GStrv) parts = g_strsplit (text, " ", -1);
  for (size_t k = 0; parts[k]; k++)
    {
      if (!*parts[k])
        continue;
      if (is_signed)
        {
          gint64 v;
          if (!g_ascii_string_to_signed (parts[k], 10, G_MININT64, G_MAXINT64, &v, NULL))
            return FALSE;
          g_array_append_val (out, v);
        }
      else
        {
          guint64 v;
          if (!g_ascii_string_to_unsigned (parts[k], 10, 0, G_MAXUINT64, &v, NULL))
            return FALSE;
          g_array_append_val (out, v);
        }
    }
  return TRUE;
}

/* trial.csv is optional (folders written before it existed read as 0 s). */
static gboolean
load_info (const char *dir, TdTrial *t, GError **error)
{
  t->feature_seeds = g_array_new (FALSE, TRUE, sizeof (guint64));
  t->augmented = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_autofree char *p = g_build_filename (dir, "trial.csv", NULL);
  if (!g_file_test (p, G_FILE_TEST_EXISTS))
    return TRUE;
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) rows = read_csv (dir, "trial.csv", &path, error);
  if (!rows)
    return FALSE;
  for (guint i = 1; i < rows->len; i++)
    {
      char **f = rows->pdata[i];
      if (g_strv_length (f) != 2)
        return load_fail (error, path, i + 1, "expected key,value");
      gboolean ok = TRUE;
      if (strcmp (f[0], "seconds") == 0)
        ok = td_csv_parse_double (f[1], &t->seconds);
      else if (g_str_has_prefix (f[0], "seconds."))
        {
          /* a stage this tundish does not know (a newer one wrote it) is skipped */
          for (int st = 0; st < TD_N_STAGES; st++)
            if (strcmp (f[0] + strlen ("seconds."), td_trial_stage_names[st]) == 0)
              {
                double v;
                ok = td_csv_parse_double (f[1], &v);
                if (ok)
                  {
                    t->stage_seconds[st] = v;
                    t->stages_run |= 1u << st;
                  }
              }
        }
      else if (strcmp (f[0], "model_seed") == 0)
        ok = g_ascii_string_to_unsigned (f[1], 10, 0, G_MAXUINT64, &t->model_seed, NULL);
      else if (strcmp (f[0], "feature_seeds") == 0)
        ok = parse_u64_list (f[1], t->feature_seeds, FALSE);
      else if (strcmp (f[0], "augmented") == 0)
        ok = parse_u64_list (f[1], t->augmented, TRUE);
      else if (strcmp (f[0], "model") == 0)
        {
          g_free (t->model_path);
          t->model_path = *f[1] ? g_strdup (f[1]) : NULL;
        }
      if (!ok)
        return load_fail (error, path, i + 1, "malformed value");
    }
  return TRUE;
}

/* saliency.csv / attention.csv when present (*out left NULL otherwise). */
static gboolean
load_interpret (const char *dir, const char *name, gboolean attention, GArray **out,
                GError **error)
{
  g_autofree char *p = g_build_filename (dir, name, NULL);
  if (!g_file_test (p, G_FILE_TEST_EXISTS))
    return TRUE;
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) rows = read_csv (dir, name, &path, error);
  if (!rows)
    return FALSE;
  guint ncol = attention ? 7 : 8;
  *out = g_array_new (FALSE, TRUE, sizeof (TdInterpretCell));
  for (guint i = 1; i < rows->len; i++)
    {
      char **f = rows->pdata[i];
      gint64 cls, bin, n;
      TdInterpretCell c = { 0 };
      guint o = attention ? 0 : 1;   /* saliency has the channel column */
      if (g_strv_length (f) != ncol
          || !g_ascii_string_to_signed (f[0], 10, 0, G_MAXINT, &cls, NULL)
          || !g_ascii_string_to_signed (f[2 + o], 10, 0, G_MAXINT, &bin, NULL)
          || !td_csv_parse_double (f[3 + o], &c.t_start) || !td_csv_parse_double (f[4 + o], &c.t_end)
          || !td_csv_parse_double (f[5 + o], &c.value)
          || !g_ascii_string_to_signed (f[6 + o], 10, 0, G_MAXINT, &n, NULL))
        return load_fail (error, path, i + 1, attention ? "malformed attention row"
                                                        : "malformed saliency row");
      c.class_index = (int) cls;
      c.class_name = g_strdup (f[1]);
      c.channel = attention ? NULL : g_strdup (f[2]);
      c.time_bin = (int) bin;
      c.n_series = (int) n;
      g_array_append_val (*out, c);
    }
  return TRUE;
}

static gboolean
trial_load (const char *run_dir, const TdExperiment *exp, TdTrial *t, GError **error)
{
  g_autofree char *dir = td_trial_dir (run_dir, t);
  g_autofree char *mpath = NULL;
  g_autoptr (GPtrArray) mrows = read_csv (dir, "metrics.csv", &mpath, error);
  if (!mrows)
    return FALSE;
  char **head = mrows->len ? mrows->pdata[0] : NULL;
  if (!head || g_strv_length (head) != 2 || strcmp (head[0], "metric") != 0
      || strcmp (head[1], "value") != 0)
    return load_fail (error, mpath, 1, "expected the header metric,value");
  if (!load_info (dir, t, error))
    return FALSE;
  char **first = mrows->len > 1 ? mrows->pdata[1] : NULL;
  if (first && strcmp (first[0], "# failed") == 0)
    {
      t->ok = FALSE;
      t->error = td_text_escape (first[1] ? first[1] : "failed");
      t->done = TRUE;
      return TRUE;
    }
  /* Metrics added after the run (`tundish report --metrics`) may be missing
   * while that command has not yet rewritten this file: NaN until it does. */
  guint n_stored = mrows->len - 1, n_base = exp->metrics->len - exp->n_added_metrics;
  if (n_stored != exp->metrics->len && n_stored != n_base)
    return load_fail (error, mpath, mrows->len, "expected the experiment's metrics in order");
  t->metrics_partial = n_stored != exp->metrics->len;
  t->metrics = g_new (double, MAX (exp->metrics->len, 1u));
  for (guint m = n_stored; m < exp->metrics->len; m++)
    t->metrics[m] = NAN;
  for (guint m = 0; m < n_stored; m++)
    {
      char **f = mrows->pdata[m + 1];
      if (g_strv_length (f) != 2 || strcmp (f[0], exp->metrics->pdata[m]) != 0
          || !td_csv_parse_double (f[1], &t->metrics[m]))
        return load_fail (error, mpath, m + 2, "expected the experiment's metrics in order");
    }
  t->n_outputs = 0;
  if (!load_predictions (dir, "predictions.csv", &t->n_test, &t->n_outputs, &t->test_ids,
                         &t->test_y, &t->test_scores, error))
    return FALSE;
  g_autofree char *vpath = g_build_filename (dir, "valid_predictions.csv", NULL);
  if (g_file_test (vpath, G_FILE_TEST_EXISTS)
      && !load_predictions (dir, "valid_predictions.csv", &t->n_valid, &t->n_outputs,
                            &t->valid_ids, &t->valid_y, &t->valid_scores, error))
    return FALSE;

  t->curves = g_array_new (FALSE, FALSE, sizeof (TdCurvePoint));
  g_autofree char *cpath = g_build_filename (dir, "curves.csv", NULL);
  if (g_file_test (cpath, G_FILE_TEST_EXISTS))
    {
      g_autofree char *path = NULL;
      g_autoptr (GPtrArray) rows = read_csv (dir, "curves.csv", &path, error);
      if (!rows)
        return FALSE;
      for (guint i = 1; i < rows->len; i++)
        {
          char **f = rows->pdata[i];
          gint64 step;
          double v;
          if (g_strv_length (f) != 3
              || !g_ascii_string_to_signed (f[1], 10, G_MININT, G_MAXINT, &step, NULL)
              || !td_csv_parse_double (f[2], &v))
            return load_fail (error, path, i + 1, "malformed curve row");
          TdCurvePoint pt = { g_strdup (f[0]), (int) step, v };
          g_array_append_val (t->curves, pt);
        }
    }
  g_autofree char *ipath = g_build_filename (dir, "importance.csv", NULL);
  if (g_file_test (ipath, G_FILE_TEST_EXISTS))
    {
      g_autofree char *path = NULL;
      g_autoptr (GPtrArray) rows = read_csv (dir, "importance.csv", &path, error);
      if (!rows)
        return FALSE;
      t->importance = g_array_new (FALSE, TRUE, sizeof (TdImportance));
      for (guint i = 1; i < rows->len; i++)
        {
          char **f = rows->pdata[i];
          double v;
          if (g_strv_length (f) != 3 || !td_csv_parse_double (f[2], &v))
            return load_fail (error, path, i + 1, "malformed importance row");
          /* types are interned so they outlive the file text */
          TdImportance im = { g_strdup (f[0]), g_intern_string (f[1]), v };
          g_array_append_val (t->importance, im);
        }
    }
  if (!load_interpret (dir, "saliency.csv", FALSE, &t->saliency, error)
      || !load_interpret (dir, "attention.csv", TRUE, &t->attention, error))
    return FALSE;
  g_autofree char *rpath = g_build_filename (dir, "root_cause.csv", NULL);
  g_autofree char *rtext = NULL;
  gsize rlen = 0;
  if (g_file_test (rpath, G_FILE_TEST_EXISTS))
    {
      if (!g_file_get_contents (rpath, &rtext, &rlen, error)
          || !(t->root_cause = td_root_cause_parse (rtext, rlen, rpath, error)))
        return FALSE;
    }
  t->ok = TRUE;
  t->done = TRUE;
  return TRUE;
}

gboolean
td_trial_load (const char *run_dir, const TdExperiment *exp, TdTrial *t, GError **error)
{
  /* Whatever a failed load filled in is dropped: the trial counts as not run. */
  if (trial_load (run_dir, exp, t, error))
    return TRUE;
  td_trial_clear (t);
  t->done = t->ok = FALSE;
  return FALSE;
}
