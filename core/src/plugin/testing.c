/* testing.c — see tundish/testing.h. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <tundish/testing.h>

#include "plugin/registry.h"

/* One setting, checked as the experiment loader checks a YAML key. */
static gboolean
apply_setting (const TdPluginDescriptor *desc, TdParams *p, const char *key, const char *value,
               GError **error)
{
  gboolean known = FALSE;
  for (size_t k = 0; k < desc->n_params && !known; k++)
    known = g_str_equal (desc->params[k].name, key);
  if (!known)
    {
      g_autofree const char **names = g_new0 (const char *, desc->n_params + 1);
      for (size_t k = 0; k < desc->n_params; k++)
        names[k] = desc->params[k].name;
      const char *close = td_closest_name (key, names, desc->n_params);
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: unknown parameter \"%s\"%s%s%s", desc->name, key,
                   close ? "; did you mean \"" : "", close ? close : "", close ? "\"?" : "");
      return FALSE;
    }
  g_autoptr (GError) e = NULL;
  if (!td_params_set_text (p, key, value, &e))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "%s: %s", desc->name,
                   e->message);
      return FALSE;
    }
  return TRUE;
}

static TdParams *
finish (const TdPluginDescriptor *desc, TdParams *p, GError **error)
{
  g_autoptr (GError) e = NULL;
  if (!td_params_check_complete (p, &e))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "%s: %s", desc->name,
                   e->message);
      td_params_free (p);
      return NULL;
    }
  return p;
}

/* Defaults without the completeness check (required ones come later). */
static TdParams *
defaults (const TdPluginDescriptor *desc, GError **error)
{
  g_autoptr (GError) e = NULL;
  TdParams *p = td_params_new_defaults (desc->params, desc->n_params, &e);
  if (!p)
    g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "%s: %s", desc->name,
                 e->message);
  return p;
}

static gboolean
apply_strv (const TdPluginDescriptor *desc, TdParams *p, const char *const *settings,
            GError **error)
{
  for (size_t k = 0; settings && settings[k]; k++)
    {
      const char *eq = strchr (settings[k], '=');
      if (!eq || eq == settings[k])
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: setting \"%s\" is not key=value", desc->name, settings[k]);
          return FALSE;
        }
      g_autofree char *key = g_strstrip (g_strndup (settings[k], (gsize) (eq - settings[k])));
      g_autofree char *value = g_strstrip (g_strdup (eq + 1));
      if (!apply_setting (desc, p, key, value, error))
        return FALSE;
    }
  return TRUE;
}

TdParams *
td_testing_params_strv (const TdPluginDescriptor *desc, const char *const *settings,
                        GError **error)
{
  g_return_val_if_fail (desc, NULL);
  TdParams *p = defaults (desc, error);
  if (!p)
    return NULL;
  if (!apply_strv (desc, p, settings, error))
    {
      td_params_free (p);
      return NULL;
    }
  return finish (desc, p, error);
}

TdParams *
td_testing_params_valist (const TdPluginDescriptor *desc, GError **error, va_list pairs)
{
  g_return_val_if_fail (desc, NULL);
  TdParams *p = defaults (desc, error);
  if (!p)
    return NULL;
  const char *key;
  gboolean ok = TRUE;
  while (ok && (key = va_arg (pairs, const char *)))
    {
      const char *value = va_arg (pairs, const char *);
      if (!value)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: parameter \"%s\" has no value (pairs end with NULL)", desc->name, key);
          ok = FALSE;
        }
      else
        ok = apply_setting (desc, p, key, value, error);
    }
  if (!ok)
    {
      td_params_free (p);
      return NULL;
    }
  return finish (desc, p, error);
}

TdParams *
td_testing_params (const TdPluginDescriptor *desc, GError **error, ...)
{
  va_list ap;
  va_start (ap, error);
  TdParams *p = td_testing_params_valist (desc, error, ap);
  va_end (ap);
  return p;
}

TdParams *
td_testing_params_example (const TdPluginDescriptor *desc, const char *const *extra,
                           GError **error)
{
  g_return_val_if_fail (desc, NULL);
  TdParams *p = defaults (desc, error);
  if (!p)
    return NULL;
  g_autoptr (GError) e = NULL;
  if (!apply_strv (desc, p, desc->example_params, &e))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s (the descriptor's example_params)", e->message);
      td_params_free (p);
      return NULL;
    }
  if (!apply_strv (desc, p, extra, error))
    {
      td_params_free (p);
      return NULL;
    }
  return finish (desc, p, error);
}

/* ------------------------------------------------------------------ data */

/* Streams of their own, so ragged lengths or missing values change nothing
 * else; the constants only make the three seeds differ. */
#define STREAM_LENGTHS 0x9e3779b97f4a7c15ull
#define STREAM_MISSING 0xbf58476d1ce4e5b9ull

static GRand *
stream (guint64 seed, guint64 salt)
{
  guint64 v = seed ^ salt;
  guint32 words[2] = { (guint32) v, (guint32) (v >> 32) };
  return g_rand_new_with_seed_array (words, 2);
}

/* The class (or regression level) of series s and the shift it causes. */
static void
label_series (TdDataset *ds, size_t s, GRand *r, size_t *channel, double *shift)
{
  *channel = 0;
  *shift = 0;
  switch (ds->task)
    {
    case TD_TASK_BINARY:
    case TD_TASK_ANOMALY:
      ds->y[s] = ds->task == TD_TASK_BINARY ? s % 3 == 0 : s % 5 == 0;
      *shift = 1.5 * ds->y[s];
      break;
    case TD_TASK_MULTICLASS:
      ds->y[s] = (double) (s % ds->n_classes);
      *channel = (s % ds->n_classes) % ds->n_channels;
      *shift = 1.5;
      break;
    case TD_TASK_REGRESSION:
      *shift = g_rand_double_range (r, -1, 1);
      ds->y[s] = 2 * *shift;
      break;
    }
}

static void
name_classes (TdDataset *ds)
{
  if (ds->n_classes == 0)
    return;
  ds->class_names = g_new0 (char *, ds->n_classes + 1);
  for (size_t k = 0; k < ds->n_classes; k++)
    ds->class_names[k] = ds->n_classes == 2 && ds->task != TD_TASK_MULTICLASS
                           ? g_strdup (k ? "defect" : "normal")
                           : g_strdup_printf ("class_%zu", k);
}

TdDataset *
td_testing_dataset (const TdTestingData *opts, GError **error)
{
  g_return_val_if_fail (opts, NULL);
  TdTask task = opts->task ? opts->task : TD_TASK_BINARY;
  size_t n = opts->n_series ? opts->n_series : 60, T = opts->n_steps ? opts->n_steps : 24;
  size_t C = opts->n_channels ? opts->n_channels : 3;
  size_t K = task == TD_TASK_MULTICLASS ? (opts->n_classes ? opts->n_classes : 3)
             : task == TD_TASK_REGRESSION ? 0 : 2;
  if (task != TD_TASK_BINARY && task != TD_TASK_MULTICLASS && task != TD_TASK_ANOMALY
      && task != TD_TASK_REGRESSION)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "td_testing_dataset: task %u is not one TdTask value", (unsigned) task);
      return NULL;
    }
  if (!(opts->missing >= 0 && opts->missing < 1) || K == 1)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "td_testing_dataset: missing must be in [0, 1) (got %g) and n_classes >= 2 "
                   "(got %zu)", opts->missing, K);
      return NULL;
    }
  TdDataset *ds = td_dataset_try_new (n, T, C, task, K, error);
  if (!ds)
    return NULL;
  name_classes (ds);
  for (size_t c = 0; c < C; c++)
    {
      g_autofree char *name = g_strdup_printf ("sensor_%zu", c);
      td_dataset_set_channel_name (ds, c, name);
    }
  g_autoptr (GRand) r = stream (opts->seed, 0);
  g_autoptr (GRand) rl = stream (opts->seed, STREAM_LENGTHS);
  g_autoptr (GRand) rm = stream (opts->seed, STREAM_MISSING);
  if (opts->ragged)
    ds->lengths = g_new (guint32, n);
  g_autofree double *load = g_new (double, n), *severity = g_new (double, n);
  g_autofree const char **recipe = g_new0 (const char *, n + 1);
  for (size_t s = 0; s < n; s++)
    {
      size_t len = opts->ragged ? (size_t) g_rand_int_range (rl, (gint32) ((T + 1) / 2),
                                                            (gint32) T + 1)
                                : T;
      if (opts->ragged)
        ds->lengths[s] = (guint32) len;
      size_t channel;
      double shift;
      label_series (ds, s, r, &channel, &shift);
      float *x = td_dataset_series (ds, s);
      for (size_t t = 0; t < len; t++)
        for (size_t c = 0; c < C; c++)
          {
            double v = g_rand_double_range (r, -1, 1) + (c == channel ? shift : 0);
            gboolean gone = opts->missing > 0 && g_rand_double (rm) < opts->missing;
            x[t * C + c] = gone ? NAN : (float) v;
          }
      ds->group[s] = (gint64) (s / 4);
      load[s] = g_rand_double_range (r, 0.5, 1.0);
      severity[s] = ds->y[s] * load[s];
      recipe[s] = s % 2 ? "B" : "A";
    }
  td_dataset_add_meta_num (ds, "load", load)->role = TD_META_INPUT;
  td_dataset_add_meta_str (ds, "recipe", recipe)->role = TD_META_INPUT;
  td_dataset_add_meta_num (ds, "severity", severity);   /* TD_META_TARGET: from the label */
  return ds;
}

/* ---------------------------------------------------------------- compare */

static gboolean
differ (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
differ (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED, msg);
  return FALSE;
}

static gboolean
same_meta (const TdDataset *a, const TdDataset *b, GError **error)
{
  guint na = a->meta ? a->meta->len : 0, nb = b->meta ? b->meta->len : 0;
  if (na != nb)
    return differ (error, "metadata columns: %u vs %u", na, nb);
  for (guint k = 0; k < na; k++)
    {
      const TdMetaColumn *ca = a->meta->pdata[k], *cb = b->meta->pdata[k];
      if (g_strcmp0 (ca->name, cb->name) != 0 || !ca->num != !cb->num || ca->role != cb->role)
        return differ (error, "metadata column %u: \"%s\" vs \"%s\"", k, ca->name, cb->name);
      for (size_t s = 0; s < a->n_series; s++)
        if (ca->num ? memcmp (&ca->num[s], &cb->num[s], sizeof (double)) != 0
                    : g_strcmp0 (ca->str[s], cb->str[s]) != 0)
          return differ (error, "metadata %s of series %zu differs", ca->name, s);
    }
  return TRUE;
}

gboolean
td_testing_dataset_equal (const TdDataset *a, const TdDataset *b, GError **error)
{
  g_return_val_if_fail (a && b, FALSE);
  if (a->n_series != b->n_series || a->n_steps != b->n_steps || a->n_channels != b->n_channels)
    return differ (error, "shape: %zux%zux%zu vs %zux%zux%zu (series x steps x channels)",
                   a->n_series, a->n_steps, a->n_channels, b->n_series, b->n_steps,
                   b->n_channels);
  if (a->task != b->task || a->n_classes != b->n_classes)
    return differ (error, "task or number of classes differs (%u/%zu vs %u/%zu)",
                   (unsigned) a->task, a->n_classes, (unsigned) b->task, b->n_classes);
  size_t per = a->n_steps * a->n_channels;
  for (size_t i = 0; i < a->n_series * per; i++)
    if (memcmp (&a->x[i], &b->x[i], sizeof (float)) != 0)
      return differ (error, "x[series %zu, step %zu, channel %zu]: %.9g vs %.9g", i / per,
                     i % per / a->n_channels, i % a->n_channels, a->x[i], b->x[i]);
  for (size_t s = 0; s < a->n_series; s++)
    {
      if (memcmp (&a->y[s], &b->y[s], sizeof (double)) != 0)
        return differ (error, "y[%zu]: %.17g vs %.17g", s, a->y[s], b->y[s]);
      size_t la = td_dataset_length (a, s), lb = td_dataset_length (b, s);
      if (la != lb)
        return differ (error, "lengths[%zu]: %zu vs %zu", s, la, lb);
      if (a->series_id[s] != b->series_id[s] || a->group[s] != b->group[s])
        return differ (error, "series_id or group of series %zu differs", s);
    }
  for (size_t c = 0; c < a->n_channels; c++)
    if (g_strcmp0 (a->channel_names[c], b->channel_names[c]) != 0)
      return differ (error, "channel %zu: \"%s\" vs \"%s\"", c, a->channel_names[c],
                     b->channel_names[c]);
  return same_meta (a, b, error);
}
