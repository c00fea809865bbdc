/* oversample — more series of the selected class: exact copies
 * (`method: random`) or SMOTE-style interpolations between neighbours
 * (`method: smote`, Chawla et al., 2002).
 *
 * random: every added series is an exact copy of its source (x, label,
 * length, metadata), with series_id -1 and augmented_from = the source.
 *
 * smote: for an added series with source a, the candidates are the other
 * selected series of a's class (with apply_to: minority, the minority class;
 * with apply_to: all, a's own class). Its k nearest candidates by Euclidean
 * distance are found — in feature space when the data is a feature matrix
 * (n_steps == 1), between whole series otherwise (over the valid steps both
 * series have, as a mean of squared differences so that series of different
 * lengths compare fairly; for equal lengths the order is exactly that of the
 * Euclidean distance). Ties go to the lower index; a distance involving NaN
 * counts as infinite. One neighbour b is drawn uniformly among the k, then
 * u ~ U(0, 1) and x = x_a + u (x_b - x_a) (b resampled to a's length when
 * they differ). The label and the bookkeeping are a's.
 *
 * In a run the core applies augmentations before feature extraction, so
 * within tundish run this interpolates between sequences; on a feature
 * matrix (a dataset with n_steps == 1) it works in feature space.
 */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment_common.h"

#define WHO "oversample"

typedef struct {
  double d;
  size_t idx;
} Cand;

static int
cand_cmp (const void *pa, const void *pb)
{
  const Cand *a = pa, *b = pb;
  if (a->d < b->d)
    return -1;
  if (a->d > b->d)
    return 1;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Mean squared difference of series a and b over their common valid steps
 * (infinite when a NaN takes part or there is no common step). */
static double
series_distance (const TdDataset *ds, size_t a, size_t b)
{
  size_t nc = ds->n_channels;
  size_t len = MIN (td_dataset_length (ds, a), td_dataset_length (ds, b));
  if (len == 0)
    return INFINITY;
  const float *xa = td_dataset_series (ds, a), *xb = td_dataset_series (ds, b);
  double ss = 0;
  for (size_t i = 0; i < len * nc; i++)
    {
      double d = (double) xa[i] - (double) xb[i];
      ss += d * d;
    }
  return isnan (ss) ? INFINITY : ss / (double) (len * nc);
}

/* The k nearest members of pool[0..n_pool) to series a (a itself excluded),
 * into nn[0..*n_nn). */
static void
nearest (const TdDataset *ds, size_t a, const size_t *pool, size_t n_pool, size_t k,
         Cand *scratch, size_t *nn, size_t *n_nn)
{
  size_t n = 0;
  for (size_t j = 0; j < n_pool; j++)
    if (pool[j] != a)
      scratch[n++] = (Cand) { series_distance (ds, a, pool[j]), pool[j] };
  qsort (scratch, n, sizeof (Cand), cand_cmp);
  *n_nn = MIN (k, n);
  for (size_t j = 0; j < *n_nn; j++)
    nn[j] = scratch[j].idx;
}

static gboolean
smote_fill (const TdDataset *train, TdDataset *out, const GArray *sel, const size_t *src,
            size_t n_added, size_t k, gsl_rng *rng, TdContext *ctx, GError **error)
{
  size_t nc = train->n_channels, n_sel = sel->len;
  const size_t *selected = (const size_t *) sel->data;

  /* Candidate pools: the selected series of each source's class. */
  g_autoptr (GHashTable) pools = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                        (GDestroyNotify) g_array_unref);
  for (size_t i = 0; i < n_sel; i++)
    {
      int c = aug_hard_class (train, selected[i]);
      GArray *p = g_hash_table_lookup (pools, GINT_TO_POINTER (c + 1));
      if (!p)
        {
          p = g_array_new (FALSE, FALSE, sizeof (size_t));
          g_hash_table_insert (pools, GINT_TO_POINTER (c + 1), p);
        }
      g_array_append_val (p, selected[i]);
    }

  g_autofree Cand *scratch = g_new (Cand, MAX (n_sel, (size_t) 1));
  g_autofree size_t *nn = g_new (size_t, MAX (k, (size_t) 1));
  g_autofree float *buf = g_new (float, MAX (train->n_steps * nc, (size_t) 1));
  size_t n_nn = 0, nn_of = G_MAXSIZE;
  for (size_t r = 0; r < n_added; r++)
    {
      if (td_context_cancelled (ctx))
        return aug_cancelled (WHO, error);
      size_t a = src[r];
      /* Sources come grouped, so each one's neighbours are found once. */
      if (a != nn_of)
        {
          int c = aug_hard_class (train, a);
          GArray *p = g_hash_table_lookup (pools, GINT_TO_POINTER (c + 1));
          if (p->len < 2)
            {
              g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           WHO ": smote needs at least 2 selected training series of class %d "
                           "to interpolate between, got %u (use method: random)", c, p->len);
              return FALSE;
            }
          nearest (train, a, (const size_t *) p->data, p->len, k, scratch, nn, &n_nn);
          nn_of = a;
        }
      size_t b = nn[gsl_rng_uniform_int (rng, (unsigned long) n_nn)];
      double u = gsl_rng_uniform (rng);
      size_t row = train->n_series + r;
      size_t len = td_dataset_length (out, row), len_b = td_dataset_length (train, b);
      const float *xb = td_dataset_series (train, b);
      if (len_b != len)
        {
          aug_resample (xb, len_b, buf, len, nc);
          xb = buf;
        }
      float *x = td_dataset_series (out, row);
      for (size_t i = 0; i < len * nc; i++)
        x[i] = (float) (x[i] + u * ((double) xb[i] - (double) x[i]));
    }
  return TRUE;
}

static TdDataset *
oversample_apply (const TdParams *params, const TdDataset *train, TdContext *ctx,
                  GError **error)
{
  gboolean smote = strcmp (td_params_get_string (params, "method"), "smote") == 0;
  if (!aug_check_input (train, WHO, 1, error))
    return NULL;
  if (smote && train->task == TD_TASK_REGRESSION)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
                           WHO ": method: smote interpolates within a class; a regression "
                           "dataset has none (use method: random)");
      return NULL;
    }
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
  if (smote && !smote_fill (train, out, sel, src, n_added,
                            (size_t) td_params_get_int (params, "k"), rng, ctx, error))
    return NULL;
  return g_steal_pointer (&out);
}

static const char *const method_choices[] = { "random", "smote", NULL };

static const TdParamSpec oversample_params[] = {
  AUG_COMMON_PARAMS,
  { .name = "method", .type = TD_PARAM_ENUM, .default_value = "random", .choices = method_choices,
    .help = "random: exact copies; smote: interpolation towards one of the k nearest "
            "same-class series" },
  { .name = "k", .type = TD_PARAM_INT, .default_value = "5", .min = 1, .max = 1000,
    .help = "smote: neighbours to choose from (fewer when the class has fewer series)" },
};

static const TdAugmentVTable oversample_vtable = {
  .apply = oversample_apply,
};

static const TdPluginDescriptor oversample_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_AUGMENT,
  .name = "oversample",
  .version = "1.0.0",
  .summary = "minority oversampling: exact copies (random) or SMOTE interpolation between neighbours",
  .params = oversample_params,
  .n_params = G_N_ELEMENTS (oversample_params),
  .vtable = &oversample_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &oversample_descriptor : NULL;
}
