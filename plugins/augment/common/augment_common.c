/* augment_common.c — source selection, output bookkeeping and resampling
 * shared by the augmentation plugins. See augment_common.h for the contract. */
#include "augment_common.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

const char *const aug_apply_to_choices[] = { "minority", "all", NULL };

int
aug_hard_class (const TdDataset *ds, size_t s)
{
  double y = ds->y[s];
  if (ds->task == TD_TASK_MULTICLASS)
    return (int) floor (y + 0.5);
  return y >= 0.5 ? 1 : 0;
}

gboolean
aug_check_input (const TdDataset *train, const char *who, size_t min_steps, GError **error)
{
  if (train->n_series == 0 || train->n_channels == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: the training data is empty (%zu series x %zu channels)", who,
                   train->n_series, train->n_channels);
      return FALSE;
    }
  if (!td_dataset_check_lengths (train, who, error))
    return FALSE;
  if (min_steps > 1 && train->n_steps < min_steps)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: needs sequences of at least %zu steps, got %zu step(s) per series "
                   "(a feature matrix?); put it before feature extraction", who, min_steps,
                   train->n_steps);
      return FALSE;
    }
  return TRUE;
}

GArray *
aug_select (const TdDataset *train, const char *apply_to, const char *who, GError **error)
{
  GArray *sel = g_array_new (FALSE, FALSE, sizeof (size_t));
  if (g_strcmp0 (apply_to, "all") == 0)
    {
      for (size_t s = 0; s < train->n_series; s++)
        g_array_append_val (sel, s);
      return sel;
    }
  if (train->task != TD_TASK_BINARY && train->task != TD_TASK_MULTICLASS
      && train->task != TD_TASK_ANOMALY)
    {
      g_array_unref (sel);
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: apply_to: minority needs class labels; this is a regression dataset "
                   "(use apply_to: all)", who);
      return NULL;
    }
  size_t k = train->task == TD_TASK_MULTICLASS ? MAX (train->n_classes, (size_t) 1) : 2;
  g_autofree size_t *count = g_new0 (size_t, k);
  for (size_t s = 0; s < train->n_series; s++)
    {
      int c = aug_hard_class (train, s);
      if (c < 0 || (size_t) c >= k)
        {
          g_array_unref (sel);
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: label %g of series %" G_GINT64_FORMAT " is not a class in "
                       "[0, %zu)", who, train->y[s], train->series_id[s], k);
          return NULL;
        }
      count[c]++;
    }
  /* Ties go to the higher class: the defect class of a balanced binary set. */
  size_t minority = 0;
  for (size_t c = 1; c < k; c++)
    if (count[c] <= count[minority])
      minority = c;
  if (count[minority] == 0)
    {
      g_array_unref (sel);
      const char *name = train->class_names && minority < g_strv_length (train->class_names)
                         ? train->class_names[minority] : NULL;
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: apply_to: minority, but the training data has no series of class "
                   "%zu%s%s%s; nothing to augment", who, minority, name ? " (" : "",
                   name ? name : "", name ? ")" : "");
      return NULL;
    }
  for (size_t s = 0; s < train->n_series; s++)
    if ((size_t) aug_hard_class (train, s) == minority)
      g_array_append_val (sel, s);
  return sel;
}

size_t *
aug_draw_sources (const GArray *selected, double ratio, gsl_rng *rng, size_t *n_added)
{
  size_t n_sel = selected->len;
  size_t whole = (size_t) floor (ratio);
  size_t total = (size_t) floor (ratio * (double) n_sel + 0.5);
  size_t extra = total > whole * n_sel ? total - whole * n_sel : 0;
  if (extra > n_sel)   /* rounding cannot exceed one per source, but be safe */
    extra = n_sel;

  g_autofree size_t *times = g_new0 (size_t, MAX (n_sel, (size_t) 1));
  for (size_t i = 0; i < n_sel; i++)
    times[i] = whole;
  if (extra > 0)
    {
      g_autofree size_t *all = g_new (size_t, n_sel);
      g_autofree size_t *chosen = g_new (size_t, extra);
      for (size_t i = 0; i < n_sel; i++)
        all[i] = i;
      gsl_ran_choose (rng, chosen, extra, all, n_sel, sizeof (size_t));
      for (size_t j = 0; j < extra; j++)
        times[chosen[j]]++;
    }
  size_t n = 0;
  for (size_t i = 0; i < n_sel; i++)
    n += times[i];
  size_t *src = g_new (size_t, MAX (n, (size_t) 1));
  size_t k = 0;
  for (size_t i = 0; i < n_sel; i++)
    for (size_t j = 0; j < times[i]; j++)
      src[k++] = g_array_index (selected, size_t, i);
  *n_added = n;
  return src;
}

TdDataset *
aug_build (const TdDataset *train, const size_t *sources, size_t n_added, const char *who,
           GError **error)
{
  const TdMetaColumn *from = td_dataset_find_meta (train, AUG_FROM_COLUMN);
  if (from && !from->num)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: the metadata column \"" AUG_FROM_COLUMN "\" is text; augmentations "
                   "keep source series ids there (numeric)", who);
      return NULL;
    }
  size_t n = train->n_series, total = n + n_added;
  size_t row = train->n_steps * train->n_channels;
  if (row > 0 && total > G_MAXSIZE / sizeof (float) / row)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: %zu series x %zu values do not fit in memory", who, total, row);
      return NULL;
    }
  g_autofree size_t *idx = g_new (size_t, MAX (total, (size_t) 1));
  for (size_t s = 0; s < n; s++)
    idx[s] = s;
  memcpy (idx + n, sources, n_added * sizeof (size_t));
  TdDataset *out = td_dataset_subset (train, idx, total);

  /* The root original of every row: an existing column already traces
   * earlier stages' additions back to their originals. */
  g_autofree double *root = g_new (double, MAX (total, (size_t) 1));
  for (size_t k = 0; k < total; k++)
    root[k] = from ? from->num[idx[k]] : (double) train->series_id[idx[k]];
  if (from)
    {
      TdMetaColumn *col = (TdMetaColumn *) td_dataset_find_meta (out, AUG_FROM_COLUMN);
      memcpy (col->num, root, total * sizeof (double));
    }
  else
    td_dataset_add_meta_num (out, AUG_FROM_COLUMN, root);
  for (size_t k = n; k < total; k++)
    out->series_id[k] = -1;
  return out;
}

double
aug_sample_at (const float *src, size_t len, size_t n_ch, size_t c, double pos)
{
  if (len <= 1 || pos <= 0)
    return src[c];
  if (pos >= (double) (len - 1))
    return src[(len - 1) * n_ch + c];
  size_t i = (size_t) pos;
  double f = pos - (double) i;
  double a = src[i * n_ch + c], b = src[(i + 1) * n_ch + c];
  /* Exact at the grid points, so unwarped steps copy their value bit for bit. */
  return f == 0 ? a : a + f * (b - a);
}

void
aug_resample (const float *src, size_t len_src, float *dst, size_t len_dst, size_t n_ch)
{
  if (len_dst == 0)
    return;
  if (len_src == len_dst)
    {
      memmove (dst, src, len_dst * n_ch * sizeof (float));
      return;
    }
  double scale = len_dst > 1 && len_src > 1 ? (double) (len_src - 1) / (double) (len_dst - 1) : 0;
  for (size_t t = 0; t < len_dst; t++)
    for (size_t c = 0; c < n_ch; c++)
      dst[t * n_ch + c] = (float) aug_sample_at (src, len_src, n_ch, c, (double) t * scale);
}

void
aug_channel_sd (const TdDataset *ds, double *out)
{
  size_t nc = ds->n_channels;
  g_autofree double *sum = g_new0 (double, nc);
  g_autofree double *ss = g_new0 (double, nc);
  g_autofree size_t *cnt = g_new0 (size_t, nc);
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const float *x = td_dataset_series (ds, s);
      size_t len = td_dataset_length (ds, s);
      for (size_t t = 0; t < len; t++)
        for (size_t c = 0; c < nc; c++)
          if (!isnan (x[t * nc + c]))
            {
              sum[c] += x[t * nc + c];
              cnt[c]++;
            }
    }
  for (size_t c = 0; c < nc; c++)
    sum[c] = cnt[c] ? sum[c] / (double) cnt[c] : 0;   /* now the mean */
  /* Second pass about the mean: sensors sit at large offsets (1520 °C). */
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const float *x = td_dataset_series (ds, s);
      size_t len = td_dataset_length (ds, s);
      for (size_t t = 0; t < len; t++)
        for (size_t c = 0; c < nc; c++)
          if (!isnan (x[t * nc + c]))
            {
              double d = x[t * nc + c] - sum[c];
              ss[c] += d * d;
            }
    }
  for (size_t c = 0; c < nc; c++)
    out[c] = cnt[c] > 1 && isfinite (ss[c]) ? sqrt (ss[c] / (double) cnt[c]) : 0;
}

gboolean
aug_cancelled (const char *who, GError **error)
{
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED, "%s: cancelled", who);
  return FALSE;
}
