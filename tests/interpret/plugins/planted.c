/* planted.c — a test-only sequence model (tests/interpret) whose scores
 * depend on one channel in one time window and nothing else, so its
 * saliency and attention are known in advance.
 *
 * f(s) = mean of x[t, channel] over the valid steps t in [start, end). Fit:
 * the mean m_k of f per class on the training split and the pooled variance
 * v. Score of class k: -(f - m_k)² / 2v, turned into probabilities with a
 * softmax (binary: P(y = 1)). explain: ∂(logit) / ∂x — for binary the logit
 * is score_1 - score_0, for multiclass the predicted class's score — which
 * is the same on every step of the window in that channel and 0 elsewhere.
 * Attention (TD_EXT_ATTENTION_MAP): every valid query spreads its weight
 * evenly over the valid steps of the window.
 *
 *   unsupported: true makes explain and attention_map answer
 *                TD_PLUGIN_ERROR_UNSUPPORTED (the runner must skip the maps)
 */
#include <math.h>
#include <string.h>
#include <tundish/tundish.h>

#define MAX_K 16

struct TdModel {
  size_t channel, start, end, k;
  gboolean unsupported;
  double mean[MAX_K], var;
};

static const TdParamSpec planted_params[] = {
  { "channel", TD_PARAM_INT, "1", 0, 63, NULL, "the channel the score reads" },
  { "start", TD_PARAM_INT, "10", 0, 100000, NULL, "first step of the window" },
  { "end", TD_PARAM_INT, "20", 1, 100000, NULL, "one past the last step of the window" },
  { "unsupported", TD_PARAM_BOOL, "false", 0, 0, NULL, "explain says unsupported" },
};

static TdModel *
planted_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  TdModel *m = g_new0 (TdModel, 1);
  m->channel = (size_t) td_params_get_int (params, "channel");
  m->start = (size_t) td_params_get_int (params, "start");
  m->end = (size_t) td_params_get_int (params, "end");
  m->unsupported = td_params_get_bool (params, "unsupported");
  if (m->start >= m->end)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "planted: start must be below end");
      g_free (m);
      return NULL;
    }
  return m;
}

static size_t
window_end (const TdModel *m, const TdDataset *d, size_t s)
{
  size_t len = td_dataset_length (d, s);
  return MIN (m->end, len);
}

static gboolean
check (const TdModel *m, const TdDataset *d, GError **error)
{
  if (d->n_steps < m->end || d->n_channels <= m->channel)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "planted: needs at least %zu steps and %zu channels", m->end, m->channel + 1);
      return FALSE;
    }
  return TRUE;
}

/* What explain and attention_map check first. */
static gboolean
check_series (const TdModel *m, const TdDataset *input, size_t series, GError **error)
{
  if (m->unsupported)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED, "planted: unsupported");
      return FALSE;
    }
  if (!check (m, input, error))
    return FALSE;
  if (series >= input->n_series)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "planted: series %zu of %zu", series, input->n_series);
      return FALSE;
    }
  return TRUE;
}

static double
feature (const TdModel *m, const TdDataset *d, size_t s)
{
  const float *x = td_dataset_series (d, s);
  size_t e = window_end (m, d, s), n = 0;
  double sum = 0;
  for (size_t t = m->start; t < e; t++, n++)
    sum += x[t * d->n_channels + m->channel];
  return n ? sum / (double) n : 0;
}

static gboolean
planted_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
             GError **error)
{
  (void) valid;
  (void) ctx;
  if (!check (m, train, error))
    return FALSE;
  m->k = train->task == TD_TASK_BINARY ? 2 : train->n_classes;
  if (m->k < 2 || m->k > MAX_K)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "planted: %zu classes", m->k);
      return FALSE;
    }
  double sum[MAX_K] = { 0 }, n[MAX_K] = { 0 };
  g_autofree double *f = g_new (double, train->n_series);
  for (size_t s = 0; s < train->n_series; s++)
    {
      size_t c = (size_t) CLAMP (round (train->y[s]), 0, (double) (m->k - 1));
      f[s] = feature (m, train, s);
      sum[c] += f[s];
      n[c]++;
    }
  for (size_t c = 0; c < m->k; c++)
    m->mean[c] = n[c] ? sum[c] / n[c] : 0;
  double ss = 0;
  for (size_t s = 0; s < train->n_series; s++)
    {
      size_t c = (size_t) CLAMP (round (train->y[s]), 0, (double) (m->k - 1));
      ss += (f[s] - m->mean[c]) * (f[s] - m->mean[c]);
    }
  m->var = MAX (ss / (double) MAX (train->n_series, (size_t) 1), 1e-6);
  return TRUE;
}

static void
scores (const TdModel *m, double f, double *out)
{
  double hi = -INFINITY, z = 0;
  for (size_t c = 0; c < m->k; c++)
    {
      out[c] = -(f - m->mean[c]) * (f - m->mean[c]) / (2 * m->var);
      hi = MAX (hi, out[c]);
    }
  for (size_t c = 0; c < m->k; c++)
    z += exp (out[c] - hi);
  for (size_t c = 0; c < m->k; c++)
    out[c] = exp (out[c] - hi) / z;
}

static gboolean
planted_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx,
                 GError **error)
{
  (void) ctx;
  if (!check (m, input, error))
    return FALSE;
  double p[MAX_K];
  for (size_t s = 0; s < input->n_series; s++)
    {
      scores (m, feature (m, input, s), p);
      if (m->k == 2)
        out[s] = p[1];
      else
        memcpy (out + s * m->k, p, m->k * sizeof (double));
    }
  return TRUE;
}

static gboolean
planted_explain (TdModel *m, const TdDataset *input, size_t series, float *out, TdContext *ctx,
                 GError **error)
{
  (void) ctx;
  if (!check_series (m, input, series, error))
    return FALSE;
  double f = feature (m, input, series), dscore;
  if (m->k == 2)
    dscore = (m->mean[1] - m->mean[0]) / m->var;    /* ∂(score_1 - score_0) / ∂f */
  else
    {
      double p[MAX_K];
      scores (m, f, p);
      size_t best = 0;
      for (size_t c = 1; c < m->k; c++)
        if (p[c] > p[best])
          best = c;
      dscore = -(f - m->mean[best]) / m->var;
    }
  size_t e = window_end (m, input, series);
  memset (out, 0, input->n_steps * input->n_channels * sizeof *out);
  for (size_t t = m->start; t < e; t++)
    out[t * input->n_channels + m->channel] = (float) (dscore / (double) (e - m->start));
  return TRUE;
}

static gboolean
planted_attention (TdModel *m, const TdDataset *input, size_t series, float *out,
                   TdContext *ctx, GError **error)
{
  (void) ctx;
  if (!check_series (m, input, series, error))
    return FALSE;
  size_t T = input->n_steps, len = td_dataset_length (input, series);
  size_t e = window_end (m, input, series);
  memset (out, 0, T * T * sizeof *out);
  for (size_t q = 0; q < len && e > m->start; q++)
    for (size_t k = m->start; k < e; k++)
      out[q * T + k] = 1.0f / (float) (e - m->start);
  return TRUE;
}

static const TdAttentionMapExt attention_ext = { .attention_map = planted_attention };

static const void *
planted_extension (TdModel *m, const char *id)
{
  (void) m;
  return g_strcmp0 (id, TD_EXT_ATTENTION_MAP) == 0 ? &attention_ext : NULL;
}

static gboolean
planted_save (TdModel *m, const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_set_double_list (kf, "planted", "mean", m->mean, m->k);
  g_key_file_set_double (kf, "planted", "var", m->var);
  return g_key_file_save_to_file (kf, path, error);
}

static TdModel *
planted_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  TdModel *m = planted_create (params, ctx, error);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  gsize n = 0;
  g_autofree double *mean = NULL;
  if (!m || !g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, error)
      || !(mean = g_key_file_get_double_list (kf, "planted", "mean", &n, error)) || n > MAX_K)
    {
      g_free (m);
      return NULL;
    }
  m->k = n;
  memcpy (m->mean, mean, n * sizeof (double));
  m->var = g_key_file_get_double (kf, "planted", "var", NULL);
  return m;
}

static void
planted_destroy (TdModel *m)
{
  g_free (m);
}

static const TdModelVTable planted_vtable = {
  .accepts = TD_DATA_SEQUENCE,
  .tasks = TD_TASK_BINARY | TD_TASK_MULTICLASS,
  .train_on = TD_TRAIN_ON_ALL,
  .create = planted_create,
  .fit = planted_fit,
  .predict = planted_predict,
  .save = planted_save,
  .load = planted_load,
  .destroy = planted_destroy,
  .explain = planted_explain,
  .extension = planted_extension,
};

static const TdPluginDescriptor planted_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = "planted",
  .version = "1.0.0",
  .summary = "scores from one channel in one window; known saliency (tests only)",
  .params = planted_params,
  .n_params = G_N_ELEMENTS (planted_params),
  .vtable = &planted_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &planted_descriptor : NULL;
}
