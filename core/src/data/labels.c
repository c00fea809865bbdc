/* labels.c — taking a split's labels out and putting them back (labels.h). */
#include "data/labels.h"

#include <math.h>
#include <string.h>

struct TdLabels {
  /* n_series × 0 steps: its y and meta hold the taken labels, so the
   * dataset's own bookkeeping frees them. */
  TdDataset *held;
  GArray *pos;          /* guint: each held column's index in the source's meta */
  double *y_step;       /* the source's per-step targets, or NULL */
  size_t y_step_len;
};

TdLabels *
td_labels_take (TdDataset *ds)
{
  TdLabels *l = g_new0 (TdLabels, 1);
  l->held = td_dataset_new (ds->n_series, 0, 0, ds->task, ds->n_classes);
  l->pos = g_array_new (FALSE, FALSE, sizeof (guint));
  memcpy (l->held->y, ds->y, ds->n_series * sizeof (double));
  for (size_t s = 0; s < ds->n_series; s++)
    ds->y[s] = NAN;
  /* Per-step targets are labels too (a fault flag, the RUL at each step). */
  l->y_step = g_steal_pointer (&ds->y_step);
  l->y_step_len = ds->n_series * ds->n_steps;
  for (guint i = 0, orig = 0; i < ds->meta->len; orig++)
    {
      TdMetaColumn *c = ds->meta->pdata[i];
      if (c->role == TD_META_INPUT)
        {
          i++;
          continue;
        }
      g_ptr_array_add (l->held->meta, g_ptr_array_steal_index (ds->meta, i));
      g_array_append_val (l->pos, orig);
    }
  return l;
}

void
td_labels_put (TdDataset *ds, const TdLabels *l)
{
  g_return_if_fail (ds->n_series == l->held->n_series);
  memcpy (ds->y, l->held->y, ds->n_series * sizeof (double));
  if (l->y_step && ds->n_series * ds->n_steps == l->y_step_len)
    {
      g_free (ds->y_step);
      ds->y_step = g_memdup2 (l->y_step, l->y_step_len * sizeof (double));
    }
  for (guint k = 0; k < l->held->meta->len; k++)
    {
      const TdMetaColumn *c = l->held->meta->pdata[k];
      for (guint i = 0; i < ds->meta->len; i++)
        if (strcmp (((TdMetaColumn *) ds->meta->pdata[i])->name, c->name) == 0)
          {
            g_ptr_array_remove_index (ds->meta, i);
            break;
          }
      TdMetaColumn *d = c->num
        ? td_dataset_add_meta_num (ds, c->name, c->num)
        : td_dataset_add_meta_str (ds, c->name, (const char *const *) c->str);
      d->role = c->role;
      guint at = MIN (g_array_index (l->pos, guint, k), ds->meta->len - 1);
      TdMetaColumn *added = g_ptr_array_steal_index (ds->meta, ds->meta->len - 1);
      g_ptr_array_insert (ds->meta, (gint) at, added);
    }
}

const double *
td_labels_y (const TdLabels *l)
{
  return l->held->y;
}

size_t
td_labels_n (const TdLabels *l)
{
  return l->held->n_series;
}

void
td_labels_free (TdLabels *l)
{
  if (!l)
    return;
  td_dataset_unref (l->held);
  g_array_unref (l->pos);
  g_free (l->y_step);
  g_free (l);
}

void
td_dataset_hide_labels (TdDataset *ds)
{
  td_labels_free (td_labels_take (ds));
}
