/* test_nn.c — the NN library's own checks beyond the PyTorch golden file:
 * finite-difference gradients (float64) of every architecture option the
 * golden file does not cover (bidirectional, padding, mean/max/attention
 * pooling, the hidden head with dropout, focal loss, self-attention with
 * dropout and every pooling), padding invariance,
 * float32 against float64, AdamW, clipping, schedules and dropout masks. */
#include <math.h>
#include <string.h>

#include <tundish/nn.h>
#include "nn_math.h"

typedef struct {
  const char *name;
  NnSeqConfig cfg;
  gboolean train;          /* dropout on (fixed seed: a deterministic function) */
  gboolean lengths;        /* variable lengths */
  NnLoss loss;
} GradCase;

static const size_t T = 7, B = 3;
static size_t C = 4;   /* 34 for the wide-input case (the other dW_ih product) */
static const guint32 lens[3] = { 7, 4, 1 };

static double *
random_array (size_t n, guint32 seed, double scale)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (seed);
  double *a = g_new (double, n);
  for (size_t i = 0; i < n; i++)
    a[i] = g_rand_double_range (r, -scale, scale);
  return a;
}

/* A state buffer with running statistics away from 0/1, so eval-mode
 * BatchNorm is not the identity. */
static double *
test_state (const NnSeqModel *m)
{
  double *S = g_new0 (double, MAX (m->state.total, 1));
  nn_seq_init_state_f64 (m, S);
  g_autoptr (GRand) r = g_rand_new_with_seed (17);
  for (size_t k = 0; k < m->cfg.conv_layers; k++)
    for (size_t c = 0; c < m->bn[k].C; c++)
      {
        S[m->bn[k].mean + c] = g_rand_double_range (r, -0.3, 0.6);
        S[m->bn[k].var + c] = g_rand_double_range (r, 0.5, 1.5);
      }
  return S;
}

static double *state;   /* of the model under test */

/* Mean loss of the batch at parameters P and input x. */
static double
loss_at (const NnSeqModel *m, const GradCase *gc, NnSeqTape_f64 *tp, const double *P,
         const double *x, const double *y, double *G, double *dx)
{
  NnLossConfig lc = { .kind = gc->loss, .pos_weight = 2.5, .gamma = 2.0 };
  double dz[8];
  nn_seq_forward_f64 (m, P, state, tp, T, B, x, gc->lengths ? lens : NULL, gc->train, 42);
  double l = nn_loss_f64 (&lc, B, tp->logits, y, dz, 1.0 / B) / B;
  if (G)
    {
      memset (G, 0, m->layout.total * sizeof *G);
      nn_seq_backward_f64 (m, P, G, tp, dz, dx);
    }
  return l;
}

static void
test_gradients (gconstpointer data)
{
  const GradCase *gc = data;
  C = gc->cfg.n_inputs;
  NnSeqModel m;
  g_autoptr (GError) e = NULL;
  g_assert_true (nn_seq_model_init (&m, &gc->cfg, &e));
  const size_t n = m.layout.total;
  g_autofree double *P = g_new (double, n);
  nn_seq_init_params_f64 (&m, P, 7);
  g_autofree double *S = test_state (&m);
  state = S;
  /* BatchNorm's γ, β away from 1, 0 */
  for (size_t k = 0; k < m.cfg.conv_layers; k++)
    for (size_t c = 0; c < m.bn[k].C; c++)
      {
        P[m.bn[k].gamma + c] = 0.7 + 0.2 * (double) c;
        P[m.bn[k].beta + c] = 0.1 * (double) c - 0.1;
      }
  g_autofree double *x = random_array (T * B * C, 3, 1.5);
  double y[3] = { 1, 0, 0.3 };           /* a soft label too */
  g_autofree double *G = g_new (double, n);
  g_autofree double *dx = g_new (double, T * B * C);
  NnSeqTape_f64 *tp = nn_seq_tape_new_f64 (&m, T, B);
  loss_at (&m, gc, tp, P, x, y, G, dx);
  /* every tensor takes part (a dead ReLU head would make the check vacuous) */
  for (size_t k = 0; k < m.layout.n; k++)
    if (nn_grad_norm_f64 (G + m.layout.t[k].offset, m.layout.t[k].numel) == 0)
      g_error ("%s: tensor %s has a zero gradient", gc->name, m.layout.t[k].name);

  /* every parameter, central differences */
  const double h = 1e-6;
  double worst = 0;
  for (size_t i = 0; i < n; i++)
    {
      double keep = P[i];
      P[i] = keep + h;
      double lp = loss_at (&m, gc, tp, P, x, y, NULL, NULL);
      P[i] = keep - h;
      double lm = loss_at (&m, gc, tp, P, x, y, NULL, NULL);
      P[i] = keep;
      double num = (lp - lm) / (2 * h);
      double err = fabs (num - G[i]) / MAX (1e-4, fabs (num) + fabs (G[i]));
      if (err > worst)
        worst = err;
      if (err > 1e-5)
        g_test_message ("%s: param %zu analytic %.10g numeric %.10g", gc->name, i, G[i], num);
    }
  g_assert_cmpfloat (worst, <, 1e-5);

  /* the input gradient; zero at padded steps */
  for (size_t i = 0; i < T * B * C; i++)
    {
      size_t t = i / (B * C), b = (i / C) % B;
      if (gc->lengths && t >= lens[b])
        {
          g_assert_cmpfloat (dx[i], ==, 0.0);
          continue;
        }
      double keep = x[i];
      x[i] = keep + h;
      double lp = loss_at (&m, gc, tp, P, x, y, NULL, NULL);
      x[i] = keep - h;
      double lm = loss_at (&m, gc, tp, P, x, y, NULL, NULL);
      x[i] = keep;
      double num = (lp - lm) / (2 * h);
      g_assert_cmpfloat (fabs (num - dx[i]) / MAX (1e-4, fabs (num) + fabs (dx[i])), <, 1e-5);
    }
  nn_seq_tape_free_f64 (tp);
  nn_seq_model_clear (&m);
  state = NULL;
}

/* A sequence's logit and gradients do not depend on the padding after it,
 * nor on the other sequences of the batch. */
static void
test_padding_invariance (gconstpointer data)
{
  C = 4;
  const int pool = GPOINTER_TO_INT (data) % 16;
  const gboolean conv = GPOINTER_TO_INT (data) / 16 == 1;   /* with a conv front-end (eval mode) */
  const gboolean mha = GPOINTER_TO_INT (data) / 16 == 2;    /* with self-attention */
  NnSeqConfig cfg = { .n_inputs = C, .hidden = 5, .layers = 2, .bidirectional = TRUE,
                      .pool = pool, .attention_dim = 4, .head_hidden = 0,
                      .conv_layers = conv ? 2 : 0, .conv_channels = 8, .conv_kernel = 3,
                      .conv_pool = 2, .attn_heads = mha ? 2 : 0 };
  NnSeqModel m;
  g_assert_true (nn_seq_model_init (&m, &cfg, NULL));
  g_autofree double *P = g_new (double, m.layout.total);
  nn_seq_init_params_f64 (&m, P, 11);
  g_autofree double *S = test_state (&m);
  g_autofree double *x = random_array (T * B * C, 5, 1.0);
  NnSeqTape_f64 *tp = nn_seq_tape_new_f64 (&m, T, B);
  NnSeqTape_f64 *t1 = nn_seq_tape_new_f64 (&m, T, 1);
  nn_seq_forward_f64 (&m, P, S, tp, T, B, x, lens, FALSE, 0);
  /* a linear head, and logits that differ: the comparison below is not vacuous */
  g_assert_cmpfloat (fabs (tp->logits[0] - tp->logits[1]), >, 1e-6);
  g_assert_cmpfloat (fabs (tp->logits[1] - tp->logits[2]), >, 1e-6);
  for (size_t b = 0; b < B; b++)
    {
      /* sequence b alone, without padding, and with garbage in the padding */
      size_t L = lens[b];
      g_autofree double *xs = g_new (double, T * C);
      for (size_t t = 0; t < T; t++)
        for (size_t c = 0; c < C; c++)
          xs[t * C + c] = t < L ? x[(t * B + b) * C + c] : 1e3 * (double) (t + c);
      guint32 l1 = (guint32) L;
      nn_seq_forward_f64 (&m, P, S, t1, L, 1, xs, NULL, FALSE, 0);
      double alone = t1->logits[0];
      nn_seq_forward_f64 (&m, P, S, t1, T, 1, xs, &l1, FALSE, 0);
      g_assert_cmpfloat (fabs (t1->logits[0] - alone), <, 1e-12);
      g_assert_cmpfloat (fabs (tp->logits[b] - alone), <, 1e-12);
    }
  nn_seq_tape_free_f64 (tp);
  nn_seq_tape_free_f64 (t1);
  nn_seq_model_clear (&m);
}

/* The float32 path follows the float64 one (same weights) closely. */
static void
test_f32_vs_f64 (void)
{
  C = 4;
  NnSeqConfig cfg = { .n_inputs = C, .hidden = 16, .layers = 2, .bidirectional = TRUE,
                      .pool = NN_POOL_ATTENTION, .attention_dim = 8, .head_hidden = 8 };
  NnSeqModel m;
  g_assert_true (nn_seq_model_init (&m, &cfg, NULL));
  const size_t n = m.layout.total;
  g_autofree double *P = g_new (double, n);
  g_autofree float *Pf = g_new (float, n);
  nn_seq_init_params_f64 (&m, P, 1);
  nn_seq_init_params_f32 (&m, Pf, 1);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat (Pf[i], ==, (float) P[i]);   /* same draws */
  for (size_t i = 0; i < n; i++)
    P[i] = Pf[i];
  g_autofree double *x = random_array (T * B * C, 9, 2.0);
  g_autofree float *xf = g_new (float, T * B * C);
  for (size_t i = 0; i < T * B * C; i++)
    xf[i] = (float) x[i];
  NnSeqTape_f64 *td = nn_seq_tape_new_f64 (&m, T, B);
  NnSeqTape_f32 *tf = nn_seq_tape_new_f32 (&m, T, B);
  nn_seq_forward_f64 (&m, P, NULL, td, T, B, x, lens, FALSE, 0);
  nn_seq_forward_f32 (&m, Pf, NULL, tf, T, B, xf, lens, FALSE, 0);
  for (size_t b = 0; b < B; b++)
    g_assert_cmpfloat (fabs (td->logits[b] - tf->logits[b]), <, 1e-5);
  nn_seq_tape_free_f64 (td);
  nn_seq_tape_free_f32 (tf);
  nn_seq_model_clear (&m);
}

/* The fast float32 exp/sigmoid/tanh against libm, over the range that matters. */
static void
test_math (void)
{
  double worst_e = 0, worst_t = 0;
  for (double v = -80; v <= 80; v += 0.00731)
    {
      float f = (float) v;
      double e = exp ((double) f), te = tanh ((double) f);
      worst_e = MAX (worst_e, fabs (nn_expf (f) - e) / e);
      worst_t = MAX (worst_t, fabs (nn_tanhf (f) - te) / MAX (fabs (te), 1e-30));
    }
  g_assert_cmpfloat (worst_e, <, 3e-7);
  g_assert_cmpfloat (worst_t, <, 3e-7);
}

static void
test_adamw_and_clip (void)
{
  /* AdamW: the decay is applied to the weight, not through the moments. */
  NnOptConfig oc = { .kind = NN_OPT_ADAMW, .lr = 0.1, .beta1 = 0.9, .beta2 = 0.999,
                     .eps = 1e-8, .weight_decay = 0.5 };
  NnAdam_f64 opt;
  nn_adam_init_f64 (&opt, &oc, 2);
  double P[2] = { 1.0, -2.0 }, G[2] = { 0.5, 0.0 };
  nn_adam_step_f64 (&opt, P, G, oc.lr);
  /* w = w (1 - lr wd) - lr m̂ / (√v̂ + eps), m̂ = g, v̂ = g² after one step */
  g_assert_cmpfloat (fabs (P[0] - (1.0 * 0.95 - 0.1 * 0.5 / (0.5 + 1e-8))), <, 1e-15);
  g_assert_cmpfloat (fabs (P[1] - (-2.0 * 0.95)), <, 1e-15);
  nn_adam_clear_f64 (&opt);
  /* Adam with weight decay: the decay goes through the moments. */
  oc.kind = NN_OPT_ADAM;
  nn_adam_init_f64 (&opt, &oc, 1);
  double p = 1.0, g = 0.0;
  nn_adam_step_f64 (&opt, &p, &g, oc.lr);
  g_assert_cmpfloat (fabs (p - (1.0 - 0.1 * 0.5 / (0.5 + 1e-8))), <, 1e-15);
  nn_adam_clear_f64 (&opt);

  double v[3] = { 3, 4, 0 };
  g_assert_cmpfloat (nn_clip_grad_norm_f64 (v, 3, 1.0), ==, 5.0);
  g_assert_cmpfloat (fabs (nn_grad_norm_f64 (v, 3) - 1.0), <, 1e-6);
  double w[2] = { 0.3, 0.4 };
  nn_clip_grad_norm_f64 (w, 2, 1.0);   /* under the limit: untouched */
  g_assert_cmpfloat (w[0], ==, 0.3);
}

static void
test_schedules (void)
{
  NnSchedule s;
  nn_schedule_init (&s, NN_SCHED_COSINE, 1e-2, 10, 0, 0, 0);
  g_assert_cmpfloat (nn_schedule_lr (&s, 0, NAN), ==, 1e-2);
  g_assert_cmpfloat (fabs (nn_schedule_lr (&s, 5, NAN) - 5e-3), <, 1e-15);
  g_assert_cmpfloat (nn_schedule_lr (&s, 10, NAN), <, 1e-15);

  nn_schedule_init (&s, NN_SCHED_PLATEAU, 1.0, 0, 0.5, 1, 0.2);
  g_assert_cmpfloat (nn_schedule_lr (&s, 0, NAN), ==, 1.0);
  g_assert_cmpfloat (nn_schedule_lr (&s, 1, 0.7), ==, 1.0);     /* best */
  g_assert_cmpfloat (nn_schedule_lr (&s, 2, 0.7), ==, 1.0);     /* 1 bad epoch = patience */
  g_assert_cmpfloat (nn_schedule_lr (&s, 3, 0.6), ==, 0.5);     /* 2 > patience: halve */
  g_assert_cmpfloat (nn_schedule_lr (&s, 4, 0.8), ==, 0.5);     /* improved */
  g_assert_cmpfloat (nn_schedule_lr (&s, 5, 0.8), ==, 0.5);
  g_assert_cmpfloat (nn_schedule_lr (&s, 6, 0.8), ==, 0.25);
  g_assert_cmpfloat (nn_schedule_lr (&s, 7, 0.8), ==, 0.25);
  g_assert_cmpfloat (nn_schedule_lr (&s, 8, 0.8), ==, 0.2);     /* floor */
}

static void
test_dropout_mask (void)
{
  double a[4000], b[4000];
  nn_dropout_mask_f64 (4000, 0.25, 99, a);
  nn_dropout_mask_f64 (4000, 0.25, 99, b);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
  size_t zeros = 0;
  for (size_t i = 0; i < 4000; i++)
    {
      g_assert_true (a[i] == 0 || fabs (a[i] - 1 / 0.75) < 1e-15);
      zeros += a[i] == 0;
    }
  g_assert_cmpuint (zeros, >, 850);
  g_assert_cmpuint (zeros, <, 1150);
  nn_dropout_mask_f64 (4000, 0.25, 100, b);
  g_assert_true (memcmp (a, b, sizeof a) != 0);
}

static void
test_bad_config (void)
{
  NnSeqModel m;
  g_autoptr (GError) e = NULL;
  NnSeqConfig cfg = { .n_inputs = 3, .hidden = 4, .layers = 0 };
  g_assert_false (nn_seq_model_init (&m, &cfg, &e));
  g_assert_error (e, NN_ERROR, NN_ERROR_CONFIG);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  static const GradCase cases[] = {
    { .name = "last-1layer", .cfg = { .n_inputs = 4, .hidden = 3, .layers = 1, .pool = NN_POOL_LAST } },
    { .name = "last-bidir-padded", .cfg = { .n_inputs = 4, .hidden = 3, .layers = 2, .bidirectional = TRUE,
                             .pool = NN_POOL_LAST }, .lengths = TRUE },
    { .name = "mean-padded-dropout", .cfg = { .n_inputs = 4, .hidden = 3, .layers = 2, .dropout = 0.3,
                               .pool = NN_POOL_MEAN, .head_hidden = 8, .head_dropout = 0.3 },
      .train = TRUE, .lengths = TRUE },
    { .name = "max-bidir-padded", .cfg = { .n_inputs = 4, .hidden = 3, .layers = 2, .bidirectional = TRUE,
                            .pool = NN_POOL_MAX, .head_hidden = 8 }, .lengths = TRUE },
    { .name = "attention-padded", .cfg = { .n_inputs = 4, .hidden = 3, .layers = 1, .bidirectional = TRUE,
                            .pool = NN_POOL_ATTENTION, .attention_dim = 5, .head_hidden = 8 },
      .lengths = TRUE },
    { .name = "wide-input", .cfg = { .n_inputs = 34, .hidden = 3, .layers = 1, .pool = NN_POOL_MEAN },
      .lengths = TRUE },
    { .name = "conv-train-padded", .cfg = { .n_inputs = 4, .hidden = 3, .layers = 1,
                                            .pool = NN_POOL_MEAN, .conv_layers = 2,
                                            .conv_channels = 3, .conv_kernel = 3, .conv_pool = 2,
                                            .head_hidden = 8 },
      .train = TRUE, .lengths = TRUE },
    { .name = "conv-eval-k5", .cfg = { .n_inputs = 4, .hidden = 3, .layers = 1,
                                       .pool = NN_POOL_LAST, .conv_layers = 1,
                                       .conv_channels = 4, .conv_kernel = 5, .conv_pool = 3 },
      .lengths = TRUE },
    { .name = "focal", .cfg = { .n_inputs = 4, .hidden = 3, .layers = 1, .pool = NN_POOL_MEAN },
      .loss = NN_LOSS_FOCAL },
    { .name = "mha-mean-padded", .cfg = { .n_inputs = 4, .hidden = 4, .layers = 2, .pool = NN_POOL_MEAN,
                                          .head_hidden = 8, .attn_heads = 2 }, .lengths = TRUE },
    { .name = "mha-bidir-max-dropout", .cfg = { .n_inputs = 4, .hidden = 3, .layers = 1,
                                                .bidirectional = TRUE, .pool = NN_POOL_MAX,
                                                .attn_heads = 3, .attn_dropout = 0.3,
                                                .head_hidden = 8, .head_dropout = 0.2 },
      .train = TRUE, .lengths = TRUE },
    { .name = "mha-last-1head", .cfg = { .n_inputs = 4, .hidden = 3, .layers = 1, .pool = NN_POOL_LAST,
                                         .attn_heads = 1 }, .lengths = TRUE },
    { .name = "mha-attnpool", .cfg = { .n_inputs = 4, .hidden = 4, .layers = 1,
                                       .pool = NN_POOL_ATTENTION, .attention_dim = 3,
                                       .attn_heads = 4 } },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *path = g_strdup_printf ("/nn/gradients/%s", cases[k].name);
      g_test_add_data_func (path, &cases[k], test_gradients);
    }
  for (int p = NN_POOL_LAST; p <= NN_POOL_ATTENTION; p++)
    for (int conv = 0; conv < 3; conv++)   /* 1: conv front-end, 2: self-attention */
      {
        g_autofree char *path = g_strdup_printf ("/nn/padding-invariance/%s%s", nn_pool_name (p),
                                                 conv == 1 ? "-conv" : conv == 2 ? "-mha" : "");
        g_test_add_data_func (path, GINT_TO_POINTER (p + 16 * conv), test_padding_invariance);
      }
  g_test_add_func ("/nn/f32-vs-f64", test_f32_vs_f64);
  g_test_add_func ("/nn/math", test_math);
  g_test_add_func ("/nn/adamw-clip", test_adamw_and_clip);
  g_test_add_func ("/nn/schedules", test_schedules);
  g_test_add_func ("/nn/dropout-mask", test_dropout_mask);
  g_test_add_func ("/nn/bad-config", test_bad_config);
  return g_test_run ();
}
