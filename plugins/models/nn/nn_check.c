/* nn_check.c — finite-difference gradient checks of any NnNet
 * (nn_check_gradients, see tundish/nn.h). */
#include <float.h>
#include <math.h>
#include <string.h>

#include <tundish/nn.h>

NnGradcheckReport *
nn_gradcheck_report_new (void)
{
  NnGradcheckReport *rep = g_new0 (NnGradcheckReport, 1);
  rep->rows = g_array_new (FALSE, TRUE, sizeof (NnGradcheckRow));
  rep->ok = TRUE;
  return rep;
}

void
nn_gradcheck_report_free (NnGradcheckReport *rep)
{
  if (!rep)
    return;
  g_array_unref (rep->rows);
  g_free (rep);
}

static float *
dup_floats (const float *a, size_t n)
{
  float *d = g_new (float, MAX (n, 1));
  if (n)
    memcpy (d, a, n * sizeof (float));
  return d;
}

typedef struct {
  const NnNet *net;
  const float *S;
  size_t T, B;
  const guint32 *len;
  void *tape;
  const double *w;           /* [B,K] */
  size_t K;                  /* outputs per sequence */
  double f_scale;            /* Σ_bk |w_bk logit_bk| at the unperturbed point */
} Probe;

/* f = Σ_bk w_bk logit_bk at parameters P and input x, eval mode, in double. */
static double
probe_f (const Probe *pr, const float *P, const float *x)
{
  const float *z = pr->net->forward (pr->net->self, P, pr->S, pr->tape, pr->T, pr->B, x,
                                     pr->len, FALSE, 0);
  double f = 0;
  for (size_t b = 0; b < pr->B * pr->K; b++)
    f += pr->w[b] * (double) z[b];
  return f;
}

/* A ±1 direction over n elements, 0 where mask says the element is not
 * checked. first: the signs of g, the direction along which the derivative
 * is largest (Σ|g_i|), so a wrong gradient shows farthest above the noise. */
static void
draw_direction (uint64_t *rng, size_t n, const guint8 *mask, const float *g, gboolean first,
                double *v)
{
  for (size_t i = 0; i < n; i++)
    {
      const gboolean coin = (nn_rng_next (rng) >> 63) != 0;
      v[i] = mask && !mask[i] ? 0 : first && g[i] != 0 ? (g[i] > 0 ? 1.0 : -1.0)
           : coin ? 1.0 : -1.0;
    }
}

/* (f(a + h v) - f(a - h v)) / 2h with a ± h v rounded to float; *taken gets
 * Σ g_i (up_i - down_i) / 2h, the analytic derivative along the step
 * actually taken, so float rounding of the step is no error. */
static double
central_difference (const Probe *pr, float *P, float *x, float *a, const float *saved,
                    const float *g, const double *v, size_t n, double h, float *up,
                    float *down, double *taken)
{
  double analytic = 0;
  for (size_t i = 0; i < n; i++)
    {
      up[i] = (float) ((double) saved[i] + h * v[i]);
      down[i] = (float) ((double) saved[i] - h * v[i]);
      analytic += (double) g[i] * ((double) up[i] - (double) down[i]);
    }
  *taken = analytic / (2 * h);
  memcpy (a, up, n * sizeof (float));
  const double fp = probe_f (pr, P, x);
  memcpy (a, down, n * sizeof (float));
  const double fm = probe_f (pr, P, x);
  memcpy (a, saved, n * sizeof (float));
  return (fp - fm) / (2 * h);
}

/* `directions` directional checks of one array a [n] (one tensor's
 * parameters, or the input) whose analytic gradient is g [n]; the row
 * keeps the worst. The float32 forward's own noise in a central difference
 * is estimated from the same difference at half the step (rounding noise
 * grows as the step shrinks, truncation error falls), plus two ulps of f
 * over the step: it only says how small a derivative can be checked, and
 * depends on the forward alone, so no backward mistake can widen it. */
static NnGradcheckRow
check_array (const Probe *pr, float *P, float *x, float *a, const float *g, size_t n,
             const guint8 *mask, const NnGradcheckOptions *o, uint64_t *rng, const char *name)
{
  NnGradcheckRow row = { .ok = TRUE };
  g_strlcpy (row.name, name, sizeof row.name);
  g_autofree double *v = g_new (double, MAX (n, 1));
  g_autofree float *saved = dup_floats (a, n);
  g_autofree float *up = g_new (float, MAX (n, 1));
  g_autofree float *down = g_new (float, MAX (n, 1));
  const double base_noise = 2 * FLT_EPSILON * pr->f_scale / (2 * o->eps);
  double worst = -1;
  for (int d = 0; d < o->directions; d++)
    {
      draw_direction (rng, n, mask, g, d == 0, v);
      double analytic, analytic_half;
      const double numeric = central_difference (pr, P, x, a, saved, g, v, n, o->eps, up, down,
                                                 &analytic);
      const double half = central_difference (pr, P, x, a, saved, g, v, n, o->eps / 2, up, down,
                                              &analytic_half);
      const double noise = base_noise + fabs (numeric - half);
      const double err = fabs (analytic - numeric);
      const double allowed = o->tol * MAX (fabs (analytic), fabs (numeric)) + noise;
      const double rel = err / MAX (MAX (fabs (analytic), fabs (numeric)), 1e-30);
      if (err > allowed)
        row.ok = FALSE;
      /* the worst direction: the largest error beyond what is allowed */
      const double badness = err - allowed;
      if (d == 0 || badness > worst)
        {
          worst = badness;
          row.analytic = analytic;
          row.numeric = numeric;
          row.noise = noise;
          row.rel_err = rel;
        }
    }
  return row;
}

gboolean
nn_check_gradients (const NnNet *net, const float *P, const float *S, size_t T, size_t B,
                    size_t C, const float *x, const guint32 *len,
                    const NnGradcheckOptions *opt, NnGradcheckReport *rep)
{
  NnGradcheckOptions o = opt ? *opt : (NnGradcheckOptions) { 0 };
  o.eps = o.eps > 0 ? o.eps : 1e-3;
  o.tol = o.tol > 0 ? o.tol : 1e-2;
  o.directions = o.directions > 0 ? o.directions : 4;

  const size_t np = net->params->total;
  g_autofree float *Pw = dup_floats (P, np);
  g_autofree float *xw = dup_floats (x, T * B * C);
  const size_t K = MAX (net->n_outputs, (size_t) 1);
  g_autofree double *w = g_new (double, MAX (B * K, 1));
  uint64_t rng = nn_seed_mix (o.seed, 0x4743, 0, 0);
  for (size_t b = 0; b < B * K; b++)
    w[b] = 2 * nn_rng_uniform (&rng) - 1;
  Probe pr = { net, S, T, B, len, net->tape_new (net->self, T, B), w, K, 0 };

  /* analytic: one forward, backward of dlogits = w */
  g_autofree float *G = g_new0 (float, MAX (np, 1));
  g_autofree float *dx = g_new0 (float, MAX (T * B * C, 1));
  g_autofree float *wz = g_new (float, MAX (B * K, 1));
  for (size_t b = 0; b < B * K; b++)
    wz[b] = (float) w[b];
  const float *z = net->forward (net->self, Pw, S, pr.tape, T, B, xw, len, FALSE, 0);
  for (size_t b = 0; b < B * K; b++)
    pr.f_scale += fabs (w[b] * (double) z[b]);
  net->backward (net->self, Pw, G, pr.tape, wz, dx);

  rep->max_rel_err = 0;
  rep->ok = TRUE;
  for (size_t k = 0; k < net->params->n; k++)
    {
      const NnTensor *t = &net->params->t[k];
      NnGradcheckRow row = check_array (&pr, Pw, xw, Pw + t->offset, G + t->offset, t->numel,
                                        NULL, &o, &rng, t->name);
      g_array_append_val (rep->rows, row);
    }
  /* the input, at valid steps only: padded steps must not matter */
  g_autofree guint8 *mask = g_new0 (guint8, MAX (T * B * C, 1));
  for (size_t t = 0; t < T; t++)
    for (size_t b = 0; b < B; b++)
      if (!len || t < len[b])
        memset (mask + (t * B + b) * C, 1, C);
  NnGradcheckRow row = check_array (&pr, Pw, xw, xw, dx, T * B * C, mask, &o, &rng, "input");
  g_array_append_val (rep->rows, row);
  for (guint i = 0; i < rep->rows->len; i++)
    {
      const NnGradcheckRow *r = &g_array_index (rep->rows, NnGradcheckRow, i);
      rep->max_rel_err = MAX (rep->max_rel_err, r->rel_err);
      rep->ok = rep->ok && r->ok;
    }
  net->tape_free (pr.tape);
  return rep->ok;
}
