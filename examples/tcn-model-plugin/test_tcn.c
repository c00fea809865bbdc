/* test_tcn.c — the tcn plugin's gradient check, through the SDK's
 * finite-difference checker (nn_check_gradients in <tundish/nn.h>):
 *   - the backward pass of tcn.c agrees with finite differences of its
 *     forward pass, for every tensor and the input, with padded sequences;
 *   - a deliberately wrong gradient (one tensor's 20% too large, or the
 *     input gradient's sign flipped) fails, on that row only, so the check
 *     above can fail.
 * Built by `make check` against the installed SDK; tcn.c is included so the
 * test reaches its static functions. */
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tcn/gradients", test_gradients);
  g_test_add_func ("/tcn/wrong-gradient-fails", test_wrong_gradient_fails);
  return g_test_run ();
}
