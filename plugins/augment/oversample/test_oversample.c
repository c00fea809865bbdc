/* Tests of oversample: the shared augmentation contract for both methods;
 * random copies are exact; SMOTE points lie on the segment from their source
 * to one of its k nearest same-class neighbours, in feature space (n_steps
 * == 1) and between sequences; too few series and regression are refused. */
#include <math.h>
#include <string.h>

#include "aug_test_util.h"
#include "augment_common.h"

static const TdPluginDescriptor *
desc (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  g_assert_cmpstr (d->name, ==, "oversample");
  return d;
}

static void
test_contract_random (void)
{
  const char *extra[] = { "method=random", NULL };
  aug_test_common (desc (), extra, FALSE);
}

static void
test_contract_smote (void)
{
  const char *extra[] = { "method=smote", "k=3", NULL };
  aug_test_common (desc (), extra, FALSE);
}

static void
test_random_exact (void)
{
  g_autoptr (TdDataset) train = aug_test_data (50, 20, TRUE, 4);
  const char *set[] = { "method=random", "ratio=3", NULL };
  g_autoptr (TdParams) p = aug_test_params (desc (), set);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 5, &error);
  g_assert_no_error (error);
  aug_test_check_contract (train, out, 30, FALSE);
  const TdMetaColumn *from = td_dataset_find_meta (out, AUG_FROM_COLUMN);
  size_t row = 20 * 3;
  for (size_t r = train->n_series; r < out->n_series; r++)
    {
      size_t src = aug_test_index_of (train, (gint64) from->num[r]);
      g_assert_cmpmem (td_dataset_series (out, r), row * sizeof (float),
                       td_dataset_series (train, src), row * sizeof (float));
    }
}

/* Minority points on a line, x = (pos, 2 pos, 7) with pos in 0, 1, 3, 7, 15,
 * 31 (each gap twice the previous one), so with k = 1 the nearest
 * neighbour is 1 for 0, and the previous point for every other. The
 * majority points sit far away at x = (1000 + s, 0, 0). */
static TdDataset *
line_data (size_t steps)
{
  static const double pos[] = { 0, 1, 3, 7, 15, 31 };
  TdDataset *ds = td_dataset_new (26, steps, 3, TD_TASK_BINARY, 2);
  for (size_t s = 0; s < 26; s++)
    {
      gboolean minority = s < G_N_ELEMENTS (pos);
      ds->y[s] = minority ? 1 : 0;
      ds->series_id[s] = (gint64) s;
      float *x = td_dataset_series (ds, s);
      for (size_t t = 0; t < steps; t++)
        {
          x[t * 3 + 0] = (float) (minority ? pos[s] : 1000.0 + (double) s);
          x[t * 3 + 1] = (float) (minority ? 2 * pos[s] : 0);
          x[t * 3 + 2] = minority ? 7.0f : 0.0f;
        }
    }
  return ds;
}

static void
check_line (size_t steps)
{
  static const size_t nn[] = { 1, 0, 1, 2, 3, 4 };
  g_autoptr (TdDataset) train = line_data (steps);
  const char *set[] = { "method=smote", "k=1", "ratio=20", NULL };
  g_autoptr (TdParams) p = aug_test_params (desc (), set);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 9, &error);
  g_assert_no_error (error);
  aug_test_check_contract (train, out, 120, FALSE);
  const TdMetaColumn *from = td_dataset_find_meta (out, AUG_FROM_COLUMN);
  double umin = 1, umax = 0;
  for (size_t r = train->n_series; r < out->n_series; r++)
    {
      size_t a = (size_t) from->num[r], b = nn[a];
      const float *xa = td_dataset_series (train, a), *xb = td_dataset_series (train, b);
      const float *x = td_dataset_series (out, r);
      double u = (x[0] - xa[0]) / (xb[0] - xa[0]);
      g_assert_cmpfloat (u, >=, 0);
      g_assert_cmpfloat (u, <=, 1);
      umin = MIN (umin, u);
      umax = MAX (umax, u);
      for (size_t t = 0; t < steps; t++)
        for (size_t c = 0; c < 3; c++)
          g_assert_cmpfloat_with_epsilon (x[t * 3 + c],
                                          xa[t * 3 + c] + u * (xb[t * 3 + c] - xa[t * 3 + c]),
                                          1e-4);
    }
  g_assert_cmpfloat (umin, <, 0.05);   /* u covers [0, 1] */
  g_assert_cmpfloat (umax, >, 0.95);
}

static void
test_smote_features (void)
{
  check_line (1);
}

static void
test_smote_sequences (void)
{
  check_line (25);
}

/* With k = 2, each new point lies towards one of the source's two nearest
 * neighbours, and both get used. */
static void
test_smote_k (void)
{
  static const size_t nn2[][2] = { { 1, 2 }, { 0, 2 }, { 1, 0 }, { 2, 1 }, { 3, 2 }, { 4, 3 } };
  g_autoptr (TdDataset) train = line_data (1);
  const char *set[] = { "method=smote", "k=2", "ratio=30", NULL };
  g_autoptr (TdParams) p = aug_test_params (desc (), set);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 10, &error);
  g_assert_no_error (error);
  const TdMetaColumn *from = td_dataset_find_meta (out, AUG_FROM_COLUMN);
  int used[6][2] = { { 0 } };
  for (size_t r = train->n_series; r < out->n_series; r++)
    {
      size_t a = (size_t) from->num[r];
      const float *x = td_dataset_series (out, r), *xa = td_dataset_series (train, a);
      gboolean on = FALSE;
      for (int j = 0; j < 2; j++)
        {
          const float *xb = td_dataset_series (train, nn2[a][j]);
          double u = (x[0] - xa[0]) / (xb[0] - xa[0]);
          if (u >= 0 && u <= 1 && fabs (x[1] - (xa[1] + u * (xb[1] - xa[1]))) < 1e-4)
            {
              on = TRUE;
              used[a][j]++;
            }
        }
      g_assert_true (on);
    }
  for (int a = 0; a < 6; a++)
    for (int j = 0; j < 2; j++)
      g_assert_cmpint (used[a][j], >, 0);
}

static void
test_smote_refusals (void)
{
  g_autoptr (TdDataset) train = aug_test_data (30, 10, FALSE, 1);
  for (size_t s = 1; s < train->n_series; s++)
    train->y[s] = 0;   /* a single minority series */
  const char *set[] = { "method=smote", NULL };
  g_autoptr (TdParams) p = aug_test_params (desc (), set);
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) out = aug_test_apply (desc (), p, train, 1, &error);
  g_assert_null (out);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "at least 2"));
  g_clear_error (&error);

  train->task = TD_TASK_REGRESSION;
  g_autoptr (TdDataset) out2 = aug_test_apply (desc (), p, train, 1, &error);
  g_assert_null (out2);
  g_assert_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/oversample/contract-random", test_contract_random);
  g_test_add_func ("/oversample/contract-smote", test_contract_smote);
  g_test_add_func ("/oversample/random-exact", test_random_exact);
  g_test_add_func ("/oversample/smote-features", test_smote_features);
  g_test_add_func ("/oversample/smote-sequences", test_smote_sequences);
  g_test_add_func ("/oversample/smote-k", test_smote_k);
  g_test_add_func ("/oversample/smote-refusals", test_smote_refusals);
  return g_test_run ();
}
