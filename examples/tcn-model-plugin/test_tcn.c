/* test_tcn.c — the tcn plugin's gradient check, through the SDK's
 * finite-difference checker (nn_check_gradients in <tundish/nn.h>):
 *   - the backward pass of tcn.c agrees with finite differences of its
 *     forward pass, for every tensor and the input, with padded sequences;
 *   - a deliberately wrong gradient (one tensor's 20% too large, or the
 *     input gradient's sign flipped) fails, on that row only, so the check
 *     above can fail;
 *   - through the vtable: fit learns a small task, and predictions survive
 *     save → load exactly and ignore what lies past a series' length.
 * Built by `make check` against the installed SDK; tcn.c is included so the
 * test reaches its static functions. */
#include <glib/gstdio.h>

#include "tcn.c"

static const size_t T = 12, B = 3, C = 3;
static const guint32 lens[3] = { 12, 7, 3 };

typedef struct {
  Tcn tcn;
  NnNet net;
  float *P, *x;
} Fixture;

static void
fixture_init (Fixture *f)
{
  tcn_init (&f->tcn, C, 6, 3, 2, 5);
  tcn_as_net (&f->tcn, &f->net);
  f->P = g_new (float, f->tcn.layout.total);
  tcn_init_params (&f->tcn, f->P, 7);
  f->x = g_new (float, T * B * C);
  uint64_t rng = 3;
  for (size_t i = 0; i < T * B * C; i++)
    f->x[i] = (float) (2 * nn_rng_uniform (&rng) - 1);
}

static void
fixture_clear (Fixture *f)
{
  nn_layout_clear (&f->tcn.layout);
  g_free (f->P);
  g_free (f->x);
}

static const NnGradcheckRow *
row_named (const NnGradcheckReport *rep, const char *name)
{
  for (guint i = 0; i < rep->rows->len; i++)
    if (g_str_equal (g_array_index (rep->rows, NnGradcheckRow, i).name, name))
      return &g_array_index (rep->rows, NnGradcheckRow, i);
  g_assert_not_reached ();
}

static void
test_gradients (void)
{
  Fixture f;
  fixture_init (&f);
  g_autoptr (NnGradcheckReport) rep = nn_gradcheck_report_new ();
  const gboolean ok = nn_check_gradients (&f.net, f.P, NULL, T, B, C, f.x, lens, NULL, rep);
  guint resolved = 0;
  for (guint i = 0; i < rep->rows->len; i++)
    {
      const NnGradcheckRow *r = &g_array_index (rep->rows, NnGradcheckRow, i);
      g_test_message ("%-14s analytic %12.6g numeric %12.6g noise %.1e %s", r->name, r->analytic,
                      r->numeric, r->noise, r->ok ? "ok" : "FAIL");
      resolved += fabs (r->analytic) > 10 * r->noise;
    }
  g_assert_true (ok);
  /* every tensor and the input, each derivative well above the float32
   * noise: the check saw real signal everywhere */
  g_assert_cmpuint (rep->rows->len, ==, f.tcn.layout.n + 1);
  g_assert_cmpuint (resolved, ==, rep->rows->len);
  fixture_clear (&f);
}

/* tcn's backward with one mistake made on purpose. */
typedef struct {
  const NnNet *inner;
  const NnTensor *scaled;      /* gradient × 1.2, or NULL */
  float dx_sign;
} Wrong;

static void *
wrong_tape_new (const void *self, size_t max_T, size_t max_B)
{
  const NnNet *in = ((const Wrong *) self)->inner;
  return in->tape_new (in->self, max_T, max_B);
}

static const float *
wrong_forward (const void *self, const float *P, const float *S, void *tape, size_t T_,
               size_t B_, const float *x, const guint32 *len, gboolean train, uint64_t seed)
{
  const NnNet *in = ((const Wrong *) self)->inner;
  return in->forward (in->self, P, S, tape, T_, B_, x, len, train, seed);
}

static void
wrong_backward (const void *self, const float *P, float *G, void *tape, const float *dlogits,
                float *dx)
{
  const Wrong *w = self;
  const size_t n = w->inner->params->total;
  g_autofree float *g = g_new0 (float, n);
  w->inner->backward (w->inner->self, P, g, tape, dlogits, dx);
  for (size_t i = 0; w->scaled && i < w->scaled->numel; i++)
    g[w->scaled->offset + i] *= 1.2f;
  for (size_t i = 0; dx && i < T * B * C; i++)
    dx[i] *= w->dx_sign;
  for (size_t i = 0; i < n; i++)
    G[i] += g[i];
}

static NnGradcheckReport *
check_wrong (const Fixture *f, Wrong *w)
{
  NnNet net = f->net;
  net.self = w;
  net.tape_new = wrong_tape_new;
  net.forward = wrong_forward;
  net.backward = wrong_backward;
  NnGradcheckReport *rep = nn_gradcheck_report_new ();
  nn_check_gradients (&net, f->P, NULL, T, B, C, f->x, lens, NULL, rep);
  return rep;
}

static void
test_wrong_gradient_fails (void)
{
  Fixture f;
  fixture_init (&f);
  for (size_t k = 0; k < f.tcn.layout.n; k++)
    {
      const NnTensor *t = &f.tcn.layout.t[k];
      Wrong w = { &f.net, t, 1.0f };
      g_autoptr (NnGradcheckReport) rep = check_wrong (&f, &w);
      g_assert_false (rep->ok);
      for (guint i = 0; i < rep->rows->len; i++)
        {
          const NnGradcheckRow *r = &g_array_index (rep->rows, NnGradcheckRow, i);
          g_assert_cmpint (r->ok, ==, !g_str_equal (r->name, t->name));
        }
    }
  Wrong w = { &f.net, NULL, -1.0f };
  g_autoptr (NnGradcheckReport) rep = check_wrong (&f, &w);
  g_assert_false (rep->ok);
  g_assert_false (row_named (rep, "input")->ok);
  g_assert_true (row_named (rep, "conv.0.weight")->ok);
  fixture_clear (&f);
}

/* n series of T steps × 2 noisy channels; a positive carries a bump of
 * width 5 somewhere on channel 0. Every third series is shorter (lengths),
 * with garbage after its end. */
static TdDataset *
bump_task (size_t n, size_t T, uint64_t seed)
{
  TdDataset *ds = td_dataset_new (n, T, 2, TD_TASK_BINARY, 2);
  ds->lengths = g_new (guint32, n);
  uint64_t rng = seed;
  for (size_t s = 0; s < n; s++)
    {
      const size_t L = s % 3 == 2 ? T - 8 : T;
      ds->lengths[s] = (guint32) L;
      ds->y[s] = (double) (s % 2);
      float *x = td_dataset_series (ds, s);
      for (size_t k = 0; k < T * 2; k++)
        x[k] = k < L * 2 ? (float) (nn_rng_uniform (&rng) - 0.5) : 99.0f;
      if (ds->y[s] > 0)
        {
          const size_t at = (size_t) (nn_rng_uniform (&rng) * (double) (L - 5));
          for (size_t t = at; t < at + 5; t++)
            x[t * 2] += 1.5f;
        }
    }
  return ds;
}

/* Through the plugin's vtable, as tundish calls it: fit with the SDK's
 * training loop learns the task; predictions survive save → load exactly
 * and do not depend on what lies past a series' length. */
static void
test_fit_predict_save_load (void)
{
  g_autoptr (TdDataset) train = bump_task (240, 40, 1);
  g_autoptr (TdDataset) valid = bump_task (60, 40, 2);
  g_autoptr (TdDataset) test = bump_task (120, 40, 3);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdParams) p = td_params_new_defaults (tcn_params, G_N_ELEMENTS (tcn_params), &e);
  g_assert_no_error (e);
  g_autoptr (TdContext) ctx = td_context_new (5);
  TdModel *m = tcn_vtable.create (p, ctx, &e);
  g_assert_no_error (e);
  g_assert_true (tcn_vtable.fit (m, train, valid, ctx, &e));
  g_assert_no_error (e);
  g_autofree double *a = g_new (double, test->n_series);
  g_assert_true (tcn_vtable.predict (m, test, a, ctx, &e));
  const double auc = td_roc_auc (test->y, a, test->n_series);
  g_test_message ("bump task: test ROC-AUC %.4f after %d epochs", auc, m->result.epochs_run);
  g_assert_cmpfloat (auc, >, 0.9);

  /* garbage past each length changes nothing */
  for (size_t s = 0; s < test->n_series; s++)
    for (size_t k = test->lengths[s] * 2; k < test->n_steps * 2; k++)
      td_dataset_series (test, s)[k] = -7.0f;
  g_autofree double *b = g_new (double, test->n_series);
  g_assert_true (tcn_vtable.predict (m, test, b, ctx, &e));
  g_assert_cmpmem (a, test->n_series * sizeof (double), b, test->n_series * sizeof (double));

  g_autofree char *dir = g_dir_make_tmp ("tcn-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model", NULL);
  g_assert_true (tcn_vtable.save (m, path, &e));
  TdModel *m2 = tcn_vtable.load (p, path, ctx, &e);
  g_assert_no_error (e);
  g_autofree double *c = g_new (double, test->n_series);
  g_assert_true (tcn_vtable.predict (m2, test, c, ctx, &e));
  g_assert_cmpmem (a, test->n_series * sizeof (double), c, test->n_series * sizeof (double));
  tcn_vtable.destroy (m);
  tcn_vtable.destroy (m2);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tcn/gradients", test_gradients);
  g_test_add_func ("/tcn/wrong-gradient-fails", test_wrong_gradient_fails);
  g_test_add_func ("/tcn/fit-predict-save-load", test_fit_predict_save_load);
  return g_test_run ();
}
