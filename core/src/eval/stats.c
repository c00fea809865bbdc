/* stats.c — see tundish/stats.h; conventions and references in
 * docs/statistics.md. GSL supplies the t, chi-square, F and normal
 * distributions; every argument is checked before it reaches GSL, whose
 * default error handler would abort. */
#include <tundish/stats.h>
#include <tundish/plugin.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------- distributions */

double
td_t_quantile (double p, double df)
{
  if (!(p > 0.0 && p < 1.0) || !(df > 0.0))
    return NAN;
  return gsl_cdf_tdist_Pinv (p, df);
}

double
td_t_p_two_sided (double t, double df)
{
  if (isnan (t) || !(df > 0.0))
    return NAN;
  if (isinf (t))
    return 0.0;
  return 2.0 * gsl_cdf_tdist_Q (fabs (t), df);
}

/* Composite Gauss-Legendre: panels of width 1/2, 20 nodes each. The
 * integrands below are entire functions varying on a scale of 1, where this
 * rule is exact to rounding. The table is read-only once built. */
#define TUKEY_PANEL 0.5
#define TUKEY_NODES 20

static const gsl_integration_glfixed_table *
gl_table (void)
{
  static gsize once = 0;
  static gsl_integration_glfixed_table *table;
  if (g_once_init_enter (&once))
    {
      table = gsl_integration_glfixed_table_alloc (TUKEY_NODES);
      g_once_init_leave (&once, 1);
    }
  return table;
}

typedef struct {
  double q;
  int k;
  gboolean upper;
} TukeyArgs;

/* Phi(z) - Phi(z - q) for q >= 0, from whichever tail keeps its digits. */
static double
normal_band (double z, double q)
{
  if (z - 0.5 * q > 0.0)
    return gsl_cdf_ugaussian_Q (z - q) - gsl_cdf_ugaussian_Q (z);
  return gsl_cdf_ugaussian_P (z) - gsl_cdf_ugaussian_P (z - q);
}

/* Lower tail: k phi(z) b^(k-1), b = Phi(z) - Phi(z - q). Upper tail:
 * k phi(z) (a^(k-1) - b^(k-1)), a = Phi(z), written as
 * (a - b) sum_j a^j b^(k-2-j) with a - b = Phi(z - q) so no digits cancel. */
static double
tukey_integrand (double z, void *data)
{
  const TukeyArgs *t = data;
  double phi = exp (-0.5 * z * z) / sqrt (2.0 * G_PI);
  double b = normal_band (z, t->q);
  int m = t->k - 1;
  if (!t->upper)
    return t->k * phi * pow (b, m);
  double a = gsl_cdf_ugaussian_P (z), eps = gsl_cdf_ugaussian_P (z - t->q);
  double sum = 0.0, ap = 1.0;
  for (int j = 0; j < m; j++)
    {
      sum += ap * pow (b, m - 1 - j);
      ap *= a;
    }
  return t->k * phi * eps * sum;
}

static double
tukey_integral (double q, int k, gboolean upper)
{
  TukeyArgs args = { q, k, upper };
  gsl_function f = { tukey_integrand, &args };
  const gsl_integration_glfixed_table *tab = gl_table ();
  /* phi(z) < 1e-31 beyond |z| = 12; the upper tail's mass sits near q / 2. */
  double lo = -12.0, hi = q + 12.0, sum = 0.0;
  for (double a = lo; a < hi; a += TUKEY_PANEL)
    sum += gsl_integration_glfixed (&f, a, a + TUKEY_PANEL, tab);
  return sum;
}

double
td_ptukey_inf (double q, int k)
{
  if (isnan (q) || k < 2)
    return NAN;
  if (q <= 0.0)
    return 0.0;
  if (q >= 80.0)
    return 1.0;
  double sf = td_ptukey_inf_sf (q, k);
  return sf < 0.5 ? 1.0 - sf : tukey_integral (q, k, FALSE);
}

double
td_ptukey_inf_sf (double q, int k)
{
  if (isnan (q) || k < 2)
    return NAN;
  if (q <= 0.0)
    return 1.0;
  if (q >= 80.0)   /* below 1e-300 */
    return 0.0;
  double sf = tukey_integral (q, k, TRUE);
  return CLAMP (sf, 0.0, 1.0);
}

double
td_qtukey_inf (double p, int k)
{
  if (!(p > 0.0 && p < 1.0) || k < 2)
    return NAN;
  /* Illinois regula falsi, bracketed in (0, 80):
   * the CDF is smooth and monotone, so it converges in a few dozen steps. */
  double lo = 0.0, hi = 80.0;
  double flo = -p, fhi = 1.0 - p;
  int side = 0;
  for (int it = 0; it < 200 && hi - lo > 4e-16 * hi; it++)
    {
      double x = (lo * fhi - hi * flo) / (fhi - flo);
      if (!(x > lo && x < hi))
        x = 0.5 * (lo + hi);
      double fx = p < 0.5 ? td_ptukey_inf (x, k) - p : (1.0 - p) - td_ptukey_inf_sf (x, k);
      if (fabs (fx) <= 1e-17)
        return x;
      if ((fx < 0.0) == (flo < 0.0))
        {
          lo = x;
          flo = fx;
          if (side == -1)
            fhi *= 0.5;
          side = -1;
        }
      else
        {
          hi = x;
          fhi = fx;
          if (side == 1)
            flo *= 0.5;
          side = 1;
        }
    }
  return 0.5 * (lo + hi);
}

/* ---------------------------------------------------------------- ranks */

typedef struct {
  double v;
  size_t i;
} Keyed;

static int
keyed_cmp (const void *pa, const void *pb)
{
  const Keyed *a = pa, *b = pb;
  if (a->v != b->v)
    return (a->v > b->v) - (a->v < b->v);
  return (a->i > b->i) - (a->i < b->i);
}

/* Midranks; if ties is not NULL it receives sum over tie groups of t^3 - t. */
static void
midranks (const double *x, size_t n, double *ranks, double *ties)
{
  g_autofree Keyed *kv = g_new (Keyed, MAX (n, (size_t) 1));
  for (size_t i = 0; i < n; i++)
    kv[i] = (Keyed) { x[i], i };
  qsort (kv, n, sizeof *kv, keyed_cmp);
  double t3 = 0.0;
  for (size_t a = 0; a < n;)
    {
      size_t b = a + 1;
      while (b < n && kv[b].v == kv[a].v)
        b++;
      double r = 0.5 * (double) (a + 1 + b);   /* mean of ranks a+1 .. b */
      for (size_t j = a; j < b; j++)
        ranks[kv[j].i] = r;
      double t = (double) (b - a);
      t3 += t * t * t - t;
      a = b;
    }
  if (ties)
    *ties = t3;
}

void
td_rank_average (const double *x, size_t n, double *ranks)
{
  midranks (x, n, ranks, NULL);
}

/* ------------------------------------------------------ across repeats/folds */

void
td_mean_ci (const double *x, size_t n, double level, TdMeanCI *out)
{
  *out = (TdMeanCI) { .level = level, .mean = NAN, .sd = NAN, .se = NAN,
                      .ci_low = NAN, .ci_high = NAN };
  double sum = 0.0;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite (x[i]))
      {
        sum += x[i];
        m++;
      }
  out->n = m;
  if (m == 0)
    return;
  double mean = sum / (double) m;
  out->mean = mean;
  if (m < 2)
    return;
  double ss = 0.0;
  for (size_t i = 0; i < n; i++)
    if (isfinite (x[i]))
      ss += (x[i] - mean) * (x[i] - mean);
  out->sd = sqrt (ss / (double) (m - 1));
  out->se = out->sd / sqrt ((double) m);
  double tq = td_t_quantile (0.5 * (1.0 + level), (double) (m - 1));
  out->ci_low = mean - tq * out->se;
  out->ci_high = mean + tq * out->se;
}

void
td_corrected_ttest (const double *d, size_t n, double test_train_ratio, double level,
                    TdTTest *out)
{
  TdMeanCI mc;
  td_mean_ci (d, n, level, &mc);
  *out = (TdTTest) { .n = mc.n, .mean = mc.mean, .sd = mc.sd, .level = level,
                     .se = NAN, .t = NAN, .df = NAN, .p = NAN, .ci_low = NAN, .ci_high = NAN };
  if (mc.n < 2)
    return;
  double m = (double) mc.n;
  out->df = m - 1.0;
  out->se = mc.sd * sqrt (1.0 / m + test_train_ratio);
  if (out->se == 0.0)
    {
      out->t = mc.mean == 0.0 ? 0.0 : copysign (INFINITY, mc.mean);
      out->p = mc.mean == 0.0 ? 1.0 : 0.0;
      out->ci_low = out->ci_high = mc.mean;
      return;
    }
  out->t = mc.mean / out->se;
  out->p = td_t_p_two_sided (out->t, out->df);
  double tq = td_t_quantile (0.5 * (1.0 + level), out->df);
  out->ci_low = mc.mean - tq * out->se;
  out->ci_high = mc.mean + tq * out->se;
}

/* -------------------------------------------------------------- McNemar */

/* P(X <= k) for X ~ Bin(n, 1/2). Exact integer binomial coefficients while
 * they fit (n <= 62), GSL's incomplete beta beyond. */
static double
binom_half_cdf (guint64 k, guint64 n)
{
  if (k >= n)
    return 1.0;
  if (n <= 62)
    {
      guint64 c = 1, s = 0;
      for (guint64 i = 0; i <= k; i++)
        {
          s += c;
          c = c * (n - i) / (i + 1);   /* exact: C(n, i+1) = C(n, i) (n-i)/(i+1) */
        }
      return ldexp ((double) s, -(int) n);
    }
  return gsl_cdf_binomial_P ((unsigned int) k, 0.5, (unsigned int) n);
}

void
td_mcnemar_exact (guint64 b, guint64 c, TdMcNemar *out)
{
  guint64 n = b + c, k = MIN (b, c);
  out->b = b;
  out->c = c;
  out->exact = TRUE;
  out->statistic = (double) k;
  out->p = n == 0 ? 1.0 : MIN (1.0, 2.0 * binom_half_cdf (k, n));
}

void
td_mcnemar_chi2 (guint64 b, guint64 c, TdMcNemar *out)
{
  out->b = b;
  out->c = c;
  out->exact = FALSE;
  if (b + c == 0)
    {
      out->statistic = 0.0;
      out->p = 1.0;
      return;
    }
  double d = fabs ((double) b - (double) c) - 1.0;
  out->statistic = d * d / (double) (b + c);
  /* chi-square(1) upper tail = erfc(sqrt(x / 2)), accurate far out. */
  out->p = erfc (sqrt (0.5 * out->statistic));
}

void
td_mcnemar (guint64 b, guint64 c, TdMcNemar *out)
{
  if (b + c < TD_MCNEMAR_EXACT_BELOW)
    td_mcnemar_exact (b, c, out);
  else
    td_mcnemar_chi2 (b, c, out);
}

/* ------------------------------------------------------------- Wilcoxon */

gboolean
td_wilcoxon (const double *d, size_t n, TdWilcoxon *out, GError **error)
{
  *out = (TdWilcoxon) { .n = n, .z = NAN, .p = NAN };
  if (n == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "Wilcoxon test: no differences");
      return FALSE;
    }
  g_autofree double *nz = g_new (double, n);
  g_autofree double *ad = g_new (double, n);
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (isnan (d[i]))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "Wilcoxon test: difference %zu is NaN", i);
          return FALSE;
        }
      if (d[i] == 0.0)
        out->n_zero++;
      else
        {
          nz[m] = d[i];
          ad[m++] = fabs (d[i]);
        }
    }
  if (m == 0)
    {
      out->statistic = 0.0;
      out->p = 1.0;
      return TRUE;
    }
  g_autofree double *r = g_new (double, m);
  double ties = 0.0;
  midranks (ad, m, r, &ties);
  for (size_t i = 0; i < m; i++)
    {
      if (nz[i] > 0)
        out->r_plus += r[i];
      else
        out->r_minus += r[i];
    }
  out->statistic = MIN (out->r_plus, out->r_minus);
  out->exact = n <= 50 && out->n_zero == 0 && ties == 0.0;
  double cnt = (double) m;
  if (!out->exact)
    {
      double mn = cnt * (cnt + 1.0) * 0.25;
      /* The variance with ties: (n(n+1)(2n+1) - sum (t^3 - t) / 2) / 24. */
      double se = sqrt ((cnt * (cnt + 1.0) * (2.0 * cnt + 1.0) - 0.5 * ties) / 24.0);
      out->z = (out->statistic - mn) / se;
      out->p = erfc (fabs (out->z) / G_SQRT2);
      return TRUE;
    }
  /* Exact null distribution of R+: counts of subsets of {1..m} by sum, all
   * below 2^50 and so exact in 64-bit integers. */
  size_t top = m * (m + 1) / 2;
  g_autofree guint64 *cnts = g_new0 (guint64, top + 1);
  cnts[0] = 1;
  for (size_t j = 1; j <= m; j++)
    for (size_t s = j * (j + 1) / 2; s >= j; s--)
      cnts[s] += cnts[s - j];
  size_t rp = (size_t) out->r_plus;   /* no ties: an integer */
  if (2 * rp == top)
    {
      out->p = 1.0;
      return TRUE;
    }
  guint64 le = 0, ge = 0;
  for (size_t s = 0; s <= top; s++)
    {
      if (s <= rp)
        le += cnts[s];
      if (s >= rp)
        ge += cnts[s];
    }
  out->p = MIN (1.0, 2.0 * ldexp ((double) MIN (le, ge), -(int) m));
  return TRUE;
}

/* ------------------------------------------------------------- Friedman */

gboolean
td_friedman (const double *x, size_t n_blocks, size_t k, double *mean_ranks,
             TdFriedman *out, GError **error)
{
  *out = (TdFriedman) { .n_blocks = n_blocks, .k = k, .chi2 = NAN, .df = NAN, .p = NAN,
                        .f = NAN, .df1 = NAN, .df2 = NAN, .p_f = NAN };
  if (k < 2 || n_blocks < 2)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "Friedman test: needs at least 2 treatments and 2 blocks (got %zu and %zu)",
                   k, n_blocks);
      return FALSE;
    }
  for (size_t i = 0; i < n_blocks * k; i++)
    if (isnan (x[i]))
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "Friedman test: value of treatment %zu in block %zu is NaN", i % k,
                     i / k);
        return FALSE;
      }
  g_autofree double *rsum = g_new0 (double, k);
  g_autofree double *r = g_new (double, k);
  double ties = 0.0;
  for (size_t b = 0; b < n_blocks; b++)
    {
      double t = 0.0;
      midranks (x + b * k, k, r, &t);
      ties += t;
      for (size_t j = 0; j < k; j++)
        rsum[j] += r[j];
    }
  double N = (double) n_blocks, K = (double) k;
  double ss = 0.0;
  for (size_t j = 0; j < k; j++)
    {
      ss += rsum[j] * rsum[j];
      if (mean_ranks)
        mean_ranks[j] = rsum[j] / N;
    }
  double c = 1.0 - ties / (K * (K * K - 1.0) * N);
  out->df = K - 1.0;
  out->df1 = K - 1.0;
  out->df2 = (K - 1.0) * (N - 1.0);
  if (c <= 0.0)
    {
      /* every block all tied: no evidence of any difference */
      out->chi2 = 0.0;
      out->p = 1.0;
      out->f = 0.0;
      out->p_f = 1.0;
      return TRUE;
    }
  out->chi2 = (12.0 / (K * N * (K + 1.0)) * ss - 3.0 * N * (K + 1.0)) / c;
  if (out->chi2 < 0.0)   /* rounding when all mean ranks are equal */
    out->chi2 = 0.0;
  out->p = gsl_cdf_chisq_Q (out->chi2, out->df);
  double den = N * (K - 1.0) - out->chi2;
  if (den <= 0.0)
    {
      out->f = INFINITY;
      out->p_f = 0.0;
    }
  else
    {
      out->f = (N - 1.0) * out->chi2 / den;
      out->p_f = gsl_cdf_fdist_Q (out->f, out->df1, out->df2);
    }
  return TRUE;
}

/* ------------------------------------------------------------------ Holm */

void
td_holm (const double *p, size_t m, double *adjusted)
{
  g_autofree Keyed *kv = g_new (Keyed, MAX (m, (size_t) 1));
  size_t f = 0;
  for (size_t i = 0; i < m; i++)
    if (!isnan (p[i]))
      kv[f++] = (Keyed) { p[i], i };
  for (size_t i = 0; i < m; i++)
    if (isnan (p[i]))
      adjusted[i] = NAN;
  qsort (kv, f, sizeof *kv, keyed_cmp);
  double run = 0.0;
  for (size_t j = 0; j < f; j++)
    {
      double a = kv[j].v * (double) (f - j);
      run = MAX (run, a);
      adjusted[kv[j].i] = MIN (run, 1.0);
    }
}

/* --------------------------------------------------------------- Nemenyi */

double
td_nemenyi_q (int k, double alpha)
{
  return td_qtukey_inf (1.0 - alpha, k) / G_SQRT2;
}

double
td_nemenyi_cd (int k, size_t n_blocks, double alpha)
{
  if (k < 2 || n_blocks == 0)
    return NAN;
  return td_nemenyi_q (k, alpha) * sqrt ((double) k * (k + 1) / (6.0 * (double) n_blocks));
}

double
td_nemenyi_p (double rank_diff, int k, size_t n_blocks)
{
  if (k < 2 || n_blocks == 0 || isnan (rank_diff))
    return NAN;
  double se = sqrt ((double) k * (k + 1) / (6.0 * (double) n_blocks));
  return td_ptukey_inf_sf (fabs (rank_diff) / se * G_SQRT2, k);
}

double
td_p_combine_mean (const double *p, size_t n)
{
  double s = 0.0;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan (p[i]))
      {
        s += p[i];
        m++;
      }
  return m == 0 ? NAN : MIN (1.0, 2.0 * s / (double) m);
}

/* ------------------------------------------------------------- bootstrap */

guint64
td_splitmix64_next (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

double
td_splitmix64_uniform (guint64 *state)
{
  return (double) (td_splitmix64_next (state) >> 11) * 0x1.0p-53;
}

typedef struct {
  size_t first, n;              /* the unit's items: members[first .. first + n) */
} Unit;

struct TdResampler {
  size_t n, max_draw;
  size_t *members;              /* item indices grouped by unit */
  Unit *units;
  size_t n_units;
  size_t *stratum_units;        /* unit indices grouped by stratum, strata ascending */
  size_t *stratum_first, *stratum_n;
  size_t n_strata;
};

typedef struct {
  gint64 s;
  size_t u;
} StratumUnit;

static int
stratum_unit_cmp (const void *pa, const void *pb)
{
  const StratumUnit *a = pa, *b = pb;
  if (a->s != b->s)
    return (a->s > b->s) - (a->s < b->s);
  return (a->u > b->u) - (a->u < b->u);
}

TdResampler *
td_resampler_new (size_t n, const gint64 *strata, const gint64 *clusters)
{
  TdResampler *r = g_new0 (TdResampler, 1);
  r->n = n;
  size_t *unit_of = g_new (size_t, MAX (n, (size_t) 1));
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, NULL);
  for (size_t i = 0; i < n; i++)
    {
      if (!clusters)
        {
          unit_of[i] = r->n_units++;
          continue;
        }
      gpointer v;
      if (g_hash_table_lookup_extended (ids, &clusters[i], NULL, &v))
        unit_of[i] = GPOINTER_TO_SIZE (v);
      else
        {
          unit_of[i] = r->n_units++;
          g_hash_table_insert (ids, (gpointer) &clusters[i], GSIZE_TO_POINTER (unit_of[i]));
        }
    }
  r->units = g_new0 (Unit, MAX (r->n_units, (size_t) 1));
  gint64 *ustratum = g_new (gint64, MAX (r->n_units, (size_t) 1));
  gboolean *seen = g_new0 (gboolean, MAX (r->n_units, (size_t) 1));
  for (size_t i = 0; i < n; i++)
    {
      size_t u = unit_of[i];
      r->units[u].n++;
      gint64 s = strata ? strata[i] : 0;
      ustratum[u] = seen[u] ? MAX (ustratum[u], s) : s;
      seen[u] = TRUE;
    }
  for (size_t u = 1; u < r->n_units; u++)
    r->units[u].first = r->units[u - 1].first + r->units[u - 1].n;
  r->members = g_new (size_t, MAX (n, (size_t) 1));
  size_t *fill = g_new0 (size_t, MAX (r->n_units, (size_t) 1));
  for (size_t i = 0; i < n; i++)
    {
      size_t u = unit_of[i];
      r->members[r->units[u].first + fill[u]++] = i;
    }
  StratumUnit *su = g_new (StratumUnit, MAX (r->n_units, (size_t) 1));
  for (size_t u = 0; u < r->n_units; u++)
    su[u] = (StratumUnit) { ustratum[u], u };
  qsort (su, r->n_units, sizeof *su, stratum_unit_cmp);
  r->stratum_units = g_new (size_t, MAX (r->n_units, (size_t) 1));
  r->stratum_first = g_new (size_t, MAX (r->n_units, (size_t) 1));
  r->stratum_n = g_new (size_t, MAX (r->n_units, (size_t) 1));
  for (size_t j = 0; j < r->n_units; j++)
    {
      r->stratum_units[j] = su[j].u;
      if (j == 0 || su[j].s != su[j - 1].s)
        {
          r->stratum_first[r->n_strata] = j;
          r->stratum_n[r->n_strata++] = 0;
        }
      r->stratum_n[r->n_strata - 1]++;
    }
  for (size_t s = 0; s < r->n_strata; s++)
    {
      size_t biggest = 0;
      for (size_t j = 0; j < r->stratum_n[s]; j++)
        biggest = MAX (biggest, r->units[r->stratum_units[r->stratum_first[s] + j]].n);
      r->max_draw += biggest * r->stratum_n[s];
    }
  g_free (su);
  g_free (fill);
  g_free (seen);
  g_free (ustratum);
  g_free (unit_of);
  return r;
}

void
td_resampler_free (TdResampler *r)
{
  if (!r)
    return;
  g_free (r->members);
  g_free (r->units);
  g_free (r->stratum_units);
  g_free (r->stratum_first);
  g_free (r->stratum_n);
  g_free (r);
}

size_t
td_resampler_max (const TdResampler *r)
{
  return r->max_draw;
}

size_t
td_resampler_draw (const TdResampler *r, guint64 *state, size_t *idx)
{
  size_t out = 0;
  for (size_t s = 0; s < r->n_strata; s++)
    {
      size_t m = r->stratum_n[s];
      const size_t *us = r->stratum_units + r->stratum_first[s];
      for (size_t j = 0; j < m; j++)
        {
          size_t pick = (size_t) (td_splitmix64_uniform (state) * (double) m);
          const Unit *u = &r->units[us[MIN (pick, m - 1)]];
          memcpy (idx + out, r->members + u->first, u->n * sizeof *idx);
          out += u->n;
        }
    }
  return out;
}

double
td_quantile_sorted (const double *sorted, size_t n, double q)
{
  if (n == 0 || isnan (q))
    return NAN;
  double v = (double) (n - 1) * q;
  if (v <= 0.0)
    return sorted[0];
  if (v >= (double) (n - 1))
    return sorted[n - 1];
  size_t lo = (size_t) floor (v);
  double g = v - (double) lo, a = sorted[lo], b = sorted[lo + 1], diff = b - a;
  /* numpy's _lerp: from the nearer end, so g = 1 gives b exactly */
  return g >= 0.5 ? b - diff * (1.0 - g) : a + diff * g;
}

double
td_bootstrap_p (const double *d, size_t n)
{
  size_t le = 0, ge = 0, m = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (isnan (d[i]))
        continue;
      m++;
      le += d[i] <= 0.0;
      ge += d[i] >= 0.0;
    }
  if (m == 0)
    return NAN;
  double p = 2.0 * (double) (MIN (le, ge) + 1) / (double) (m + 1);
  return MIN (p, 1.0);
}
