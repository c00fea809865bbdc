/* root_cause.c — a trial's attributions scored against the true cause
 * (root_cause.h). */
#include "run/root_cause.h"

#include <math.h>
#include <string.h>

#include <tundish/io.h>

/* 1 − C(C−m, k) / C(C, k): a uniformly random ranking puts at least one of
 * m cause channels among its first k. */
static double
chance_top_k (size_t C, size_t m, size_t k)
{
  if (m == 0 || C == 0)
    return NAN;
  if (k >= C || m + k > C)
    return 1.0;
  double miss = 1.0;
  for (size_t i = 0; i < k; i++)
    miss *= (double) (C - m - i) / (double) (C - i);
  return 1.0 - miss;
}

void
td_root_cause_row_clear (TdRootCauseRow *r)
{
  g_free (r->defect_type);
  g_free (r->cause_stage);
  g_free (r->cause_channels);
  g_free (r->top_channel);
  g_free (r->top_stage);
  g_strfreev (r->channels);
  g_free (r->shares);
  memset (r, 0, sizeof *r);
}

void
td_root_cause_rows_free (GArray *rows)
{
  if (!rows)
    return;
  for (guint i = 0; i < rows->len; i++)
    td_root_cause_row_clear (&g_array_index (rows, TdRootCauseRow, i));
  g_array_unref (rows);
}

gboolean
td_root_cause_score (const double *mass, size_t C, const char *const *names,
                     const char *const *stages, const double *per_step, size_t raw_steps,
                     const char *cause_channels, const char *cause_stage, double cause_start,
                     double cause_end, TdRootCauseRow *row)
{
  memset (row, 0, sizeof *row);
  double total = 0;
  for (size_t c = 0; c < C; c++)
    total += mass[c];
  g_auto (GStrv) causes = g_strsplit (cause_channels ? cause_channels : "", ";", -1);
  gboolean *is_cause = g_new0 (gboolean, MAX (C, (size_t) 1));
  size_t m = 0;
  for (size_t c = 0; c < C; c++)
    if (g_strv_contains ((const char *const *) causes, names[c]))
      {
        is_cause[c] = TRUE;
        m++;
      }
  if (!(total > 0) || m == 0)
    {
      g_free (is_cause);
      return FALSE;
    }
  /* Ranking: larger mass first, ties by channel order (stable, so a flat
   * attribution ranks the first channels first, not the causes). */
  size_t *order = g_new (size_t, C);
  for (size_t c = 0; c < C; c++)
    order[c] = c;
  for (size_t i = 1; i < C; i++)
    for (size_t j = i; j > 0 && mass[order[j]] > mass[order[j - 1]]; j--)
      {
        size_t tmp = order[j];
        order[j] = order[j - 1];
        order[j - 1] = tmp;
      }
  row->top1 = is_cause[order[0]];
  row->top3 = 0;
  for (size_t i = 0; i < MIN (C, (size_t) 3); i++)
    row->top3 = row->top3 || is_cause[order[i]];
  row->top_channel = g_strdup (names[order[0]]);
  row->chance_top1 = chance_top_k (C, m, 1);
  row->chance_top3 = chance_top_k (C, m, 3);
  g_free (order);
  g_free (is_cause);

  row->stage_hit = row->chance_stage = NAN;
  row->top_stage = g_strdup ("");
  if (stages)
    {
      /* Stages in order of first appearance; the largest summed mass wins. */
      g_autoptr (GPtrArray) seen = g_ptr_array_new ();
      g_autoptr (GArray) sum = g_array_new (FALSE, TRUE, sizeof (double));
      for (size_t c = 0; c < C; c++)
        {
          guint k;
          if (!g_ptr_array_find_with_equal_func (seen, stages[c], g_str_equal, &k))
            {
              g_ptr_array_add (seen, (gpointer) stages[c]);
              g_array_set_size (sum, seen->len);
              k = seen->len - 1;
            }
          g_array_index (sum, double, k) += mass[c];
        }
      guint best = 0;
      for (guint k = 1; k < seen->len; k++)
        if (g_array_index (sum, double, k) > g_array_index (sum, double, best))
          best = k;
      g_free (row->top_stage);
      row->top_stage = g_strdup (seen->pdata[best]);
      row->stage_hit = cause_stage && strcmp (cause_stage, seen->pdata[best]) == 0;
      row->chance_stage = 1.0 / seen->len;
    }

  row->window_share = row->chance_window = NAN;
  if (per_step && raw_steps && cause_start >= 0 && cause_end >= cause_start)
    {
      double in = 0, all = 0;
      for (size_t t = 0; t < raw_steps; t++)
        {
          all += per_step[t];
          if ((double) t >= cause_start && (double) t <= cause_end)
            in += per_step[t];
        }
      row->window_share = all > 0 ? in / all : NAN;
      double w = MIN (cause_end, (double) raw_steps - 1) - cause_start + 1;
      row->chance_window = MAX (w, 0.0) / (double) raw_steps;
    }
  row->n_channels = C;
  row->channels = g_new0 (char *, C + 1);
  row->shares = g_new (double, MAX (C, (size_t) 1));
  for (size_t c = 0; c < C; c++)
    {
      row->channels[c] = g_strdup (names[c]);
      row->shares[c] = mass[c] / total;
    }
  row->defect_type = NULL;
  row->cause_stage = g_strdup (cause_stage ? cause_stage : "");
  row->cause_channels = g_strdup (cause_channels);
  return TRUE;
}

/* The raw channel an input column attributes to: the same name, or the
 * longest raw name followed by '.' ("crown_temperature.mean"); -1 if none. */
static int
source_channel (const char *col, const TdDataset *raw)
{
  int best = -1;
  size_t best_len = 0;
  for (size_t c = 0; c < raw->n_channels; c++)
    {
      const char *n = raw->channel_names[c];
      size_t len = strlen (n);
      if (strcmp (col, n) == 0)
        return (int) c;
      if (len > best_len && strncmp (col, n, len) == 0 && col[len] == '.')
        {
          best = (int) c;
          best_len = len;
        }
    }
  return best;
}

static const char *
meta_str (const TdDataset *d, const char *name, size_t s)
{
  const TdMetaColumn *m = td_dataset_find_meta (d, name);
  return m && m->str ? m->str[s] : NULL;
}

static double
meta_num (const TdDataset *d, const char *name, size_t s)
{
  const TdMetaColumn *m = td_dataset_find_meta (d, name);
  return m && m->num ? m->num[s] : NAN;
}

gboolean
td_root_cause_trial (TdModel *model, const TdModelVTable *mv, const TdDataset *input,
                     const TdDataset *raw, TdContext *ctx, GArray **rows, GError **error)
{
  *rows = NULL;
  const TdMetaColumn *causes = td_dataset_find_meta (raw, "cause_channels");
  if (!mv->explain || !causes || !causes->str || !raw->channel_names || !input->channel_names
      || input->n_series != raw->n_series)
    return TRUE;
  size_t C = raw->n_channels, T = input->n_steps, K = input->n_channels;
  g_autofree int *src = g_new (int, MAX (K, (size_t) 1));
  gboolean any = FALSE;
  for (size_t k = 0; k < K; k++)
    any |= (src[k] = source_channel (input->channel_names[k], raw)) >= 0;
  if (!any)
    return TRUE;
  gboolean sequence = T > 1;
  /* stage.<channel> is the same for every series; series 0 is read. */
  g_autofree const char **stages = g_new0 (const char *, C + 1);
  gboolean have_stages = raw->n_series > 0;
  for (size_t c = 0; c < C && have_stages; c++)
    {
      g_autofree char *key = g_strconcat ("stage.", raw->channel_names[c], NULL);
      stages[c] = meta_str (raw, key, 0);
      have_stages = stages[c] != NULL;
    }
  g_autofree float *attr = g_new (float, MAX (T * K, (size_t) 1));
  g_autofree double *mass = g_new (double, MAX (C, (size_t) 1));
  g_autofree double *per_step = sequence ? g_new (double, raw->n_steps) : NULL;
  GArray *out = g_array_new (FALSE, TRUE, sizeof (TdRootCauseRow));
  for (size_t s = 0; s < raw->n_series; s++)
    {
      const char *cc = causes->str[s];
      if (!cc || !*cc)
        continue;
      if (!mv->explain (model, input, s, attr, ctx, error))
        {
          td_root_cause_rows_free (out);
          if (g_error_matches (*error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED))
            {
              g_clear_error (error);
              return TRUE;
            }
          g_prefix_error (error, "root cause: explain series %zu: ", s);
          return FALSE;
        }
      memset (mass, 0, C * sizeof *mass);
      if (per_step)
        memset (per_step, 0, raw->n_steps * sizeof *per_step);
      size_t len = sequence ? td_dataset_length (input, s) : 1;
      for (size_t t = 0; t < len; t++)
        {
          /* input step t covers raw steps [t, t + 1) · raw / T: resampled input */
          size_t rt = sequence ? MIN ((size_t) ((t + 0.5) * raw->n_steps / T), raw->n_steps - 1) : 0;
          for (size_t k = 0; k < K; k++)
            {
              double a = fabs ((double) attr[t * K + k]);
              if (src[k] < 0 || !isfinite (a))
                continue;
              mass[src[k]] += a;
              if (per_step)
                per_step[rt] += a;
            }
        }
      TdRootCauseRow r;
      if (!td_root_cause_score (mass, C, (const char *const *) raw->channel_names,
                                have_stages ? stages : NULL, per_step,
                                per_step ? raw->n_steps : 0, cc,
                                meta_str (raw, "cause_stage", s),
                                meta_num (raw, "cause_start", s), meta_num (raw, "cause_end", s),
                                &r))
        continue;
      r.series_id = raw->series_id ? raw->series_id[s] : (gint64) s;
      const char *dt = meta_str (raw, "defect_type", s);
      r.defect_type = g_strdup (dt ? dt : "defect");
      g_array_append_val (out, r);
    }
  *rows = out;
  return TRUE;
}

static const char *const fixed_cols[] = {
  "series_id", "defect_type", "cause_stage", "cause_channels", "top_channel", "top_stage",
  "top1", "top3", "stage_hit", "window_share", "chance_top1", "chance_top3", "chance_stage",
  "chance_window",
};
#define N_FIXED G_N_ELEMENTS (fixed_cols)

void
td_root_cause_csv (GString *s, const GArray *rows)
{
  for (size_t i = 0; i < N_FIXED; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", fixed_cols[i]);
  const TdRootCauseRow *r0 = rows->len ? &g_array_index (rows, TdRootCauseRow, 0) : NULL;
  for (size_t c = 0; r0 && c < r0->n_channels; c++)
    {
      g_string_append (s, ",");
      g_autofree char *h = g_strconcat ("share.", r0->channels[c], NULL);
      td_csv_field (s, h);
    }
  g_string_append_c (s, '\n');
  for (guint i = 0; i < rows->len; i++)
    {
      const TdRootCauseRow *r = &g_array_index (rows, TdRootCauseRow, i);
      g_string_append_printf (s, "%" G_GINT64_FORMAT, r->series_id);
      const char *txt[] = { r->defect_type, r->cause_stage, r->cause_channels, r->top_channel,
                            r->top_stage };
      for (size_t k = 0; k < G_N_ELEMENTS (txt); k++)
        {
          g_string_append_c (s, ',');
          td_csv_field (s, txt[k]);
        }
      const double num[] = { r->top1, r->top3, r->stage_hit, r->window_share, r->chance_top1,
                             r->chance_top3, r->chance_stage, r->chance_window };
      for (size_t k = 0; k < G_N_ELEMENTS (num); k++)
        {
          g_string_append_c (s, ',');
          td_csv_double (s, num[k]);
        }
      for (size_t c = 0; c < r->n_channels; c++)
        {
          g_string_append_c (s, ',');
          td_csv_double (s, r->shares[c]);
        }
      g_string_append_c (s, '\n');
    }
}

GArray *
td_root_cause_parse (const char *text, gsize len, const char *path, GError **error)
{
  g_autoptr (GPtrArray) lines = td_csv_parse (text, len, path, error);
  if (!lines)
    return NULL;
  char **head = lines->len ? lines->pdata[0] : NULL;
  size_t ncol = head ? g_strv_length (head) : 0;
  if (ncol < N_FIXED || strcmp (head[0], "series_id") != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s:1: expected the root-cause header (series_id,defect_type,...)", path);
      return NULL;
    }
  size_t C = ncol - N_FIXED;
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (TdRootCauseRow));
  for (guint i = 1; i < lines->len; i++)
    {
      char **f = lines->pdata[i];
      TdRootCauseRow r = { 0 };
      double num[8];
      gboolean ok = g_strv_length (f) == ncol
                    && g_ascii_string_to_signed (f[0], 10, G_MININT64, G_MAXINT64,
                                                 &r.series_id, NULL);
      for (size_t k = 0; ok && k < 8; k++)
        ok = td_csv_parse_double (f[6 + k], &num[k]);
      r.shares = g_new (double, MAX (C, (size_t) 1));
      for (size_t c = 0; ok && c < C; c++)
        ok = td_csv_parse_double (f[N_FIXED + c], &r.shares[c]);
      if (!ok)
        {
          g_free (r.shares);
          td_root_cause_rows_free (rows);
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%u: malformed root-cause row",
                       path, i + 1);
          return NULL;
        }
      r.defect_type = g_strdup (f[1]);
      r.cause_stage = g_strdup (f[2]);
      r.cause_channels = g_strdup (f[3]);
      r.top_channel = g_strdup (f[4]);
      r.top_stage = g_strdup (f[5]);
      r.top1 = num[0], r.top3 = num[1], r.stage_hit = num[2], r.window_share = num[3];
      r.chance_top1 = num[4], r.chance_top3 = num[5], r.chance_stage = num[6];
      r.chance_window = num[7];
      r.n_channels = C;
      r.channels = g_new0 (char *, C + 1);
      for (size_t c = 0; c < C; c++)
        r.channels[c] = g_strdup (head[N_FIXED + c] + strlen ("share."));
      g_array_append_val (rows, r);
    }
  return rows;
}
