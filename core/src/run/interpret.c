/* interpret.c — saliency and attention maps of one trial (interpret.h). */
#include "run/interpret.h"

#include <math.h>
#include <string.h>

#include <tundish/io.h>

void
td_interpret_cell_csv (GString *s, const TdInterpretCell *c)
{
  td_csv_field (s, c->class_name);
  if (c->channel)
    {
      g_string_append_c (s, ',');
      td_csv_field (s, c->channel);
    }
  g_string_append_printf (s, ",%d,", c->time_bin);
  td_csv_double (s, c->t_start);
  g_string_append_c (s, ',');
  td_csv_double (s, c->t_end);
  g_string_append_c (s, ',');
}

void
td_interpret_cells_free (GArray *cells)
{
  if (!cells)
    return;
  for (guint k = 0; k < cells->len; k++)
    {
      TdInterpretCell *c = &g_array_index (cells, TdInterpretCell, k);
      g_free (c->class_name);
      g_free (c->channel);
    }
  g_array_unref (cells);
}

/* The series to explain, as indices into input: round robin over the
 * classes in class order, each class's series in input order, until
 * max_series are taken or none are left. */
static GArray *
pick_series (const TdDataset *input, const double *labels, size_t n_classes, size_t max_series)
{
  g_autoptr (GPtrArray) per = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (size_t c = 0; c < n_classes; c++)
    g_ptr_array_add (per, g_array_new (FALSE, FALSE, sizeof (size_t)));
  for (size_t s = 0; s < input->n_series; s++)
    {
      double y = labels[s];
      if (isfinite (y) && y >= 0 && y < (double) n_classes && y == floor (y))
        g_array_append_val (per->pdata[(size_t) y], s);
    }
  GArray *out = g_array_new (FALSE, FALSE, sizeof (size_t));
  for (guint round = 0; out->len < max_series; round++)
    {
      gboolean any = FALSE;
      for (size_t c = 0; c < n_classes && out->len < max_series; c++)
        {
          GArray *a = per->pdata[c];
          if (round < a->len)
            {
              g_array_append_val (out, g_array_index (a, size_t, round));
              any = TRUE;
            }
        }
      if (!any)
        break;
    }
  return out;
}

static char *
class_name (const TdDataset *d, size_t c)
{
  if (d->class_names && d->class_names[c] && *d->class_names[c])
    return g_strdup (d->class_names[c]);
  return g_strdup_printf ("%zu", c);
}

typedef struct {
  size_t T, C, B, raw;
  double *sal;          /* [class][bin][channel] sums of per-series shares */
  double *att;          /* [class][bin] */
  int *n_sal, *n_att;   /* [class] series counted */
} Acc;

static size_t
bin_of (const Acc *a, size_t t)
{
  return t * a->B / a->T;
}

/* One series' saliency into its class's map; FALSE when it carries no
 * finite, non-zero attribution (then it is not counted). */
static gboolean
add_saliency (Acc *a, size_t cls, const float *g, size_t valid)
{
  g_autofree double *cell = g_new0 (double, a->B * a->C);
  g_autofree size_t *steps = g_new0 (size_t, a->B);
  for (size_t t = 0; t < valid; t++)
    {
      size_t b = bin_of (a, t);
      steps[b]++;
      for (size_t c = 0; c < a->C; c++)
        cell[b * a->C + c] += fabs ((double) g[t * a->C + c]);
    }
  double total = 0;
  for (size_t b = 0; b < a->B; b++)
    for (size_t c = 0; c < a->C; c++)
      {
        /* a mean per step, so a bin one step longer than its neighbour
         * (steps not divisible by bins) does not look more important */
        cell[b * a->C + c] = steps[b] ? cell[b * a->C + c] / (double) steps[b] : 0;
        total += cell[b * a->C + c];
      }
  if (!(total > 0) || !isfinite (total))
    return FALSE;
  double *dst = a->sal + cls * a->B * a->C;
  for (size_t k = 0; k < a->B * a->C; k++)
    dst[k] += cell[k] / total;
  a->n_sal[cls]++;
  return TRUE;
}

static gboolean
add_attention (Acc *a, size_t cls, const float *m, size_t valid)
{
  g_autofree double *bin = g_new0 (double, a->B);
  size_t rows = 0;
  for (size_t q = 0; q < valid; q++)
    {
      rows++;
      for (size_t k = 0; k < valid; k++)
        bin[bin_of (a, k)] += (double) m[q * a->T + k];
    }
  double total = 0;
  for (size_t b = 0; b < a->B; b++)
    total += bin[b];
  if (rows == 0 || !(total > 0) || !isfinite (total))
    return FALSE;
  /* rows sum to 1, so total ≈ rows: dividing by it averages over the query
   * steps and absorbs the rounding of float weights */
  for (size_t b = 0; b < a->B; b++)
    a->att[cls * a->B + b] += bin[b] / total;
  a->n_att[cls]++;
  return TRUE;
}

static GArray *
cells_of (const Acc *a, const TdDataset *input, size_t n_classes, gboolean attention)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (TdInterpretCell));
  for (size_t cls = 0; cls < n_classes; cls++)
    {
      int n = attention ? a->n_att[cls] : a->n_sal[cls];
      if (n == 0)
        continue;
      for (size_t b = 0; b < a->B; b++)
        for (size_t c = 0; c < (attention ? 1 : a->C); c++)
          {
            double sum = attention ? a->att[cls * a->B + b] : a->sal[(cls * a->B + b) * a->C + c];
            char cb[TD_CHANNEL_NAME_BUF];
            TdInterpretCell cell = {
              .class_index = (int) cls, .class_name = class_name (input, cls),
              .channel = attention ? NULL : g_strdup (td_dataset_channel_name (input, c, cb)),
              .time_bin = (int) b,
              .t_start = (double) b * (double) a->raw / (double) a->B,
              .t_end = (double) (b + 1) * (double) a->raw / (double) a->B,
              .value = sum / n, .n_series = n,
            };
            g_array_append_val (out, cell);
          }
    }
  return out;
}

static gboolean
unsupported (GError **error)
{
  if (error && *error && g_error_matches (*error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED))
    {
      g_clear_error (error);
      return TRUE;
    }
  return FALSE;
}

gboolean
td_interpret_trial (const TdInterpretSpec *spec, TdModel *model, const TdModelVTable *mv,
                    const TdDataset *input, const double *labels, size_t raw_steps,
                    TdContext *ctx, GArray **saliency, GArray **attention, GError **error)
{
  *saliency = *attention = NULL;
  const TdAttentionMapExt *ext = mv->extension
    ? mv->extension (model, TD_EXT_ATTENTION_MAP) : NULL;
  gboolean want_sal = mv->explain != NULL;
  gboolean want_att = ext && ext->attention_map;
  size_t K = input->n_classes;
  gboolean classes = input->task == TD_TASK_BINARY || input->task == TD_TASK_MULTICLASS
                     || input->task == TD_TASK_ANOMALY;
  if (input->task == TD_TASK_ANOMALY)
    K = 2;
  if (spec->max_series <= 0 || input->n_steps < 2 || !classes || K < 1 || input->n_series == 0
      || (!want_sal && !want_att))
    return TRUE;

  Acc a = { .T = input->n_steps, .C = input->n_channels, .raw = MAX (raw_steps, (size_t) 1) };
  a.B = MIN ((size_t) spec->time_bins, a.T);
  g_autofree double *sal = g_new0 (double, K * a.B * a.C);
  g_autofree double *att = g_new0 (double, K * a.B);
  g_autofree int *n_sal = g_new0 (int, K);
  g_autofree int *n_att = g_new0 (int, K);
  a.sal = sal;
  a.att = att;
  a.n_sal = n_sal;
  a.n_att = n_att;

  g_autoptr (GArray) pick = pick_series (input, labels, K, (size_t) spec->max_series);
  g_autofree float *g = want_sal ? g_try_new (float, a.T * a.C) : NULL;
  g_autofree float *m = want_att ? g_try_new (float, a.T * a.T) : NULL;
  if ((want_sal && !g) || (want_att && !m))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "interpret: no memory for the maps of %zu steps × %zu channels", a.T, a.C);
      return FALSE;
    }
  for (guint k = 0; k < pick->len; k++)
    {
      if (td_context_cancelled (ctx))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED, "cancelled");
          return FALSE;
        }
      size_t s = g_array_index (pick, size_t, k);
      size_t cls = (size_t) labels[s];
      size_t valid = td_dataset_length (input, s);
      if (want_sal)
        {
          memset (g, 0, a.T * a.C * sizeof *g);
          if (mv->explain (model, input, s, g, ctx, error))
            add_saliency (&a, cls, g, valid);
          else if (unsupported (error))
            want_sal = FALSE;
          else
            {
              g_prefix_error (error, "interpret: explain series %" G_GINT64_FORMAT ": ",
                              input->series_id[s]);
              return FALSE;
            }
        }
      if (want_att)
        {
          memset (m, 0, a.T * a.T * sizeof *m);
          if (ext->attention_map (model, input, s, m, ctx, error))
            add_attention (&a, cls, m, valid);
          else if (unsupported (error))
            want_att = FALSE;
          else
            {
              g_prefix_error (error, "interpret: attention map of series %" G_GINT64_FORMAT
                              ": ", input->series_id[s]);
              return FALSE;
            }
        }
    }
  if (want_sal)
    *saliency = cells_of (&a, input, K, FALSE);
  if (want_att)
    *attention = cells_of (&a, input, K, TRUE);
  return TRUE;
}
