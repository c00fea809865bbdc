/* broken_model.c — a small model that is correct except for the one flaw its
 * build flag names, so tundish-plugin-check must fail exactly that check:
 *   FORGETFUL: save does not write the bias, so load predicts differently;
 *   LAX: fit accepts every task instead of refusing what it does not declare.
 * The model: w = mean(x | y = 1) - mean(x | y = 0) per column, the bias puts
 * the boundary half way, p = sigmoid(w . x + b). Test-only, never installed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <tundish/tundish.h>

#define MAX_COLS 64

struct TdModel {
  size_t n;
  double w[MAX_COLS], b;
};

static TdModel *
bm_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) params, (void) ctx, (void) error;
  return g_new0 (TdModel, 1);
}

static gboolean
bm_input (const TdDataset *ds, GError **error)
{
  if (ds->n_steps != 1 || ds->n_channels > MAX_COLS)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   PLUGIN_NAME ": a feature matrix of at most %d columns is needed", MAX_COLS);
      return FALSE;
    }
  for (size_t k = 0; k < ds->n_series * ds->n_channels; k++)
    if (isnan (ds->x[k]))
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     PLUGIN_NAME ": missing values");
        return FALSE;
      }
  return TRUE;
}

static gboolean
bm_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
        GError **error)
{
  (void) valid, (void) ctx;
#ifndef LAX
  if (train->task != TD_TASK_BINARY)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
                   PLUGIN_NAME ": binary tasks only");
      return FALSE;
    }
#endif
  if (!bm_input (train, error))
    return FALSE;
  m->n = train->n_channels;
  double mean[2][MAX_COLS] = { { 0 } }, count[2] = { 0, 0 };
  for (size_t s = 0; s < train->n_series; s++)
    {
      int c = train->y[s] > 0.5;
      count[c]++;
      for (size_t j = 0; j < m->n; j++)
        mean[c][j] += td_dataset_series (train, s)[j];
    }
  m->b = 0;
  for (size_t j = 0; j < m->n; j++)
    {
      for (int c = 0; c < 2; c++)
        mean[c][j] /= MAX (count[c], 1);
      m->w[j] = mean[1][j] - mean[0][j];
      m->b -= m->w[j] * (mean[1][j] + mean[0][j]) / 2;
    }
  return TRUE;
}

static gboolean
bm_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx, GError **error)
{
  (void) ctx;
  if (!bm_input (input, error))
    return FALSE;
  size_t k = td_task_n_outputs (input->task, input->n_classes);
  for (size_t s = 0; s < input->n_series; s++)
    {
      double eta = m->b;
      for (size_t j = 0; j < m->n && j < input->n_channels; j++)
        eta += m->w[j] * td_dataset_series (input, s)[j];
      for (size_t i = 0; i < k; i++)
        out[s * k + i] = k > 1 ? 1.0 / (double) k : 1 / (1 + exp (-eta));
    }
  return TRUE;
}

static gboolean
bm_save (TdModel *m, const char *path, GError **error)
{
  g_autoptr (GString) s = g_string_new ("broken_model 1\n");
  g_string_append_printf (s, "%zu\n", m->n);
  for (size_t j = 0; j < m->n; j++)
    g_string_append_printf (s, "%.17g\n", m->w[j]);
#ifndef FORGETFUL
  g_string_append_printf (s, "%.17g\n", m->b);
#endif
  return g_file_set_contents (path, s->str, -1, error);
}

static TdModel *
bm_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  (void) params, (void) ctx;
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree TdModel *m = g_new0 (TdModel, 1);
  guint n = g_strv_length (lines);
  if (n < 3 || !g_str_equal (lines[0], "broken_model 1"))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, PLUGIN_NAME ": %s is no saved model",
                   path);
      return NULL;
    }
  m->n = MIN ((size_t) g_ascii_strtoull (lines[1], NULL, 10), MAX_COLS);
  for (size_t j = 0; j < m->n && 2 + j < n; j++)
    m->w[j] = g_ascii_strtod (lines[2 + j], NULL);
  if (2 + m->n < n)
    m->b = g_ascii_strtod (lines[2 + m->n], NULL);   /* FORGETFUL never wrote it: 0 */
  return g_steal_pointer (&m);
}

static void
bm_destroy (TdModel *m)
{
  g_free (m);
}

static const TdModelVTable bm_vtable = {
  .accepts = TD_DATA_MATRIX,
  .tasks = TD_TASK_BINARY,
  .train_on = TD_TRAIN_ON_ALL,
  .create = bm_create,
  .fit = bm_fit,
  .predict = bm_predict,
  .save = bm_save,
  .load = bm_load,
  .destroy = bm_destroy,
};

static const TdPluginDescriptor bm_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = PLUGIN_NAME,
  .version = "0.0.1",
  .summary = "a deliberately broken model for the conformance suite's own test",
  .vtable = &bm_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &bm_descriptor : NULL;
}
