/* minirocket — the MiniRocket transform (Dempster, Schmidt & Webb 2021) as a
 * feature extractor: sequences → num_features PPV columns (9,996 for the
 * default 10,000), the input of a ridge classifier in the paper.
 *
 * fit (training split only): dilations for the longest training series,
 * random channel combinations per (dilation, kernel) when there are several
 * channels, and the biases from quantiles of one randomly drawn training
 * series' convolution output per (dilation, kernel) — every draw from the
 * stage's own seeded stream, so a trial's features are reproducible and the
 * same for any thread count. transform: the convolutions and PPV pooling of
 * mr_core.c, series in parallel over the context's threads.
 *
 * Columns are "minirocket.<k>" (k the reference's feature order): a feature
 * mixes channels, so it has no single channel to be named after. A NaN
 * compares false and would bias every PPV silently, so the biases are drawn
 * from the complete training series only, and a series with a missing value
 * gets NaN features (with a log line); repair gaps first (a `missing` step).
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_common.h"
#include "mr_core.h"

#define MR_FORMAT 1

struct TdFeature {
  int num_features, max_dilations;
  gboolean fitted;
  MrParams p;
};

static const TdParamSpec minirocket_params[] = {
  { .name = "num_features", .type = TD_PARAM_INT, .default_value = "10000", .min = 84,
    .max = 1000000,
    .help = "features requested; rounded down to a multiple of 84 (10000 gives 9996)" },
  { .name = "max_dilations_per_kernel", .type = TD_PARAM_INT, .default_value = "32", .min = 1,
    .max = 1024, .help = "at most this many dilations per kernel (log2-spaced)" },
};

static TdFeature *
minirocket_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  TdFeature *self = g_new0 (TdFeature, 1);
  self->num_features = (int) td_params_get_int (params, "num_features");
  self->max_dilations = (int) td_params_get_int (params, "max_dilations_per_kernel");
  return self;
}

static void
minirocket_destroy (TdFeature *self)
{
  if (!self)
    return;
  mr_params_clear (&self->p);
  g_free (self);
}

static gboolean
series_has_nan (const TdDataset *in, size_t s, size_t *at)
{
  const float *x = td_dataset_series (in, s);
  size_t n = td_dataset_length (in, s) * in->n_channels;
  for (size_t i = 0; i < n; i++)
    if (isnan (x[i]))
      {
        *at = i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
check_input (const TdDataset *in, const char *what, GError **error)
{
  if (!td_dataset_check_lengths (in, "minirocket", error))
    return FALSE;
  if (in->n_series == 0 || in->n_channels == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "minirocket: the %s data is empty", what);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------- fit */

typedef struct {
  const TdDataset *ds;
  float **ch;                  /* one gathered series, [n_channels][n_steps] */
  size_t cached;               /* which series ch holds, or SIZE_MAX */
} Gathered;

static const float *
gathered_series (gpointer data, size_t example, int channel, size_t *len)
{
  Gathered *g = data;
  *len = td_dataset_length (g->ds, example);
  if (g->cached != example)
    {
      feat_gather (g->ds, example, *len, g->ch);
      g->cached = example;
    }
  return g->ch[channel];
}

static double
rng_uniform (gpointer rng)
{
  return gsl_rng_uniform (rng);
}

static gulong
rng_int (gpointer rng, gulong n)
{
  return gsl_rng_uniform_int (rng, n);
}

static gboolean
minirocket_fit (TdFeature *self, const TdDataset *train, TdContext *ctx, GError **error)
{
  if (!check_input (train, "training", error))
    return FALSE;
  /* the bias examples are drawn among the complete training series */
  g_autoptr (GArray) clean = g_array_new (FALSE, FALSE, sizeof (size_t));
  for (size_t s = 0, i; s < train->n_series; s++)
    if (!series_has_nan (train, s, &i))
      g_array_append_val (clean, s);
  if (clean->len == 0)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "minirocket: every training series has a missing value; impute or "
                           "drop missing values first (e.g. a `missing` feature step)");
      return FALSE;
    }
  if (clean->len < train->n_series)
    td_context_log (ctx, G_LOG_LEVEL_MESSAGE, "minirocket: %zu training series with missing "
                    "values are not used for the biases", train->n_series - clean->len);
  size_t longest = 0;
  for (size_t s = 0; s < train->n_series; s++)
    longest = MAX (longest, td_dataset_length (train, s));
  MrParams p = { 0 };
  if (!mr_fit_dilations ((int) MIN (longest, (size_t) G_MAXINT), self->num_features,
                         self->max_dilations, &p, error))
    return FALSE;
  gsl_rng *rng = td_context_rng (ctx);
  mr_fit_channels (&p, (int) train->n_channels, rng_uniform, rng_int, rng);
  size_t n_comb = (size_t) p.n_dilations * MR_N_KERNELS;
  g_autofree size_t *example = g_new (size_t, n_comb);
  for (size_t i = 0; i < n_comb; i++)
    example[i] = g_array_index (clean, size_t, gsl_rng_uniform_int (rng, clean->len));
  /* the reference's variable-length variant pools over the padded output */
  for (size_t s = 0; train->lengths && s < train->n_series; s++)
    p.force_padding = p.force_padding || train->lengths[s] != longest;

  FeatScratch *scratch = feat_scratch_new (1, train->n_channels, train->n_steps);
  Gathered g = { train, scratch->ch, SIZE_MAX };
  mr_fit_biases (&p, gathered_series, &g, example);
  feat_scratch_free (scratch, 1);

  mr_params_clear (&self->p);
  self->p = p;
  self->fitted = TRUE;
  td_context_log (ctx, G_LOG_LEVEL_INFO, "minirocket: %d features, %d dilations (%d..%d)",
                  p.n_features, p.n_dilations, p.dilations[0], p.dilations[p.n_dilations - 1]);
  return TRUE;
}

/* ------------------------------------------------------------- transform */

typedef struct {
  const TdFeature *self;
  const TdDataset *in;
  TdDataset *out;
  FeatScratch *scratch;      /* per worker: the gathered channels */
  MrScratch **mr;              /* per worker */
} Job;

static void
transform_range (gpointer data, size_t worker, size_t begin, size_t end)
{
  Job *j = data;
  float **ch = j->scratch[worker].ch;
  for (size_t s = begin; s < end; s++)
    {
      size_t len = td_dataset_length (j->in, s), at;
      if (series_has_nan (j->in, s, &at))
        {
          float *out = td_dataset_series (j->out, s);
          for (int k = 0; k < j->self->p.n_features; k++)
            out[k] = NAN;
          continue;
        }
      feat_gather (j->in, s, len, ch);
      mr_transform_one (&j->self->p, (const float *const *) ch, len, j->mr[worker],
                        td_dataset_series (j->out, s));
    }
}

static TdDataset *
minirocket_transform (TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
{
  if (!self->fitted)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                           "minirocket: transform before fit or load");
      return NULL;
    }
  if (in->n_channels != (size_t) self->p.n_channels)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "minirocket: fitted on %d channels, the input has %zu", self->p.n_channels,
                   in->n_channels);
      return NULL;
    }
  if (!check_input (in, "input", error))
    return NULL;
  for (size_t s = 0; s < in->n_series; s++)
    if (td_dataset_length (in, s) < MR_KERNEL_LENGTH)
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "minirocket: series %zu has %zu steps, fewer than the kernel length 9", s,
                     td_dataset_length (in, s));
        return NULL;
      }
  size_t n_missing = 0, at;
  for (size_t s = 0; s < in->n_series; s++)
    n_missing += series_has_nan (in, s, &at);
  if (n_missing)
    td_context_log (ctx, G_LOG_LEVEL_MESSAGE, "minirocket: %zu of %zu series have missing "
                    "values; their features are NaN", n_missing, in->n_series);
  size_t nf = (size_t) self->p.n_features;
  g_autoptr (TdDataset) out = td_dataset_new_like (in, 1, nf);
  for (size_t k = 0; k < nf; k++)
    {
      char name[32];
      g_snprintf (name, sizeof name, "minirocket.%04zu", k);
      td_dataset_set_channel_name (out, k, name);
    }
  size_t workers = feat_workers (ctx, in->n_series, in->n_series * in->n_steps * 84);
  workers = MAX (workers, (size_t) 1);
  Job j = { self, in, out, feat_scratch_new (workers, in->n_channels, in->n_steps),
            g_new (MrScratch *, workers) };
  for (size_t w = 0; w < workers; w++)
    j.mr[w] = mr_scratch_new (&self->p, in->n_steps);
  gboolean ok = feat_run (ctx, workers, in->n_series, 8, transform_range, &j, "minirocket",
                             error);
  for (size_t w = 0; w < workers; w++)
    mr_scratch_free (j.mr[w]);
  g_free (j.mr);
  feat_scratch_free (j.scratch, workers);
  return ok ? g_steal_pointer (&out) : NULL;
}

/* ------------------------------------------------------------- save/load */

static void
set_ints (GKeyFile *kf, const char *key, const int32_t *v, size_t n)
{
  g_autofree gint *tmp = g_new (gint, MAX (n, (size_t) 1));
  for (size_t i = 0; i < n; i++)
    tmp[i] = v[i];
  g_key_file_set_integer_list (kf, "minirocket", key, tmp, n);
}

static gboolean
minirocket_save (TdFeature *self, const char *path, GError **error)
{
  if (!self->fitted)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                           "minirocket: nothing to save before fit");
      return FALSE;
    }
  const MrParams *p = &self->p;
  size_t n_comb = (size_t) p->n_dilations * MR_N_KERNELS;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_set_integer (kf, "minirocket", "format", MR_FORMAT);
  g_key_file_set_integer (kf, "minirocket", "n_channels", p->n_channels);
  g_key_file_set_integer (kf, "minirocket", "input_length", p->input_length);
  g_key_file_set_integer (kf, "minirocket", "n_features", p->n_features);
  g_key_file_set_boolean (kf, "minirocket", "force_padding", p->force_padding);
  set_ints (kf, "dilations", p->dilations, p->n_dilations);
  set_ints (kf, "features_per_dilation", p->features_per_dilation, p->n_dilations);
  set_ints (kf, "channels_per_combination", p->channels_per_combination, n_comb);
  set_ints (kf, "channel_indices", p->channel_indices, p->channel_offset[n_comb]);
  g_autofree double *b = g_new (double, MAX (p->n_features, 1));
  for (int i = 0; i < p->n_features; i++)
    b[i] = p->biases[i];
  g_key_file_set_double_list (kf, "minirocket", "biases", b, p->n_features);
  GError *local = NULL;
  gsize len = 0;
  g_autofree char *text = g_key_file_to_data (kf, &len, NULL);
  if (!td_file_write_atomic (path, text, (gssize) len, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "minirocket: %s", local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static int32_t *
get_ints (GKeyFile *kf, const char *key, size_t want, int lo, int hi, GError **error)
{
  gsize n = 0;
  g_autofree gint *v = g_key_file_get_integer_list (kf, "minirocket", key, &n, error);
  if (!v || n != want)
    return NULL;
  int32_t *out = g_new (int32_t, MAX (n, (gsize) 1));
  for (gsize i = 0; i < n; i++)
    {
      if (v[i] < lo || v[i] > hi)
        {
          g_free (out);
          return NULL;
        }
      out[i] = v[i];
    }
  return out;
}

static TdFeature *
minirocket_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *local = NULL;
  MrParams p = { 0 };
  gboolean ok = g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local)
                && g_key_file_get_integer (kf, "minirocket", "format", &local) == MR_FORMAT;
  if (ok)
    {
      p.n_channels = g_key_file_get_integer (kf, "minirocket", "n_channels", NULL);
      p.input_length = g_key_file_get_integer (kf, "minirocket", "input_length", NULL);
      p.n_features = g_key_file_get_integer (kf, "minirocket", "n_features", NULL);
      p.force_padding = g_key_file_get_boolean (kf, "minirocket", "force_padding", NULL);
      gsize nd = 0;
      g_autofree gint *d = g_key_file_get_integer_list (kf, "minirocket", "dilations", &nd, NULL);
      p.n_dilations = (int) nd;
      ok = d && nd > 0 && nd <= 4096 && p.n_channels >= 1 && p.n_channels <= 1 << 20
           && p.input_length >= MR_KERNEL_LENGTH && p.n_features >= MR_N_KERNELS;
    }
  size_t n_comb = (size_t) p.n_dilations * MR_N_KERNELS;
  ok = ok && (p.dilations = get_ints (kf, "dilations", p.n_dilations, 1, p.input_length, NULL))
       && (p.features_per_dilation = get_ints (kf, "features_per_dilation", p.n_dilations, 0,
                                               p.n_features, NULL))
       && (p.channels_per_combination = get_ints (kf, "channels_per_combination", n_comb, 1,
                                                  p.n_channels, NULL));
  if (ok)
    {
      int sum = 0;
      p.channel_offset = g_new (int32_t, n_comb + 1);
      for (size_t i = 0; i < n_comb; i++)
        {
          p.channel_offset[i] = sum;
          sum += p.channels_per_combination[i];
        }
      p.channel_offset[n_comb] = sum;
      int nf = 0;
      for (int i = 0; i < p.n_dilations; i++)
        nf += p.features_per_dilation[i];
      ok = nf * MR_N_KERNELS == p.n_features
           && (p.channel_indices = get_ints (kf, "channel_indices", sum, 0, p.n_channels - 1,
                                             NULL));
    }
  gsize nb = 0;
  g_autofree double *b = ok ? g_key_file_get_double_list (kf, "minirocket", "biases", &nb, NULL)
                            : NULL;
  ok = ok && b && nb == (gsize) p.n_features;
  if (!ok)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "minirocket: %s is not a minirocket state file (format %d): %s", path,
                   MR_FORMAT, local ? local->message : "bad counts or values");
      g_clear_error (&local);
      mr_params_clear (&p);
      return NULL;
    }
  p.biases = g_new (float, nb);
  for (gsize i = 0; i < nb; i++)
    p.biases[i] = (float) b[i];
  TdFeature *self = minirocket_create (params, ctx, error);
  self->p = p;
  self->fitted = TRUE;
  return self;
}

static const TdFeatureVTable minirocket_vtable = {
  .role = TD_FEATURE_EXTRACT,
  .accepts = TD_DATA_SEQUENCE,
  .create = minirocket_create,
  .fit = minirocket_fit,
  .transform = minirocket_transform,
  .destroy = minirocket_destroy,
  .save = minirocket_save,
  .load = minirocket_load,
};

static const TdPluginDescriptor minirocket_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = "minirocket",
  .version = "1.0.0",
  .summary = "MiniRocket: 84 fixed kernels × dilations, PPV pooling (Dempster et al. 2021)",
  .params = minirocket_params,
  .n_params = G_N_ELEMENTS (minirocket_params),
  .vtable = &minirocket_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &minirocket_descriptor : NULL;
}
