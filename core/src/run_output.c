/* run_output.c — per-trial files, predictions.h5, curves, manifest.yaml and
 * the reporters' inputs. Everything is ordered by pipeline label, repeat and
 * fold (never by completion order), so outputs are byte-identical whatever -j
 * is and wherever a pipeline stands in the file. */
#include "run_output.h"

#include <gsl/gsl_version.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "blas.h"
#include "compare.h"
#include "split.h"
#include <tundish/tundish.h>

static gboolean
write_atomic (const char *path, const char *text, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0755);
  return g_file_set_contents (path, text, -1, error);   /* temp file + rename */
}

static void
append_double (GString *s, double v)
{
  if (isnan (v))
    g_string_append (s, "nan");
  else
    g_string_append_printf (s, "%.17g", v);
}

static void
csv_field (GString *s, const char *text)
{
  if (!strpbrk (text, ",\"\r\n"))
    {
      g_string_append (s, text);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *c = text; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *c);
    }
  g_string_append_c (s, '"');
}

/* The trial's files; metrics.csv is written last, so a trial whose
 * metrics.csv exists and parses is finished (td_trial_load relies on it). */
gboolean
td_run_write_trial (const char *run_dir, const TdExperiment *exp, const TdTrial *t, GError **error)
{
  g_autofree char *dir = td_trial_dir (run_dir, t);
  GString *s = g_string_new ("");
  gboolean ok = TRUE;
  if (t->ok)
    {
      g_string_append (s, "series_id,label");
      for (size_t o = 0; o < t->n_outputs; o++)
        g_string_append_printf (s, t->n_outputs == 1 ? ",score" : ",score_%zu", o);
      g_string_append_c (s, '\n');
      for (size_t i = 0; i < t->n_test; i++)
        {
          g_string_append_printf (s, "%" G_GINT64_FORMAT ",", t->test_ids[i]);
          append_double (s, t->test_y[i]);
          for (size_t o = 0; o < t->n_outputs; o++)
            {
              g_string_append_c (s, ',');
              append_double (s, t->test_scores[i * t->n_outputs + o]);
            }
          g_string_append_c (s, '\n');
        }
      g_autofree char *p = g_build_filename (dir, "predictions.csv", NULL);
      ok = write_atomic (p, s->str, error);
      g_string_assign (s, "curve,step,value\n");
      for (guint c = 0; t->curves && c < t->curves->len; c++)
        {
          const TdCurvePoint *pt = &g_array_index (t->curves, TdCurvePoint, c);
          g_string_append_printf (s, "%s,%d,", pt->name, pt->step);
          append_double (s, pt->value);
          g_string_append_c (s, '\n');
        }
      g_autofree char *pc = g_build_filename (dir, "curves.csv", NULL);
      ok = ok && write_atomic (pc, s->str, error);
      if (ok && t->importance)
        {
          g_string_assign (s, "feature,type,value\n");
          for (guint j = 0; j < t->importance->len; j++)
            {
              const TdImportance *im = &g_array_index (t->importance, TdImportance, j);
              csv_field (s, im->feature);
              g_string_append_printf (s, ",%s,", im->type);
              append_double (s, im->value);
              g_string_append_c (s, '\n');
            }
          g_autofree char *pi = g_build_filename (dir, "importance.csv", NULL);
          ok = write_atomic (pi, s->str, error);
        }
    }
  g_string_assign (s, "metric,value\n");
  if (t->ok)
    for (guint m = 0; m < exp->metrics->len; m++)
      {
        g_string_append_printf (s, "%s,", (char *) exp->metrics->pdata[m]);
        append_double (s, t->metrics[m]);
        g_string_append_c (s, '\n');
      }
  else
    {
      g_autofree char *msg = g_strdup (t->error);
      g_strdelimit (msg, "\r\n", ' ');
      g_string_append (s, "# failed,");
      csv_field (s, msg);
      g_string_append_c (s, '\n');
    }
  g_autofree char *path = g_build_filename (dir, "metrics.csv", NULL);
  ok = ok && write_atomic (path, s->str, error);
  g_string_free (s, TRUE);
  return ok;
}

/* Split one CSV line into fields (RFC 4180 quotes). */
static char **
csv_split (const char *line)
{
  GPtrArray *out = g_ptr_array_new ();
  GString *f = g_string_new ("");
  gboolean quoted = FALSE;
  for (const char *c = line;; c++)
    {
      if (quoted)
        {
          if (*c == '\0')
            break;
          if (*c == '"' && c[1] == '"')
            g_string_append_c (f, *c++);
          else if (*c == '"')
            quoted = FALSE;
          else
            g_string_append_c (f, *c);
          continue;
        }
      if (*c == '"')
        quoted = TRUE;
      else if (*c == ',' || *c == '\0')
        {
          g_ptr_array_add (out, g_strdup (f->str));
          g_string_truncate (f, 0);
          if (*c == '\0')
            break;
        }
      else if (*c != '\r')
        g_string_append_c (f, *c);
    }
  g_string_free (f, TRUE);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static gboolean
parse_double (const char *text, double *out)
{
  char *end = NULL;
  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

static gboolean
load_fail (GError **error, const char *path, int line, const char *what)
{
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%d: %s", path, line, what);
  return FALSE;
}

gboolean
td_trial_load (const char *run_dir, const TdExperiment *exp, TdTrial *t, GError **error)
{
  g_autofree char *dir = td_trial_dir (run_dir, t);
  g_autofree char *mpath = g_build_filename (dir, "metrics.csv", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (mpath, &text, NULL, error))
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  if (!lines[0] || strcmp (lines[0], "metric,value") != 0)
    return load_fail (error, mpath, 1, "expected the header metric,value");
  if (lines[1] && g_str_has_prefix (lines[1], "# failed,"))
    {
      g_auto (GStrv) f = csv_split (lines[1]);
      t->ok = FALSE;
      t->error = g_strdup (f[1] ? f[1] : "failed");
      t->done = TRUE;
      return TRUE;
    }
  t->metrics = g_new (double, MAX (exp->metrics->len, 1u));
  for (guint m = 0; m < exp->metrics->len; m++)
    {
      g_auto (GStrv) f = lines[m + 1] ? csv_split (lines[m + 1]) : NULL;
      if (!f || !f[0] || !f[1] || strcmp (f[0], exp->metrics->pdata[m]) != 0
          || !parse_double (f[1], &t->metrics[m]))
        return load_fail (error, mpath, (int) m + 2, "expected the experiment's metrics in order");
    }
  /* predictions */
  g_autofree char *ppath = g_build_filename (dir, "predictions.csv", NULL);
  g_autofree char *ptext = NULL;
  if (!g_file_get_contents (ppath, &ptext, NULL, error))
    return FALSE;
  g_auto (GStrv) pl = g_strsplit (ptext, "\n", -1);
  g_auto (GStrv) head = pl[0] ? csv_split (pl[0]) : NULL;
  size_t ncol = head ? g_strv_length (head) : 0;
  if (ncol < 3 || strcmp (head[0], "series_id") != 0)
    return load_fail (error, ppath, 1, "expected the header series_id,label,score...");
  t->n_outputs = ncol - 2;
  size_t n = 0;
  while (pl[n + 1] && *pl[n + 1])
    n++;
  t->n_test = n;
  t->test_ids = g_new (gint64, MAX (n, (size_t) 1));
  t->test_y = g_new (double, MAX (n, (size_t) 1));
  t->test_scores = g_new (double, MAX (n * t->n_outputs, (size_t) 1));
  for (size_t i = 0; i < n; i++)
    {
      g_auto (GStrv) f = csv_split (pl[i + 1]);
      double id;
      gboolean ok = g_strv_length (f) == ncol && parse_double (f[0], &id)
                    && parse_double (f[1], &t->test_y[i]);
      for (size_t o = 0; ok && o < t->n_outputs; o++)
        ok = parse_double (f[o + 2], &t->test_scores[i * t->n_outputs + o]);
      if (!ok)
        return load_fail (error, ppath, (int) i + 2, "malformed prediction row");
      t->test_ids[i] = (gint64) id;
    }
  /* curves and importance (optional files) */
  t->curves = g_array_new (FALSE, FALSE, sizeof (TdCurvePoint));
  g_autofree char *cpath = g_build_filename (dir, "curves.csv", NULL);
  g_autofree char *ctext = NULL;
  if (g_file_get_contents (cpath, &ctext, NULL, NULL))
    {
      g_auto (GStrv) cl = g_strsplit (ctext, "\n", -1);
      for (size_t i = 1; cl[0] && cl[i] && *cl[i]; i++)
        {
          g_auto (GStrv) f = csv_split (cl[i]);
          double step, v;
          if (g_strv_length (f) != 3 || !parse_double (f[1], &step) || !parse_double (f[2], &v))
            return load_fail (error, cpath, (int) i + 1, "malformed curve row");
          TdCurvePoint pt = { g_strdup (f[0]), (int) step, v };
          g_array_append_val (t->curves, pt);
        }
    }
  g_autofree char *ipath = g_build_filename (dir, "importance.csv", NULL);
  g_autofree char *itext = NULL;
  if (g_file_get_contents (ipath, &itext, NULL, NULL))
    {
      t->importance = g_array_new (FALSE, TRUE, sizeof (TdImportance));
      g_auto (GStrv) il = g_strsplit (itext, "\n", -1);
      for (size_t i = 1; il[0] && il[i] && *il[i]; i++)
        {
          g_auto (GStrv) f = csv_split (il[i]);
          double v;
          if (g_strv_length (f) != 3 || !parse_double (f[2], &v))
            return load_fail (error, ipath, (int) i + 1, "malformed importance row");
          /* types are interned so they outlive the file text */
          TdImportance im = { g_strdup (f[0]), g_intern_string (f[1]), v };
          g_array_append_val (t->importance, im);
        }
    }
  t->ok = TRUE;
  t->done = TRUE;
  return TRUE;
}

/* Trials sorted by (label, repeat, fold). */
static int
cmp_trial (gconstpointer a, gconstpointer b)
{
  const TdTrial *x = *(TdTrial *const *) a, *y = *(TdTrial *const *) b;
  int c = strcmp (x->pipeline->label, y->pipeline->label);
  if (c)
    return c;
  if (x->repeat != y->repeat)
    return x->repeat - y->repeat;
  return x->fold - y->fold;
}

static GPtrArray *
sorted_trials (const TdRunMeta *m)
{
  GPtrArray *out = g_ptr_array_new ();
  for (size_t k = 0; k < m->n_trials; k++)
    g_ptr_array_add (out, &m->trials[k]);
  g_ptr_array_sort (out, cmp_trial);
  return out;
}

static gboolean
h5_write_1d (hid_t g, const char *name, hid_t type, size_t n, const void *data)
{
  hsize_t dims[1] = { n };
  hid_t sp = H5Screate_simple (1, dims, NULL);
  hid_t d = H5Dcreate2 (g, name, type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st = d < 0 ? -1 : (n ? H5Dwrite (d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0);
  if (d >= 0)
    H5Dclose (d);
  H5Sclose (sp);
  return st >= 0;
}

/* predictions.h5: /<pipeline label>/r<R>-f<F>/{series_id, label, score}. */
static gboolean
write_predictions (const TdRunMeta *m, GPtrArray *trials, GError **error)
{
  g_autofree char *path = g_build_filename (m->run_dir, "predictions.h5", NULL);
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fcreate (tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot create %s", tmp);
      return FALSE;
    }
  gboolean ok = TRUE;
  hid_t lcpl = H5Pcreate (H5P_LINK_CREATE);
  H5Pset_create_intermediate_group (lcpl, 1);
  for (guint k = 0; ok && k < trials->len; k++)
    {
      const TdTrial *t = trials->pdata[k];
      if (!t->ok)
        continue;
      /* HDF5 path components may not contain '/', labels never do after this */
      g_autofree char *label = g_strdup (t->pipeline->label);
      g_strdelimit (label, "/", '_');
      g_autofree char *gp = g_strdup_printf ("/%s/r%d-f%d", label, t->repeat, t->fold);
      hid_t g = H5Gcreate2 (f, gp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
      ok = g >= 0 && h5_write_1d (g, "series_id", H5T_NATIVE_INT64, t->n_test, t->test_ids)
        && h5_write_1d (g, "label", H5T_NATIVE_DOUBLE, t->n_test, t->test_y)
        && h5_write_1d (g, "score", H5T_NATIVE_DOUBLE, t->n_test * t->n_outputs, t->test_scores);
      if (g >= 0)
        H5Gclose (g);
    }
  H5Pclose (lcpl);
  if (H5Fclose (f) < 0)
    ok = FALSE;
  if (!ok || g_rename (tmp, path) != 0)
    {
      g_unlink (tmp);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot write %s", path);
      return FALSE;
    }
  return TRUE;
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
          g_string_append_printf (s, "%s,\"%s\",%d,%d,%s,%d,", t->pipeline->name,
                                  t->pipeline->variant, t->repeat, t->fold, pt->name, pt->step);
          append_double (s, pt->value);
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
      guint end = k;
      while (end < trials->len
             && strcmp (((const TdTrial *) trials->pdata[end])->pipeline->label,
                        first->pipeline->label) == 0)
        end++;
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
              g_string_append_printf (s, "%s,", m->exp->name);
              csv_field (s, t->pipeline->name);
              g_string_append_c (s, ',');
              csv_field (s, t->pipeline->variant);
              g_string_append_printf (s, ",%d,%d,", t->repeat, t->fold);
              csv_field (s, im->feature);
              g_string_append_printf (s, ",%s,", im->type);
              append_double (s, im->value);
              g_string_append_c (s, '\n');
              g_autofree char *key = g_strdup_printf ("%s\x1f%s", im->feature, im->type);
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
          g_auto (GStrv) parts = g_strsplit (keys->pdata[j], "\x1f", 2);
          double n = a[0], mean = a[1] / n;
          double var = n > 1 ? fmax (0.0, (a[2] - n * mean * mean) / (n - 1)) : 0.0;
          g_string_append_printf (sum, "%s,", m->exp->name);
          csv_field (sum, first->pipeline->name);
          g_string_append_c (sum, ',');
          csv_field (sum, first->pipeline->variant);
          g_string_append_c (sum, ',');
          csv_field (sum, parts[0]);
          g_string_append_printf (sum, ",%s,", parts[1]);
          append_double (sum, mean);
          g_string_append_c (sum, ',');
          append_double (sum, sqrt (var));
          g_string_append_printf (sum, ",%.0f\n", n);
          TdImportanceRow row = { first->pipeline->name, first->pipeline->variant,
                                  g_string_chunk_insert_const (strings, parts[0]),
                                  g_string_chunk_insert_const (strings, parts[1]),
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
      g_string_append_printf (s, "%s,", m->exp->name);
      csv_field (s, r->pipeline_a);
      g_string_append_c (s, ',');
      csv_field (s, r->pipeline_b);
      g_string_append_printf (s, ",%s,%s,", r->metric, r->test);
      append_double (s, r->estimate);
      g_string_append_c (s, ',');
      append_double (s, r->statistic);
      g_string_append_c (s, ',');
      append_double (s, r->p_value);
      g_string_append_printf (s, ",%s,", r->correction);
      append_double (s, r->p_adjusted);
      g_string_append_c (s, '\n');
    }
  g_autofree char *path = g_build_filename (m->run_dir, "comparisons.csv", NULL);
  gboolean ok = write_atomic (path, s->str, error);
  g_string_free (s, TRUE);
  return ok;
}

static char *
git_commit (const char *dir)
{
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[] = { "git", "-C", dir, "rev-parse", "HEAD", NULL };
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL) || !out)
    return g_strdup ("unknown");
  g_autofree char *dirty = NULL;
  const char *argv2[] = { "git", "-C", dir, "status", "--porcelain", "--untracked-files=no", NULL };
  g_spawn_sync (NULL, (char **) argv2, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &dirty, NULL, NULL, NULL);
  return g_strdup_printf ("%s%s", g_strstrip (out), dirty && *dirty ? " (with local changes)" : "");
}

static void
yaml_quoted (GString *s, const char *text)
{
  g_string_append_c (s, '"');
  for (const char *c = text ? text : ""; *c; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (s, '\\');
      if (*c == '\n')
        g_string_append (s, "\\n");
      else
        g_string_append_c (s, *c);
    }
  g_string_append_c (s, '"');
}

static void
manifest_plugin (GString *s, const TdStage *st, GHashTable *seen)
{
  const TdPluginDescriptor *d = st->entry->desc;
  g_autofree char *key = g_strdup_printf ("%s/%s", td_kind_name (d->kind), d->name);
  if (g_hash_table_contains (seen, key))
    return;
  g_hash_table_add (seen, g_steal_pointer (&key));
  g_string_append_printf (s, "  - { kind: %s, name: %s, version: ", td_kind_name (d->kind), d->name);
  yaml_quoted (s, d->version);
  g_string_append (s, ", file: ");
  yaml_quoted (s, st->entry->path);
  g_string_append (s, " }\n");
}

static gboolean
write_manifest (const TdRunMeta *m, GPtrArray *trials, size_t n_failed, GError **error)
{
  const TdExperiment *exp = m->exp;
  GString *s = g_string_new ("# tundish run manifest: everything needed to reproduce this run\n");
  g_autofree char *st = g_date_time_format_iso8601 (m->started);
  g_autofree char *fi = g_date_time_format_iso8601 (m->finished);
  g_autofree char *exp_dir = g_path_get_dirname (exp->path);
  g_autofree char *commit = git_commit (exp_dir);
  unsigned h5maj = 0, h5min = 0, h5rel = 0;
  H5get_libversion (&h5maj, &h5min, &h5rel);
  g_string_append_printf (s, "experiment: %s\nexperiment_file: ", exp->name);
  g_autofree char *exp_abs = g_canonicalize_filename (exp->path, NULL);
  yaml_quoted (s, exp_abs);
  g_string_append_printf (s, "\nconfig_hash: \"%s\"\ncommand: ", exp->hash);
  yaml_quoted (s, m->command_line);
  g_string_append (s, "\noverrides: [");
  for (size_t k = 0; m->overrides && m->overrides[k]; k++)
    {
      g_string_append (s, k ? ", " : "");
      yaml_quoted (s, m->overrides[k]);
    }
  g_string_append (s, "]");
  g_string_append_printf (s, "\nstarted: %s\nfinished: %s\nhost: ", st, fi);
  yaml_quoted (s, g_get_host_name ());
  g_string_append (s, "\ngit_commit: ");
  yaml_quoted (s, commit);
  g_string_append_printf (s, "\njobs: %d\nthreads_per_trial: %d\n", m->jobs, m->threads_per_trial);
  g_string_append_printf (s, "versions:\n  tundish: \"%s\"\n  plugin_abi: \"%d.%d\"\n"
                          "  glib: \"%u.%u.%u\"\n  gsl: \"%s\"\n  hdf5: \"%u.%u.%u\"\n"
                          "  libyaml: \"%s\"\n  blas: \"%s\"\n",
                          TUNDISH_VERSION, TD_PLUGIN_ABI_MAJOR, TD_PLUGIN_ABI_MINOR,
                          glib_major_version, glib_minor_version, glib_micro_version,
                          GSL_VERSION, h5maj, h5min, h5rel, yaml_get_version_string (),
                          td_blas_config ());
  g_string_append (s, "plugins:\n");
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  manifest_plugin (s, exp->data, seen);
  for (guint k = 0; k < exp->augment->len; k++)
    manifest_plugin (s, exp->augment->pdata[k], seen);
  for (guint p = 0; p < exp->pipelines->len; p++)
    {
      const TdPipeline *pl = exp->pipelines->pdata[p];
      for (guint k = 0; k < pl->features->len; k++)
        manifest_plugin (s, pl->features->pdata[k], seen);
      manifest_plugin (s, pl->model, seen);
    }
  for (guint k = 0; k < exp->evaluators->len; k++)
    manifest_plugin (s, exp->evaluators->pdata[k], seen);
  for (guint k = 0; k < exp->reporters->len; k++)
    manifest_plugin (s, exp->reporters->pdata[k], seen);

  g_string_append_printf (s, "seeds:\n  master: %" G_GUINT64_FORMAT "\n  data: %" G_GUINT64_FORMAT
                          "\n  splits:\n", exp->seed,
                          td_seed_derive (exp->seed, 0, 0, "data", exp->data->entry->desc->name));
  for (int r = 0; r < exp->repeats; r++)
    g_string_append_printf (s, "    - { repeat: %d, seed: %" G_GUINT64_FORMAT " }\n", r,
                            td_seed_derive (exp->seed, r, 0, "split", ""));
  g_string_append_printf (s, "data:\n  series: %zu\n  steps: %zu\n  channels: %zu\n  positive: %zu\n",
                          m->data->n_series, m->data->n_steps, m->data->n_channels,
                          td_dataset_count_positive (m->data));
  g_string_append (s, "splits:\n");
  for (guint r = 0; r < m->splits->len; r++)
    {
      GPtrArray *folds = m->splits->pdata[r];
      for (guint f = 0; f < folds->len; f++)
        {
          const TdSplit *sp = folds->pdata[f];
          g_string_append_printf (s, "  - { repeat: %u, fold: %u, train: %zu, valid: %zu, test: %zu }\n",
                                  r, f, sp->n_train, sp->n_valid, sp->n_test);
        }
    }
  g_string_append_printf (s, "trials:\n  total: %u\n  failed: %zu\n  list:\n", trials->len, n_failed);
  for (guint k = 0; k < trials->len; k++)
    {
      const TdTrial *t = trials->pdata[k];
      g_string_append (s, "    - { pipeline: ");
      yaml_quoted (s, t->pipeline->label);
      g_string_append_printf (s, ", repeat: %d, fold: %d, model_seed: %" G_GUINT64_FORMAT
                              ", status: %s, seconds: %.3f", t->repeat, t->fold, t->model_seed,
                              t->ok ? "ok" : "failed", t->seconds);
      if (t->feature_seeds && t->feature_seeds->len)
        {
          g_string_append (s, ", feature_seeds: [");
          for (guint j = 0; j < t->feature_seeds->len; j++)
            g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, j ? ", " : "",
                                    g_array_index (t->feature_seeds, guint64, j));
          g_string_append (s, "]");
        }
      if (t->augmented && t->augmented->len)
        {
          g_string_append (s, ", augmented: [");
          for (guint j = 0; j < t->augmented->len; j++)
            {
              const TdStage *st = m->exp->augment->pdata[j];
              g_string_append_printf (s, "%s{ plugin: %s, added: %" G_GINT64_FORMAT " }",
                                      j ? ", " : "", st->entry->desc->name,
                                      g_array_index (t->augmented, gint64, j));
            }
          g_string_append (s, "]");
        }
      if (t->model_path)
        {
          g_string_append (s, ", model: ");
          yaml_quoted (s, t->model_path);
        }
      if (!t->ok)
        {
          g_string_append (s, ", error: ");
          yaml_quoted (s, t->error);
        }
      g_string_append (s, " }\n");
    }
  g_string_append (s, "config: |\n");
  g_auto (GStrv) lines = g_strsplit (exp->resolved_yaml, "\n", -1);
  for (size_t k = 0; lines[k]; k++)
    if (*lines[k] || lines[k + 1])
      g_string_append_printf (s, "  %s\n", lines[k]);
  g_autofree char *path = g_build_filename (m->run_dir, "manifest.yaml", NULL);
  gboolean ok = write_atomic (path, s->str, error);
  g_string_free (s, TRUE);
  return ok;
}

gboolean
td_run_write_outputs (const TdRunMeta *m, GError **error)
{
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
  for (guint k = 0; k < trials->len;)
    {
      guint end = k;
      const TdTrial *first = trials->pdata[k];
      while (end < trials->len
             && strcmp (((const TdTrial *) trials->pdata[end])->pipeline->label,
                        first->pipeline->label) == 0)
        end++;
      for (size_t j = 0; j < nm; j++)
        {
          double sum = 0, sum2 = 0;
          size_t n = 0;
          for (guint i = k; i < end; i++)
            {
              const TdTrial *t = trials->pdata[i];
              if (t->ok && !isnan (t->metrics[j]))
                {
                  sum += t->metrics[j];
                  n++;
                }
            }
          double mean = n ? sum / (double) n : NAN;
          for (guint i = k; i < end; i++)
            {
              const TdTrial *t = trials->pdata[i];
              if (t->ok && !isnan (t->metrics[j]))
                sum2 += (t->metrics[j] - mean) * (t->metrics[j] - mean);
            }
          TdSummaryRow row = { first->pipeline->name, first->pipeline->variant,
                               exp->metrics->pdata[j], mean,
                               n > 1 ? sqrt (sum2 / (double) (n - 1)) : (n == 1 ? 0.0 : NAN), n };
          g_array_append_val (summary, row);
        }
      k = end;
    }

  if (!write_predictions (m, trials, error) || !write_curves (m, trials, error)
      || !write_importance (m, trials, importance, strings, error)
      || !write_manifest (m, trials, failed->len, error))
    {
      g_string_chunk_free (strings);
      return FALSE;
    }

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
  };
  gboolean ok = td_compare_pipelines (exp, &rep, comparisons, strings, error)
                && write_comparisons (m, comparisons, error);
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
  return ok;
}
