/* drift_table.c — two datasets compared channel by channel (tundish/drift.h):
 * the per-series summaries, one row per channel and summary, Holm across the
 * rows, the CSV. */
#include <tundish/drift.h>
#include <tundish/io.h>
#include <tundish/plugin.h>
#include <tundish/stats.h>

#include <math.h>
#include <string.h>

static const char *const test_names[] = { "ks", "wasserstein", "mmd" };

const char *
td_drift_test_name (TdDriftTest test)
{
  for (guint k = 0; k < G_N_ELEMENTS (test_names); k++)
    if (test == 1u << k)
      return test_names[k];
  return "?";
}

TdDriftTest
td_drift_test_from_name (const char *name)
{
  for (guint k = 0; k < G_N_ELEMENTS (test_names); k++)
    if (g_strcmp0 (name, test_names[k]) == 0)
      return 1u << k;
  return 0;
}

static void
row_free (TdDriftRow *r)
{
  g_free (r->channel);
  g_free (r->summary);
  g_free (r);
}

void
td_drift_table_free (TdDriftTable *t)
{
  if (!t)
    return;
  g_ptr_array_unref (t->rows);
  g_free (t);
}

/* Mean and standard deviation (denominator n - 1; NaN for one value) of the
 * finite valid steps of channel c of every series; NaN when none. */
static void
summaries (const TdDataset *ds, size_t c, double *mean, double *sd)
{
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const float *x = td_dataset_series (ds, s);
      size_t len = td_dataset_length (ds, s), n = 0;
      double m = 0.0, m2 = 0.0;
      for (size_t t = 0; t < len; t++)
        {
          double v = x[t * ds->n_channels + c];
          if (!isfinite (v))
            continue;
          /* Welford: a sensor near 1500 °C with a spread of 1 loses nothing. */
          n++;
          double d = v - m;
          m += d / (double) n;
          m2 += d * (v - m);
        }
      mean[s] = n ? m : NAN;
      sd[s] = n > 1 ? sqrt (m2 / (double) (n - 1)) : NAN;
    }
}

static guint64
row_seed (guint64 seed, size_t r)
{
  guint64 state = seed + 0x9E3779B97F4A7C15ull * (guint64) (r + 1);
  return td_splitmix64_next (&state);
}

static gboolean
add_row (TdDriftTable *t, const char *channel, const char *summary, const double *a,
         size_t na, const double *b, size_t nb, GError **error)
{
  TdDriftRow *r = g_new0 (TdDriftRow, 1);
  r->channel = g_strdup (channel);
  r->summary = g_strdup (summary);
  r->ks = r->p_ks = r->p_ks_holm = r->wasserstein = NAN;
  r->mmd2 = r->mmd_bandwidth = r->p_mmd = r->p_mmd_holm = NAN;
  g_ptr_array_add (t->rows, r);
  for (size_t i = 0; i < na; i++)
    r->n_ref += isfinite (a[i]);
  for (size_t i = 0; i < nb; i++)
    r->n_new += isfinite (b[i]);
  /* A summary that is undefined everywhere (std of one-step series) says
   * nothing; the row stays, with NaN, rather than failing the table. */
  if (r->n_ref == 0 || r->n_new == 0)
    return TRUE;
  g_autoptr (GError) local = NULL;
  if (t->tests & TD_DRIFT_KS)
    {
      TdKs ks;
      if (!td_ks_2samp (a, na, b, nb, &ks, &local))
        goto fail;
      r->ks = ks.statistic;
      r->p_ks = ks.p;
    }
  if (t->tests & TD_DRIFT_WASSERSTEIN)
    r->wasserstein = td_wasserstein1 (a, na, b, nb);
  if ((t->tests & TD_DRIFT_MMD) && r->n_ref >= 2 && r->n_new >= 2)
    {
      TdMmd mmd;
      if (!td_mmd_rbf (a, na, b, nb, t->permutations, row_seed (t->seed, t->rows->len - 1),
                       TD_MMD_MAX_N_DEFAULT, &mmd, &local))
        goto fail;
      r->mmd2 = mmd.mmd2;
      r->mmd_bandwidth = mmd.bandwidth;
      r->p_mmd = mmd.p;
    }
  return TRUE;
fail:
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "drift: channel %s (%s): %s",
               channel, summary, local->message);
  return FALSE;
}

static void
holm_column (GPtrArray *rows, size_t p_off, size_t adj_off)
{
  size_t m = rows->len;
  g_autofree double *p = g_new (double, MAX (m, (size_t) 1));
  for (size_t i = 0; i < m; i++)
    p[i] = *(double *) ((char *) rows->pdata[i] + p_off);
  td_holm (p, m, p);
  for (size_t i = 0; i < m; i++)
    *(double *) ((char *) rows->pdata[i] + adj_off) = p[i];
}

TdDriftTable *
td_drift_datasets (const TdDataset *ref, const TdDataset *new_data, guint tests, int permutations,
                   guint64 seed, GError **error)
{
  if (ref->n_channels != new_data->n_channels
      || (ref->n_steps == 1) != (new_data->n_steps == 1))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "drift: the two datasets differ in shape: %zu series x %zu steps x %zu "
                   "channels against %zu x %zu x %zu (expected the same channels, and both "
                   "sequences or both feature matrices)",
                   ref->n_series, ref->n_steps, ref->n_channels, new_data->n_series,
                   new_data->n_steps, new_data->n_channels);
      return NULL;
    }
  if (ref->n_series == 0 || new_data->n_series == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "drift: the %s dataset has no series", ref->n_series ? "new" : "reference");
      return NULL;
    }
  g_autoptr (TdDriftTable) t = g_new0 (TdDriftTable, 1);
  t->tests = tests;
  t->permutations = permutations;
  t->seed = seed;
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  gboolean seq = ref->n_steps > 1;
  size_t na = ref->n_series, nb = new_data->n_series;
  g_autofree double *ma = g_new (double, na), *sa = g_new (double, na);
  g_autofree double *mb = g_new (double, nb), *sb = g_new (double, nb);
  for (size_t c = 0; c < ref->n_channels; c++)
    {
      char buf[TD_CHANNEL_NAME_BUF];
      const char *name = td_dataset_channel_name (ref, c, buf);
      summaries (ref, c, ma, sa);
      summaries (new_data, c, mb, sb);
      if (!add_row (t, name, seq ? "mean" : "value", ma, na, mb, nb, error)
          || (seq && !add_row (t, name, "std", sa, na, sb, nb, error)))
        return NULL;
    }
  holm_column (t->rows, G_STRUCT_OFFSET (TdDriftRow, p_ks), G_STRUCT_OFFSET (TdDriftRow, p_ks_holm));
  holm_column (t->rows, G_STRUCT_OFFSET (TdDriftRow, p_mmd),
               G_STRUCT_OFFSET (TdDriftRow, p_mmd_holm));
  return g_steal_pointer (&t);
}

void
td_drift_table_csv (const TdDriftTable *t, const char *prefix_header, const char *prefix,
                    GString *out)
{
  if (prefix_header)
    g_string_append_printf (out, "%schannel,summary,n_ref,n_new,ks,p_ks,p_ks_holm,wasserstein,"
                            "mmd2,mmd_bandwidth,p_mmd,p_mmd_holm\n", prefix_header);
  for (guint i = 0; i < t->rows->len; i++)
    {
      const TdDriftRow *r = t->rows->pdata[i];
      g_string_append (out, prefix ? prefix : "");
      td_csv_field (out, r->channel);
      g_string_append_c (out, ',');
      td_csv_field (out, r->summary);
      g_string_append_printf (out, ",%zu,%zu", r->n_ref, r->n_new);
      const double v[] = { r->ks, r->p_ks, r->p_ks_holm, r->wasserstein, r->mmd2,
                           r->mmd_bandwidth, r->p_mmd, r->p_mmd_holm };
      for (guint k = 0; k < G_N_ELEMENTS (v); k++)
        {
          g_string_append_c (out, ',');
          td_csv_double (out, v[k]);
        }
      g_string_append_c (out, '\n');
    }
}
