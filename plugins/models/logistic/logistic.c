/* logistic.c — the `logistic` model plugin: L2-regularised logistic regression
 * on a feature matrix, fitted by Newton's method: binary (logistic_newton.c)
 * or multinomial, one softmax over every class (logistic_softmax.c).
 *
 * Features are standardised with the training mean and (population) standard
 * deviation, which are saved with the model. The objective, in standardised
 * space, is scikit-learn's divided by C·n (same minimiser):
 *
 *   mean weighted log loss + (l2 / 2) ||w||^2,   l2 = 1 / (C · n),
 *
 * with the intercept unpenalised. docs/models.md has the details.
 */
#include <math.h>
#include <string.h>
#include <tundish/tundish.h>

#include "logistic_newton.h"
#include "logistic_softmax.h"

#define LOGISTIC_FORMAT_VERSION 1
#define GROUP "logistic"

struct TdModel {
  double C;
  int max_iter;
  double tol;
  gboolean balanced;     /* class_weight */
  gboolean impute;       /* missing: mean */

  /* Fitted state; d == 0 until fit or load. */
  size_t d;
  size_t k;              /* 1 (binary: P(y = 1)), or the classes of a multinomial fit */
  char **names;          /* [d] feature names at fit, NULL-terminated */
  double *mean, *scale;  /* [d] */
  double *beta;          /* [k][d + 1], intercept first, standardised space */
  LogitResult fit_info;
};

static const char *const class_weight_choices[] = { "none", "balanced", NULL };
static const char *const missing_choices[] = { "error", "mean", NULL };

static const TdParamSpec logistic_params[] = {
  { "C", TD_PARAM_DOUBLE, "1.0", 1e-12, 1e12, NULL,
    "inverse regularisation strength as in scikit-learn: l2 = 1 / (C * n_train)" },
  { "max_iter", TD_PARAM_INT, "100", 1, 100000, NULL, "most Newton iterations" },
  { "tol", TD_PARAM_DOUBLE, "1e-6", 0, 1, NULL,
    "stop when the largest |gradient| of the mean objective is <= tol" },
  { "class_weight", TD_PARAM_ENUM, "none", 0, 0, class_weight_choices,
    "balanced weighs class k by n / (K n_k) (K = 2 for binary), as scikit-learn" },
  { "missing", TD_PARAM_ENUM, "error", 0, 0, missing_choices,
    "NaN features: error, or mean (impute the training mean)" },
};

static TdModel *
logistic_new_empty (const TdParams *params)
{
  TdModel *m = g_new0 (TdModel, 1);
  m->C = td_params_get_double (params, "C");
  m->max_iter = (int) td_params_get_int (params, "max_iter");
  m->tol = td_params_get_double (params, "tol");
  m->balanced = g_str_equal (td_params_get_string (params, "class_weight"), "balanced");
  m->impute = g_str_equal (td_params_get_string (params, "missing"), "mean");
  return m;
}

static void
logistic_clear_fit (TdModel *m)
{
  g_clear_pointer (&m->names, g_strfreev);
  g_clear_pointer (&m->mean, g_free);
  g_clear_pointer (&m->scale, g_free);
  g_clear_pointer (&m->beta, g_free);
  m->d = 0;
}

static void
logistic_destroy (TdModel *m)
{
  if (!m)
    return;
  logistic_clear_fit (m);
  g_free (m);
}

static TdModel *
logistic_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  return logistic_new_empty (params);
}

/* A non-finite value that the missing policy does not cover. */
static gboolean
check_value (const TdModel *m, const TdDataset *ds, size_t i, size_t j, float v,
             GError **error)
{
  if (isfinite (v) || (isnan (v) && m->impute))
    return TRUE;
  char cb[TD_CHANNEL_NAME_BUF];
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
               "logistic: feature \"%s\" of series %" G_GINT64_FORMAT " is %s; %s",
               td_dataset_channel_name (ds, j, cb), ds->series_id ? ds->series_id[i] : (gint64) i,
               isnan (v) ? "NaN" : "infinite",
               isnan (v) ? "set missing: mean to impute the training mean, or use a model "
                           "that handles missing values (xgboost)"
                         : "infinite features are never accepted");
  return FALSE;
}

/* Training mean and population standard deviation per feature, over the
 * finite values; a constant (or all-missing) feature gets scale 1, so it
 * standardises to ~0 and its weight stays 0 under the penalty. */
static void
fit_standardiser (TdModel *m, const TdDataset *ds)
{
  const size_t n = ds->n_series, d = ds->n_channels;
  for (size_t j = 0; j < d; j++)
    {
      double sum = 0;
      size_t count = 0;
      for (size_t i = 0; i < n; i++)
        {
          float v = ds->x[i * d + j];
          if (!isnan (v))
            sum += v, count++;
        }
      double mean = count ? sum / (double) count : 0.0;
      double ss = 0;
      for (size_t i = 0; i < n; i++)
        {
          float v = ds->x[i * d + j];
          if (!isnan (v))
            ss += ((double) v - mean) * ((double) v - mean);
        }
      double sd = count ? sqrt (ss / (double) count) : 0.0;
      m->mean[j] = mean;
      m->scale[j] = sd > 1e-12 * fmax (1.0, fabs (mean)) ? sd : 1.0;
    }
}

/* Standardised row i of ds into z[d]; missing values (when imputed) become 0,
 * i.e. the training mean. */
static gboolean
standardise_row (const TdModel *m, const TdDataset *ds, size_t i, double *z, GError **error)
{
  const float *x = td_dataset_series (ds, i);
  for (size_t j = 0; j < m->d; j++)
    {
      if (!check_value (m, ds, i, j, x[j], error))
        return FALSE;
      z[j] = isnan (x[j]) ? 0.0 : ((double) x[j] - m->mean[j]) / m->scale[j];
    }
  return TRUE;
}

/* Class indices 0..K-1 with every class present (a class without series
 * would get no data term, and balanced weights would divide by zero). */
static gboolean
check_class_targets (const TdDataset *ds, double *counts, GError **error)
{
  if (ds->n_classes < 2)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "logistic: the training data is multiclass with %zu class(es); need at "
                   "least 2", ds->n_classes);
      return FALSE;
    }
  memset (counts, 0, ds->n_classes * sizeof *counts);
  for (size_t i = 0; i < ds->n_series; i++)
    {
      double y = ds->y[i];
      if (!(y >= 0 && y < (double) ds->n_classes && y == floor (y)))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "logistic: series %" G_GINT64_FORMAT " of the training data has "
                       "target %g; expected a class index 0..%zu",
                       ds->series_id ? ds->series_id[i] : (gint64) i, y, ds->n_classes - 1);
          return FALSE;
        }
      counts[(size_t) y]++;
    }
  for (size_t c = 0; c < ds->n_classes; c++)
    if (counts[c] == 0)
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "logistic: class %zu (%s) has no training series; every class needs "
                     "at least one", c,
                     ds->class_names && ds->class_names[c] ? ds->class_names[c] : "unnamed");
        return FALSE;
      }
  return TRUE;
}

static gboolean
fit_binary (TdModel *m, const TdDataset *train, const double *z, double n_pos,
            TdContext *ctx, GError **error)
{
  const size_t n = train->n_series;
  LogitProblem pb = {
    .n = n, .d = m->d, .z = z, .y = train->y,
    .c_pos = 1.0, .c_neg = 1.0,
    .l2 = 1.0 / (m->C * (double) n),
    .max_iter = m->max_iter, .tol = m->tol,
  };
  if (m->balanced)
    {
      pb.c_pos = (double) n / (2.0 * n_pos);
      pb.c_neg = (double) n / (2.0 * ((double) n - n_pos));
    }
  return logit_newton (&pb, m->beta, &m->fit_info, ctx, error);
}

static gboolean
fit_multinomial (TdModel *m, const TdDataset *train, const double *z, const double *counts,
                 TdContext *ctx, GError **error)
{
  const size_t n = train->n_series;
  g_autofree double *cw = g_new (double, m->k);
  for (size_t c = 0; c < m->k; c++)
    cw[c] = m->balanced ? (double) n / ((double) m->k * counts[c]) : 1.0;
  SoftmaxProblem pb = {
    .n = n, .d = m->d, .k = m->k, .z = z, .y = train->y, .cw = cw,
    .l2 = 1.0 / (m->C * (double) n),
    .max_iter = m->max_iter, .tol = m->tol,
  };
  return softmax_newton (&pb, m->beta, &m->fit_info, ctx, error);
}

static gboolean
logistic_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
              GError **error)
{
  (void) valid;   /* nothing to tune: the fit is a convex problem with fixed C */
  if (train->task != TD_TASK_BINARY && train->task != TD_TASK_MULTICLASS)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
                   "logistic: task \"%s\" is not supported (binary, multiclass)",
                   td_task_name (train->task));
      return FALSE;
    }
  if (!td_dataset_check_matrix (train, "logistic", "training", error))
    return FALSE;
  const gboolean multi = train->task == TD_TASK_MULTICLASS;
  double n_pos = 0;
  g_autofree double *counts = multi ? g_new (double, train->n_classes) : NULL;
  if (multi ? !check_class_targets (train, counts, error)
            : !td_dataset_check_binary_targets (train, "logistic", "training", &n_pos, error))
    return FALSE;

  const size_t n = train->n_series, d = train->n_channels;
  logistic_clear_fit (m);
  m->d = d;
  m->k = multi ? train->n_classes : 1;
  m->mean = g_new (double, d);
  m->scale = g_new (double, d);
  m->beta = g_new0 (double, m->k * (d + 1));
  m->names = g_new0 (char *, d + 1);
  for (size_t j = 0; j < d; j++)
    {
      char cb[TD_CHANNEL_NAME_BUF];
      m->names[j] = g_strdup (td_dataset_channel_name (train, j, cb));
    }
  fit_standardiser (m, train);

  g_autofree double *z = g_new (double, n * d);
  for (size_t i = 0; i < n; i++)
    if (!standardise_row (m, train, i, z + i * d, error))
      {
        logistic_clear_fit (m);
        return FALSE;
      }

  if (!(multi ? fit_multinomial (m, train, z, counts, ctx, error)
              : fit_binary (m, train, z, n_pos, ctx, error)))
    {
      logistic_clear_fit (m);
      return FALSE;
    }
  if (!m->fit_info.converged)
    td_context_log (ctx, G_LOG_LEVEL_WARNING,
                    "logistic: stopped after %d Newton iterations with max |gradient| "
                    "%.3g > tol %.3g", m->fit_info.n_iter, m->fit_info.grad_max, m->tol);
  td_context_progress (ctx, 1.0);
  return TRUE;
}

static gboolean
check_features_match (const TdModel *m, const TdDataset *ds, GError **error)
{
  if (ds->n_channels != m->d)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "logistic: the model was fitted on %zu features, the input has %zu",
                   m->d, ds->n_channels);
      return FALSE;
    }
  for (size_t j = 0; ds->channel_names && j < m->d; j++)
    if (ds->channel_names[j] && g_strcmp0 (ds->channel_names[j], m->names[j]) != 0)
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "logistic: feature %zu is \"%s\" in the input but was \"%s\" at fit",
                     j, ds->channel_names[j], m->names[j]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_fitted_input (const TdModel *m, const TdDataset *input, GError **error)
{
  if (m->d == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "logistic: predict before fit or load");
      return FALSE;
    }
  return td_dataset_check_matrix (input, "logistic", "input", error) && check_features_match (m, input, error);
}

/* The linear predictor of one standardised row, summed in feature order so a
 * loaded model reproduces the same bits. */
static double
linear_predictor (const TdModel *m, const double *z)
{
  double eta = m->beta[0];
  for (size_t j = 0; j < m->d; j++)
    eta += m->beta[j + 1] * z[j];
  return eta;
}

static gboolean
logistic_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx,
                  GError **error)
{
  (void) ctx;
  if (!check_fitted_input (m, input, error))
    return FALSE;
  g_autofree double *z = g_new (double, m->d);
  for (size_t i = 0; i < input->n_series; i++)
    {
      if (!standardise_row (m, input, i, z, error))
        return FALSE;
      if (m->k > 1)
        softmax_probabilities (m->beta, m->k, m->d, z, out + i * m->k);
      else
        out[i] = logit_sigmoid (linear_predictor (m, z));
    }
  return TRUE;
}

/* Attribution in log-odds: w_j z_j per feature (the intercept is left out);
 * multinomial: the predicted class's logit, w_kj z_j. */
static gboolean
logistic_explain (TdModel *m, const TdDataset *input, size_t series, float *out,
                  TdContext *ctx, GError **error)
{
  (void) ctx;
  if (!check_fitted_input (m, input, error))
    return FALSE;
  if (series >= input->n_series)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "logistic: series %zu out of range (%zu series)", series,
                   input->n_series);
      return FALSE;
    }
  g_autofree double *z = g_new (double, m->d);
  if (!standardise_row (m, input, series, z, error))
    return FALSE;
  size_t c = 0;
  if (m->k > 1)
    {
      g_autofree double *p = g_new (double, m->k);
      softmax_probabilities (m->beta, m->k, m->d, z, p);
      for (size_t k = 1; k < m->k; k++)
        if (p[k] > p[c])
          c = k;
    }
  const double *w = m->beta + c * (m->d + 1) + 1;
  for (size_t j = 0; j < m->d; j++)
    out[j] = (float) (w[j] * z[j]);
  return TRUE;
}

/* ------------------------------------------------------------ save / load */

/* GKeyFile writes doubles with g_ascii_dtostr (17 significant digits), which
 * reads back to the same bits, so a loaded model predicts bit-identically. */
static gboolean
logistic_save (TdModel *m, const char *path, GError **error)
{
  if (m->d == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "logistic: nothing to save before fit");
      return FALSE;
    }
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_set_integer (kf, GROUP, "format_version", LOGISTIC_FORMAT_VERSION);
  g_key_file_set_string (kf, GROUP, "task", m->k > 1 ? "multiclass" : "binary");
  if (m->k > 1)
    g_key_file_set_integer (kf, GROUP, "n_classes", (int) m->k);
  g_key_file_set_double (kf, GROUP, "C", m->C);
  g_key_file_set_string (kf, GROUP, "class_weight", m->balanced ? "balanced" : "none");
  g_key_file_set_string (kf, GROUP, "missing", m->impute ? "mean" : "error");
  g_key_file_set_integer (kf, GROUP, "newton_iterations", m->fit_info.n_iter);
  g_key_file_set_boolean (kf, GROUP, "converged", m->fit_info.converged);
  g_key_file_set_double (kf, GROUP, "objective", m->fit_info.objective);
  g_key_file_set_double (kf, GROUP, "grad_max", m->fit_info.grad_max);
  g_key_file_set_integer (kf, GROUP, "n_features", (int) m->d);
  g_key_file_set_string_list (kf, GROUP, "features", (const char *const *) m->names, m->d);
  g_key_file_set_double_list (kf, GROUP, "mean", m->mean, m->d);
  g_key_file_set_double_list (kf, GROUP, "scale", m->scale, m->d);
  /* intercept[k], coef[k][d]: one row per class for a multinomial model */
  g_autofree double *b = g_new (double, m->k);
  g_autofree double *w = g_new (double, m->k * m->d);
  for (size_t c = 0; c < m->k; c++)
    {
      b[c] = m->beta[c * (m->d + 1)];
      memcpy (w + c * m->d, m->beta + c * (m->d + 1) + 1, m->d * sizeof *w);
    }
  if (m->k > 1)
    g_key_file_set_double_list (kf, GROUP, "intercept", b, m->k);
  else   /* a plain number, as binary files always had */
    g_key_file_set_double (kf, GROUP, "intercept", b[0]);
  g_key_file_set_double_list (kf, GROUP, "coef", w, m->k * m->d);
  g_key_file_set_comment (kf, NULL, NULL,
                          m->k > 1 ? " tundish logistic model (multinomial): p_k = softmax_k("
                                     "intercept_k + sum_j coef_kj (x_j - mean_j) / scale_j), "
                                     "coef row-major by class"
                                   : " tundish logistic model: p = 1 / (1 + exp(-(intercept + "
                                     "sum_j coef_j (x_j - mean_j) / scale_j)))", NULL);

  GError *local = NULL;
  gsize len = 0;
  g_autofree char *text = g_key_file_to_data (kf, &len, NULL);
  if (!td_file_write_atomic (path, text, (gssize) len, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "logistic: %s", local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_doubles (GKeyFile *kf, const char *key, size_t want, double *dst, const char *path,
              GError **error)
{
  gsize n = 0;
  GError *local = NULL;
  g_autofree double *v = g_key_file_get_double_list (kf, GROUP, key, &n, &local);
  if (!v || n != want)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "logistic: %s: key %s: %s", path, key,
                   local ? local->message : "wrong number of values");
      g_clear_error (&local);
      return FALSE;
    }
  for (size_t j = 0; j < want; j++)
    if (!isfinite (v[j]))
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                     "logistic: %s: key %s holds a non-finite value", path, key);
        return FALSE;
      }
  memcpy (dst, v, want * sizeof *dst);
  return TRUE;
}

static gboolean
load_state (TdModel *m, GKeyFile *kf, const char *path, GError **error)
{
  GError *local = NULL;
  int version = g_key_file_get_integer (kf, GROUP, "format_version", &local);
  if (local || version != LOGISTIC_FORMAT_VERSION)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "logistic: %s: unsupported format_version %d (this plugin reads %d)%s%s",
                   path, version, LOGISTIC_FORMAT_VERSION, local ? ": " : "",
                   local ? local->message : "");
      g_clear_error (&local);
      return FALSE;
    }
  int d = g_key_file_get_integer (kf, GROUP, "n_features", &local);
  if (local || d <= 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "logistic: %s: bad n_features",
                   path);
      g_clear_error (&local);
      return FALSE;
    }
  gsize n_names = 0;
  m->names = g_key_file_get_string_list (kf, GROUP, "features", &n_names, NULL);
  if (!m->names || n_names != (gsize) d)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "logistic: %s: features does not list %d names", path, d);
      return FALSE;
    }
  g_autofree char *task = g_key_file_get_string (kf, GROUP, "task", NULL);
  int k = 1;
  if (g_strcmp0 (task, "multiclass") == 0)
    {
      k = g_key_file_get_integer (kf, GROUP, "n_classes", NULL);
      if (k < 2 || k > 1 << 16)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                       "logistic: %s: a multiclass model needs n_classes >= 2", path);
          return FALSE;
        }
    }
  else if (task && g_strcmp0 (task, "binary") != 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "logistic: %s: task \"%s\" (binary or multiclass expected)", path, task);
      return FALSE;
    }
  m->d = (size_t) d;
  m->k = (size_t) k;
  m->mean = g_new (double, m->d);
  m->scale = g_new (double, m->d);
  m->beta = g_new (double, m->k * (m->d + 1));
  g_autofree double *b = g_new (double, m->k);
  g_autofree double *w = g_new (double, m->k * m->d);
  if (!read_doubles (kf, "mean", m->d, m->mean, path, error)
      || !read_doubles (kf, "scale", m->d, m->scale, path, error)
      || !read_doubles (kf, "intercept", m->k, b, path, error)
      || !read_doubles (kf, "coef", m->k * m->d, w, path, error))
    return FALSE;
  for (size_t c = 0; c < m->k; c++)
    {
      m->beta[c * (m->d + 1)] = b[c];
      memcpy (m->beta + c * (m->d + 1) + 1, w + c * m->d, m->d * sizeof *w);
    }
  for (size_t j = 0; j < m->d; j++)
    if (!(m->scale[j] > 0))
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                     "logistic: %s: scale of feature %zu is not positive", path, j);
        return FALSE;
      }
  /* The missing-value policy is part of the fitted model: it decides what
   * predict does with NaN, so it comes from the file, not from params. */
  g_autofree char *missing = g_key_file_get_string (kf, GROUP, "missing", NULL);
  m->impute = g_strcmp0 (missing, "mean") == 0;
  m->fit_info.n_iter = g_key_file_get_integer (kf, GROUP, "newton_iterations", NULL);
  m->fit_info.converged = g_key_file_get_boolean (kf, GROUP, "converged", NULL);
  return TRUE;
}

static TdModel *
logistic_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  (void) ctx;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *local = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "logistic: loading %s: %s",
                   path, local->message);
      g_error_free (local);
      return NULL;
    }
  TdModel *m = logistic_new_empty (params);
  if (!load_state (m, kf, path, error))
    {
      logistic_destroy (m);
      return NULL;
    }
  return m;
}

/* ------------------------------------------------------------- descriptor */

static const TdModelVTable logistic_vtable = {
  .accepts = TD_DATA_MATRIX,
  .tasks = TD_TASK_BINARY | TD_TASK_MULTICLASS,
  .train_on = TD_TRAIN_ON_ALL,
  .create = logistic_create,
  .fit = logistic_fit,
  .predict = logistic_predict,
  .save = logistic_save,
  .load = logistic_load,
  .destroy = logistic_destroy,
  .explain = logistic_explain,
  .extension = NULL,
};

static const TdPluginDescriptor logistic_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = "logistic",
  .version = "1.1.0",
  .summary = "L2-regularised logistic regression, binary or multinomial (standardised "
             "features, Newton/Cholesky)",
  .params = logistic_params,
  .n_params = G_N_ELEMENTS (logistic_params),
  .vtable = &logistic_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &logistic_descriptor : NULL;
}
