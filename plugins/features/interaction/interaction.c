/* interaction — features of pairs of channels.
 *
 * Pairs are named by channel: "a:b" (a ratio may add a statistic,
 * "a:b:max"; a co-occurrence names sides, "a.high:b.low"). Over the valid
 * steps t of a series, with A = channel a and B = channel b:
 *
 *   ratio_pairs      ratio_of_means.a.b  mean(A) / mean(B)
 *                    ratio_mean.a.b      mean(A / B)
 *                    ratio_max.a.b       max(A / B)
 *                    ratio_min.a.b       min(A / B)
 *                    (the ratio_stats list, or the one statistic the entry names)
 *   product_pairs    product_mean.a.b    mean(A · B)
 *   deviation_pairs  absdev_product_mean.a.b   mean(|A - center_a| · B), center_a
 *                    the center of a's band fitted on train (the median for
 *                    band: robust; the midpoint of band_low/band_high for fixed)
 *   corr_pairs       corr.a.b            Pearson correlation (NaN when either
 *                    channel is constant in the series)
 *   cooccur_pairs    cooccur_seconds.a_high.b_low  #{t : A above a's band and B
 *                    below b's band} × sample_seconds ("high" = x > high,
 *                    "low" = x < low; bands fitted on train, feat_band.h)
 *
 * Special entries: "auto" stands for the seed plan's pairs whose channels
 * all exist in the input (steel casting: casting speed relative to superheat
 * for ratios and products, mold level deviation × casting speed for
 * deviations, casting_speed.high:superheat.low for co-occurrence), and
 * nothing otherwise; "all" (corr_pairs) for every pair of channels in channel
 * order. A pair naming a channel the input lacks is an error. Columns come in
 * the order ratios, products, deviations, correlations, co-occurrences, each
 * in list order; the same column twice is an error.
 *
 * Division by zero follows IEEE (inf or NaN). NaN policy: a NaN among the
 * valid steps of either channel makes the pair's columns NaN; fitting skips
 * NaN values. An empty series gives NaN.
 *
 * Fitted state (train only): the band of every channel (only when a
 * deviation or co-occurrence column needs it), saved to / loaded from a key
 * file (feat_state.h).
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_band.h"
#include "feat_common.h"
#include "feat_plugins.h"
#include "feat_state.h"

#define PLUGIN "interaction"
#define VERSION "1.0.0"

typedef enum {
  K_RATIO_OF_MEANS, K_RATIO_MEAN, K_RATIO_MAX, K_RATIO_MIN,
  K_PRODUCT, K_ABSDEV, K_CORR, K_COOCCUR,
} Kind;

static const char *const ratio_stat_names[] = { "of_means", "mean", "max", "min", NULL };

typedef struct {
  Kind kind;
  size_t a, b;
  gboolean a_high, b_high;   /* co-occurrence sides */
  char *name;
} Column;

struct TdFeature {
  char **ratio_pairs, **product_pairs, **deviation_pairs, **corr_pairs, **cooccur_pairs;
  gboolean ratio_stats[4];
  double sample_seconds;
  BandSpec band;
  /* fitted */
  gboolean fitted;
  char **channels;
  size_t n_channels;
  double *low, *high, *center;
  GArray *columns;           /* of Column */
};

static void
column_clear (gpointer p)
{
  g_free (((Column *) p)->name);
}

static void
interaction_destroy (TdFeature *self)
{
  if (!self)
    return;
  g_strfreev (self->ratio_pairs);
  g_strfreev (self->product_pairs);
  g_strfreev (self->deviation_pairs);
  g_strfreev (self->corr_pairs);
  g_strfreev (self->cooccur_pairs);
  band_spec_clear (&self->band);
  g_strfreev (self->channels);
  g_free (self->low);
  g_free (self->high);
  g_free (self->center);
  if (self->columns)
    g_array_unref (self->columns);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdFeature, interaction_destroy)

/* ------------------------------------------------------ parsing entries */

/* "a:b" (or "a:b:x" when allow_third) into parts; FALSE on bad syntax. */
static gboolean
split_pair (const char *entry, gboolean allow_third, char ***parts)
{
  g_auto (GStrv) p = g_strsplit (entry, ":", -1);
  guint n = g_strv_length (p);
  if (n < 2 || n > (allow_third ? 3u : 2u))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!*p[i])
      return FALSE;
  *parts = g_steal_pointer (&p);
  return TRUE;
}

/* "name.high" / "name.low" into the channel name and side. */
static gboolean
split_side (const char *text, char **name, gboolean *high)
{
  const char *dot = strrchr (text, '.');
  if (!dot || dot == text)
    return FALSE;
  if (g_str_equal (dot + 1, "high"))
    *high = TRUE;
  else if (g_str_equal (dot + 1, "low"))
    *high = FALSE;
  else
    return FALSE;
  *name = g_strndup (text, (gsize) (dot - text));
  return TRUE;
}

static gboolean
check_entries (char **list, const char *param, gboolean ratio, gboolean cooccur,
               gboolean allow_all, GError **error)
{
  for (size_t i = 0; list[i]; i++)
    {
      if (g_str_equal (list[i], "auto") || (allow_all && g_str_equal (list[i], "all")))
        continue;
      g_auto (GStrv) parts = NULL;
      gboolean ok = split_pair (list[i], ratio, &parts);
      if (ok && ratio && parts[2])
        ok = g_strv_contains (ratio_stat_names, parts[2]);
      for (size_t k = 0; ok && cooccur && k < 2; k++)
        {
          g_autofree char *name = NULL;
          gboolean high;
          ok = split_side (parts[k], &name, &high);
        }
      if (!ok)
        {
          const char *form = ratio ? "\"a:b\" or \"a:b:<of_means|mean|max|min>\""
                           : cooccur ? "\"a.high:b.low\" (sides high or low)"
                           : allow_all ? "\"a:b\" or \"all\"" : "\"a:b\"";
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       PLUGIN ": %s: \"%s\" is not of the form %s%s", param, list[i], form,
                       " (or \"auto\")");
          return FALSE;
        }
    }
  return TRUE;
}

static char **
copy_list (const TdParams *params, const char *name)
{
  size_t n = 0;
  const char *const *l = td_params_get_string_list (params, name, &n);
  char **out = g_new0 (char *, n + 1);
  for (size_t i = 0; i < n; i++)
    out[i] = g_strdup (l[i]);
  return out;
}

static TdFeature *
interaction_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  g_autoptr (TdFeature) self = g_new0 (TdFeature, 1);
  self->ratio_pairs = copy_list (params, "ratio_pairs");
  self->product_pairs = copy_list (params, "product_pairs");
  self->deviation_pairs = copy_list (params, "deviation_pairs");
  self->corr_pairs = copy_list (params, "corr_pairs");
  self->cooccur_pairs = copy_list (params, "cooccur_pairs");
  size_t n = 0;
  const char *const *stats = td_params_get_string_list (params, "ratio_stats", &n);
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < 4; k++)
      if (g_str_equal (stats[i], ratio_stat_names[k]))
        self->ratio_stats[k] = TRUE;
  self->sample_seconds = td_params_get_double (params, "sample_seconds");
  if (!check_entries (self->ratio_pairs, "ratio_pairs", TRUE, FALSE, FALSE, error)
      || !check_entries (self->product_pairs, "product_pairs", FALSE, FALSE, FALSE, error)
      || !check_entries (self->deviation_pairs, "deviation_pairs", FALSE, FALSE, FALSE, error)
      || !check_entries (self->corr_pairs, "corr_pairs", FALSE, FALSE, TRUE, error)
      || !check_entries (self->cooccur_pairs, "cooccur_pairs", FALSE, TRUE, FALSE, error)
      || !band_spec_init (&self->band, params, PLUGIN, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* ------------------------------------------------- resolving to columns */

static gssize
find (char *const *channels, size_t n, const char *name)
{
  for (size_t c = 0; c < n; c++)
    if (g_str_equal (channels[c], name))
      return (gssize) c;
  return -1;
}

static gboolean
has_all (char *const *channels, size_t n, const char *a, const char *b)
{
  return find (channels, n, a) >= 0 && find (channels, n, b) >= 0;
}

typedef struct {
  char *const *channels;
  size_t n_channels;
  GArray *columns;
  GHashTable *names;
} Resolver;

static gboolean
add_column (Resolver *r, Kind kind, const char *a, const char *b, gboolean a_high,
            gboolean b_high, const char *param, GError **error)
{
  static const char *const prefix[] = {
    "ratio_of_means", "ratio_mean", "ratio_max", "ratio_min",
    "product_mean", "absdev_product_mean", "corr", "cooccur_seconds",
  };
  gssize ia = find (r->channels, r->n_channels, a), ib = find (r->channels, r->n_channels, b);
  if (ia < 0 || ib < 0)
    {
      g_autofree char *have = g_strjoinv (", ", (char **) r->channels);
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   PLUGIN ": %s: no channel \"%s\" in the input (channels: %s)", param,
                   ia < 0 ? a : b, have);
      return FALSE;
    }
  Column col = { .kind = kind, .a = (size_t) ia, .b = (size_t) ib,
                 .a_high = a_high, .b_high = b_high };
  if (kind == K_COOCCUR)
    col.name = g_strdup_printf ("%s.%s_%s.%s_%s", prefix[kind], a, a_high ? "high" : "low", b,
                                b_high ? "high" : "low");
  else
    col.name = g_strdup_printf ("%s.%s.%s", prefix[kind], a, b);
  if (g_hash_table_contains (r->names, col.name))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   PLUGIN ": %s: column %s is asked for twice", param, col.name);
      g_free (col.name);
      return FALSE;
    }
  g_hash_table_add (r->names, col.name);
  g_array_append_val (r->columns, col);
  return TRUE;
}

static gboolean
add_ratio (Resolver *r, const TdFeature *self, const char *a, const char *b, const char *stat,
           GError **error)
{
  for (int k = 0; k < 4; k++)
    {
      gboolean want = stat ? g_str_equal (stat, ratio_stat_names[k]) : self->ratio_stats[k];
      if (want && !add_column (r, (Kind) (K_RATIO_OF_MEANS + k), a, b, FALSE, FALSE,
                               "ratio_pairs", error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
resolve_simple (Resolver *r, char **list, Kind kind, const char *param, const char *auto_a,
                const char *auto_b, GError **error)
{
  for (size_t i = 0; list[i]; i++)
    {
      if (g_str_equal (list[i], "auto"))
        {
          if (has_all (r->channels, r->n_channels, auto_a, auto_b)
              && !add_column (r, kind, auto_a, auto_b, FALSE, FALSE, param, error))
            return FALSE;
          continue;
        }
      if (g_str_equal (list[i], "all"))
        {
          for (size_t a = 0; a < r->n_channels; a++)
            for (size_t b = a + 1; b < r->n_channels; b++)
              if (!add_column (r, kind, r->channels[a], r->channels[b], FALSE, FALSE, param,
                               error))
                return FALSE;
          continue;
        }
      g_auto (GStrv) p = g_strsplit (list[i], ":", 2);
      if (!add_column (r, kind, p[0], p[1], FALSE, FALSE, param, error))
        return FALSE;
    }
  return TRUE;
}

/* The columns for these channels; NULL (error set) when a pair cannot be
 * resolved or nothing is left. */
static GArray *
resolve (const TdFeature *self, char *const *channels, size_t n_channels, GError **error)
{
  g_autoptr (GArray) cols = g_array_new (FALSE, FALSE, sizeof (Column));
  g_array_set_clear_func (cols, column_clear);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  Resolver r = { channels, n_channels, cols, names };

  for (size_t i = 0; self->ratio_pairs[i]; i++)
    {
      const char *e = self->ratio_pairs[i];
      if (g_str_equal (e, "auto"))
        {
          if (has_all (channels, n_channels, "casting_speed", "superheat")
              && !add_ratio (&r, self, "casting_speed", "superheat", NULL, error))
            return NULL;
          continue;
        }
      g_auto (GStrv) p = g_strsplit (e, ":", 3);
      if (!add_ratio (&r, self, p[0], p[1], p[2], error))
        return NULL;
    }
  if (!resolve_simple (&r, self->product_pairs, K_PRODUCT, "product_pairs", "casting_speed",
                       "superheat", error)
      || !resolve_simple (&r, self->deviation_pairs, K_ABSDEV, "deviation_pairs", "mold_level",
                          "casting_speed", error)
      || !resolve_simple (&r, self->corr_pairs, K_CORR, "corr_pairs", "casting_speed",
                          "superheat", error))
    return NULL;
  for (size_t i = 0; self->cooccur_pairs[i]; i++)
    {
      const char *e = self->cooccur_pairs[i];
      if (g_str_equal (e, "auto"))
        {
          if (has_all (channels, n_channels, "casting_speed", "superheat")
              && !add_column (&r, K_COOCCUR, "casting_speed", "superheat", TRUE, FALSE,
                              "cooccur_pairs", error))
            return NULL;
          continue;
        }
      g_auto (GStrv) p = g_strsplit (e, ":", 2);
      g_autofree char *a = NULL, *b = NULL;
      gboolean ah = FALSE, bh = FALSE;
      split_side (p[0], &a, &ah);
      split_side (p[1], &b, &bh);
      if (!add_column (&r, K_COOCCUR, a, b, ah, bh, "cooccur_pairs", error))
        return NULL;
    }
  if (cols->len == 0)
    {
      g_autofree char *have = g_strjoinv (", ", (char **) channels);
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   PLUGIN ": no interaction column for channels [%s]; name pairs in ratio_pairs, "
                   "product_pairs, deviation_pairs, corr_pairs or cooccur_pairs", have);
      return NULL;
    }
  return g_steal_pointer (&cols);
}

static gboolean
needs_band (const GArray *cols)
{
  for (guint i = 0; i < cols->len; i++)
    {
      Kind k = g_array_index (cols, Column, i).kind;
      if (k == K_ABSDEV || k == K_COOCCUR)
        return TRUE;
    }
  return FALSE;
}

static void
alloc_state (TdFeature *self, size_t n_channels)
{
  self->n_channels = n_channels;
  size_t n = MAX (n_channels, (size_t) 1);
  self->low = g_new0 (double, n);
  self->high = g_new0 (double, n);
  self->center = g_new0 (double, n);
}

static gboolean
interaction_fit (TdFeature *self, const TdDataset *train, TdContext *ctx, GError **error)
{
  if (!td_dataset_check_lengths (train, PLUGIN, error))
    return FALSE;
  self->fitted = FALSE;
  g_strfreev (self->channels);
  g_free (self->low);
  g_free (self->high);
  g_free (self->center);
  g_clear_pointer (&self->columns, g_array_unref);
  self->channels = feat_state_channel_names (train);
  alloc_state (self, train->n_channels);
  self->columns = resolve (self, self->channels, self->n_channels, error);
  if (!self->columns)
    return FALSE;
  if (needs_band (self->columns) || self->band.method == BAND_FIXED)
    {
      if (!band_fit (&self->band, train, ctx, self->low, self->high, self->center, PLUGIN,
                     error))
        return FALSE;
    }
  else
    for (size_t c = 0; c < self->n_channels; c++)
      self->low[c] = self->high[c] = self->center[c] = NAN;
  self->fitted = TRUE;
  return TRUE;
}

/* ------------------------------------------------------------ transform */

#define SUM4(s) (((s)[0] + (s)[1]) + ((s)[2] + (s)[3]))

static double
mean_of (const float *v, size_t n)
{
  double s[8] = { 0 };
  size_t t = 0;
  for (; t + 8 <= n; t += 8)
    for (int j = 0; j < 8; j++)
      s[j] += v[t + j];
  for (; t < n; t++)
    s[0] += v[t];
  return (SUM4 (s) + SUM4 (s + 4)) / (double) n;
}

static double
product_mean (const float *a, const float *b, size_t n)
{
  double s[4] = { 0 };
  size_t t = 0;
  for (; t + 4 <= n; t += 4)
    for (int j = 0; j < 4; j++)
      s[j] += (double) a[t + j] * (double) b[t + j];
  for (; t < n; t++)
    s[0] += (double) a[t] * (double) b[t];
  return SUM4 (s) / (double) n;
}

static double
absdev_product_mean (const float *a, double center, const float *b, size_t n)
{
  double s[4] = { 0 };
  size_t t = 0;
  for (; t + 4 <= n; t += 4)
    for (int j = 0; j < 4; j++)
      s[j] += fabs ((double) a[t + j] - center) * (double) b[t + j];
  for (; t < n; t++)
    s[0] += fabs ((double) a[t] - center) * (double) b[t];
  return SUM4 (s) / (double) n;
}

/* mean, max and min of a/b; r[n] is scratch. The quotients go to r first
 * (divisions vectorise), then a sum and the extremes (also vectorised). */
static void
ratio_stats (const float *a, const float *b, size_t n, double *r, double *mean, double *max,
             double *min)
{
  for (size_t t = 0; t < n; t++)
    r[t] = (double) a[t] / (double) b[t];
  double sum = feat_sum_d (r, n);
  *mean = sum / (double) n;
  /* 0/0 gives NaN, which max/min would not see: propagate it as the mean
   * does (a NaN sum may also come from +inf with -inf, hence the look) */
  gboolean nan = FALSE;
  if (isnan (sum))
    for (size_t t = 0; t < n && !nan; t++)
      nan = isnan (r[t]);
  if (nan)
    {
      *max = *min = NAN;
      return;
    }
  feat_min_max_d (r, n, min, max);
}

static double
pearson (const float *a, double ma, const float *b, double mb, size_t n)
{
  double den = sqrt (feat_cross_sum (a, ma, a, ma, n) * feat_cross_sum (b, mb, b, mb, n));
  return den > 0.0 ? feat_cross_sum (a, ma, b, mb, n) / den : NAN;
}

static size_t
cooccur (const float *a, gboolean a_high, double la, double ha, const float *b,
         gboolean b_high, double lb, double hb, size_t n)
{
  size_t count = 0;
  for (size_t t = 0; t < n; t++)
    {
      int oa = a_high ? a[t] > ha : a[t] < la;
      int ob = b_high ? b[t] > hb : b[t] < lb;
      count += (size_t) (oa & ob);
    }
  return count;
}

typedef struct {
  const TdFeature *self;
  const TdDataset *in;
  TdDataset *out;
  FeatScratch *scratch;
  gboolean *used;          /* [n_channels] channels any column reads */
} Job;

static void
compute_series (gpointer data, size_t worker, size_t begin, size_t end)
{
  Job *j = data;
  const TdFeature *self = j->self;
  FeatScratch *sc = &j->scratch[worker];
  size_t C = j->in->n_channels;
  g_autofree double *mean = g_new (double, MAX (C, (size_t) 1));
  g_autofree gboolean *bad = g_new (gboolean, MAX (C, (size_t) 1));
  for (size_t s = begin; s < end; s++)
    {
      size_t n = td_dataset_length (j->in, s);
      feat_gather (j->in, s, n, sc->ch);
      /* The means double as the NaN check: a NaN makes the sum NaN (so does
       * +inf with -inf, hence the look before calling the channel bad). */
      for (size_t c = 0; c < C; c++)
        {
          mean[c] = n > 0 && j->used[c] ? mean_of (sc->ch[c], n) : NAN;
          bad[c] = n == 0 || (isnan (mean[c]) && feat_has_nan (sc->ch[c], n));
        }
      float *dst = td_dataset_series (j->out, s);
      for (guint k = 0; k < self->columns->len; k++)
        {
          const Column *col = &g_array_index (self->columns, Column, k);
          const float *a = sc->ch[col->a], *b = sc->ch[col->b];
          double v = NAN, unused;
          if (bad[col->a] || bad[col->b])
            {
              dst[k] = NAN;
              continue;
            }
          switch (col->kind)
            {
            case K_RATIO_OF_MEANS:
              v = mean[col->a] / mean[col->b];
              break;
            case K_RATIO_MEAN:
              ratio_stats (a, b, n, sc->dtmp, &v, &unused, &unused);
              break;
            case K_RATIO_MAX:
              ratio_stats (a, b, n, sc->dtmp, &unused, &v, &unused);
              break;
            case K_RATIO_MIN:
              ratio_stats (a, b, n, sc->dtmp, &unused, &unused, &v);
              break;
            case K_PRODUCT:
              v = product_mean (a, b, n);
              break;
            case K_ABSDEV:
              v = absdev_product_mean (a, self->center[col->a], b, n);
              break;
            case K_CORR:
              v = pearson (a, mean[col->a], b, mean[col->b], n);
              break;
            case K_COOCCUR:
              v = (double) cooccur (a, col->a_high, self->low[col->a], self->high[col->a], b,
                                    col->b_high, self->low[col->b], self->high[col->b], n)
                  * self->sample_seconds;
              break;
            }
          dst[k] = (float) v;
        }
    }
}

static TdDataset *
interaction_transform (TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
{
  if (!self->fitted)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                           PLUGIN ": transform before fit (or load)");
      return NULL;
    }
  if (!td_dataset_check_lengths (in, PLUGIN, error)
      || !feat_state_check_channels (in, self->channels, self->n_channels, PLUGIN, error))
    return NULL;

  size_t C = in->n_channels, K = self->columns->len;
  g_autoptr (TdDataset) out = td_dataset_new_like (in, 1, K);
  g_autofree gboolean *used = g_new0 (gboolean, MAX (C, (size_t) 1));
  for (size_t k = 0; k < K; k++)
    {
      const Column *col = &g_array_index (self->columns, Column, k);
      td_dataset_set_channel_name (out, k, col->name);
      used[col->a] = used[col->b] = TRUE;
    }

  size_t n_workers = feat_workers (ctx, in->n_series, in->n_series * in->n_steps * C);
  FeatScratch *scratch = feat_scratch_new (n_workers, C, in->n_steps);
  Job job = { self, in, out, scratch, used };
  gboolean ok = feat_run (ctx, n_workers, in->n_series, 8, compute_series, &job, PLUGIN,
                          error);
  feat_scratch_free (scratch, n_workers);
  return ok ? g_steal_pointer (&out) : NULL;
}

/* ----------------------------------------------------------- save/load */

static gboolean
interaction_save (TdFeature *self, const char *path, GError **error)
{
  if (!self->fitted)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                           PLUGIN ": nothing to save before fit");
      return FALSE;
    }
  g_autoptr (GKeyFile) kf = feat_state_new (PLUGIN, VERSION, self->channels, self->n_channels);
  feat_state_set_doubles (kf, PLUGIN, "low", self->low, self->n_channels);
  feat_state_set_doubles (kf, PLUGIN, "high", self->high, self->n_channels);
  feat_state_set_doubles (kf, PLUGIN, "center", self->center, self->n_channels);
  return feat_state_save (kf, path, PLUGIN, error);
}

static TdFeature *
interaction_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autoptr (TdFeature) self = interaction_create (params, ctx, error);
  if (!self)
    return NULL;
  size_t n = 0;
  g_autoptr (GKeyFile) kf = feat_state_load (path, PLUGIN, &self->channels, &n, error);
  if (!kf)
    return NULL;
  alloc_state (self, n);
  if (!feat_state_get_doubles (kf, PLUGIN, "low", self->low, n, error)
      || !feat_state_get_doubles (kf, PLUGIN, "high", self->high, n, error)
      || !feat_state_get_doubles (kf, PLUGIN, "center", self->center, n, error))
    return NULL;
  /* the columns follow from the parameters and the fitted channels */
  self->columns = resolve (self, self->channels, n, error);
  if (!self->columns)
    return NULL;
  self->fitted = TRUE;
  return g_steal_pointer (&self);
}

/* ---------------------------------------------------------- descriptor */

static const TdParamSpec interaction_params[] = {
  { .name = "ratio_pairs", .type = TD_PARAM_STRING_LIST, .default_value = "[auto]",
    .help = "\"a:b\" (ratio_stats of a/b) or \"a:b:<of_means|mean|max|min>\"; auto = "
            "casting_speed:superheat when both exist" },
  { .name = "ratio_stats", .type = TD_PARAM_STRING_LIST, .default_value = "[of_means, mean, max]",
    .choices = ratio_stat_names,
    .help = "statistics of a plain \"a:b\" ratio: of_means (mean a / mean b), mean, max, min of a/b" },
  { .name = "product_pairs", .type = TD_PARAM_STRING_LIST, .default_value = "[auto]",
    .help = "\"a:b\": mean(a·b); auto = casting_speed:superheat when both exist" },
  { .name = "deviation_pairs", .type = TD_PARAM_STRING_LIST, .default_value = "[auto]",
    .help = "\"a:b\": mean(|a - center_a|·b), center_a fitted on train; auto = "
            "mold_level:casting_speed when both exist" },
  { .name = "corr_pairs", .type = TD_PARAM_STRING_LIST, .default_value = "[all]",
    .help = "\"a:b\": Pearson correlation; all = every pair of channels" },
  { .name = "cooccur_pairs", .type = TD_PARAM_STRING_LIST, .default_value = "[auto]",
    .help = "\"a.high:b.low\": seconds with a above its band and b below its band; auto = "
            "casting_speed.high:superheat.low when both exist" },
  { .name = "sample_seconds", .type = TD_PARAM_DOUBLE, .default_value = "1", .min = 1e-9,
    .max = 1e9, .help = "seconds per step" },
  BAND_PARAM_SPECS,
};

static const TdFeatureVTable interaction_vtable = {
  .role = TD_FEATURE_EXTRACT,
  .accepts = TD_DATA_SEQUENCE,
  .create = interaction_create,
  .fit = interaction_fit,
  .transform = interaction_transform,
  .destroy = interaction_destroy,
  .save = interaction_save,
  .load = interaction_load,
};

static const TdPluginDescriptor interaction_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = PLUGIN,
  .version = VERSION,
  .summary = "cross-channel features: ratios, products, deviation products, correlations and "
             "co-occurrence time of named channel pairs",
  .params = interaction_params,
  .n_params = G_N_ELEMENTS (interaction_params),
  .vtable = &interaction_vtable,
};

const TdPluginDescriptor *
feat_interaction_descriptor (void)
{
  return &interaction_descriptor;
}
