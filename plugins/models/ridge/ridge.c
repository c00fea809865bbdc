/* ridge.c — the `ridge` model plugin: ridge regression / one-vs-rest ridge
 * classification on a feature matrix, alpha chosen by efficient
 * leave-one-out cross-validation (ridge_gcv.c: scikit-learn's RidgeCV and
 * RidgeClassifierCV), the classifier MiniRocket is published with.
 *
 * Features are standardised with the training mean and population sd
 * (`standardize`, as scikit-learn's StandardScaler; a constant feature keeps
 * scale 1). Classification regresses ±1 targets, one column per class (one
 * for binary), and the decision values rank the classes. Reported scores:
 * `probability: platt` (default) maps each class's decision value through a
 * sigmoid fitted (Platt 1999, with Lin, Lin & Weng's targets) on the
 * training series' leave-one-out decision values at the chosen alpha — never
 * on validation or test — and normalises over classes; `decision` reports the
 * raw decision values (rank metrics only: ROC-AUC, PR-AUC, argmax accuracy).
 * Regression reports the prediction.
 *
 * explain: the contribution w·z of every feature to the predicted class's
 * decision value (the linear model's exact attribution).
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "ridge_gcv.h"

#define RIDGE_FORMAT 1
#define GROUP "ridge"

struct TdModel {
  double *alphas;
  size_t n_alphas;
  gboolean standardize, platt;

  /* fitted: p == 0 until fit or load */
  TdTask task;
  size_t p, t, n_classes;
  char **names;                /* [p], NULL-terminated */
  double *mean, *scale;        /* [p] */
  double *coef, *intercept;    /* [t][p], [t] (standardised space) */
  double *platt_a, *platt_b;   /* [t]: P = 1 / (1 + exp(a f + b)) */
  double alpha;
};

static const char *const probability_choices[] = { "platt", "decision", NULL };

static const TdParamSpec ridge_params[] = {
  { "alphas", TD_PARAM_DOUBLE_LIST,
    "[0.001, 0.004641588833612777, 0.021544346900318832, 0.09999999999999999, "
    "0.4641588833612777, 2.154434690031882, 10.0, 46.41588833612773, 215.44346900318823, "
    "1000.0]", 1e-300, 1e300, NULL,
    "regularisation strengths tried by leave-one-out CV (default logspace(-3, 3, 10))" },
  { "standardize", TD_PARAM_BOOL, "true", 0, 0, NULL,
    "standardise features with the training mean and sd first" },
  { "probability", TD_PARAM_ENUM, "platt", 0, 0, probability_choices,
    "classification scores: platt (sigmoid fitted on leave-one-out decision values) or "
    "decision (raw, for rank metrics only)" },
};

static void
clear_fit (TdModel *m)
{
  g_clear_pointer (&m->names, g_strfreev);
  g_clear_pointer (&m->mean, g_free);
  g_clear_pointer (&m->scale, g_free);
  g_clear_pointer (&m->coef, g_free);
  g_clear_pointer (&m->intercept, g_free);
  g_clear_pointer (&m->platt_a, g_free);
  g_clear_pointer (&m->platt_b, g_free);
  m->p = 0;
}

static void
ridge_destroy (TdModel *m)
{
  if (!m)
    return;
  clear_fit (m);
  g_free (m->alphas);
  g_free (m);
}

static TdModel *
ridge_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  TdModel *m = g_new0 (TdModel, 1);
  const double *a = td_params_get_double_list (params, "alphas", &m->n_alphas);
  m->alphas = g_memdup2 (a, MAX (m->n_alphas, (size_t) 1) * sizeof (double));
  m->standardize = td_params_get_bool (params, "standardize");
  m->platt = g_str_equal (td_params_get_string (params, "probability"), "platt");
  if (m->n_alphas == 0)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "ridge: alphas is empty; give at least one regularisation strength");
      ridge_destroy (m);
      return NULL;
    }
  return m;
}

/* The input as standardised doubles; FALSE on a non-finite value. */
static double *
design (const TdModel *m, const TdDataset *ds, GError **error)
{
  size_t n = ds->n_series, p = ds->n_channels;
  double *x = g_try_new (double, MAX (n * p, (size_t) 1));
  if (!x)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "ridge: no memory for %zu series × %zu features", n, p);
      return NULL;
    }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < p; j++)
      {
        float v = ds->x[i * p + j];
        if (!isfinite (v))
          {
            char cb[TD_CHANNEL_NAME_BUF];
            g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                         "ridge: feature \"%s\" of series %" G_GINT64_FORMAT " is %s; impute "
                         "or drop missing values before the model (e.g. a `missing` feature "
                         "step)", td_dataset_channel_name (ds, j, cb),
                         ds->series_id ? ds->series_id[i] : (gint64) i,
                         isnan (v) ? "NaN" : "infinite");
            g_free (x);
            return NULL;
          }
        x[i * p + j] = m->mean ? (v - m->mean[j]) / m->scale[j] : v;
      }
  return x;
}

static void
fit_standardiser (TdModel *m, const TdDataset *ds)
{
  size_t n = ds->n_series, p = ds->n_channels;
  m->mean = g_new0 (double, MAX (p, (size_t) 1));
  m->scale = g_new (double, MAX (p, (size_t) 1));
  for (size_t j = 0; j < p; j++)
    {
      double s = 0, ss = 0;
      for (size_t i = 0; i < n; i++)
        s += ds->x[i * p + j];
      double mu = s / (double) n;
      for (size_t i = 0; i < n; i++)
        {
          double d = ds->x[i * p + j] - mu;
          ss += d * d;
        }
      double sd = sqrt (ss / (double) n);
      m->mean[j] = m->standardize ? mu : 0;
      m->scale[j] = m->standardize && sd > 0 ? sd : 1;
    }
}

/* Platt scaling of decision values f against 0/1 labels l: minimise the
 * cross-entropy of 1 / (1 + exp(a f + b)) with the smoothed targets, by
 * Newton's method with backtracking (Lin, Lin & Weng 2007, Algorithm 1). */
static void
platt_fit (const double *f, const double *l, size_t n, size_t stride, double *a_out,
           double *b_out)
{
  double prior1 = 0, prior0 = 0;
  for (size_t i = 0; i < n; i++)
    {
      prior1 += l[i] > 0.5;
      prior0 += l[i] <= 0.5;
    }
  double hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
  double a = 0, b = log ((prior0 + 1) / (prior1 + 1)), fval = 0;
  for (size_t i = 0; i < n; i++)
    {
      double ti = l[i] > 0.5 ? hi : lo, fa = f[i * stride] * a + b;
      fval += fa >= 0 ? ti * fa + log1p (exp (-fa)) : (ti - 1) * fa + log1p (exp (fa));
    }
  for (int it = 0; it < 100; it++)
    {
      double h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
      for (size_t i = 0; i < n; i++)
        {
          double ti = l[i] > 0.5 ? hi : lo, fa = f[i * stride] * a + b;
          double p = fa >= 0 ? exp (-fa) / (1 + exp (-fa)) : 1 / (1 + exp (fa));
          double q = 1 - p, d2 = p * q, d1 = ti - p, fi = f[i * stride];
          h11 += fi * fi * d2;
          h22 += d2;
          h21 += fi * d2;
          g1 += fi * d1;
          g2 += d1;
        }
      if (fabs (g1) < 1e-5 && fabs (g2) < 1e-5)
        break;
      double det = h11 * h22 - h21 * h21;
      double da = -(h22 * g1 - h21 * g2) / det, db = -(-h21 * g1 + h11 * g2) / det;
      double gd = g1 * da + g2 * db, step = 1;
      while (step >= 1e-10)
        {
          double na = a + step * da, nb = b + step * db, nf = 0;
          for (size_t i = 0; i < n; i++)
            {
              double ti = l[i] > 0.5 ? hi : lo, fa = f[i * stride] * na + nb;
              nf += fa >= 0 ? ti * fa + log1p (exp (-fa)) : (ti - 1) * fa + log1p (exp (fa));
            }
          if (nf < fval + 1e-4 * step * gd)
            {
              a = na;
              b = nb;
              fval = nf;
              break;
            }
          step /= 2;
        }
      if (step < 1e-10)
        break;
    }
  *a_out = a;
  *b_out = b;
}

static gboolean
ridge_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
           GError **error)
{
  (void) valid;   /* leave-one-out on train chooses alpha: nothing to stop early */
  if (train->task == TD_TASK_ANOMALY)
    {
      /* Anomaly data would fit as binary here, and the saved model not load. */
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
                   "ridge: task \"anomaly\" is not supported (binary, multiclass, regression)");
      return FALSE;
    }
  if (!td_dataset_check_matrix (train, "ridge", "training", error))
    return FALSE;
  clear_fit (m);
  size_t n = train->n_series, p = train->n_channels;
  TdTask task = train->task;
  size_t k = task == TD_TASK_MULTICLASS ? train->n_classes : 1;
  if (task == TD_TASK_MULTICLASS && k < 2)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "ridge: a multiclass dataset needs at least 2 classes, this one has %zu", k);
      return FALSE;
    }
  if (task == TD_TASK_BINARY && !td_dataset_check_binary_targets (train, "ridge", "training",
                                                                  NULL, error))
    return FALSE;
  g_autofree double *y = g_new (double, n * k);
  for (size_t i = 0; i < n; i++)
    {
      double v = train->y[i];
      if (!isfinite (v))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "ridge: the target of training series %zu is not a number", i);
          return FALSE;
        }
      if (task == TD_TASK_MULTICLASS)
        for (size_t c = 0; c < k; c++)
          y[i * k + c] = (size_t) v == c ? 1.0 : -1.0;
      else
        y[i] = task == TD_TASK_REGRESSION ? v : 2 * v - 1;   /* soft labels stay soft */
    }
  fit_standardiser (m, train);
  g_autofree double *x = design (m, train, error);
  if (!x)
    {
      clear_fit (m);
      return FALSE;
    }
  RidgeFit fit;
  if (!ridge_gcv_fit (x, n, p, y, k, m->alphas, m->n_alphas, &fit, error))
    {
      clear_fit (m);
      return FALSE;
    }
  for (size_t a = 0; a < m->n_alphas; a++)
    td_context_curve (ctx, "loo_mse", (int) a, fit.alpha_mse[a]);
  td_context_log (ctx, G_LOG_LEVEL_INFO, "ridge: alpha %g (leave-one-out mse %.6g)", fit.alpha,
                  fit.alpha_mse[fit.alpha_index]);
  m->task = task;
  m->p = p;
  m->t = k;
  m->n_classes = train->n_classes;
  m->alpha = fit.alpha;
  m->coef = g_steal_pointer (&fit.coef);
  m->intercept = g_steal_pointer (&fit.intercept);
  m->names = g_new0 (char *, p + 1);
  for (size_t j = 0; j < p; j++)
    {
      char cb[TD_CHANNEL_NAME_BUF];
      m->names[j] = g_strdup (td_dataset_channel_name (train, j, cb));
    }
  m->platt_a = g_new0 (double, k);
  m->platt_b = g_new0 (double, k);
  if (task != TD_TASK_REGRESSION && m->platt)
    {
      g_autofree double *l = g_new (double, n);
      for (size_t c = 0; c < k; c++)
        {
          for (size_t i = 0; i < n; i++)
            l[i] = task == TD_TASK_MULTICLASS ? (size_t) train->y[i] == c : train->y[i];
          platt_fit (fit.loo + c, l, n, k, &m->platt_a[c], &m->platt_b[c]);
        }
    }
  ridge_fit_clear (&fit);
  return TRUE;
}

static gboolean
check_fitted (const TdModel *m, const TdDataset *in, GError **error)
{
  if (m->p == 0)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                           "ridge: predict before fit or load");
      return FALSE;
    }
  if (!td_dataset_check_matrix (in, "ridge", "input", error))
    return FALSE;
  if (in->n_channels != m->p)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "ridge: fitted on %zu features, the input has %zu", m->p, in->n_channels);
      return FALSE;
    }
  for (size_t j = 0; j < m->p; j++)
    if (in->channel_names && in->channel_names[j] && strcmp (in->channel_names[j], m->names[j]))
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "ridge: feature %zu is \"%s\", fitted on \"%s\"", j, in->channel_names[j],
                     m->names[j]);
        return FALSE;
      }
  return TRUE;
}

/* Decision values [n][t]. */
static double *
decision (const TdModel *m, const TdDataset *in, GError **error)
{
  g_autofree double *x = design (m, in, error);
  if (!x)
    return NULL;
  size_t n = in->n_series;
  double *d = g_new (double, MAX (n * m->t, (size_t) 1));
  for (size_t i = 0; i < n; i++)
    for (size_t c = 0; c < m->t; c++)
      {
        double s = m->intercept[c];
        const double *w = m->coef + c * m->p, *xi = x + i * m->p;
        for (size_t j = 0; j < m->p; j++)
          s += w[j] * xi[j];
        d[i * m->t + c] = s;
      }
  return d;
}

static gboolean
ridge_predict (TdModel *m, const TdDataset *in, double *out, TdContext *ctx, GError **error)
{
  (void) ctx;
  if (!check_fitted (m, in, error))
    return FALSE;
  g_autofree double *d = decision (m, in, error);
  if (!d)
    return FALSE;
  size_t n = in->n_series, t = m->t;
  for (size_t i = 0; i < n; i++)
    {
      if (m->task == TD_TASK_REGRESSION || !m->platt)
        {
          for (size_t c = 0; c < t; c++)
            out[i * t + c] = d[i * t + c];
          continue;
        }
      double sum = 0;
      for (size_t c = 0; c < t; c++)
        {
          double fa = m->platt_a[c] * d[i * t + c] + m->platt_b[c];
          out[i * t + c] = fa >= 0 ? exp (-fa) / (1 + exp (-fa)) : 1 / (1 + exp (fa));
          sum += out[i * t + c];
        }
      for (size_t c = 0; t > 1 && c < t; c++)
        out[i * t + c] /= sum;
    }
  return TRUE;
}

static gboolean
ridge_explain (TdModel *m, const TdDataset *in, size_t series, float *out, TdContext *ctx,
               GError **error)
{
  (void) ctx;
  if (!check_fitted (m, in, error))
    return FALSE;
  g_autoptr (TdDataset) one = td_dataset_subset (in, &series, 1);
  g_autofree double *d = decision (m, one, error);
  g_autofree double *x = d ? design (m, one, error) : NULL;
  if (!x)
    return FALSE;
  size_t best = 0;
  for (size_t c = 1; c < m->t; c++)
    if (d[c] > d[best])
      best = c;
  for (size_t j = 0; j < m->p; j++)
    out[j] = (float) (m->coef[best * m->p + j] * x[j]);
  return TRUE;
}

/* ------------------------------------------------------------- save/load */

static gboolean
ridge_save (TdModel *m, const char *path, GError **error)
{
  if (m->p == 0)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                           "ridge: nothing to save before fit");
      return FALSE;
    }
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_set_integer (kf, GROUP, "format", RIDGE_FORMAT);
  g_key_file_set_integer (kf, GROUP, "task", (int) m->task);
  g_key_file_set_integer (kf, GROUP, "n_classes", (int) m->n_classes);
  g_key_file_set_integer (kf, GROUP, "targets", (int) m->t);
  g_key_file_set_double (kf, GROUP, "alpha", m->alpha);
  g_key_file_set_string_list (kf, GROUP, "features", (const char *const *) m->names, m->p);
  g_key_file_set_double_list (kf, GROUP, "mean", m->mean, m->p);
  g_key_file_set_double_list (kf, GROUP, "scale", m->scale, m->p);
  g_key_file_set_double_list (kf, GROUP, "coef", m->coef, m->p * m->t);
  g_key_file_set_double_list (kf, GROUP, "intercept", m->intercept, m->t);
  g_key_file_set_double_list (kf, GROUP, "platt_a", m->platt_a, m->t);
  g_key_file_set_double_list (kf, GROUP, "platt_b", m->platt_b, m->t);
  GError *local = NULL;
  gsize len = 0;
  g_autofree char *text = g_key_file_to_data (kf, &len, NULL);
  if (!td_file_write_atomic (path, text, (gssize) len, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "ridge: %s", local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static double *
get_doubles (GKeyFile *kf, const char *key, size_t want)
{
  gsize n = 0;
  double *v = g_key_file_get_double_list (kf, GROUP, key, &n, NULL);
  for (gsize i = 0; v && i < n; i++)
    if (!isfinite (v[i]))
      n = 0;
  if (v && n == want)
    return v;
  g_free (v);
  return NULL;
}

static TdModel *
ridge_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *local = NULL;
  TdModel *m = ridge_create (params, ctx, error);
  if (!m)
    return NULL;
  gsize p = 0;
  gboolean ok = g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local)
                && g_key_file_get_integer (kf, GROUP, "format", &local) == RIDGE_FORMAT
                && (m->names = g_key_file_get_string_list (kf, GROUP, "features", &p, &local));
  int task = ok ? g_key_file_get_integer (kf, GROUP, "task", NULL) : 0;
  int t = ok ? g_key_file_get_integer (kf, GROUP, "targets", NULL) : 0;
  ok = ok && p > 0 && t >= 1 && t <= 100000
       && (task == TD_TASK_BINARY || task == TD_TASK_MULTICLASS || task == TD_TASK_REGRESSION);
  if (ok)
    {
      m->p = p;
      m->t = (size_t) t;
      m->task = (TdTask) task;
      m->n_classes = (size_t) MAX (g_key_file_get_integer (kf, GROUP, "n_classes", NULL), 0);
      m->alpha = g_key_file_get_double (kf, GROUP, "alpha", NULL);
      ok = (m->mean = get_doubles (kf, "mean", p)) && (m->scale = get_doubles (kf, "scale", p))
           && (m->coef = get_doubles (kf, "coef", p * m->t))
           && (m->intercept = get_doubles (kf, "intercept", m->t))
           && (m->platt_a = get_doubles (kf, "platt_a", m->t))
           && (m->platt_b = get_doubles (kf, "platt_b", m->t));
    }
  if (!ok)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "ridge: %s is not a ridge model file (format %d): %s", path, RIDGE_FORMAT,
                   local ? local->message : "bad counts or values");
      g_clear_error (&local);
      ridge_destroy (m);
      return NULL;
    }
  return m;
}

static const TdModelVTable ridge_vtable = {
  .accepts = TD_DATA_MATRIX,
  .tasks = TD_TASK_BINARY | TD_TASK_MULTICLASS | TD_TASK_REGRESSION,
  .train_on = TD_TRAIN_ON_ALL,
  .create = ridge_create,
  .fit = ridge_fit,
  .predict = ridge_predict,
  .save = ridge_save,
  .load = ridge_load,
  .destroy = ridge_destroy,
  .explain = ridge_explain,
};

static const TdPluginDescriptor ridge_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = "ridge",
  .version = "1.0.0",
  .summary = "ridge regression / one-vs-rest ridge classifier, alpha by leave-one-out CV",
  .params = ridge_params,
  .n_params = G_N_ELEMENTS (ridge_params),
  .vtable = &ridge_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &ridge_descriptor : NULL;
}
