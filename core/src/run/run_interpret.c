/* run_interpret.c — what drives the scores, for the whole run: every
 * trial's saliency and attention maps (from its folder) in one tidy file
 * each with their summaries over trials, and the confusion counts of every
 * trial (from its stored predictions and metrics, so `tundish report`
 * rebuilds them without refitting). Trials come sorted by pipeline label,
 * repeat and fold; rows keep that order. */
#include "run/run_output.h"
#include "run/run_interpret.h"

#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "util/atomic_file.h"
#include <tundish/io.h>
#include "run/interpret.h"

static void
trial_key (GString *s, const TdTrial *t)
{
  td_csv_field (s, t->pipeline->name);
  g_string_append_c (s, ',');
  td_csv_field (s, t->pipeline->variant);
  g_string_append_printf (s, ",%d,%d,", t->repeat, t->fold);
}

static gboolean
write_file (const TdRunMeta *m, const char *name, GString *s, GError **error)
{
  g_autofree char *path = g_build_filename (m->run_dir, name, NULL);
  return td_file_write_atomic (path, s->str, (gssize) s->len, error);
}

typedef struct {
  const TdInterpretCell *first;   /* names and times of the cell */
  double sum, sum2;
  size_t n;
} Cell;

/* One pipeline label's trials [k, end): rows of the per-trial file, and the
 * summary per (class, channel, bin) in first-seen order. */
static void
summarise (const TdRunMeta *m, GPtrArray *trials, guint k, guint end, gboolean attention,
           GString *per_trial, GString *summary, GArray *rows, GStringChunk *strings)
{
  (void) m;
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GArray) cells = g_array_new (FALSE, TRUE, sizeof (Cell));
  const TdPipeline *p = ((const TdTrial *) trials->pdata[k])->pipeline;
  for (guint i = k; i < end; i++)
    {
      const TdTrial *t = trials->pdata[i];
      GArray *a = attention ? t->attention : t->saliency;
      if (!t->ok || !a)
        continue;
      for (guint j = 0; j < a->len; j++)
        {
          const TdInterpretCell *c = &g_array_index (a, TdInterpretCell, j);
          trial_key (per_trial, t);
          td_interpret_cell_csv (per_trial, c);
          td_csv_double (per_trial, c->value);
          g_string_append_printf (per_trial, ",%d\n", c->n_series);
          /* "<class>\x1f<length>:<channel>\x1f<bin>": any channel name keys uniquely */
          g_autofree char *key = g_strdup_printf ("%d\x1f%zu:%s\x1f%d", c->class_index,
                                                  c->channel ? strlen (c->channel) : 0,
                                                  c->channel ? c->channel : "", c->time_bin);
          gpointer pos;
          if (!g_hash_table_lookup_extended (index, key, NULL, &pos))
            {
              pos = GUINT_TO_POINTER (cells->len);
              g_hash_table_insert (index, g_strdup (key), pos);
              Cell fresh = { .first = c };
              g_array_append_val (cells, fresh);
            }
          Cell *cell = &g_array_index (cells, Cell, GPOINTER_TO_UINT (pos));
          cell->sum += c->value;
          cell->sum2 += c->value * c->value;
          cell->n++;
        }
    }
  for (guint j = 0; j < cells->len; j++)
    {
      const Cell *cell = &g_array_index (cells, Cell, j);
      const TdInterpretCell *c = cell->first;
      double n = (double) cell->n, mean = cell->sum / n;
      double sd = n > 1 ? sqrt (fmax (0.0, (cell->sum2 - n * mean * mean) / (n - 1))) : 0.0;
      td_csv_field (summary, p->name);
      g_string_append_c (summary, ',');
      td_csv_field (summary, p->variant);
      g_string_append_c (summary, ',');
      td_interpret_cell_csv (summary, c);
      td_csv_double (summary, mean);
      g_string_append_c (summary, ',');
      td_csv_double (summary, sd);
      g_string_append_printf (summary, ",%zu\n", cell->n);
      TdInterpretRow row = {
        p->name, p->variant, c->class_index, g_string_chunk_insert_const (strings, c->class_name),
        c->channel ? g_string_chunk_insert_const (strings, c->channel) : NULL,
        c->time_bin, c->t_start, c->t_end, mean, sd, cell->n,
      };
      g_array_append_val (rows, row);
    }
}

static gboolean
write_maps (const TdRunMeta *m, GPtrArray *trials, gboolean attention, GArray *rows,
            GStringChunk *strings, GError **error)
{
  g_autoptr (GString) per = g_string_new (attention
    ? "pipeline,variant,repeat,fold,class,time_bin,t_start,t_end,value,n_series\n"
    : "pipeline,variant,repeat,fold,class,channel,time_bin,t_start,t_end,value,n_series\n");
  g_autoptr (GString) sum = g_string_new (attention
    ? "pipeline,variant,class,time_bin,t_start,t_end,mean,sd,n\n"
    : "pipeline,variant,class,channel,time_bin,t_start,t_end,mean,sd,n\n");
  gboolean any = FALSE;
  for (guint k = 0; k < trials->len;)
    {
      guint end = td_run_label_end (trials, k);
      for (guint i = k; i < end; i++)
        {
          const TdTrial *t = trials->pdata[i];
          any = any || (t->ok && (attention ? t->attention : t->saliency));
        }
      summarise (m, trials, k, end, attention, per, sum, rows, strings);
      k = end;
    }
  if (!any)
    return TRUE;
  return write_file (m, attention ? "attention.csv" : "saliency.csv", per, error)
         && write_file (m, attention ? "attention_summary.csv" : "saliency_summary.csv", sum,
                        error);
}

gboolean
td_run_write_interpret (const TdRunMeta *m, GPtrArray *trials, GArray *saliency,
                        GArray *attention, GStringChunk *strings, GError **error)
{
  return write_maps (m, trials, FALSE, saliency, strings, error)
         && write_maps (m, trials, TRUE, attention, strings, error);
}

/* ---------------------------------------------------------------- confusion */

static const char *
class_label (const TdDataset *d, size_t c, GStringChunk *strings)
{
  if (d && d->class_names && c < d->n_classes && d->class_names[c] && *d->class_names[c])
    return g_string_chunk_insert_const (strings, d->class_names[c]);
  g_autofree char *text = g_strdup_printf ("%zu", c);
  return g_string_chunk_insert_const (strings, text);
}

static gint
metric_index (const TdExperiment *exp, const char *name)
{
  for (guint m = 0; m < exp->metrics->len; m++)
    if (strcmp (exp->metrics->pdata[m], name) == 0)
      return (gint) m;
  return -1;
}

/* cm[true * K + predicted] of one trial; FALSE when it has none. */
static gboolean
trial_confusion (const TdRunMeta *m, const TdTrial *t, size_t K, const gint *cm_metric,
                 double *cm)
{
  TdTask task = m->data->task;
  if (task == TD_TASK_MULTICLASS)
    {
      g_autofree guint64 *counts = g_new (guint64, K * K);
      if (t->n_outputs != K
          || !td_multiclass_confusion (t->test_y, t->test_scores, t->n_test, K, counts, NULL))
        return FALSE;
      for (size_t j = 0; j < K * K; j++)
        cm[j] = (double) counts[j];
      return TRUE;
    }
  /* binary: tn fp / fn tp, at the evaluator's threshold */
  for (int j = 0; j < 4; j++)
    {
      if (cm_metric[j] < 0 || !isfinite (t->metrics[cm_metric[j]]))
        return FALSE;
      cm[j] = t->metrics[cm_metric[j]];
    }
  return TRUE;
}

gboolean
td_run_write_confusion (const TdRunMeta *m, GPtrArray *trials, GArray *rows,
                        GStringChunk *strings, GError **error)
{
  const TdExperiment *exp = m->exp;
  if (!m->data || (m->data->task != TD_TASK_MULTICLASS && m->data->task != TD_TASK_BINARY))
    return TRUE;
  size_t K = m->data->task == TD_TASK_BINARY ? 2 : m->data->n_classes;
  if (K < 2)
    return TRUE;
  const gint cm_metric[4] = { metric_index (exp, "tn"), metric_index (exp, "fp"),
                              metric_index (exp, "fn"), metric_index (exp, "tp") };
  g_autoptr (GString) s = g_string_new ("pipeline,variant,repeat,fold,true_class,"
                                        "predicted_class,count\n");
  g_autofree double *cm = g_new (double, K * K);
  g_autofree double *sum = g_new (double, K * K);
  gboolean any = FALSE;
  for (guint k = 0; k < trials->len;)
    {
      const TdTrial *first = trials->pdata[k];
      guint end = td_run_label_end (trials, k);
      size_t n = 0;
      memset (sum, 0, K * K * sizeof *sum);
      for (guint i = k; i < end; i++)
        {
          const TdTrial *t = trials->pdata[i];
          if (!t->ok || !trial_confusion (m, t, K, cm_metric, cm))
            continue;
          n++;
          for (size_t a = 0; a < K; a++)
            for (size_t b = 0; b < K; b++)
              {
                trial_key (s, t);
                td_csv_field (s, class_label (m->data, a, strings));
                g_string_append_c (s, ',');
                td_csv_field (s, class_label (m->data, b, strings));
                g_string_append_c (s, ',');
                td_csv_double (s, cm[a * K + b]);
                g_string_append_c (s, '\n');
                sum[a * K + b] += cm[a * K + b];
              }
        }
      for (size_t a = 0; n && a < K; a++)
        for (size_t b = 0; b < K; b++)
          {
            TdConfusionRow row = { first->pipeline->name, first->pipeline->variant,
                                   class_label (m->data, a, strings),
                                   class_label (m->data, b, strings), (int) a, (int) b,
                                   sum[a * K + b], n };
            g_array_append_val (rows, row);
          }
      any = any || n > 0;
      k = end;
    }
  return !any || write_file (m, "confusion.csv", s, error);
}
