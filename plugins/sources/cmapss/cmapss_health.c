/* cmapss_health.c — the cmapss source's `target: anomaly`: each
 * run-to-failure training engine becomes two series, its first
 * healthy_cycles cycles (label 0, healthy) and its last abnormal_cycles
 * cycles before failure (label 1, abnormal); the cycles between are left
 * out, so no series (and no window cut from one) mixes the two states.
 * Both series of an engine share its group, so a grouped split never puts
 * one engine on two sides. */
#include "cmapss_health.h"

#include <math.h>
#include <string.h>

#include "text_reader.h"

static const char *const health_classes[] = { "healthy", "abnormal" };

TdDataset *
cmapss_health_series (const TdDataset *engines, const double *unit, size_t healthy,
                      size_t abnormal, const char *path, GError **error)
{
  const size_t n = engines->n_series, C = engines->n_channels;
  for (size_t e = 0; e < n; e++)
    if (td_dataset_length (engines, e) < healthy + abnormal)
      {
        g_set_error (error, SRC_ERROR, 0, "cmapss: parameters healthy_cycles (%zu) and "
                     "abnormal_cycles (%zu): unit %g of %s has %zu cycles; expected at least "
                     "their sum (%zu), so that no cycle is both healthy and abnormal", healthy,
                     abnormal, unit[e], path, td_dataset_length (engines, e), healthy + abnormal);
        return NULL;
      }
  const size_t T = MAX (healthy, abnormal);
  TdDataset *ds = td_dataset_try_new (2 * n, T, C, TD_TASK_BINARY, 2, error);
  if (!ds)
    return NULL;
  ds->class_names = g_new0 (char *, 3);
  for (size_t k = 0; k < 2; k++)
    ds->class_names[k] = g_strdup (health_classes[k]);
  for (size_t c = 0; c < C; c++)
    td_dataset_set_channel_name (ds, c, engines->channel_names[c]);
  if (healthy != abnormal)
    ds->lengths = g_new (guint32, 2 * n);
  double *y_step = td_dataset_alloc_y_step (ds);
  g_autofree double *units = g_new (double, 2 * n);
  g_autofree double *first_cycle = g_new (double, 2 * n);
  for (size_t e = 0; e < n; e++)
    for (size_t k = 0; k < 2; k++)
      {
        const size_t s = 2 * e + k, len = k ? abnormal : healthy;
        const size_t from = k ? td_dataset_length (engines, e) - abnormal : 0;
        memcpy (td_dataset_series (ds, s), td_dataset_series (engines, e) + from * C,
                len * C * sizeof (float));
        for (size_t t = 0; t < len; t++)
          y_step[s * T + t] = (double) k;
        ds->y[s] = (double) k;
        ds->group[s] = engines->group[e];
        if (ds->lengths)
          ds->lengths[s] = (guint32) len;
        units[s] = unit[e];
        first_cycle[s] = (double) (from + 1);
      }
  /* The engine's number may be read by a model; where in its life a series
   * starts says which part it is, so it is a label. */
  td_dataset_add_meta_num (ds, "unit", units);
  td_dataset_set_meta_role (ds, "unit", TD_META_INPUT);
  td_dataset_add_meta_num (ds, "first_cycle", first_cycle);
  return ds;
}
