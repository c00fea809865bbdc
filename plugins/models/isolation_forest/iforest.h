/* iforest.h — the isolation forest of Liu, Ting & Zhou (2008) as
 * scikit-learn's IsolationForest builds and scores it, free of the plugin
 * ABI so tests and the benchmark call it directly.
 *
 * Each tree draws psi rows without replacement (and, with max_features < 1,
 * a subset of the columns), then splits every node on a column drawn
 * uniformly among those not constant in the node, at a threshold uniform in
 * (min, max) of that column there (rows <= threshold go left), until a node
 * holds one row or reaches the height limit ceil(log2 psi). An external node
 * stores depth + c(size), so a row's path length is read off in one walk.
 * score = 2^(-mean path length / c(psi)): near 1 abnormal, below 0.5 normal.
 *
 * Tree k is grown from its own seed (seed, k), so the forest, and every
 * score, is the same for any number of threads.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef struct {
  size_t n_nodes;
  gint32 *feature;      /* [n_nodes]: the split column, -1 at an external node */
  double *threshold;    /* [n_nodes]: go left when x <= threshold */
  gint32 *left, *right; /* [n_nodes]: children (always after their parent) */
  double *value;        /* [n_nodes]: at an external node, depth + c(size) */
  gint32 *size;         /* [n_nodes]: training rows that reached the node */
} IfTree;

typedef struct {
  size_t n_trees, n_features, psi;
  IfTree *trees;        /* [n_trees] */
} IForest;

typedef struct {
  size_t n_trees;       /* >= 1 */
  size_t max_samples;   /* psi = min(max_samples, n) */
  double max_features;  /* (0, 1]: fraction of the columns each tree may split on */
  guint64 seed;
  int threads;          /* >= 1 */
} IfOptions;

/* Average path length of an unsuccessful search in a binary search tree of
 * n points, as scikit-learn's _average_path_length: 0 for n <= 1, 1 for
 * n = 2, else 2 (ln(n - 1) + Euler's gamma) - 2 (n - 1) / n (the harmonic
 * number H(n - 1) taken as ln(n - 1) + gamma, as the paper does). */
double iforest_c (double n);

/* Grow a forest on x[n × d] (row-major floats, all finite, n >= 2). */
IForest *iforest_fit (const float *x, size_t n, size_t d, const IfOptions *opt);
/* out[i] = 2^(-E[h(x_i)] / c(psi)) for the rows x[n × d]. */
void iforest_score (const IForest *f, const float *x, size_t n, double *out, int threads);
/* Mean path length E[h(x)] of one row (the score's exponent, times c(psi)). */
double iforest_path_length (const IForest *f, const float *row);
/* out[d]: for each column, the splits on it along the row's paths, each
 * weighted log2(rows at the node / rows in the child the row goes to),
 * averaged over trees: how much of the data the column's splits cut away
 * from the row (a split isolating an outlier scores high, a split through
 * the middle about 1). */
void iforest_attribution (const IForest *f, const float *row, double *out);
void iforest_free (IForest *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IForest, iforest_free)

/* A forest's trees checked after loading: children after parents, columns in
 * range, values finite. FALSE with a message in *why. */
gboolean iforest_check (const IForest *f, const char **why);
