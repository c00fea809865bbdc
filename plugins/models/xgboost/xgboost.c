/* xgboost.c — the `xgboost` model plugin: gradient-boosted trees through the
 * XGBoost C API, on a feature matrix, for binary (binary:logistic),
 * multiclass (multi:softprob, one tree per class and round, class
 * probabilities out) and regression (reg:squarederror, or
 * reg:pseudohubererror with `objective: pseudohubererror`).
 *
 * Boosting is driven round by round from here (XGBoosterUpdateOneIter) so the
 * plugin can poll cancellation, report curves and stop early on the
 * validation split; the test split never reaches fit. With early stopping the
 * booster keeps every tree it grew and records the best round in the
 * attribute "best_iteration" (0-based, as XGBoost's Python package does), and
 * predict uses trees [0, best_iteration] only. docs/models.md has the details.
 *
 * Feature importance (extension TD_EXT_FEATURE_IMPORTANCE): XGBoost's gain,
 * cover, weight and total_gain per input column, over the same trees predict
 * uses; the runner writes them to feature_importance.csv. The column names
 * are stored in the model file as XGBoost's feature names.
 */
#define G_LOG_DOMAIN "tundish-xgboost"

#include <math.h>
#include <string.h>
#include <tundish/tundish.h>
#include <xgboost/c_api.h>

#define XGB_FORMAT_VERSION "1"

struct TdModel {
  /* Hyper-parameters, already validated. */
  int n_estimators;
  int max_depth;
  double learning_rate, subsample, colsample_bytree, min_child_weight, reg_lambda,
    scale_pos_weight;
  char *tree_method, *objective;
  double huber_slope;
  int early_stopping_rounds;

  BoosterHandle booster;   /* NULL until fit or load */
  size_t n_features;
  TdTask task;             /* of the fitted model */
  size_t n_classes;        /* multiclass: K; otherwise 1 output per series */
  int best_iteration;      /* -1: predict with every tree */
};

static const char *const tree_method_choices[] = { "auto", "exact", "approx", "hist", NULL };
static const char *const objective_choices[] = { "auto", "squarederror", "pseudohubererror",
                                                 NULL };

static const TdParamSpec xgb_params[] = {
  { "n_estimators", TD_PARAM_INT, "100", 1, 100000, NULL, "boosting rounds (trees)" },
  { "max_depth", TD_PARAM_INT, "6", 1, 64, NULL, "maximum tree depth" },
  { "learning_rate", TD_PARAM_DOUBLE, "0.3", 0, 1, NULL,
    "shrinkage (XGBoost's eta); 0.3 is XGBoost's own default" },
  { "subsample", TD_PARAM_DOUBLE, "1.0", 0, 1, NULL,
    "fraction of training rows sampled per tree", TD_PARAM_MIN_EXCLUSIVE },
  { "colsample_bytree", TD_PARAM_DOUBLE, "1.0", 0, 1, NULL,
    "fraction of features sampled per tree", TD_PARAM_MIN_EXCLUSIVE },
  { "min_child_weight", TD_PARAM_DOUBLE, "1", 0, 1e12, NULL,
    "minimum hessian sum in a leaf" },
  { "reg_lambda", TD_PARAM_DOUBLE, "1", 0, 1e12, NULL, "L2 penalty on leaf weights" },
  { "scale_pos_weight", TD_PARAM_DOUBLE, "1", 0, 1e12, NULL,
    "weight of positive examples (n_neg / n_pos balances classes)", TD_PARAM_MIN_EXCLUSIVE },
  { "tree_method", TD_PARAM_ENUM, "hist", 0, 0, tree_method_choices,
    "XGBoost tree construction algorithm" },
  { "early_stopping_rounds", TD_PARAM_INT, "0", 0, 100000, NULL,
    "stop after this many rounds without a lower validation loss (logloss, mlogloss or "
    "rmse by task); 0 = off" },
  { "objective", TD_PARAM_ENUM, "auto", 0, 0, objective_choices,
    "auto follows the task (binary:logistic, multi:softprob, reg:squarederror); "
    "regression may choose squarederror or pseudohubererror (Huber-like, see huber_slope)" },
  { "huber_slope", TD_PARAM_DOUBLE, "1", 0, 1e12, NULL,
    "delta of reg:pseudohubererror (in target units)", TD_PARAM_MIN_EXCLUSIVE },
};

/* -------------------------------------------------------- XGBoost plumbing */

/* XGBGetLastError() without the clock-time prefix and the native stack trace
 * XGBoost appends, which would make failure messages differ between runs. */
static char *
xgb_last_error (void)
{
  const char *e = XGBGetLastError ();
  if (!e || !*e)
    return g_strdup ("unknown XGBoost error");
  if (e[0] == '[')
    {
      const char *close = strstr (e, "] ");
      if (close && close - e <= 16)
        e = close + 2;
    }
  const char *trace = strstr (e, "Stack trace:");
  char *msg = trace ? g_strndup (e, (gsize) (trace - e)) : g_strdup (e);
  return g_strstrip (msg);
}

static gboolean
xgb_ok (int rc, const char *call, GError **error)
{
  if (rc == 0)
    return TRUE;
  g_autofree char *msg = xgb_last_error ();
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED, "xgboost: %s: %s", call, msg);
  return FALSE;
}

static void
xgb_log_sink (const char *msg)
{
  g_debug ("%s", msg);
}

/* XGBoost prints warnings and info to the console unless told otherwise. Its
 * global configuration and log callback are thread-local, so this runs at
 * the start of every call that may reach XGBoost, on the calling thread. */
static gboolean
xgb_quiet (GError **error)
{
  return xgb_ok (XGBSetGlobalConfig ("{\"verbosity\": 0}"), "XGBSetGlobalConfig", error)
         && xgb_ok (XGBRegisterLogCallback (xgb_log_sink), "XGBRegisterLogCallback", error);
}

static gboolean
set_param (BoosterHandle b, const char *name, const char *value, GError **error)
{
  if (XGBoosterSetParam (b, name, value) == 0)
    return TRUE;
  g_autofree char *msg = xgb_last_error ();
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
               "xgboost: setting %s = %s: %s", name, value, msg);
  return FALSE;
}

static gboolean
set_param_double (BoosterHandle b, const char *name, double v, GError **error)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return set_param (b, name, g_ascii_dtostr (buf, sizeof buf, v), error);
}

static gboolean
set_param_int (BoosterHandle b, const char *name, gint64 v, GError **error)
{
  char buf[32];
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, v);
  return set_param (b, name, buf, error);
}

static void
dmatrix_free (DMatrixHandle h)
{
  if (h)
    XGDMatrixFree (h);
}

/* XGBoost's "seed" is a signed 64-bit parameter that ends up seeding a
 * 32-bit mt19937 (thread-local, reseeded when a booster is configured), so
 * the 64-bit context seed is folded into 31 bits rather than truncated:
 * both halves count and the value is valid whatever XGBoost does with it. */
static gint64
xgb_seed (guint64 seed)
{
  return (gint64) ((seed ^ (seed >> 32)) & 0x7fffffffu);
}

/* ---------------------------------------------------------- input checks */

static gint64
series_id (const TdDataset *ds, size_t i)
{
  return ds->series_id ? ds->series_id[i] : (gint64) i;
}

/* A feature matrix with finite-or-NaN values (NaN means missing to XGBoost;
 * infinities it would reject with a less helpful message). */
static gboolean
check_matrix (const TdDataset *ds, const char *what, GError **error)
{
  if (!td_dataset_check_matrix (ds, "xgboost", what, error))
    return FALSE;
  for (size_t i = 0; i < ds->n_series * ds->n_channels; i++)
    if (isinf (ds->x[i]))
      {
        size_t s = i / ds->n_channels, c = i % ds->n_channels;
        char cb[TD_CHANNEL_NAME_BUF];
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "xgboost: feature \"%s\" of series %" G_GINT64_FORMAT " in the %s data "
                     "is infinite (NaN would mean missing; infinity is refused)",
                     td_dataset_channel_name (ds, c, cb), series_id (ds, s), what);
        return FALSE;
      }
  return TRUE;
}

/* Targets XGBoost's objective for the task can learn from: 0/1 (soft labels
 * allowed) for binary, class indices 0..K-1 for multiclass, finite values for
 * regression. */
static gboolean
check_targets (const TdDataset *ds, const char *what, GError **error)
{
  if (ds->task == TD_TASK_BINARY)
    return td_dataset_check_binary_targets (ds, "xgboost", what, NULL, error);
  if (ds->task == TD_TASK_MULTICLASS && ds->n_classes < 2)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "xgboost: the %s data is multiclass with %zu class(es); need at least 2",
                   what, ds->n_classes);
      return FALSE;
    }
  for (size_t i = 0; i < ds->n_series; i++)
    {
      double y = ds->y[i];
      gboolean ok = ds->task == TD_TASK_MULTICLASS
                      ? y >= 0 && y < (double) ds->n_classes && y == floor (y)
                      : isfinite (y);
      if (!ok)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "xgboost: series %" G_GINT64_FORMAT " of the %s data has target %g; "
                       "expected %s", series_id (ds, i), what, y,
                       ds->task == TD_TASK_MULTICLASS ? "a class index 0..n_classes-1"
                                                      : "a finite value");
          return FALSE;
        }
    }
  return TRUE;
}

static DMatrixHandle
make_dmatrix (const TdDataset *ds, gboolean with_labels, int nthread, GError **error)
{
  DMatrixHandle h = NULL;
  if (!xgb_ok (XGDMatrixCreateFromMat_omp (ds->x, ds->n_series, ds->n_channels, NAN, &h,
                                           nthread),
               "XGDMatrixCreateFromMat", error))
    return NULL;
  if (with_labels)
    {
      g_autofree float *labels = g_new (float, ds->n_series);
      for (size_t i = 0; i < ds->n_series; i++)
        labels[i] = (float) ds->y[i];
      if (!xgb_ok (XGDMatrixSetFloatInfo (h, "label", labels, ds->n_series),
                   "XGDMatrixSetFloatInfo(label)", error))
        {
          XGDMatrixFree (h);
          return NULL;
        }
    }
  return h;
}

/* ------------------------------------------------------------- lifecycle */

static void
xgb_destroy (TdModel *m)
{
  if (!m)
    return;
  if (m->booster)
    XGBoosterFree (m->booster);
  g_free (m->tree_method);
  g_free (m->objective);
  g_free (m);
}

static TdModel *
xgb_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  /* subsample, colsample_bytree, scale_pos_weight and huber_slope are > 0 by
   * their specs (exclusive minimum), which the core enforces before create. */
  TdModel *m = g_new0 (TdModel, 1);
  m->n_estimators = (int) td_params_get_int (params, "n_estimators");
  m->max_depth = (int) td_params_get_int (params, "max_depth");
  m->learning_rate = td_params_get_double (params, "learning_rate");
  m->subsample = td_params_get_double (params, "subsample");
  m->colsample_bytree = td_params_get_double (params, "colsample_bytree");
  m->min_child_weight = td_params_get_double (params, "min_child_weight");
  m->reg_lambda = td_params_get_double (params, "reg_lambda");
  m->scale_pos_weight = td_params_get_double (params, "scale_pos_weight");
  m->tree_method = g_strdup (td_params_get_string (params, "tree_method"));
  m->objective = g_strdup (td_params_get_string (params, "objective"));
  m->huber_slope = td_params_get_double (params, "huber_slope");
  m->early_stopping_rounds = (int) td_params_get_int (params, "early_stopping_rounds");
  m->best_iteration = -1;
  m->n_classes = 1;
  return m;
}

/* The validation metric boosting reports and stops on, by task. */
static const char *
eval_metric (TdTask task)
{
  return task == TD_TASK_MULTICLASS ? "mlogloss" : task == TD_TASK_REGRESSION ? "rmse"
                                                                               : "logloss";
}

/* The objective follows the task. A regression booster starts from the
 * training mean (base_score): XGBoost 1.7 starts every task at 0.5, far from
 * most targets, which pseudo-Huber's bounded gradient is slow to cross. */
static gboolean
configure_objective (TdModel *m, BoosterHandle b, const TdDataset *train, GError **error)
{
  if (train->task != TD_TASK_REGRESSION && !g_str_equal (m->objective, "auto"))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "xgboost: objective \"%s\" is for regression; this dataset's task is %s "
                   "(use objective: auto)", m->objective, td_task_name (train->task));
      return FALSE;
    }
  switch (train->task)
    {
    case TD_TASK_BINARY:
      return set_param (b, "objective", "binary:logistic", error)
             && set_param (b, "eval_metric", "logloss", error)
             && set_param_double (b, "scale_pos_weight", m->scale_pos_weight, error);
    case TD_TASK_MULTICLASS:
      return set_param (b, "objective", "multi:softprob", error)
             && set_param_int (b, "num_class", (gint64) train->n_classes, error)
             && set_param (b, "eval_metric", "mlogloss", error);
    case TD_TASK_REGRESSION:
      {
        double mean = 0;
        for (size_t i = 0; i < train->n_series; i++)
          mean += (train->y[i] - mean) / (double) (i + 1);
        gboolean huber = g_str_equal (m->objective, "pseudohubererror");
        return set_param (b, "objective", huber ? "reg:pseudohubererror" : "reg:squarederror",
                          error)
               && (!huber || set_param_double (b, "huber_slope", m->huber_slope, error))
               && set_param_double (b, "base_score", mean, error)
               && set_param (b, "eval_metric", "rmse", error);
      }
    case TD_TASK_ANOMALY:
      break;
    }
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
               "xgboost: task \"%s\" is not supported (binary, multiclass, regression)",
               td_task_name (train->task));
  return FALSE;
}

static gboolean
configure (TdModel *m, BoosterHandle b, const TdDataset *train, TdContext *ctx,
           GError **error)
{
  return set_param (b, "verbosity", "0", error)
         && configure_objective (m, b, train, error)
         && set_param (b, "booster", "gbtree", error)
         && set_param (b, "tree_method", m->tree_method, error)
         && set_param_int (b, "max_depth", m->max_depth, error)
         && set_param_double (b, "eta", m->learning_rate, error)
         && set_param_double (b, "subsample", m->subsample, error)
         && set_param_double (b, "colsample_bytree", m->colsample_bytree, error)
         && set_param_double (b, "min_child_weight", m->min_child_weight, error)
         && set_param_double (b, "lambda", m->reg_lambda, error)
         && set_param_int (b, "nthread", td_context_threads (ctx), error)
         && set_param_int (b, "seed", xgb_seed (td_context_seed (ctx)), error);
}

/* "[3]\ttrain-logloss:0.41\tvalid-logloss:0.47" -> the value for name. */
static gboolean
parse_eval (const char *text, const char *name, const char *metric, double *out,
            GError **error)
{
  g_autofree char *key = g_strdup_printf ("\t%s-%s:", name, metric);
  const char *p = strstr (text, key);
  char *end = NULL;
  if (p)
    *out = g_ascii_strtod (p + strlen (key), &end);
  if (!p || end == p + strlen (key) || !isfinite (*out))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "xgboost: cannot read %s-%s from \"%s\"", name, metric, text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_attr (BoosterHandle b, const char *key, const char *value, GError **error)
{
  return xgb_ok (XGBoosterSetAttr (b, key, value), "XGBoosterSetAttr", error);
}

static gboolean
set_attr_int (BoosterHandle b, const char *key, gint64 v, GError **error)
{
  char buf[32];
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, v);
  return set_attr (b, key, buf, error);
}

/* The training columns' names travel in the saved model (XGBoost's own
 * "feature_names"), so a model file read on its own still says what each
 * input was. Importance does not rely on them (see xgb_importance). */
static gboolean
set_feature_names (BoosterHandle b, const TdDataset *train, GError **error)
{
  if (!train->channel_names)
    return TRUE;
  for (size_t c = 0; c < train->n_channels; c++)
    if (!train->channel_names[c])
      return TRUE;
  return xgb_ok (XGBoosterSetStrFeatureInfo (b, "feature_name",
                                             (const char **) train->channel_names,
                                             train->n_channels),
                 "XGBoosterSetStrFeatureInfo", error);
}

/* Rounds of boosting with per-round evaluation; fills best_iteration. */
static gboolean
boost (TdModel *m, BoosterHandle b, DMatrixHandle dtrain, DMatrixHandle dvalid,
       TdContext *ctx, GError **error)
{
  DMatrixHandle mats[2] = { dtrain, dvalid };
  const char *names[2] = { "train", "valid" };
  const bst_ulong n_mats = dvalid ? 2 : 1;
  const gboolean stop_early = m->early_stopping_rounds > 0;
  double best = INFINITY;
  int best_it = -1;
  const char *metric = eval_metric (m->task);
  g_autofree char *train_curve = g_strdup_printf ("train_%s", metric);
  g_autofree char *valid_curve = g_strdup_printf ("valid_%s", metric);

  for (int it = 0; it < m->n_estimators; it++)
    {
      if (td_context_cancelled (ctx))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED,
                       "xgboost: cancelled after %d rounds", it);
          return FALSE;
        }
      if (!xgb_ok (XGBoosterUpdateOneIter (b, it, dtrain), "XGBoosterUpdateOneIter", error))
        return FALSE;
      const char *eval = NULL;
      double train_loss, valid_loss = NAN;
      if (!xgb_ok (XGBoosterEvalOneIter (b, it, mats, names, n_mats, &eval),
                   "XGBoosterEvalOneIter", error)
          || !parse_eval (eval, "train", metric, &train_loss, error)
          || (dvalid && !parse_eval (eval, "valid", metric, &valid_loss, error)))
        return FALSE;
      td_context_curve (ctx, train_curve, it, train_loss);
      if (dvalid)
        td_context_curve (ctx, valid_curve, it, valid_loss);
      td_context_progress (ctx, (double) (it + 1) / m->n_estimators);

      if (stop_early)
        {
          if (valid_loss < best)
            best = valid_loss, best_it = it;
          else if (it - best_it >= m->early_stopping_rounds)
            break;
        }
    }

  m->best_iteration = stop_early ? best_it : -1;
  if (stop_early)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      if (!set_attr_int (b, "best_iteration", best_it, error)
          || !set_attr (b, "best_score", g_ascii_dtostr (buf, sizeof buf, best), error))
        return FALSE;
      td_context_log (ctx, G_LOG_LEVEL_DEBUG,
                      "xgboost: best validation %s %.6g at round %d", metric, best, best_it);
    }
  return TRUE;
}

static gboolean
xgb_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
         GError **error)
{
  if (!xgb_quiet (error))
    return FALSE;
  if (train->task != TD_TASK_BINARY && train->task != TD_TASK_MULTICLASS
      && train->task != TD_TASK_REGRESSION)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
                   "xgboost: task \"%s\" is not supported (binary, multiclass, regression)",
                   td_task_name (train->task));
      return FALSE;
    }
  if (!check_matrix (train, "training", error) || !check_targets (train, "training", error))
    return FALSE;
  if (valid && valid->n_series == 0)
    valid = NULL;
  if (valid)
    {
      if (!check_matrix (valid, "validation", error) || !check_targets (valid, "validation", error))
        return FALSE;
      if (valid->n_channels != train->n_channels)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "xgboost: the validation data has %zu features, training %zu",
                       valid->n_channels, train->n_channels);
          return FALSE;
        }
      if (valid->task != train->task
          || (train->task == TD_TASK_MULTICLASS && valid->n_classes != train->n_classes))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "xgboost: the validation data is %s with %zu classes, training %s "
                       "with %zu", td_task_name (valid->task), valid->n_classes,
                       td_task_name (train->task), train->n_classes);
          return FALSE;
        }
    }
  if (m->early_stopping_rounds > 0 && !valid)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "xgboost: early_stopping_rounds = %d needs a validation split "
                   "(split: valid_size > 0), or set it to 0", m->early_stopping_rounds);
      return FALSE;
    }

  const int nthread = td_context_threads (ctx);
  DMatrixHandle dtrain = make_dmatrix (train, TRUE, nthread, error);
  if (!dtrain)
    return FALSE;
  DMatrixHandle dvalid = valid ? make_dmatrix (valid, TRUE, nthread, error) : NULL;
  if (valid && !dvalid)
    {
      dmatrix_free (dtrain);
      return FALSE;
    }

  DMatrixHandle cache[2] = { dtrain, dvalid };
  BoosterHandle b = NULL;
  m->task = train->task;
  m->n_classes = train->task == TD_TASK_MULTICLASS ? train->n_classes : 1;
  gboolean ok = xgb_ok (XGBoosterCreate (cache, dvalid ? 2 : 1, &b), "XGBoosterCreate", error)
                && configure (m, b, train, ctx, error)
                && set_attr (b, "tundish_format", XGB_FORMAT_VERSION, error)
                && set_attr (b, "tundish_task", td_task_name (train->task), error)
                && set_attr_int (b, "tundish_n_classes", (gint64) m->n_classes, error)
                && boost (m, b, dtrain, dvalid, ctx, error);
  dmatrix_free (dtrain);
  dmatrix_free (dvalid);
  if (!ok)
    {
      if (b)
        XGBoosterFree (b);
      return FALSE;
    }
  if (!set_feature_names (b, train, error))
    {
      XGBoosterFree (b);
      return FALSE;
    }
  if (m->booster)
    XGBoosterFree (m->booster);
  m->booster = b;
  m->n_features = train->n_channels;
  return TRUE;
}

/* --------------------------------------------------------------- predict */

static gboolean
check_fitted_input (TdModel *m, const TdDataset *input, GError **error)
{
  if (!m->booster)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "xgboost: predict before fit or load");
      return FALSE;
    }
  if (!check_matrix (input, "input", error))
    return FALSE;
  if (input->n_channels != m->n_features)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "xgboost: the model was fitted on %zu features, the input has %zu",
                   m->n_features, input->n_channels);
      return FALSE;
    }
  return TRUE;
}

/* Predictions of kind type (0 value, 2 contributions) with the trees the fit
 * chose; *out points into XGBoost's buffer, valid until the next call. */
static gboolean
predict_raw (TdModel *m, DMatrixHandle d, int type, size_t want, const float **out,
             GError **error)
{
  g_autofree char *config = g_strdup_printf (
    "{\"type\": %d, \"training\": false, \"iteration_begin\": 0, "
    "\"iteration_end\": %d, \"strict_shape\": false}",
    type, m->best_iteration + 1);   /* -1 + 1 = 0: every tree */
  const bst_ulong *shape = NULL;
  bst_ulong dim = 0;
  if (!xgb_ok (XGBoosterPredictFromDMatrix (m->booster, d, config, &shape, &dim, out),
               "XGBoosterPredictFromDMatrix", error))
    return FALSE;
  size_t total = 1;
  for (bst_ulong k = 0; k < dim; k++)
    total *= shape[k];
  if (total != want)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "xgboost: prediction has %zu values, expected %zu", total, want);
      return FALSE;
    }
  return TRUE;
}

static gboolean
xgb_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx,
             GError **error)
{
  if (!xgb_quiet (error) || !check_fitted_input (m, input, error))
    return FALSE;
  DMatrixHandle d = make_dmatrix (input, FALSE, td_context_threads (ctx), error);
  if (!d)
    return FALSE;
  const size_t n_out = input->n_series * m->n_classes;
  const float *p = NULL;
  gboolean ok = predict_raw (m, d, 0, n_out, &p, error);
  if (ok)
    for (size_t i = 0; i < n_out; i++)
      out[i] = p[i];
  dmatrix_free (d);
  return ok;
}

/* SHAP values (XGBoost's TreeSHAP) per feature, in the objective's margin
 * (log-odds; a class's softmax logit for multiclass, where the predicted
 * class's values are given; the target's units for regression); the bias
 * term is left out, as for the logistic model's intercept. */
static gboolean
xgb_explain (TdModel *m, const TdDataset *input, size_t series, float *out, TdContext *ctx,
             GError **error)
{
  if (!xgb_quiet (error) || !check_fitted_input (m, input, error))
    return FALSE;
  if (series >= input->n_series)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "xgboost: series %zu out of range (%zu series)", series, input->n_series);
      return FALSE;
    }
  DMatrixHandle d = NULL;
  if (!xgb_ok (XGDMatrixCreateFromMat_omp (td_dataset_series (input, series), 1,
                                           input->n_channels, NAN, &d,
                                           td_context_threads (ctx)),
               "XGDMatrixCreateFromMat", error))
    return FALSE;
  size_t k = 0;
  const float *c = NULL;
  gboolean ok = TRUE;
  if (m->n_classes > 1)
    {
      const float *p = NULL;
      ok = predict_raw (m, d, 0, m->n_classes, &p, error);
      for (size_t j = 1; ok && j < m->n_classes; j++)
        if (p[j] > p[k])
          k = j;
    }
  ok = ok && predict_raw (m, d, 2, m->n_classes * (m->n_features + 1), &c, error);
  if (ok)
    memcpy (out, c + k * (m->n_features + 1), m->n_features * sizeof *out);
  dmatrix_free (d);
  return ok;
}

/* ------------------------------------------------------------ save / load */

/* JSON when the name ends in .json, otherwise UBJSON (the core names model
 * files *.ubj). Written through a buffer so the file appears atomically at
 * exactly the given path whatever its extension. */
static gboolean
xgb_save (TdModel *m, const char *path, GError **error)
{
  if (!m->booster)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "xgboost: nothing to save before fit");
      return FALSE;
    }
  if (!xgb_quiet (error))
    return FALSE;
  const char *config = g_str_has_suffix (path, ".json") ? "{\"format\": \"json\"}"
                                                         : "{\"format\": \"ubj\"}";
  bst_ulong len = 0;
  const char *buf = NULL;
  if (!xgb_ok (XGBoosterSaveModelToBuffer (m->booster, config, &len, &buf),
               "XGBoosterSaveModelToBuffer", error))
    return FALSE;
  GError *local = NULL;
  if (!td_file_write_atomic (path, buf, (gssize) len, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "xgboost: %s", local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_attr (BoosterHandle b, const char *key, const char **value, GError **error)
{
  int found = 0;
  *value = NULL;
  if (!xgb_ok (XGBoosterGetAttr (b, key, value, &found), "XGBoosterGetAttr", error))
    return FALSE;
  if (!found)
    *value = NULL;
  return TRUE;
}

static gboolean
restore_state (TdModel *m, const char *path, GError **error)
{
  const char *format = NULL, *task = NULL, *best = NULL;
  if (!get_attr (m->booster, "tundish_format", &format, error))
    return FALSE;
  if (g_strcmp0 (format, XGB_FORMAT_VERSION) != 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "xgboost: %s: tundish_format is %s, this plugin reads %s", path,
                   format ? format : "missing (not saved by tundish?)", XGB_FORMAT_VERSION);
      return FALSE;
    }
  if (!get_attr (m->booster, "tundish_task", &task, error))
    return FALSE;
  static const TdTask tasks[] = { TD_TASK_BINARY, TD_TASK_MULTICLASS, TD_TASK_REGRESSION };
  gboolean known = FALSE;
  for (size_t t = 0; t < G_N_ELEMENTS (tasks) && !known; t++)
    if (g_strcmp0 (task, td_task_name (tasks[t])) == 0)
      m->task = tasks[t], known = TRUE;
  if (!known)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
                   "xgboost: %s: task %s is not supported (binary, multiclass, regression)",
                   path, task ? task : "missing");
      return FALSE;
    }
  /* Files written before multiclass have no class count: binary, one output. */
  const char *classes = NULL;
  gint64 k = 1;
  if (!get_attr (m->booster, "tundish_n_classes", &classes, error))
    return FALSE;
  if (classes && (!g_ascii_string_to_signed (classes, 10, 1, 1 << 20, &k, NULL)
                  || (m->task == TD_TASK_MULTICLASS) != (k > 1)))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "xgboost: %s: tundish_n_classes \"%s\" does not fit task %s", path,
                   classes, task);
      return FALSE;
    }
  if (m->task == TD_TASK_MULTICLASS && !classes)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "xgboost: %s: a multiclass model without tundish_n_classes", path);
      return FALSE;
    }
  m->n_classes = (size_t) k;
  if (!get_attr (m->booster, "best_iteration", &best, error))
    return FALSE;
  m->best_iteration = -1;
  if (best)
    {
      gint64 v = -1;
      int rounds = 0;
      if (!xgb_ok (XGBoosterBoostedRounds (m->booster, &rounds), "XGBoosterBoostedRounds",
                   error))
        return FALSE;
      if (!g_ascii_string_to_signed (best, 10, 0, G_MAXINT, &v, NULL) || v >= rounds)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                       "xgboost: %s: best_iteration \"%s\" is not a round of the %d "
                       "boosted", path, best, rounds);
          return FALSE;
        }
      m->best_iteration = (int) v;
    }
  bst_ulong n_features = 0;
  if (!xgb_ok (XGBoosterGetNumFeature (m->booster, &n_features), "XGBoosterGetNumFeature",
               error))
    return FALSE;
  m->n_features = n_features;
  return TRUE;
}

static TdModel *
xgb_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  if (!xgb_quiet (error))
    return NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  GError *local = NULL;
  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "xgboost: loading %s: %s",
                   path, local->message);
      g_error_free (local);
      return NULL;
    }
  TdModel *m = xgb_create (params, ctx, error);
  if (!m)
    return NULL;
  if (!xgb_ok (XGBoosterCreate (NULL, 0, &m->booster), "XGBoosterCreate", error))
    goto fail;
  if (XGBoosterLoadModelFromBuffer (m->booster, data, len) != 0)
    {
      g_autofree char *msg = xgb_last_error ();
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "xgboost: loading %s: %s",
                   path, msg);
      goto fail;
    }
  if (!set_param (m->booster, "verbosity", "0", error)
      || !set_param_int (m->booster, "nthread", td_context_threads (ctx), error)
      || !restore_state (m, path, error))
    goto fail;
  return m;

fail:
  xgb_destroy (m);
  return NULL;
}

/* ------------------------------------------------------ feature importance */

/* XGBoost's types: gain and cover are averages over the splits that use a
 * feature, weight counts those splits, total_gain is gain × weight. */
static const char *const importance_types[] = { "gain", "cover", "weight", "total_gain", NULL };

/* XGBoosterFeatureScore lists only the features some tree splits on, under
 * their names. The names passed in the request are the column indices
 * ("0", "1", ...), so each score maps back to its column even when channel
 * names repeat or the model was loaded without them. With early stopping only
 * the trees predict uses count: the first best_iteration + 1 rounds, each
 * one tree per class for multi:softprob and one tree otherwise. */
static gboolean
xgb_importance (TdModel *m, const char *type, double *out, size_t n_features, GError **error)
{
  if (!m->booster)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                           "xgboost: feature importance before fit or load");
      return FALSE;
    }
  if (!g_strv_contains (importance_types, type))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "xgboost: unknown importance type \"%s\" (gain, cover, weight, total_gain)",
                   type);
      return FALSE;
    }
  if (n_features != m->n_features)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "xgboost: importance for %zu features asked, the model has %zu",
                   n_features, m->n_features);
      return FALSE;
    }
  if (!xgb_quiet (error))
    return FALSE;

  g_autoptr (GString) config = g_string_new (NULL);
  g_string_append_printf (config, "{\"importance_type\": \"%s\", \"feature_names\": [", type);
  for (size_t f = 0; f < n_features; f++)
    g_string_append_printf (config, "%s\"%zu\"", f ? ", " : "", f);
  g_string_append (config, "]");
  if (m->best_iteration >= 0)
    {
      g_string_append (config, ", \"tree_idx\": [");
      for (size_t t = 0; t < (size_t) (m->best_iteration + 1) * m->n_classes; t++)
        g_string_append_printf (config, "%s%zu", t ? ", " : "", t);
      g_string_append (config, "]");
    }
  g_string_append (config, "}");

  bst_ulong n_out = 0, dim = 0;
  const char **names = NULL;
  const bst_ulong *shape = NULL;
  const float *scores = NULL;
  if (!xgb_ok (XGBoosterFeatureScore (m->booster, config->str, &n_out, &names, &dim, &shape,
                                      &scores),
               "XGBoosterFeatureScore", error))
    return FALSE;
  if (dim != 1 || shape[0] != n_out)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "xgboost: feature scores of unexpected shape (%lu dimensions)",
                   (unsigned long) dim);
      return FALSE;
    }
  for (size_t f = 0; f < n_features; f++)
    out[f] = 0.0;
  for (bst_ulong k = 0; k < n_out; k++)
    {
      guint64 col = 0;
      if (!g_ascii_string_to_unsigned (names[k], 10, 0, n_features - 1, &col, NULL))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                       "xgboost: feature score for unknown feature \"%s\"", names[k]);
          return FALSE;
        }
      out[col] = scores[k];
    }
  return TRUE;
}

static const TdFeatureImportanceExt xgb_importance_ext = {
  .types = importance_types,
  .importance = xgb_importance,
};

static const void *
xgb_extension (TdModel *m, const char *id)
{
  (void) m;
  return g_strcmp0 (id, TD_EXT_FEATURE_IMPORTANCE) == 0 ? &xgb_importance_ext : NULL;
}

/* ------------------------------------------------------------- descriptor */

static const TdModelVTable xgb_vtable = {
  .accepts = TD_DATA_MATRIX,
  .tasks = TD_TASK_BINARY | TD_TASK_MULTICLASS | TD_TASK_REGRESSION,
  .train_on = TD_TRAIN_ON_ALL,
  .create = xgb_create,
  .fit = xgb_fit,
  .predict = xgb_predict,
  .save = xgb_save,
  .load = xgb_load,
  .destroy = xgb_destroy,
  .explain = xgb_explain,
  .extension = xgb_extension,
};

static const TdPluginDescriptor xgb_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = "xgboost",
  .version = "1.1.0",
  .summary = "gradient-boosted trees (XGBoost C API), early stopping on the validation split",
  .params = xgb_params,
  .n_params = G_N_ELEMENTS (xgb_params),
  .vtable = &xgb_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &xgb_descriptor : NULL;
}
