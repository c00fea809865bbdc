/* window — run a feature extractor on the end of each series, or on sliding
 * windows aggregated over the series.
 *
 * `inner` names the extractor (statistical, stability, duration,
 * interaction, spectral); `inner_params` holds its parameters as a mapping
 * ({stats: [mean, max]}), which the core checks against that extractor's
 * specs when the experiment loads (TD_PARAM_PARAMS). The extractors come
 * from their plugins' static libraries (see meson.build), so window needs
 * no registry: it dispatches by name through feat_plugins.h.
 *
 * Region: the last `last_minutes` of each series' valid steps (all of them
 * when 0 or when the series is shorter), N = round(last_minutes · 60 /
 * sample_seconds) steps.
 *
 *   window_minutes = 0   the inner extractor runs once on the region;
 *                        columns "<inner column>.last_<N>min"
 *                        ("mold_level.max.last_10min")
 *   window_minutes > 0   windows of W = round(window_minutes · 60 /
 *                        sample_seconds) steps, stepped back from the end of
 *                        the series by S = round(stride_minutes · 60 /
 *                        sample_seconds) steps (stride 0 = W, no overlap)
 *                        while they start inside the region; a region shorter
 *                        than W is one (shorter) window. Each inner column is
 *                        aggregated over a series' windows by `aggregate`
 *                        (max, mean): "<inner column>.win_<W>min_max", with
 *                        "last_<N>min_" before "win" when last_minutes > 0.
 *                        A NaN in any window gives NaN.
 *
 * Windows are aligned to the end of the series so the most recent data is
 * always in one. A stateful inner extractor is fitted on the training
 * series' windows (the same windows transform uses), never on valid/test;
 * its fitted state is what save/load writes (in the inner's own format).
 * A series with no valid step gives one empty window (inner NaN policy).
 */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "feat_common.h"
#include "feat_plugins.h"

#define PLUGIN "window"

static const char *const inner_choices[] = {
  "statistical", "stability", "duration", "interaction", "spectral", NULL
};
static const char *const aggregate_choices[] = { "max", "mean", NULL };

/* Values per block of windows handed to the inner extractor at once: bounds
 * the copy while keeping blocks large enough for the inner's threads. */
#define BLOCK_VALUES ((size_t) 1 << 24)

struct TdFeature {
  const TdPluginDescriptor *inner_desc;
  const TdFeatureVTable *iv;
  TdParams *inner_params;
  TdFeature *inner;
  size_t last_steps;        /* 0 = whole series */
  size_t win_steps;         /* 0 = no sliding windows */
  size_t stride_steps;
  gboolean agg_max, agg_mean;
  char *suffix;             /* "last_10min", "win_5min", "last_60min_win_5min" */
};

static void
window_destroy (TdFeature *self)
{
  if (!self)
    return;
  if (self->inner)
    self->iv->destroy (self->inner);
  if (self->inner_params)
    td_params_free (self->inner_params);
  g_free (self->suffix);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TdFeature, window_destroy)

static const TdPluginDescriptor *
inner_by_name (const char *name)
{
  if (g_str_equal (name, "statistical"))
    return feat_statistical_descriptor ();
  if (g_str_equal (name, "stability"))
    return feat_stability_descriptor ();
  if (g_str_equal (name, "duration"))
    return feat_duration_descriptor ();
  if (g_str_equal (name, "interaction"))
    return feat_interaction_descriptor ();
  if (g_str_equal (name, "spectral"))
    return feat_spectral_descriptor ();
  return NULL;
}

static size_t
minutes_to_steps (double minutes, double sample_seconds)
{
  double steps = round (minutes * 60.0 / sample_seconds);
  return steps < 1.0 ? (minutes > 0.0 ? 1 : 0) : (size_t) steps;
}

static TdFeature *
window_create (const TdParams *params, TdContext *ctx, GError **error)
{
  g_autoptr (TdFeature) self = g_new0 (TdFeature, 1);
  const char *name = td_params_get_string (params, "inner");
  self->inner_desc = inner_by_name (name);
  if (!self->inner_desc)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   PLUGIN ": unknown inner extractor \"%s\"", name);
      return NULL;
    }
  self->iv = self->inner_desc->vtable;
  self->inner_params = td_params_get_params (params, "inner_params", self->inner_desc->params,
                                             self->inner_desc->n_params, error);
  if (!self->inner_params)
    {
      g_prefix_error (error, PLUGIN ": inner %s: ", self->inner_desc->name);
      return NULL;
    }

  double dt = td_params_get_double (params, "sample_seconds");
  double last = td_params_get_double (params, "last_minutes");
  double win = td_params_get_double (params, "window_minutes");
  double stride = td_params_get_double (params, "stride_minutes");
  if (last == 0.0 && win == 0.0)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           PLUGIN ": set last_minutes or window_minutes (or both)");
      return NULL;
    }
  self->last_steps = minutes_to_steps (last, dt);
  self->win_steps = minutes_to_steps (win, dt);
  self->stride_steps = stride > 0.0 ? minutes_to_steps (stride, dt) : self->win_steps;

  size_t n = 0;
  const char *const *agg = td_params_get_string_list (params, "aggregate", &n);
  for (size_t i = 0; i < n; i++)
    {
      self->agg_max |= g_str_equal (agg[i], "max");
      self->agg_mean |= g_str_equal (agg[i], "mean");
    }
  if (self->win_steps && !self->agg_max && !self->agg_mean)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           PLUGIN ": aggregate is empty; choose max and/or mean");
      return NULL;
    }

  g_autofree char *lt = feat_number_token (last);
  g_autofree char *wt = feat_number_token (win);
  if (self->last_steps && self->win_steps)
    self->suffix = g_strdup_printf ("last_%smin_win_%smin", lt, wt);
  else if (self->last_steps)
    self->suffix = g_strdup_printf ("last_%smin", lt);
  else
    self->suffix = g_strdup_printf ("win_%smin", wt);

  self->inner = self->iv->create (self->inner_params, ctx, error);
  if (!self->inner)
    {
      g_prefix_error (error, PLUGIN ": inner %s: ", self->inner_desc->name);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/* ------------------------------------------------------------- windows */

/* Window starts and lengths of series s (appended to starts/lens), newest
 * first. */
static void
series_windows (const TdFeature *self, size_t len, GArray *starts, GArray *lens)
{
  size_t region = self->last_steps && self->last_steps < len ? self->last_steps : len;
  size_t r0 = len - region;
  if (self->win_steps == 0 || region <= self->win_steps)
    {
      size_t w = region;
      g_array_append_val (starts, r0);
      g_array_append_val (lens, w);
      return;
    }
  size_t w = self->win_steps;
  for (size_t end = len; end >= r0 + w; end -= self->stride_steps)
    {
      size_t st = end - w;
      g_array_append_val (starts, st);
      g_array_append_val (lens, w);
      if (end < self->stride_steps)
        break;
    }
}

/* Windows of series [s0, s1) as a dataset; first[s - s0] is the index of
 * series s's first window, first[s1 - s0] the total. */
static TdDataset *
build_windows (const TdFeature *self, const TdDataset *in, size_t s0, size_t s1, size_t *first)
{
  g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (size_t));
  g_autoptr (GArray) lens = g_array_new (FALSE, FALSE, sizeof (size_t));
  size_t max_len = 1;
  for (size_t s = s0; s < s1; s++)
    {
      first[s - s0] = starts->len;
      series_windows (self, td_dataset_length (in, s), starts, lens);
    }
  first[s1 - s0] = starts->len;
  for (guint i = 0; i < lens->len; i++)
    max_len = MAX (max_len, g_array_index (lens, size_t, i));

  size_t C = in->n_channels, nw = starts->len;
  TdDataset *w = td_dataset_new (nw, max_len, C, in->task, in->n_classes);
  for (size_t c = 0; c < C; c++)
    {
      char cb[TD_CHANNEL_NAME_BUF];
      const char *name = td_dataset_channel_name (in, c, cb);
      td_dataset_set_channel_name (w, c, name);
    }
  w->lengths = g_new (guint32, MAX (nw, (size_t) 1));
  for (size_t s = s0; s < s1; s++)
    for (size_t k = first[s - s0]; k < first[s - s0 + 1]; k++)
      {
        size_t st = g_array_index (starts, size_t, k), n = g_array_index (lens, size_t, k);
        memcpy (td_dataset_series (w, k), td_dataset_series (in, s) + st * C,
                n * C * sizeof (float));
        w->lengths[k] = (guint32) n;
        w->y[k] = in->y[s];
        w->series_id[k] = in->series_id[s];
        w->group[k] = in->group[s];
      }
  return w;
}

/* Series per block so one block's windows hold about BLOCK_VALUES values. */
static size_t
block_series (const TdFeature *self, const TdDataset *in)
{
  size_t per_series = MAX (in->n_steps * in->n_channels, (size_t) 1);
  if (self->win_steps && self->stride_steps && self->win_steps > self->stride_steps)
    per_series = per_series / self->stride_steps * self->win_steps + 1;
  return MAX (BLOCK_VALUES / per_series, (size_t) 1);
}

/* --------------------------------------------------------- fit/transform */

static gboolean
window_fit (TdFeature *self, const TdDataset *train, TdContext *ctx, GError **error)
{
  if (!td_dataset_check_lengths (train, PLUGIN, error))
    return FALSE;
  if (!self->iv->fit)
    return TRUE;
  g_autofree size_t *first = g_new (size_t, train->n_series + 1);
  g_autoptr (TdDataset) w = build_windows (self, train, 0, train->n_series, first);
  if (!self->iv->fit (self->inner, w, ctx, error))
    {
      g_prefix_error (error, PLUGIN ": inner %s: ", self->inner_desc->name);
      return FALSE;
    }
  return TRUE;
}

static TdDataset *
window_transform (TdFeature *self, const TdDataset *in, TdContext *ctx, GError **error)
{
  if (!td_dataset_check_lengths (in, PLUGIN, error))
    return NULL;
  size_t N = in->n_series, block = block_series (self, in);
  gboolean sliding = self->win_steps > 0;
  size_t n_agg = sliding ? (size_t) self->agg_max + (size_t) self->agg_mean : 1;
  g_autoptr (TdDataset) out = NULL;
  size_t K = 0;

  g_autofree size_t *first = g_new (size_t, MIN (block, MAX (N, (size_t) 1)) + 1);
  for (size_t s0 = 0; s0 < N || (N == 0 && s0 == 0); s0 += block)
    {
      size_t s1 = MIN (s0 + block, N);
      g_autoptr (TdDataset) w = build_windows (self, in, s0, s1, first);
      g_autoptr (TdDataset) f = self->iv->transform (self->inner, w, ctx, error);
      if (!f)
        {
          g_prefix_error (error, PLUGIN ": inner %s: ", self->inner_desc->name);
          return NULL;
        }
      if (!out)
        {
          K = f->n_channels;
          out = td_dataset_new_like (in, 1, K * n_agg);
          for (size_t k = 0; k < K; k++)
            {
              if (!sliding)
                {
                  g_autofree char *name = g_strdup_printf ("%s.%s", f->channel_names[k],
                                                           self->suffix);
                  td_dataset_set_channel_name (out, k, name);
                  continue;
                }
              size_t j = 0;
              if (self->agg_max)
                {
                  g_autofree char *name = g_strdup_printf ("%s.%s_max", f->channel_names[k],
                                                           self->suffix);
                  td_dataset_set_channel_name (out, k * n_agg + j++, name);
                }
              if (self->agg_mean)
                {
                  g_autofree char *name = g_strdup_printf ("%s.%s_mean", f->channel_names[k],
                                                           self->suffix);
                  td_dataset_set_channel_name (out, k * n_agg + j, name);
                }
            }
        }
      if (N == 0)
        break;
      for (size_t s = s0; s < s1; s++)
        {
          float *dst = td_dataset_series (out, s);
          size_t a = first[s - s0], b = first[s - s0 + 1];
          for (size_t k = 0; k < K; k++)
            {
              double mx = -INFINITY, sum = 0.0;
              gboolean nan = FALSE;
              for (size_t i = a; i < b; i++)
                {
                  double v = td_dataset_series (f, i)[k];
                  nan |= isnan (v);
                  mx = v > mx ? v : mx;
                  sum += v;
                }
              if (!sliding)
                {
                  dst[k] = td_dataset_series (f, a)[k];
                  continue;
                }
              size_t j = 0;
              if (self->agg_max)
                dst[k * n_agg + j++] = nan ? NAN : (float) mx;
              if (self->agg_mean)
                dst[k * n_agg + j] = nan ? NAN : (float) (sum / (double) (b - a));
            }
        }
    }
  return g_steal_pointer (&out);
}

/* ----------------------------------------------------------- save/load */

static gboolean
window_save (TdFeature *self, const char *path, GError **error)
{
  if (self->iv->save)
    return self->iv->save (self->inner, path, error);
  /* a stateless inner: a marker, so every saved pipeline stage has a file */
  g_autofree char *text = g_strdup_printf ("[window]\nformat=1\ninner=%s\nstateless=true\n",
                                           self->inner_desc->name);
  GError *e = NULL;
  if (!td_file_write_atomic (path, text, -1, &e))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, PLUGIN ": %s", e->message);
      g_error_free (e);
      return FALSE;
    }
  return TRUE;
}

static TdFeature *
window_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autoptr (TdFeature) self = window_create (params, ctx, error);
  if (!self)
    return NULL;
  if (self->iv->load)
    {
      TdFeature *inner = self->iv->load (self->inner_params, path, ctx, error);
      if (!inner)
        return NULL;
      self->iv->destroy (self->inner);
      self->inner = inner;
      return g_steal_pointer (&self);
    }
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  GError *e = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &e))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO, PLUGIN ": %s: %s", path,
                   e->message);
      g_error_free (e);
      return NULL;
    }
  g_autofree char *inner = g_key_file_get_string (kf, "window", "inner", NULL);
  if (g_strcmp0 (inner, self->inner_desc->name) != 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   PLUGIN ": %s was saved for inner %s, not %s", path, inner ? inner : "(none)",
                   self->inner_desc->name);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/* ---------------------------------------------------------- descriptor */

static const TdParamSpec window_params[] = {
  { .name = "inner", .type = TD_PARAM_ENUM, .default_value = "statistical",
    .choices = inner_choices, .help = "the feature extractor run on the windows" },
  { .name = "inner_params", .type = TD_PARAM_PARAMS, .default_value = "{}",
    .params_of = "inner",
    .help = "the inner extractor's parameters, a mapping such as {stats: [mean, max]}" },
  { .name = "last_minutes", .type = TD_PARAM_DOUBLE, .default_value = "10", .min = 0,
    .max = 1e9, .help = "use only the last N minutes of each series (0 = all of it)" },
  { .name = "window_minutes", .type = TD_PARAM_DOUBLE, .default_value = "0", .min = 0,
    .max = 1e9, .help = "sliding window length in minutes (0 = one window: the region)" },
  { .name = "stride_minutes", .type = TD_PARAM_DOUBLE, .default_value = "0", .min = 0,
    .max = 1e9, .help = "step between sliding windows (0 = window_minutes, no overlap)" },
  { .name = "aggregate", .type = TD_PARAM_STRING_LIST, .default_value = "[max, mean]",
    .choices = aggregate_choices, .help = "how sliding windows' features are combined per series" },
  { .name = "sample_seconds", .type = TD_PARAM_DOUBLE, .default_value = "1", .min = 1e-9,
    .max = 1e9, .help = "seconds per step" },
};

static const TdFeatureVTable window_vtable = {
  .role = TD_FEATURE_EXTRACT,
  .accepts = TD_DATA_SEQUENCE,
  .create = window_create,
  .fit = window_fit,
  .transform = window_transform,
  .destroy = window_destroy,
  .save = window_save,
  .load = window_load,
};

static const TdPluginDescriptor window_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_FEATURE,
  .name = PLUGIN,
  .version = "1.0.0",
  .summary = "a feature extractor on the last N minutes of each series or on sliding windows "
             "aggregated by max/mean",
  .params = window_params,
  .n_params = G_N_ELEMENTS (window_params),
  .vtable = &window_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &window_descriptor : NULL;
}
