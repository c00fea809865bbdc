/* missing — repair or refuse missing values (NaN) in sequences.
 *
 * A transform: sequences in, sequences of the same shape out. Only the valid
 * steps of each series (input->lengths) are examined; padding is copied as is.
 *
 * policy
 *   ffill  Every NaN takes the last valid value before it in the same series
 *          and channel; NaNs before the first valid value (leading NaNs) take
 *          that first valid value (a back fill), so no value is ever invented
 *          from outside its series. A channel with no valid value at all in a
 *          series gets the channel's mean over the training split (`empty:
 *          train_mean`, the only fitted state) or fails (`empty: error`).
 *   drop   Series with any NaN are removed — but only from the split the stage
 *          was fitted on (the training split). Validation and test series can
 *          never be dropped: every test series needs a prediction and the core
 *          refuses a stage that changes their number. On any other input
 *          (valid, test, new data scored by a saved pipeline) `drop_otherwise`
 *          applies: ffill (default) or error. The fitted split is recognised by
 *          its series ids (the core's splits are disjoint, so valid/test never
 *          carry the training ids). Note: the runner of ABI 1.0
 *          (core/src/trial.c, apply_feature) still requires every split,
 *          training included, to keep its series count, so inside `tundish
 *          run` a drop that removes series fails the trial ("returned N series
 *          for M") until the runner lets a transform shrink the training split.
 *   error  Any NaN fails the call, naming the first series, channel and step.
 *
 * Counts: every output carries a numeric metadata column "missing_filled", the
 * number of values this stage filled in that series (added to the existing
 * column when an earlier `missing` stage made one), so evaluators and
 * reporters can see which series were repaired. A summary ("filled 12 values
 * in 3 of 840 series", "dropped 5 of 840 series") is logged through
 * td_context_log: MESSAGE when something was repaired or dropped, DEBUG when
 * the input was clean.
 *
 * Fitted state (channel names and the per-channel training means) is saved as
 * a GKeyFile; a loaded stage has no fitted split, so `drop` never drops there.
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#define MISSING_FORMAT 1
#define FILLED_COLUMN "missing_filled"

typedef enum { POLICY_FFILL, POLICY_DROP, POLICY_ERROR } Policy;

static const char *const policy_choices[] = { "ffill", "drop", "error", NULL };
static const char *const otherwise_choices[] = { "ffill", "error", NULL };
static const char *const empty_choices[] = { "train_mean", "error", NULL };

struct TdFeature {
  Policy policy;
  Policy otherwise;          /* ffill or error: inputs other than the fitted split */
  gboolean empty_from_train;
  /* fitted state */
  gboolean fitted;
  size_t n_channels;
  char **channel_names;      /* NULL-terminated */
  double *train_mean;        /* [n_channels]; NaN when the training split had no value */
  /* the fitted split's identity (not saved: a loaded stage never drops) */
  size_t n_fit;
  gint64 *fit_ids;
};

static Policy
policy_from (const char *s)
{
  return g_str_equal (s, "drop") ? POLICY_DROP
         : g_str_equal (s, "error") ? POLICY_ERROR : POLICY_FFILL;
}

static TdFeature *
missing_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  TdFeature *self = g_new0 (TdFeature, 1);
  self->policy = policy_from (td_params_get_string (params, "policy"));
  self->otherwise = policy_from (td_params_get_string (params, "drop_otherwise"));
  self->empty_from_train = g_str_equal (td_params_get_string (params, "empty"), "train_mean");
  return self;
}

static void
missing_destroy (TdFeature *self)
{
  if (!self)
    return;
  g_strfreev (self->channel_names);
  g_free (self->train_mean);
  g_free (self->fit_ids);
  g_free (self);
}

static gboolean
check_channels (const TdFeature *self, const TdDataset *in, GError **error)
{
  if (!self->fitted)
    return TRUE;
  if (in->n_channels != self->n_channels)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "missing: fitted on %zu channels, the input has %zu", self->n_channels,
                   in->n_channels);
      return FALSE;
    }
  for (size_t c = 0; c < in->n_channels; c++)
    {
      char buf[TD_CHANNEL_NAME_BUF];
      const char *name = td_dataset_channel_name (in, c, buf);
      if (strcmp (name, self->channel_names[c]) != 0)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "missing: channel %zu is \"%s\", fitted on \"%s\"", c, name,
                       self->channel_names[c]);
          return FALSE;
        }
    }
  return TRUE;
}

static void
remember_channels (TdFeature *self, const TdDataset *ds)
{
  g_strfreev (self->channel_names);
  self->n_channels = ds->n_channels;
  self->channel_names = g_new0 (char *, ds->n_channels + 1);
  for (size_t c = 0; c < ds->n_channels; c++)
    {
      char buf[TD_CHANNEL_NAME_BUF];
      self->channel_names[c] = g_strdup (td_dataset_channel_name (ds, c, buf));
    }
}

static gboolean
missing_fit (TdFeature *self, const TdDataset *train, TdContext *ctx, GError **error)
{
  (void) ctx;
  if (!td_dataset_check_lengths (train, "missing", error))
    return FALSE;
  const size_t nc = train->n_channels;
  g_autofree double *sum = g_new0 (double, MAX (nc, (size_t) 1));
  g_autofree size_t *count = g_new0 (size_t, MAX (nc, (size_t) 1));
  for (size_t s = 0; s < train->n_series; s++)
    {
      const float *x = td_dataset_series (train, s);
      size_t len = td_dataset_length (train, s);
      for (size_t t = 0; t < len; t++)
        for (size_t c = 0; c < nc; c++)
          if (!isnan (x[t * nc + c]))
            {
              sum[c] += x[t * nc + c];
              count[c]++;
            }
    }
  remember_channels (self, train);
  g_free (self->train_mean);
  self->train_mean = g_new (double, MAX (nc, (size_t) 1));
  for (size_t c = 0; c < nc; c++)
    self->train_mean[c] = count[c] ? sum[c] / (double) count[c] : NAN;
  g_free (self->fit_ids);
  self->n_fit = train->n_series;
  self->fit_ids = g_memdup2 (train->series_id, MAX (train->n_series, (size_t) 1) * sizeof (gint64));
  self->fitted = TRUE;
  return TRUE;
}

static gboolean
is_fitted_split (const TdFeature *self, const TdDataset *in)
{
  return self->fit_ids && in->n_series == self->n_fit
         && memcmp (in->series_id, self->fit_ids, in->n_series * sizeof (gint64)) == 0;
}

/* Add this stage's per-series counts to the "missing_filled" column. */
static void
record_filled (TdDataset *out, const double *filled)
{
  TdMetaColumn *col = (TdMetaColumn *) td_dataset_find_meta (out, FILLED_COLUMN);
  if (!col || !col->num)
    {
      /* Counted from the series themselves: an input the next stage may read. */
      td_dataset_add_meta_num (out, FILLED_COLUMN, filled)->role = TD_META_INPUT;
      return;
    }
  for (size_t s = 0; s < out->n_series; s++)
    col->num[s] += filled[s];
}

static TdDataset *
refuse_nan (const TdDataset *in, GError **error)
{
  const size_t nc = in->n_channels;
  size_t n_nan = 0, n_series = 0;
  size_t first_s = 0, first_t = 0, first_c = 0;
  for (size_t s = 0; s < in->n_series; s++)
    {
      const float *x = td_dataset_series (in, s);
      size_t len = td_dataset_length (in, s), before = n_nan;
      for (size_t i = 0; i < len * nc; i++)
        if (isnan (x[i]) && n_nan++ == 0)
          first_s = s, first_t = i / nc, first_c = i % nc;
      n_series += n_nan > before;
    }
  if (n_nan == 0)
    return td_dataset_ref ((TdDataset *) in);
  char buf[TD_CHANNEL_NAME_BUF];
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
               "missing: series %" G_GINT64_FORMAT " has NaN in channel \"%s\" at step %zu "
               "(%zu NaN values in %zu of %zu series; policy refuses missing values)",
               in->series_id[first_s], td_dataset_channel_name (in, first_c, buf), first_t, n_nan,
               n_series, in->n_series);
  return NULL;
}

/* Forward fill one channel of one series in place; returns the number of
 * values filled, or -1 when the channel has no valid value and no fallback. */
static gssize
ffill_channel (float *x, size_t len, size_t nc, size_t c, double fallback)
{
  size_t first = 0;
  while (first < len && isnan (x[first * nc + c]))
    first++;
  gssize filled = 0;
  if (first == len)
    {
      if (len == 0)
        return 0;
      if (isnan (fallback))
        return -1;
      for (size_t t = 0; t < len; t++)
        x[t * nc + c] = (float) fallback;
      return (gssize) len;
    }
  for (size_t t = 0; t < first; t++)
    x[t * nc + c] = x[first * nc + c];
  filled += (gssize) first;
  for (size_t t = first + 1; t < len; t++)
    if (isnan (x[t * nc + c]))
      {
        x[t * nc + c] = x[(t - 1) * nc + c];
        filled++;
      }
  return filled;
}

static TdDataset *
forward_fill (const TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
{
  const size_t nc = in->n_channels;
  g_autoptr (TdDataset) out = td_dataset_new_like (in, in->n_steps, nc);
  memcpy (out->x, in->x, in->n_series * in->n_steps * nc * sizeof (float));
  for (size_t c = 0; c < nc; c++)
    td_dataset_set_channel_name (out, c, in->channel_names[c]);
  g_autofree double *filled = g_new0 (double, MAX (in->n_series, (size_t) 1));
  size_t total = 0, n_series = 0;
  for (size_t s = 0; s < in->n_series; s++)
    {
      if (s % 256 == 0 && td_context_cancelled (ctx))
        {
          g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED,
                               "missing: cancelled");
          return NULL;
        }
      float *x = td_dataset_series (out, s);
      size_t len = td_dataset_length (in, s);
      for (size_t c = 0; c < nc; c++)
        {
          double fallback = self->fitted && self->empty_from_train ? self->train_mean[c] : NAN;
          gssize k = ffill_channel (x, len, nc, c, fallback);
          if (k < 0)
            {
              char buf[TD_CHANNEL_NAME_BUF];
              g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "missing: series %" G_GINT64_FORMAT " has no valid value in "
                           "channel \"%s\" to fill from (%s)", in->series_id[s],
                           td_dataset_channel_name (in, c, buf),
                           !self->empty_from_train ? "empty: error"
                           : self->fitted ? "the training split had none either"
                                          : "not fitted, so no training mean");
              return NULL;
            }
          filled[s] += (double) k;
        }
      total += (size_t) filled[s];
      n_series += filled[s] > 0;
    }
  record_filled (out, filled);
  td_context_log (ctx, total ? G_LOG_LEVEL_MESSAGE : G_LOG_LEVEL_DEBUG,
                  "missing: filled %zu values in %zu of %zu series", total, n_series,
                  in->n_series);
  return g_steal_pointer (&out);
}

static TdDataset *
drop_series (const TdDataset *in, TdContext *ctx, GError **error)
{
  const size_t nc = in->n_channels;
  g_autofree size_t *keep = g_new (size_t, MAX (in->n_series, (size_t) 1));
  size_t n = 0;
  for (size_t s = 0; s < in->n_series; s++)
    {
      const float *x = td_dataset_series (in, s);
      size_t len = td_dataset_length (in, s), i = 0;
      while (i < len * nc && !isnan (x[i]))
        i++;
      if (i == len * nc)
        keep[n++] = s;
    }
  if (n == 0 && in->n_series > 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "missing: every one of the %zu training series has a NaN; nothing is "
                   "left after policy drop (use ffill)", in->n_series);
      return NULL;
    }
  TdDataset *out = td_dataset_subset (in, keep, n);
  g_autofree double *zero = g_new0 (double, MAX (n, (size_t) 1));
  record_filled (out, zero);
  td_context_log (ctx, n < in->n_series ? G_LOG_LEVEL_MESSAGE : G_LOG_LEVEL_DEBUG,
                  "missing: dropped %zu of %zu training series (NaN)", in->n_series - n,
                  in->n_series);
  return out;
}

static TdDataset *
missing_transform (TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
{
  if (!td_dataset_check_lengths (in, "missing", error) || !check_channels (self, in, error))
    return NULL;
  Policy p = self->policy;
  if (p == POLICY_DROP)
    p = is_fitted_split (self, in) ? POLICY_DROP : self->otherwise;
  switch (p)
    {
    case POLICY_ERROR:
      {
        /* Still a new dataset with the counts column, so every split looks alike. */
        g_autoptr (TdDataset) ok = refuse_nan (in, error);
        return ok ? forward_fill (self, ok, ctx, error) : NULL;
      }
    case POLICY_DROP:
      return drop_series (in, ctx, error);
    case POLICY_FFILL:
      break;
    }
  return forward_fill (self, in, ctx, error);
}

static gboolean
missing_save (TdFeature *self, const char *path, GError **error)
{
  if (!self->fitted)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "missing: nothing to save before fit");
      return FALSE;
    }
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_set_integer (kf, "missing", "format", MISSING_FORMAT);
  g_key_file_set_string_list (kf, "missing", "channels",
                              (const char *const *) self->channel_names, self->n_channels);
  g_key_file_set_double_list (kf, "missing", "train_mean", self->train_mean,
                              self->n_channels);
  GError *local = NULL;
  gsize len = 0;
  g_autofree char *text = g_key_file_to_data (kf, &len, NULL);
  if (!td_file_write_atomic (path, text, (gssize) len, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, "missing: %s", local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static TdFeature *
missing_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *local = NULL;
  gsize n_names = 0, n_means = 0;
  g_auto (GStrv) names = NULL;
  g_autofree double *means = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local)
      || g_key_file_get_integer (kf, "missing", "format", &local) != MISSING_FORMAT
      || !(names = g_key_file_get_string_list (kf, "missing", "channels", &n_names, &local))
      || !(means = g_key_file_get_double_list (kf, "missing", "train_mean", &n_means, &local))
      || n_names != n_means)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "missing: %s is not a saved missing stage (format %d): %s", path,
                   MISSING_FORMAT, local ? local->message : "bad format or column counts");
      g_clear_error (&local);
      return NULL;
    }
  TdFeature *self = missing_create (params, ctx, error);
  if (!self)
    return NULL;
  self->fitted = TRUE;
  self->n_channels = n_names;
  self->channel_names = g_steal_pointer (&names);
  self->train_mean = g_steal_pointer (&means);
  return self;
}

static const TdParamSpec missing_params[] = {
  { .name = "policy", .type = TD_PARAM_ENUM, .default_value = "ffill",
    .choices = policy_choices,
    .help = "ffill: carry the last valid value forward (leading NaNs take the first valid "
            "value); drop: remove training series with any NaN; error: refuse NaN" },
  { .name = "drop_otherwise", .type = TD_PARAM_ENUM, .default_value = "ffill",
    .choices = otherwise_choices,
    .help = "with policy drop, what happens to NaN outside the training split (valid, test, "
            "new data), where series cannot be dropped: ffill or error" },
  { .name = "empty", .type = TD_PARAM_ENUM, .default_value = "train_mean",
    .choices = empty_choices,
    .help = "a channel with no valid value in a series: fill with the channel's training "
            "mean, or error" },
};

static const TdFeatureVTable missing_vtable = {
  .role = TD_FEATURE_TRANSFORM,
  .accepts = TD_DATA_SEQUENCE,
  .create = missing_create,
  .fit = missing_fit,
  .transform = missing_transform,
  .destroy = missing_destroy,
  .save = missing_save,
  .load = missing_load,
};

static const TdPluginDescriptor missing_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = "missing",
  .version = "1.0.0",
  .summary = "missing values in sequences: forward fill, drop (training series) or refuse; "
             "counts in metadata column missing_filled",
  .params = missing_params,
  .n_params = G_N_ELEMENTS (missing_params),
  .vtable = &missing_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &missing_descriptor : NULL;
}
