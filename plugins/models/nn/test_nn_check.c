/* test_nn_check.c — nn_check_gradients (tundish/nn.h), the finite-difference
 * check a plugin author runs on an NnNet: it passes on the sequence
 * classifier's backward (conv front-end, LSTM, attention pooling, variable
 * lengths), and fails, on the right row only, when one tensor's gradient or
 * the input gradient is deliberately wrong. */
#include <math.h>
#include <string.h>

#include <tundish/nn.h>

static const size_t T = 9, B = 3, C = 3;
static const guint32 lens[3] = { 9, 6, 2 };

typedef struct {
  NnSeqModel m;
  NnNet net;
  NnSeqNetSelf holder;
  float *P, *S, *x;
} Fixture;

/* n_outputs: the head's outputs (0: one logit; 3: a softmax head). */
static void
fixture_init_outputs (Fixture *f, size_t n_outputs)
{
  NnSeqConfig cfg = {
    .n_inputs = C, .hidden = 5, .layers = 2, .pool = NN_POOL_ATTENTION, .attention_dim = 4,
    .head_hidden = 6, .conv_layers = 1, .conv_channels = 4, .conv_kernel = 3, .conv_pool = 2,
    .n_outputs = n_outputs,
  };
  g_autoptr (GError) e = NULL;
  g_assert_true (nn_seq_model_init (&f->m, &cfg, &e));
  f->P = g_new (float, f->m.layout.total);
  f->S = g_new (float, f->m.state.total);
  nn_seq_init_params_f32 (&f->m, f->P, 11);
  nn_seq_init_state_f32 (&f->m, f->S);
  f->x = g_new0 (float, T * B * C);
  uint64_t rng = 5;
  for (size_t i = 0; i < T * B * C; i++)
    f->x[i] = (float) (2 * nn_rng_uniform (&rng) - 1);
  nn_seq_net_init (&f->net, &f->holder, &f->m, NULL);
}

static void
fixture_init (Fixture *f)
{
  fixture_init_outputs (f, 0);
}

static void
fixture_clear (Fixture *f)
{
  nn_seq_model_clear (&f->m);
  g_free (f->P);
  g_free (f->S);
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
print_report (const NnGradcheckReport *rep)
{
  for (guint i = 0; i < rep->rows->len; i++)
    {
      const NnGradcheckRow *r = &g_array_index (rep->rows, NnGradcheckRow, i);
      g_test_message ("%-22s analytic %12.6g numeric %12.6g noise %.1e rel %.2e %s", r->name,
                      r->analytic, r->numeric, r->noise, r->rel_err, r->ok ? "ok" : "FAIL");
    }
}

static void
test_correct_passes (void)
{
  Fixture f;
  fixture_init (&f);
  g_autoptr (NnGradcheckReport) rep = nn_gradcheck_report_new ();
  gboolean ok = nn_check_gradients (&f.net, f.P, f.S, T, B, C, f.x, lens, NULL, rep);
  print_report (rep);
  g_assert_true (ok);
  /* every tensor of the layout and the input were checked */
  g_assert_cmpuint (rep->rows->len, ==, f.m.layout.n + 1);
  /* not vacuous: most rows' derivatives stand far above the float32 noise
   * (measured: 17 of the 20, the three below are the attention pooling's,
   * whose logits barely move with so short pooled sequences) */
  guint resolved = 0;
  for (guint i = 0; i < rep->rows->len; i++)
    {
      const NnGradcheckRow *r = &g_array_index (rep->rows, NnGradcheckRow, i);
      resolved += fabs (r->analytic) > 10 * r->noise;
    }
  g_test_message ("%u of %u rows above 10x their noise", resolved, rep->rows->len);
  g_assert_cmpuint (resolved, >=, 15);
  fixture_clear (&f);
}

/* The sequence classifier with one deliberate mistake in its backward: one
 * tensor's gradient 20% too large, or the input gradient's sign flipped. */
typedef struct {
  const NnNet *inner;
  size_t offset, numel;    /* the tensor whose gradient is scaled (numel 0: none) */
  double dx_scale;         /* the input gradient's factor */
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
  g_autofree float *g = g_new0 (float, w->inner->params->total);
  w->inner->backward (w->inner->self, P, g, tape, dlogits, dx);
  for (size_t i = 0; i < w->numel; i++)
    g[w->offset + i] *= 1.2f;
  for (size_t i = 0; dx && i < T * B * C; i++)
    dx[i] *= (float) w->dx_scale;
  for (size_t i = 0; i < w->inner->params->total; i++)
    G[i] += g[i];
}

static NnNet
wrong_net (const Fixture *f, Wrong *w)
{
  NnNet net = f->net;
  net.self = w;
  net.tape_new = wrong_tape_new;
  net.forward = wrong_forward;
  net.backward = wrong_backward;
  return net;
}

static void
test_wrong_tensor_fails (void)
{
  Fixture f;
  fixture_init (&f);
  const char *const names[] = { "conv.2.weight", "weight_ih_l0", "weight_hh_l1", "head.0.bias",
                                "head.3.bias" };
  for (size_t k = 0; k < G_N_ELEMENTS (names); k++)
    {
      const NnTensor *t = nn_layout_find (&f.m.layout, names[k]);
      g_assert_nonnull (t);
      Wrong w = { &f.net, t->offset, t->numel, 1.0 };
      NnNet net = wrong_net (&f, &w);
      g_autoptr (NnGradcheckReport) rep = nn_gradcheck_report_new ();
      g_assert_false (nn_check_gradients (&net, f.P, f.S, T, B, C, f.x, lens, NULL, rep));
      /* only that tensor's row fails */
      for (guint i = 0; i < rep->rows->len; i++)
        {
          const NnGradcheckRow *r = &g_array_index (rep->rows, NnGradcheckRow, i);
          g_assert_cmpint (r->ok, ==, !g_str_equal (r->name, names[k]));
        }
      g_test_message ("%s x 1.2: rel %.3f", names[k], row_named (rep, names[k])->rel_err);
    }
  fixture_clear (&f);
}

static void
test_wrong_input_gradient_fails (void)
{
  Fixture f;
  fixture_init (&f);
  Wrong w = { &f.net, 0, 0, -1.0 };
  NnNet net = wrong_net (&f, &w);
  g_autoptr (NnGradcheckReport) rep = nn_gradcheck_report_new ();
  g_assert_false (nn_check_gradients (&net, f.P, f.S, T, B, C, f.x, lens, NULL, rep));
  g_assert_false (row_named (rep, "input")->ok);
  g_assert_true (row_named (rep, "weight_ih_l0")->ok);
  fixture_clear (&f);
}

/* A head of 3 outputs (multiclass): every output's gradient is checked (f
 * weighs each of the B × 3 logits), and a wrong gradient of the head's last
 * layer — which only the extra outputs' rows reach — fails. */
static void
test_multi_output (void)
{
  Fixture f;
  fixture_init_outputs (&f, 3);
  g_assert_cmpuint (f.net.n_outputs, ==, 3);
  g_autoptr (NnGradcheckReport) rep = nn_gradcheck_report_new ();
  gboolean ok = nn_check_gradients (&f.net, f.P, f.S, T, B, C, f.x, lens, NULL, rep);
  print_report (rep);
  g_assert_true (ok);
  const NnTensor *t = nn_layout_find (&f.m.layout, "head.3.weight");
  g_assert_cmpuint (t->numel, ==, 3 * 6);
  /* the third output's row only: the first 2 × 6 weights are left right */
  Wrong w = { &f.net, t->offset + 12, 6, 1.0 };
  NnNet bad = wrong_net (&f, &w);
  g_autoptr (NnGradcheckReport) brep = nn_gradcheck_report_new ();
  g_assert_false (nn_check_gradients (&bad, f.P, f.S, T, B, C, f.x, lens, NULL, brep));
  g_assert_false (row_named (brep, "head.3.weight")->ok);
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn-check/correct-passes", test_correct_passes);
  g_test_add_func ("/nn-check/multi-output", test_multi_output);
  g_test_add_func ("/nn-check/wrong-tensor-fails", test_wrong_tensor_fails);
  g_test_add_func ("/nn-check/wrong-input-gradient-fails", test_wrong_input_gradient_fails);
  return g_test_run ();
}
