/* drift.c — two-sample tests for data drift (tundish/drift.h): KS as scipy
 * computes it, Wasserstein-1, MMD² with a permutation p-value, and the
 * channel-by-channel table of two datasets. */
#include <tundish/drift.h>
#include <tundish/io.h>
#include <tundish/plugin.h>
#include <tundish/stats.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* The finite values of x, sorted ascending; *n_out of them. */
static double *
finite_sorted (const double *x, size_t n, size_t *n_out)
{
  double *v = g_new (double, MAX (n, (size_t) 1));
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite (x[i]))
      v[k++] = x[i];
  qsort (v, k, sizeof *v, cmp_double);
  *n_out = k;
  return v;
}

static gboolean
need_values (size_t n_a, size_t n_b, size_t min, const char *what, GError **error)
{
  if (n_a >= min && n_b >= min)
    return TRUE;
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
               "%s: needs at least %zu finite value%s in each sample (got %zu and %zu)", what,
               min, min == 1 ? "" : "s", n_a, n_b);
  return FALSE;
}

/* ---------------------------------------------------------------- KS */

/* P(D >= h/n) for two samples of size n: 2 Σ_k (-1)^(k-1) C(2n, n - k h) / C(2n, n),
 * evaluated as a Horner-like product so the alternating sum does not cancel. */
static double
ks_prob_equal_n (guint64 n, guint64 h)
{
  double p = 0.0;
  for (gint64 k = (gint64) (n / h); k >= 0; k--)
    {
      double a = 1.0;
      for (guint64 j = 0; j < h; j++)
        a = ((double) n - (double) k * h - j) * a / ((double) n + (double) k * h + j + 1);
      p = a * (1.0 - p);
    }
  return 2.0 * p;
}

/* P(D >= h / lcm(m, n)) by the inside method (Hodges 1958), carrying 1 - p
 * through the lattice recursion as Viehmann (2021, arXiv:2102.08037) does, so
 * small p-values keep their precision. Column i holds, for the window of y
 * inside the band |n_g x - m_g y| < h, the probability that a path to (i, y)
 * has already left the band. */
static double
ks_prob_inside (guint64 m, guint64 n, guint64 g, guint64 h)
{
  if (m < n)
    {
      guint64 t = m;
      m = n;
      n = t;
    }
  guint64 mg = m / g, ng = n / g;
  gint64 minj = 0, maxj = (gint64) MIN ((h + mg - 1) / mg, n + 1);
  gint64 curlen = maxj - minj;
  size_t len = (size_t) MIN (2 * (guint64) maxj + 2, n + 1);
  g_autofree double *a = g_new (double, len);
  for (size_t j = 0; j < len; j++)
    a[j] = (gint64) j >= minj && (gint64) j < maxj ? 0.0 : 1.0;
  for (guint64 i = 1; i <= m; i++)
    {
      gint64 lastmin = minj, lastlen = curlen;
      double lo = floor (((double) ng * (double) i - (double) h) / (double) mg);
      minj = MAX ((gint64) lo + 1, 0);
      minj = MIN (minj, (gint64) n);
      double hi = ceil (((double) ng * (double) i + (double) h) / (double) mg);
      maxj = MIN ((gint64) hi, (gint64) n + 1);
      if (maxj <= minj)
        return 1.0;
      double val = minj == 0 ? 0.0 : 1.0;
      for (gint64 jj = 0; jj < maxj - minj; jj++)
        {
          gint64 j = jj + minj;
          val = (a[jj + minj - lastmin] * (double) i + val * (double) j) / (double) (i + j);
          a[jj] = val;
        }
      curlen = maxj - minj;
      for (gint64 k = curlen; k < curlen + (lastlen - curlen) && lastlen > curlen; k++)
        a[k] = 1.0;
    }
  return a[maxj - minj - 1];
}

/* Q(λ) = 2 Σ (-1)^(k-1) exp(-2 k² λ²), the Kolmogorov distribution's upper tail. */
static double
kolmogorov_sf (double lambda)
{
  if (lambda < 0.2)
    return 1.0;
  double sum = 0.0, sign = 1.0;
  for (int k = 1; k <= 100; k++)
    {
      double term = exp (-2.0 * k * k * lambda * lambda);
      sum += sign * term;
      sign = -sign;
      if (term < 1e-17 * sum)
        break;
    }
  return CLAMP (2.0 * sum, 0.0, 1.0);
}

static guint64
gcd64 (guint64 a, guint64 b)
{
  while (b)
    {
      guint64 t = a % b;
      a = b;
      b = t;
    }
  return a;
}

gboolean
td_ks_2samp (const double *a, size_t n_a, const double *b, size_t n_b, TdKs *out,
             GError **error)
{
  memset (out, 0, sizeof *out);
  out->statistic = out->p = NAN;
  size_t na, nb;
  g_autofree double *sa = finite_sorted (a, n_a, &na);
  g_autofree double *sb = finite_sorted (b, n_b, &nb);
  out->n_a = na;
  out->n_b = nb;
  if (!need_values (na, nb, 1, "ks", error))
    return FALSE;
  /* sup |F_a - F_b| over the pooled values, both ECDFs right-continuous. */
  double d = 0.0;
  size_t i = 0, j = 0;
  while (i < na || j < nb)
    {
      double v = i < na && (j >= nb || sa[i] <= sb[j]) ? sa[i] : sb[j];
      while (i < na && sa[i] <= v)
        i++;
      while (j < nb && sb[j] <= v)
        j++;
      d = MAX (d, fabs ((double) i / (double) na - (double) j / (double) nb));
    }
  out->statistic = d;
  guint64 g = gcd64 (na, nb);
  if (MAX (na, nb) <= TD_KS_EXACT_MAX)
    {
      /* D is a multiple of 1/lcm: take the integer h, as scipy does. */
      double lcm = (double) (na / g) * (double) nb;
      guint64 h = (guint64) nearbyint (d * lcm);
      out->statistic = d = (double) h / lcm;
      double p = h == 0 ? 1.0 : na == nb ? ks_prob_equal_n (na, h)
                                         : ks_prob_inside (na, nb, g, h);
      if (isfinite (p) && p >= 0.0 && p <= 1.0)
        {
          out->p = p;
          out->exact = TRUE;
          return TRUE;
        }
    }
  double ne = (double) na * (double) nb / ((double) na + (double) nb), sq = sqrt (ne);
  out->p = kolmogorov_sf ((sq + 0.12 + 0.11 / sq) * d);
  return TRUE;
}

/* ------------------------------------------------------------ Wasserstein */

double
td_wasserstein1 (const double *a, size_t n_a, const double *b, size_t n_b)
{
  size_t na, nb;
  g_autofree double *sa = finite_sorted (a, n_a, &na);
  g_autofree double *sb = finite_sorted (b, n_b, &nb);
  if (na == 0 || nb == 0)
    return NAN;
  /* Between consecutive pooled values both ECDFs are constant. */
  double w = 0.0, prev = MIN (sa[0], sb[0]);
  size_t i = 0, j = 0;
  while (i < na || j < nb)
    {
      double v = i < na && (j >= nb || sa[i] <= sb[j]) ? sa[i] : sb[j];
      w += fabs ((double) i / (double) na - (double) j / (double) nb) * (v - prev);
      while (i < na && sa[i] <= v)
        i++;
      while (j < nb && sb[j] <= v)
        j++;
      prev = v;
    }
  return w;
}

/* -------------------------------------------------------------------- MMD */

static void
shuffle (double *v, size_t n, guint64 *state)
{
  for (size_t i = n; i-- > 1;)
    {
      size_t j = (size_t) floor (td_splitmix64_uniform (state) * (double) (i + 1));
      double t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
}

/* The finite values of x, at most max_n of them (a partial shuffle's head). */
static double *
finite_capped (const double *x, size_t n, size_t max_n, guint64 *state, size_t *n_out)
{
  double *v = g_new (double, MAX (n, (size_t) 1));
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite (x[i]))
      v[k++] = x[i];
  if (max_n > 0 && k > max_n)
    {
      shuffle (v, k, state);
      k = max_n;
    }
  *n_out = k;
  return v;
}

/* Quickselect: the k-th smallest of v[0..n) (v is reordered). */
static double
select_kth (double *v, size_t n, size_t k)
{
  size_t lo = 0, hi = n - 1;
  while (lo < hi)
    {
      double pivot = v[lo + (hi - lo) / 2];
      size_t i = lo, j = hi;
      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              double t = v[i];
              v[i] = v[j];
              v[j] = t;
              i++;
              if (j == 0)
                break;
              j--;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        return v[k];
    }
  return v[k];
}

/* numpy.median of |z_i - z_j| over i < j; the mean when that is 0. */
static double
median_heuristic (const double *z, size_t n)
{
  size_t m = n * (n - 1) / 2, k = 0;
  g_autofree double *d = g_new (double, m);
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      {
        d[k] = fabs (z[i] - z[j]);
        sum += d[k++];
      }
  double med = select_kth (d, m, m / 2);
  if (m % 2 == 0)
    {
      /* The lower middle is the largest of the values left below m / 2. */
      double lower = d[0];
      for (size_t i = 1; i < m / 2; i++)
        lower = MAX (lower, d[i]);
      med = 0.5 * (med + lower);
    }
  return med > 0.0 ? med : sum / (double) m;
}

/* A relabelling that gives the observed split again (small samples) must
 * count as a tie, whatever order its kernel sum was added in: MMD² is at
 * most 2, so 1e-12 is far below any real difference. */
#define TD_MMD_TIE 1e-12

/* Unbiased MMD² from the within-sample kernel sums (diagonal excluded) and
 * the cross sum. */
static double
mmd2_of (double s_aa, double s_bb, double s_ab, size_t na, size_t nb)
{
  return s_aa / ((double) na * (double) (na - 1)) + s_bb / ((double) nb * (double) (nb - 1))
         - 2.0 * s_ab / ((double) na * (double) nb);
}

gboolean
td_mmd_rbf (const double *a, size_t n_a, const double *b, size_t n_b, int permutations,
            guint64 seed, size_t max_n, TdMmd *out, GError **error)
{
  memset (out, 0, sizeof *out);
  out->mmd2 = out->bandwidth = out->p = NAN;
  guint64 state = seed;
  size_t na, nb;
  g_autofree double *va = finite_capped (a, n_a, max_n, &state, &na);
  g_autofree double *vb = finite_capped (b, n_b, max_n, &state, &nb);
  out->n_a = na;
  out->n_b = nb;
  out->permutations = MAX (permutations, 0);
  if (!need_values (na, nb, 2, "mmd", error))
    return FALSE;
  size_t n = na + nb;
  g_autofree double *z = g_new (double, n);
  memcpy (z, va, na * sizeof *z);
  memcpy (z + na, vb, nb * sizeof *z);
  double sigma = median_heuristic (z, n);
  if (!(sigma > 0.0))
    {
      out->bandwidth = 0.0;
      out->mmd2 = 0.0;
      out->p = 1.0;
      return TRUE;
    }
  out->bandwidth = sigma;
  double gamma = 1.0 / (2.0 * sigma * sigma);
  /* Row sums of the kernel (diagonal excluded) once; then a relabelling needs
   * only the within sum of the smaller part: with S the total,
   * S_ab = Σ_{i∈small} row_i - S_small, S_large = S - S_small - 2 S_ab. */
  g_autofree double *row = g_new0 (double, n);
  /* The kernel matrix is kept when it fits in 64 MiB (n <= 2896), so the
   * permutations look values up instead of calling exp again. */
  g_autofree double *kmat = n * n <= (64u << 20) / sizeof (double) ? g_new (double, n * n) : NULL;
  double total = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      if (kmat)
        kmat[i * n + i] = 1.0;
      for (size_t j = i + 1; j < n; j++)
        {
          double d = z[i] - z[j], k = exp (-gamma * d * d);
          row[i] += k;
          row[j] += k;
          total += 2.0 * k;
          if (kmat)
            kmat[i * n + j] = kmat[j * n + i] = k;
        }
    }
  gboolean a_small = na <= nb;
  size_t ns = a_small ? na : nb, nl = n - ns;
  g_autofree size_t *perm = g_new (size_t, n);
  for (size_t i = 0; i < n; i++)
    perm[i] = i;
  double observed = NAN;
  int ge = 0;
  for (int r = -1; r < out->permutations; r++)
    {
      if (r >= 0)
        for (size_t i = n; i-- > 1;)
          {
            size_t j = (size_t) floor (td_splitmix64_uniform (&state) * (double) (i + 1));
            size_t t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
          }
      /* Sample a is perm[0..na), b is perm[na..n). */
      const size_t *small = a_small ? perm : perm + na;
      double s_small = 0.0, rows_small = 0.0;
      for (size_t i = 0; i < ns; i++)
        {
          rows_small += row[small[i]];
          for (size_t j = i + 1; j < ns; j++)
            {
              double d = z[small[i]] - z[small[j]];
              s_small += 2.0 * (kmat ? kmat[small[i] * n + small[j]] : exp (-gamma * d * d));
            }
        }
      double s_ab = rows_small - s_small, s_large = total - s_small - 2.0 * s_ab;
      double v = a_small ? mmd2_of (s_small, s_large, s_ab, ns, nl)
                         : mmd2_of (s_large, s_small, s_ab, nl, ns);
      if (r < 0)
        observed = v;
      else if (v >= observed - TD_MMD_TIE)
        ge++;
    }
  out->mmd2 = observed;
  out->p = (1.0 + ge) / (1.0 + out->permutations);
  return TRUE;
}
