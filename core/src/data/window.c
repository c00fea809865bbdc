/* window.c — data.window: recordings cut into labelled windows.
 *
 * Windows are aligned to each recording's end: the last window ends at the
 * recording's last valid step and earlier ones every stride steps before
 * it, so the newest data (what an early warning or the C-MAPSS protocol
 * scores) is always in a window whatever the stride. */
#include "data/window.h"

#include "data/split.h"

#include <math.h>
#include <string.h>

typedef struct {
  size_t rec;                   /* the recording's row in the source dataset */
  size_t start, len;            /* its steps [start, start + len); len < length: padded */
} Window;

static size_t
rec_length (const TdDataset *ds, size_t s)
{
  return ds->lengths ? ds->lengths[s] : ds->n_steps;
}

gboolean
td_window_check_rule (const TdWindowSpec *spec, gboolean step_labels, TdTask task,
                      GError **error)
{
  const char *rule = td_window_label_name (spec->label);
  if (spec->label != TD_WINDOW_LABEL_SERIES && !step_labels)
    {
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "%s: data.window.label: %s labels each window from per-step labels "
                   "(TdDataset.y_step: a source's label_per: step, cmapss), and this data has "
                   "one label per recording; expected label: series (each window takes its "
                   "recording's label)", spec->where_label, rule);
      return FALSE;
    }
  if (task == 0)
    return TRUE;
  gboolean flags = task == TD_TASK_BINARY || task == TD_TASK_ANOMALY;
  if ((spec->label == TD_WINDOW_LABEL_ANY || spec->label == TD_WINDOW_LABEL_AHEAD) && !flags)
    {
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "%s: data.window.label: %s asks whether a step is positive, and this data's "
                   "task is %s; expected binary or anomaly data (or label: last%s)",
                   spec->where_label, rule,
                   task == TD_TASK_REGRESSION ? "regression" : "multiclass",
                   task == TD_TASK_REGRESSION ? "" : " or majority");
      return FALSE;
    }
  if (spec->label == TD_WINDOW_LABEL_MAJORITY && task == TD_TASK_REGRESSION)
    {
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "%s: data.window.label: majority counts classes, and this data's targets "
                   "are values (regression); expected label: last (the last step's value)",
                   spec->where_label);
      return FALSE;
    }
  return TRUE;
}

gboolean
td_window_check_length (const TdWindowSpec *spec, size_t longest, GError **error)
{
  if (longest >= (size_t) spec->length)
    return TRUE;
  g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
               "%s: data.window.length: %d steps, and the longest series of this data has "
               "%zu; expected a length of at most %zu (a window longer than every series "
               "is the series itself%s)",
               spec->where_length ? spec->where_length : spec->where_label, spec->length,
               longest, longest, spec->drop_short ? "; with short: drop there is no window"
                                                  : ", padded");
  return FALSE;
}

/* What the label rule needs from the data, and the partition for
 * test_windows: last; the first thing missing is the error. */
static gboolean
check_data (const TdDataset *ds, const TdWindowSpec *spec, const double **part,
            GError **error)
{
  if (!td_window_check_rule (spec, ds->y_step != NULL, ds->task, error))
    return FALSE;
  const char *ours[] = { TD_META_RECORDING, TD_META_WINDOW_START };
  for (size_t k = 0; k < G_N_ELEMENTS (ours); k++)
    if (td_dataset_find_meta (ds, ours[k]))
      {
        g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                     "%s: data.window: the data already has a metadata column \"%s\", which "
                     "the windows need for their own; expected data without it (rename it in "
                     "the source)", spec->where_label, ours[k]);
        return FALSE;
      }
  *part = NULL;
  if (!spec->last_test_only)
    return TRUE;
  *part = td_split_partition (ds, spec->where_test, "data.window.test_windows", "last",
                              "test_windows: all", error);
  return *part != NULL;
}

static GArray *
plan (const TdDataset *ds, const TdWindowSpec *spec, const double *part)
{
  GArray *w = g_array_new (FALSE, FALSE, sizeof (Window));
  size_t length = (size_t) spec->length, stride = (size_t) spec->stride;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      size_t L = rec_length (ds, s);
      if (L == 0 || (L < length && spec->drop_short))
        continue;
      gboolean last_only = part && part[s] == 1;
      if (L < length)
        {
          Window one = { s, 0, L };
          g_array_append_val (w, one);
          continue;
        }
      size_t n = last_only ? 1 : (L - length) / stride + 1;
      for (size_t k = n; k-- > 0;)
        {
          Window one = { s, L - length - k * stride, length };
          g_array_append_val (w, one);
        }
    }
  return w;
}

/* The window's label by the rule; NaN where a step it reads has none. */
static double
label_of (const TdDataset *ds, const TdWindowSpec *spec, const Window *w, size_t *bad_step)
{
  if (spec->label == TD_WINDOW_LABEL_SERIES)
    return ds->y[w->rec];
  const double *y = ds->y_step + w->rec * ds->n_steps;
  size_t a = w->start, b = w->start + w->len;
  switch (spec->label)
    {
    case TD_WINDOW_LABEL_LAST:
      *bad_step = b - 1;
      return y[b - 1];
    case TD_WINDOW_LABEL_ANY:
    case TD_WINDOW_LABEL_AHEAD:
      {
        if (spec->label == TD_WINDOW_LABEL_AHEAD)
          {
            /* the steps after the window; none past the recording's end */
            a = b;
            b = MIN (b + (size_t) spec->horizon, rec_length (ds, w->rec));
          }
        double out = 0;
        for (size_t t = a; t < b; t++)
          {
            if (isnan (y[t]))
              {
                *bad_step = t;
                return NAN;
              }
            if (y[t] >= 0.5)
              out = 1;
          }
        return out;
      }
    case TD_WINDOW_LABEL_MAJORITY:
      {
        size_t k = MAX (ds->n_classes, (size_t) 2);
        g_autofree size_t *count = g_new0 (size_t, k);
        for (size_t t = a; t < b; t++)
          {
            double c = floor (y[t] + 0.5);
            if (isnan (y[t]) || c < 0 || c >= (double) k)
              {
                *bad_step = t;
                return NAN;
              }
            count[(size_t) c]++;
          }
        /* ties go to the higher class: for a defect flag, the positive one */
        size_t best = 0;
        for (size_t c = 1; c < k; c++)
          if (count[c] >= count[best])
            best = c;
        return (double) best;
      }
    case TD_WINDOW_LABEL_SERIES:
      break;
    }
  return NAN;
}

static void
copy_meta (const TdDataset *ds, TdDataset *out, const GArray *wins)
{
  size_t n = wins->len;
  for (guint m = 0; ds->meta && m < ds->meta->len; m++)
    {
      const TdMetaColumn *c = ds->meta->pdata[m];
      if (c->num)
        {
          g_autofree double *v = g_new (double, MAX (n, (size_t) 1));
          for (size_t k = 0; k < n; k++)
            v[k] = c->num[g_array_index (wins, Window, k).rec];
          td_dataset_add_meta_num (out, c->name, v);
        }
      else
        {
          g_autofree const char **v = g_new (const char *, MAX (n, (size_t) 1));
          for (size_t k = 0; k < n; k++)
            v[k] = c->str[g_array_index (wins, Window, k).rec];
          td_dataset_add_meta_str (out, c->name, v);
        }
      td_dataset_set_meta_role (out, c->name, c->role);
    }
  g_autofree double *rec = g_new (double, MAX (n, (size_t) 1));
  g_autofree double *start = g_new (double, MAX (n, (size_t) 1));
  for (size_t k = 0; k < n; k++)
    {
      const Window *w = &g_array_index (wins, Window, k);
      rec[k] = (double) ds->series_id[w->rec];
      start[k] = (double) w->start;
    }
  td_dataset_add_meta_num (out, TD_META_RECORDING, rec);
  td_dataset_add_meta_num (out, TD_META_WINDOW_START, start);
  td_dataset_set_meta_role (out, TD_META_RECORDING, TD_META_INPUT);
  td_dataset_set_meta_role (out, TD_META_WINDOW_START, TD_META_INPUT);
}

TdDataset *
td_window_apply (const TdDataset *ds, const TdWindowSpec *spec, GError **error)
{
  g_return_val_if_fail (spec->enabled && spec->length > 0 && spec->stride > 0, NULL);
  const double *part = NULL;
  if (!check_data (ds, spec, &part, error))
    return NULL;
  g_autoptr (GArray) wins = plan (ds, spec, part);
  if (wins->len == 0)
    {
      size_t longest = 0;
      for (size_t s = 0; s < ds->n_series; s++)
        longest = MAX (longest, rec_length (ds, s));
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "%s: data.window: no window: every recording is shorter than length %d "
                   "(the longest has %zu steps); expected a shorter length or short: pad",
                   spec->where_label, spec->length, longest);
      return NULL;
    }
  size_t n = wins->len, T = (size_t) spec->length, C = ds->n_channels;
  g_autoptr (TdDataset) out = td_dataset_try_new (n, T, C, ds->task, ds->n_classes, error);
  if (!out)
    return NULL;
  out->class_names = g_strdupv (ds->class_names);
  for (size_t c = 0; c < C; c++)
    td_dataset_set_channel_name (out, c, ds->channel_names[c]);
  for (size_t k = 0; k < n; k++)
    {
      const Window *w = &g_array_index (wins, Window, k);
      memcpy (td_dataset_series (out, k), td_dataset_series (ds, w->rec) + w->start * C,
              w->len * C * sizeof (float));
      if (w->len < T)
        {
          if (!out->lengths)
            {
              out->lengths = g_new (guint32, n);
              for (size_t j = 0; j < n; j++)
                out->lengths[j] = (guint32) T;
            }
          out->lengths[k] = (guint32) w->len;
        }
      size_t bad = 0;
      out->y[k] = label_of (ds, spec, w, &bad);
      if (isnan (out->y[k]) && spec->label != TD_WINDOW_LABEL_SERIES)
        {
          g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                       "%s: data.window.label: %s: recording %zu (series_id %" G_GINT64_FORMAT
                       ") has no usable label at step %zu (%g); expected a %s at every step "
                       "the rule reads", spec->where_label, td_window_label_name (spec->label),
                       w->rec, ds->series_id[w->rec], bad, ds->y_step[w->rec * ds->n_steps + bad],
                       ds->task == TD_TASK_REGRESSION ? "value" : "class index");
          return NULL;
        }
      out->group[k] = ds->group[w->rec];
    }
  copy_meta (ds, out, wins);
  return g_steal_pointer (&out);
}
