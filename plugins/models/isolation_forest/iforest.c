/* iforest.c — growing and scoring isolation trees (see iforest.h). */
#include "iforest.h"

#include <math.h>
#include <string.h>

#define EULER_GAMMA 0.57721566490153286060

double
iforest_c (double n)
{
  if (n <= 1)
    return 0.0;
  if (n <= 2)
    return 1.0;
  return 2.0 * (log (n - 1.0) + EULER_GAMMA) - 2.0 * (n - 1.0) / n;
}

/* SplitMix64: small, fast, and one independent stream per tree. */
typedef struct {
  guint64 s;
} Rng;

static guint64
rng_next (Rng *r)
{
  guint64 z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static double
rng_uniform (Rng *r)   /* [0, 1) */
{
  return (double) (rng_next (r) >> 11) * 0x1.0p-53;
}

static size_t
rng_below (Rng *r, size_t k)   /* [0, k) */
{
  return (size_t) (rng_uniform (r) * (double) k);
}

typedef struct {
  IfTree t;
  size_t cap;
} TreeBuf;

static gint32
add_node (TreeBuf *b)
{
  if (b->t.n_nodes == b->cap)
    {
      b->cap = b->cap ? 2 * b->cap : 64;
      b->t.feature = g_renew (gint32, b->t.feature, b->cap);
      b->t.threshold = g_renew (double, b->t.threshold, b->cap);
      b->t.left = g_renew (gint32, b->t.left, b->cap);
      b->t.right = g_renew (gint32, b->t.right, b->cap);
      b->t.value = g_renew (double, b->t.value, b->cap);
      b->t.size = g_renew (gint32, b->t.size, b->cap);
    }
  gint32 k = (gint32) b->t.n_nodes++;
  b->t.feature[k] = -1;
  b->t.threshold[k] = 0;
  b->t.left[k] = b->t.right[k] = -1;
  b->t.value[k] = 0;
  b->t.size[k] = 0;
  return k;
}

typedef struct {
  size_t lo, hi;      /* rows idx[lo..hi) */
  int depth;
  gint32 node;
} Pending;

/* One tree on the rows idx[0..psi) and the columns cols[0..m). */
static void
grow (TreeBuf *b, const float *x, size_t d, size_t *idx, size_t psi, const size_t *cols,
      size_t m, int max_depth, Rng *rng)
{
  g_autofree size_t *cand = g_new (size_t, m);
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (Pending));
  Pending root = { 0, psi, 0, add_node (b) };
  g_array_append_val (stack, root);
  while (stack->len)
    {
      Pending p = g_array_index (stack, Pending, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);
      size_t size = p.hi - p.lo;
      b->t.size[p.node] = (gint32) size;
      gboolean split = FALSE;
      double lo = 0, hi = 0;
      size_t f = 0;
      if (size > 1 && p.depth < max_depth)
        {
          /* a column uniformly among the non-constant ones: draw, and drop
           * the constant ones drawn until one varies (or none is left) */
          memcpy (cand, cols, m * sizeof (size_t));
          for (size_t r = m; r > 0 && !split; )
            {
              size_t j = rng_below (rng, r);
              f = cand[j];
              lo = hi = x[idx[p.lo] * d + f];
              for (size_t i = p.lo + 1; i < p.hi; i++)
                {
                  double v = x[idx[i] * d + f];
                  lo = v < lo ? v : lo;
                  hi = v > hi ? v : hi;
                }
              split = hi > lo;
              cand[j] = cand[--r];
            }
        }
      if (!split)
        {
          b->t.value[p.node] = p.depth + iforest_c ((double) size);
          continue;
        }
      double thr = lo + rng_uniform (rng) * (hi - lo);
      if (thr >= hi)   /* rounding: keep both sides non-empty, as scikit-learn does */
        thr = lo;
      size_t i = p.lo, j = p.hi;
      while (i < j)
        {
          if (x[idx[i] * d + f] <= thr)
            i++;
          else
            {
              size_t tmp = idx[i];
              idx[i] = idx[--j];
              idx[j] = tmp;
            }
        }
      b->t.feature[p.node] = (gint32) f;
      b->t.threshold[p.node] = thr;
      gint32 l = add_node (b), r = add_node (b);
      b->t.left[p.node] = l;
      b->t.right[p.node] = r;
      Pending right = { i, p.hi, p.depth + 1, r }, left = { p.lo, i, p.depth + 1, l };
      g_array_append_val (stack, right);
      g_array_append_val (stack, left);
    }
}

typedef struct {
  const float *x;
  size_t n, d;
  const IfOptions *opt;
  IForest *f;
  gint next;
} FitJob;

static void
fit_tree (FitJob *job, size_t k)
{
  const IfOptions *opt = job->opt;
  size_t n = job->n, d = job->d, psi = job->f->psi;
  Rng rng = { opt->seed ^ ((guint64) (k + 1) * 0xD1B54A32D192ED03ull) };
  rng_next (&rng);
  /* rows: a partial Fisher-Yates shuffle, psi draws without replacement */
  g_autofree size_t *all = g_new (size_t, n);
  for (size_t i = 0; i < n; i++)
    all[i] = i;
  for (size_t i = 0; i < psi; i++)
    {
      size_t j = i + rng_below (&rng, n - i);
      size_t tmp = all[i];
      all[i] = all[j];
      all[j] = tmp;
    }
  size_t m = (size_t) (opt->max_features * (double) d);
  m = MAX (MIN (m, d), (size_t) 1);
  g_autofree size_t *cols = g_new (size_t, d);
  for (size_t c = 0; c < d; c++)
    cols[c] = c;
  for (size_t c = 0; m < d && c < m; c++)
    {
      size_t j = c + rng_below (&rng, d - c);
      size_t tmp = cols[c];
      cols[c] = cols[j];
      cols[j] = tmp;
    }
  int max_depth = (int) ceil (log2 ((double) MAX (psi, (size_t) 2)));
  TreeBuf b = { 0 };
  grow (&b, job->x, d, all, psi, cols, m, max_depth, &rng);
  job->f->trees[k] = b.t;
}

static gpointer
fit_worker (gpointer data)
{
  FitJob *job = data;
  for (;;)
    {
      gint k = g_atomic_int_add (&job->next, 1);
      if ((size_t) k >= job->f->n_trees)
        return NULL;
      fit_tree (job, (size_t) k);
    }
}

/* Runs worker over job on `threads` threads (this one included). */
static void
run_threads (GThreadFunc worker, gpointer job, int threads)
{
  g_autoptr (GPtrArray) th = g_ptr_array_new ();
  for (int t = 1; t < threads; t++)
    {
      GThread *g = g_thread_try_new ("iforest", worker, job, NULL);
      if (g)
        g_ptr_array_add (th, g);
    }
  worker (job);
  for (guint t = 0; t < th->len; t++)
    g_thread_join (th->pdata[t]);
}

IForest *
iforest_fit (const float *x, size_t n, size_t d, const IfOptions *opt)
{
  g_return_val_if_fail (x && n >= 2 && d >= 1 && opt->n_trees >= 1, NULL);
  IForest *f = g_new0 (IForest, 1);
  f->n_trees = opt->n_trees;
  f->n_features = d;
  f->psi = MIN (MAX (opt->max_samples, (size_t) 2), n);
  f->trees = g_new0 (IfTree, f->n_trees);
  FitJob job = { x, n, d, opt, f, 0 };
  run_threads (fit_worker, &job, MAX (MIN (opt->threads, (int) f->n_trees), 1));
  return f;
}

static double
tree_path (const IfTree *t, const float *row)
{
  gint32 k = 0;
  while (t->feature[k] >= 0)
    k = (double) row[t->feature[k]] <= t->threshold[k] ? t->left[k] : t->right[k];
  return t->value[k];
}

double
iforest_path_length (const IForest *f, const float *row)
{
  double h = 0;
  for (size_t k = 0; k < f->n_trees; k++)
    h += tree_path (&f->trees[k], row);
  return h / (double) f->n_trees;
}

typedef struct {
  const IForest *f;
  const float *x;
  size_t n;
  double *out;
  gint next;
} ScoreJob;

#define SCORE_CHUNK 256

static gpointer
score_worker (gpointer data)
{
  ScoreJob *job = data;
  double c = iforest_c ((double) job->f->psi);
  for (;;)
    {
      size_t lo = (size_t) g_atomic_int_add (&job->next, 1) * SCORE_CHUNK;
      if (lo >= job->n)
        return NULL;
      for (size_t i = lo; i < MIN (lo + SCORE_CHUNK, job->n); i++)
        job->out[i] = exp2 (-iforest_path_length (job->f, job->x + i * job->f->n_features) / c);
    }
}

void
iforest_score (const IForest *f, const float *x, size_t n, double *out, int threads)
{
  ScoreJob job = { f, x, n, out, 0 };
  int chunks = (int) ((n + SCORE_CHUNK - 1) / SCORE_CHUNK);
  run_threads (score_worker, &job, MAX (MIN (threads, chunks), 1));
}

void
iforest_attribution (const IForest *f, const float *row, double *out)
{
  memset (out, 0, f->n_features * sizeof (double));
  for (size_t k = 0; k < f->n_trees; k++)
    {
      const IfTree *t = &f->trees[k];
      gint32 j = 0;
      while (t->feature[j] >= 0)
        {
          gint32 next = (double) row[t->feature[j]] <= t->threshold[j] ? t->left[j] : t->right[j];
          out[t->feature[j]] += log2 ((double) t->size[j] / (double) MAX (t->size[next], 1));
          j = next;
        }
    }
  for (size_t c = 0; c < f->n_features; c++)
    out[c] /= (double) f->n_trees;
}

gboolean
iforest_check (const IForest *f, const char **why)
{
  if (f->n_trees == 0 || f->n_features == 0 || f->psi < 2)
    return (*why = "no trees, no features or fewer than 2 samples per tree"), FALSE;
  for (size_t k = 0; k < f->n_trees; k++)
    {
      const IfTree *t = &f->trees[k];
      if (t->n_nodes == 0 || t->n_nodes > (size_t) G_MAXINT32)
        return (*why = "a tree without nodes"), FALSE;
      for (size_t j = 0; j < t->n_nodes; j++)
        {
          if (t->feature[j] < 0)
            {
              if (!isfinite (t->value[j]) || t->value[j] < 0 || t->size[j] < 1)
                return (*why = "an external node without rows or a path length that is not "
                               "a finite number >= 0"), FALSE;
              continue;
            }
          if ((size_t) t->feature[j] >= f->n_features || !isfinite (t->threshold[j])
              || t->size[j] < 2)
            return (*why = "a split on a column out of range, at a non-finite threshold or "
                           "of fewer than 2 rows"), FALSE;
          /* children after their parent: every walk ends */
          if (t->left[j] <= (gint32) j || t->right[j] <= (gint32) j
              || (size_t) t->left[j] >= t->n_nodes || (size_t) t->right[j] >= t->n_nodes)
            return (*why = "a child index out of order or out of range"), FALSE;
        }
    }
  return TRUE;
}

void
iforest_free (IForest *f)
{
  if (!f)
    return;
  for (size_t k = 0; f->trees && k < f->n_trees; k++)
    {
      g_free (f->trees[k].feature);
      g_free (f->trees[k].threshold);
      g_free (f->trees[k].left);
      g_free (f->trees[k].right);
      g_free (f->trees[k].value);
      g_free (f->trees[k].size);
    }
  g_free (f->trees);
  g_free (f);
}
