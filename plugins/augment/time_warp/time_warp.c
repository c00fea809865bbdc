/* time_warp — copies of the selected training series played at a smoothly
 * varying speed: a random monotone warp of the time axis, interpolated with
 * a cubic spline through random knots. Lengths are preserved and the first
 * and last valid steps keep their values.
 *
 * For a series of L valid steps the knots sit at t_j = j (L-1) / (K+1),
 * j = 0..K+1 (K = `knots` interior knots). Segment j gets a speed
 * v_j = exp(sigma z_j), z_j ~ N(0, 1) (log-normal, so always positive, with
 * median 1); the warped knot positions are w_0 = 0 and
 * w_{j+1} = w_j + v_j (t_{j+1} - t_j), rescaled so that w_{K+1} = L - 1.
 * The warp path w(t) is GSL's Steffen spline through (t_j, w_j): piecewise
 * cubic, C1, and monotone between monotone data (a natural cubic spline can
 * overshoot, which would run time backwards). The copy is
 * x'(t) = x(w(t)), read by linear interpolation between steps; w(0) = 0 and
 * w(L-1) = L-1 are set exactly. Padding is left as it was.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_spline.h>
#include <math.h>

#include "augment_common.h"

#define WHO "time_warp"

/* The warp path w[0..len) for one series (len >= 2). */
static gboolean
warp_path (gsl_rng *rng, size_t n_knots, double sigma, size_t len, double *w, GError **error)
{
  size_t m = n_knots + 2;
  g_autofree double *kt = g_new (double, m);
  g_autofree double *kw = g_new (double, m);
  double last = (double) (len - 1);
  for (size_t j = 0; j < m; j++)
    kt[j] = last * (double) j / (double) (m - 1);
  kw[0] = 0;
  for (size_t j = 0; j + 1 < m; j++)
    kw[j + 1] = kw[j] + exp (sigma * gsl_ran_gaussian_ziggurat (rng, 1.0)) * (kt[j + 1] - kt[j]);
  double scale = last / kw[m - 1];
  for (size_t j = 1; j < m; j++)
    kw[j] *= scale;
  kw[m - 1] = last;

  gsl_interp *interp = gsl_interp_alloc (gsl_interp_steffen, m);
  gsl_interp_accel *acc = gsl_interp_accel_alloc ();
  int status = interp && acc ? gsl_interp_init (interp, kt, kw, m) : GSL_ENOMEM;
  for (size_t t = 0; status == GSL_SUCCESS && t < len; t++)
    {
      double v;
      status = gsl_interp_eval_e (interp, kt, kw, MIN ((double) t, last), acc, &v);
      w[t] = CLAMP (v, 0.0, last);
    }
  if (interp)
    gsl_interp_free (interp);
  if (acc)
    gsl_interp_accel_free (acc);
  if (status != GSL_SUCCESS)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   WHO ": spline through %zu knots failed: %s", m, gsl_strerror (status));
      return FALSE;
    }
  w[0] = 0;
  w[len - 1] = last;
  /* Steffen's spline is monotone in exact arithmetic; make rounding agree. */
  for (size_t t = 1; t < len; t++)
    if (w[t] < w[t - 1])
      w[t] = w[t - 1];
  return TRUE;
}

static TdDataset *
time_warp_apply (const TdParams *params, const TdDataset *train, TdContext *ctx, GError **error)
{
  if (!aug_check_input (train, WHO, 2, error))
    return NULL;
  g_autoptr (GArray) sel = aug_select (train, td_params_get_string (params, "apply_to"), WHO,
                                       error);
  if (!sel)
    return NULL;
  gsl_rng *rng = td_context_rng (ctx);
  size_t n_added = 0;
  g_autofree size_t *src = aug_draw_sources (sel, td_params_get_double (params, "ratio"), rng,
                                             &n_added);
  g_autoptr (TdDataset) out = aug_build (train, src, n_added, WHO, error);
  if (!out)
    return NULL;

  double sigma = td_params_get_double (params, "sigma");
  size_t n_knots = (size_t) td_params_get_int (params, "knots");
  size_t nc = train->n_channels;
  g_autofree double *w = g_new (double, train->n_steps);
  for (size_t k = 0; k < n_added; k++)
    {
      if (k % 64 == 0 && td_context_cancelled (ctx))
        {
          aug_cancelled (WHO, error);
          return NULL;
        }
      size_t row = train->n_series + k;
      size_t len = td_dataset_length (out, row);
      if (len < 2)
        continue;   /* nothing to warp: the copy stays as it is */
      if (!warp_path (rng, n_knots, sigma, len, w, error))
        return NULL;
      const float *x = td_dataset_series (train, src[k]);
      float *y = td_dataset_series (out, row);
      for (size_t t = 0; t < len; t++)
        for (size_t c = 0; c < nc; c++)
          y[t * nc + c] = (float) aug_sample_at (x, len, nc, c, w[t]);
    }
  return g_steal_pointer (&out);
}

static const TdParamSpec time_warp_params[] = {
  AUG_COMMON_PARAMS,
  { .name = "sigma", .type = TD_PARAM_DOUBLE, .default_value = "0.2", .min = 0, .max = 2,
    .help = "log-sd of each segment's speed, v = exp(sigma z): 0 = no warp" },
  { .name = "knots", .type = TD_PARAM_INT, .default_value = "4", .min = 1, .max = 1000,
    .help = "interior knots of the warp spline (segments = knots + 1)" },
};

static const TdAugmentVTable time_warp_vtable = {
  .apply = time_warp_apply,
};

static const TdPluginDescriptor time_warp_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_AUGMENT,
  .name = "time_warp",
  .version = "1.0.0",
  .summary = "copies on a smooth random monotone time warp (Steffen spline through knots)",
  .params = time_warp_params,
  .n_params = G_N_ELEMENTS (time_warp_params),
  .vtable = &time_warp_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &time_warp_descriptor : NULL;
}
