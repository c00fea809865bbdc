/* test_nn_recon.c — the reconstruction networks (tundish/nn_recon.h): the
 * backward of the LSTM autoencoder and of the VAE against finite
 * differences (every tensor and the input, with variable lengths), a
 * deliberately wrong gradient failing its row, padding changing nothing,
 * the VAE's ELBO score being noise-common across the batch, its two decoder
 * paths (full lengths, padded batches) agreeing, and training
 * (NN_LOSS_OUTPUT, early stopping on the validation loss) lowering the loss
 * and giving the same bytes for 1 and 2 threads. */
#include <math.h>
#include <string.h>

#include <tundish/nn.h>
#include <tundish/nn_recon.h>
#include <tundish/tundish.h>

static const size_t T = 8, B = 3, C = 3;
static const guint32 lens[3] = { 8, 5, 3 };

static float *
random_x (size_t n, uint64_t seed)
{
  float *x = g_new (float, n);
  uint64_t st = seed;
  for (size_t i = 0; i < n; i++)
    x[i] = (float) (2 * nn_rng_uniform (&st) - 1);
  return x;
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

/* Every row passes and stands above its float32 noise (so it was really checked). */
static void
assert_checked (const NnNet *net, const float *P, const float *x, size_t n_tensors)
{
  g_autoptr (NnGradcheckReport) rep = nn_gradcheck_report_new ();
  /* a wider step than the default: f is a mean squared error of order 1, so
   * its float32 rounding over a 1e-3 step would hide the encoder's small
   * derivatives */
  NnGradcheckOptions opt = { .eps = 1e-2 };
  gboolean ok = nn_check_gradients (net, P, NULL, T, B, C, x, lens, &opt, rep);
  print_report (rep);
  g_assert_true (ok);
  g_assert_cmpuint (rep->rows->len, ==, n_tensors + 1);
  for (guint i = 0; i < rep->rows->len; i++)
    {
      const NnGradcheckRow *r = &g_array_index (rep->rows, NnGradcheckRow, i);
      g_assert_cmpfloat (fabs (r->analytic), >, 10 * r->noise);
    }
}

/* A wrapper whose backward scales one tensor's gradient by 1.2: that row fails. */
typedef struct {
  const NnNet *inner;
  size_t offset, numel;
} Skewed;

static void *
skew_tape_new (const void *self, size_t max_T, size_t max_B)
{
  const Skewed *s = self;
  return s->inner->tape_new (s->inner->self, max_T, max_B);
}

static const float *
skew_forward (const void *self, const float *P, const float *S, void *tape, size_t T_, size_t B_,
              const float *x, const guint32 *len, gboolean train, uint64_t seed)
{
  const Skewed *s = self;
  return s->inner->forward (s->inner->self, P, S, tape, T_, B_, x, len, train, seed);
}

static void
skew_backward (const void *self, const float *P, float *G, void *tape, const float *d, float *dx)
{
  const Skewed *s = self;
  g_autofree float *tmp = g_new0 (float, s->inner->params->total);
  s->inner->backward (s->inner->self, P, tmp, tape, d, dx);
  for (size_t i = 0; i < s->inner->params->total; i++)
    G[i] += tmp[i] * (i >= s->offset && i < s->offset + s->numel ? 1.2f : 1.0f);
}

static void
assert_skew_fails (const NnNet *net, const float *P, const float *x)
{
  for (size_t k = 0; k < net->params->n; k++)
    {
      const NnTensor *t = &net->params->t[k];
      Skewed sk = { net, t->offset, t->numel };
      NnNet bad = *net;
      bad.self = &sk;
      bad.tape_new = skew_tape_new;
      bad.forward = skew_forward;
      bad.backward = skew_backward;
      g_autoptr (NnGradcheckReport) rep = nn_gradcheck_report_new ();
      NnGradcheckOptions opt = { .eps = 1e-2 };
      g_assert_false (nn_check_gradients (&bad, P, NULL, T, B, C, x, lens, &opt, rep));
      for (guint i = 0; i < rep->rows->len; i++)
        {
          const NnGradcheckRow *r = &g_array_index (rep->rows, NnGradcheckRow, i);
          g_assert_cmpint (r->ok, ==, !g_str_equal (r->name, t->name));
        }
    }
}

/* Sequence 1's score is the same with garbage after its length. */
static void
assert_padding_ignored (const NnNet *net, const float *P, const float *x)
{
  void *tp = net->tape_new (net->self, T, B);
  float a = net->forward (net->self, P, NULL, tp, T, B, x, lens, FALSE, 0)[1];
  g_autofree float *x2 = g_memdup2 (x, T * B * C * sizeof (float));
  for (size_t t = lens[1]; t < T; t++)
    for (size_t c = 0; c < C; c++)
      x2[(t * B + 1) * C + c] = 100.0f + (float) t;
  float b = net->forward (net->self, P, NULL, tp, T, B, x2, lens, FALSE, 0)[1];
  g_assert_cmpfloat (a, ==, b);
  g_assert_cmpfloat (a, >, 0);
  /* the error map: zero after the length, and its mean is the score */
  g_autofree float *err = g_new (float, T * C);
  nn_recon_errors (tp, 1, T, err);
  double s = 0;
  for (size_t i = 0; i < T * C; i++)
    {
      if (i >= lens[1] * C)
        g_assert_cmpfloat (err[i], ==, 0);
      s += err[i];
    }
  net->tape_free (tp);
  if (net->forward != NULL && g_str_has_prefix (net->params->t[0].name, "encoder"))
    g_assert_cmpfloat_with_epsilon (s / (double) (lens[1] * C), a, 1e-6 * a);
}

static void
test_ae_gradients (void)
{
  NnAe ae;
  g_autoptr (GError) e = NULL;
  g_assert_true (nn_ae_init (&ae, &(NnAeConfig) { .C = C, .H = 5, .Z = 2 }, &e));
  g_autofree float *P = g_new (float, ae.layout.total);
  nn_ae_init_params (&ae, P, 3);
  g_autofree float *x = random_x (T * B * C, 7);
  NnNet net;
  nn_ae_net_init (&net, &ae);
  assert_checked (&net, P, x, ae.layout.n);
  assert_skew_fails (&net, P, x);
  assert_padding_ignored (&net, P, x);
  nn_ae_clear (&ae);
}

static void
make_vae (NnVae *v, NnVaeScore score)
{
  NnVaeConfig cfg = { .C = C, .F = 4, .K = 3, .Z = 2, .pool = 2, .beta = 0.5, .score = score,
                      .elbo_samples = 3, .score_seed = 9 };
  g_autoptr (GError) e = NULL;
  g_assert_true (nn_vae_init (v, &cfg, &e));
}

static void
test_vae_gradients (void)
{
  NnVae v;
  make_vae (&v, NN_VAE_SCORE_RECON_KL);
  g_autofree float *P = g_new (float, v.layout.total);
  nn_vae_init_params (&v, P, 4);
  /* log σ² well away from 0 so the KL's terms in it are not tiny */
  const NnTensor *lb = nn_layout_find (&v.layout, "logvar.bias");
  for (size_t i = 0; i < lb->numel; i++)
    P[lb->offset + i] = 0.7f;
  g_autofree float *x = random_x (T * B * C, 8);
  NnNet net;
  nn_vae_net_init (&net, &v);
  assert_checked (&net, P, x, v.layout.n);
  assert_skew_fails (&net, P, x);
  assert_padding_ignored (&net, P, x);
  nn_vae_clear (&v);
}

/* The ELBO score of a series does not depend on its batch, and needs noise:
 * it differs from the recon_kl score. */
static void
test_vae_elbo (void)
{
  NnVae v;
  make_vae (&v, NN_VAE_SCORE_ELBO);
  g_autofree float *P = g_new (float, v.layout.total);
  nn_vae_init_params (&v, P, 4);
  g_autofree float *x = random_x (T * B * C, 8);
  NnNet net;
  nn_vae_net_init (&net, &v);
  void *tp = net.tape_new (net.self, T, B);
  const float all = net.forward (net.self, P, NULL, tp, T, B, x, lens, FALSE, 0)[0];
  /* sequence 0 alone: [T,1,C] */
  g_autofree float *x0 = g_new (float, T * C);
  for (size_t t = 0; t < T; t++)
    memcpy (x0 + t * C, x + (t * B) * C, C * sizeof (float));
  const float alone = net.forward (net.self, P, NULL, tp, T, 1, x0, lens, FALSE, 0)[0];
  g_assert_cmpfloat (all, ==, alone);
  v.cfg.score = NN_VAE_SCORE_RECON_KL;
  const float rk = net.forward (net.self, P, NULL, tp, T, 1, x0, lens, FALSE, 0)[0];
  g_assert_cmpfloat (fabs (rk - alone), >, 1e-3);
  net.tape_free (tp);
  nn_vae_clear (&v);
}

/* With every sequence full length the decoder's first convolution runs by
 * latent step (nn_cm_upconv); a batch with a padded sequence takes the
 * upsampled path. Sixteen full sequences (a whole vector of rows) alone and
 * with a padded seventeenth whose loss is weighted 0 must agree: losses,
 * every gradient and the input gradient. T = 13 with pool 4 leaves a last
 * latent step of one decoder step; K = 5 reads two steps past each end. */
static void
test_vae_paths (void)
{
  const size_t Tn = 13, Bn = 16, Cn = 3, Tp = 4, Zn = 3;
  NnVae v;
  NnVaeConfig cfg = { .C = Cn, .F = 6, .K = 5, .Z = Zn, .pool = 4, .beta = 0.5 };
  g_assert_true (nn_vae_init (&v, &cfg, NULL));
  const size_t np = v.layout.total;
  g_autofree float *P = g_new (float, np);
  nn_vae_init_params (&v, P, 6);
  NnNet net;
  nn_vae_net_init (&net, &v);
  g_autofree float *x1 = random_x (Tn * (Bn + 1) * Cn, 11);    /* [T, B+1, C] */
  g_autofree float *e1 = random_x (Tp * (Bn + 1) * Zn, 12);    /* [T', B+1, Z] */
  g_autofree float *xa = g_new (float, Tn * Bn * Cn);
  g_autofree float *ea = g_new (float, Tp * Bn * Zn);
  for (size_t t = 0; t < Tn; t++)
    memcpy (xa + t * Bn * Cn, x1 + t * (Bn + 1) * Cn, Bn * Cn * sizeof (float));
  for (size_t t = 0; t < Tp; t++)
    memcpy (ea + t * Bn * Zn, e1 + t * (Bn + 1) * Zn, Bn * Zn * sizeof (float));
  guint32 la_len[16], lb_len[17];
  float da[16], db[17];
  for (size_t b = 0; b <= Bn; b++)
    {
      lb_len[b] = b < Bn ? (guint32) Tn : 7;
      db[b] = b < Bn ? 1.0f / (float) Bn : 0.0f;
      if (b < Bn)
        {
          la_len[b] = (guint32) Tn;
          da[b] = db[b];
        }
    }
  void *ta = net.tape_new (net.self, Tn, Bn), *tb = net.tape_new (net.self, Tn, Bn + 1);
  const float *mu, *lv;
  const float *lossa = nn_vae_forward_eps (&v, P, ta, Tn, Bn, xa, la_len, ea, &mu, &lv);
  const float *lossb = nn_vae_forward_eps (&v, P, tb, Tn, Bn + 1, x1, lb_len, e1, &mu, &lv);
  for (size_t b = 0; b < Bn; b++)
    g_assert_cmpfloat_with_epsilon (lossa[b], lossb[b], 1e-5 * lossa[b]);
  g_autofree float *Ga = g_new0 (float, np);
  g_autofree float *Gb = g_new0 (float, np);
  g_autofree float *dxa = g_new0 (float, Tn * Bn * Cn);
  g_autofree float *dxb = g_new0 (float, Tn * (Bn + 1) * Cn);
  net.backward (net.self, P, Ga, ta, da, dxa);
  net.backward (net.self, P, Gb, tb, db, dxb);
  for (size_t k = 0; k < v.layout.n; k++)
    {
      const NnTensor *t = &v.layout.t[k];
      double scale = 0;
      for (size_t i = 0; i < t->numel; i++)
        scale = MAX (scale, fabs (Ga[t->offset + i]));
      g_assert_cmpfloat (scale, >, 1e-4);     /* a real gradient was compared */
      for (size_t i = 0; i < t->numel; i++)
        g_assert_cmpfloat_with_epsilon (Ga[t->offset + i], Gb[t->offset + i], 1e-5 * scale);
    }
  for (size_t t = 0; t < Tn; t++)
    for (size_t i = 0; i < Bn * Cn; i++)
      g_assert_cmpfloat_with_epsilon (dxa[t * Bn * Cn + i], dxb[t * (Bn + 1) * Cn + i], 1e-6);
  net.tape_free (ta);
  net.tape_free (tb);
  nn_vae_clear (&v);
}

/* Training on smooth series lowers the validation loss; 1 and 2 threads
 * give the same weights. */
static void
train_twice (const NnNet *net, size_t np, void (*init) (const void *, float *, uint64_t),
             const void *arch, NnTrainConfig *tc)
{
  const size_t n = 40, Tn = 12, Cn = C;
  g_autofree float *x = g_new (float, n * Tn * Cn);
  g_autofree double *y = g_new0 (double, n);
  uint64_t st = 1;
  for (size_t s = 0; s < n; s++)
    {
      const double ph = 6.28 * nn_rng_uniform (&st);
      for (size_t t = 0; t < Tn; t++)
        for (size_t c = 0; c < Cn; c++)
          x[(s * Tn + t) * Cn + c] = (float) sin (ph + 0.5 * (double) t + (double) c);
    }
  NnSeqData tr = { .n = 30, .T = Tn, .C = Cn, .x = x, .y = y };
  NnSeqData va = { .n = 10, .T = Tn, .C = Cn, .x = x + 30 * Tn * Cn, .y = y };
  g_autofree float *P1 = g_new (float, np);
  g_autofree float *P2 = g_new (float, np);
  float *Ps[2] = { P1, P2 };
  double first_valid[2] = { 0 }, best[2] = { 0 };
  for (int k = 0; k < 2; k++)
    {
      init (arch, Ps[k], 5);
      TdContext *ctx = td_context_new (1);
      td_context_set_threads (ctx, k + 1);
      NnTrainResult res;
      g_autoptr (GError) e = NULL;
      g_autofree float *P0 = g_memdup2 (Ps[k], np * sizeof (float));
      g_autofree double *sc = g_new (double, va.n);
      nn_net_predict (net, P0, NULL, &va, 1, NULL, sc);
      for (size_t i = 0; i < va.n; i++)
        first_valid[k] += sc[i] / (double) va.n;
      g_assert_true (nn_train (net, Ps[k], NULL, tc, &tr, &va, ctx, &res, &e));
      g_assert_no_error (e);
      g_assert_true (isnan (res.best_valid_auc));
      g_assert_cmpint (res.best_epoch, >=, 0);
      nn_net_predict (net, Ps[k], NULL, &va, 2, NULL, sc);
      for (size_t i = 0; i < va.n; i++)
        best[k] += sc[i] / (double) va.n;
      td_context_free (ctx);
    }
  g_test_message ("valid loss before %.4f, after %.4f", first_valid[0], best[0]);
  g_assert_cmpfloat (best[0], <, 0.7 * first_valid[0]);
  g_assert_cmpmem (P1, np * sizeof (float), P2, np * sizeof (float));
}

static void
ae_init_cb (const void *arch, float *P, uint64_t seed)
{
  nn_ae_init_params (arch, P, seed);
}

static void
vae_init_cb (const void *arch, float *P, uint64_t seed)
{
  nn_vae_init_params (arch, P, seed);
}

static NnTrainConfig
train_config (void)
{
  return (NnTrainConfig) {
    .epochs = 30, .batch_size = 32,
    .opt = { .kind = NN_OPT_ADAM, .lr = 0.01, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8 },
    .loss = { .kind = NN_LOSS_OUTPUT }, .patience = 5, .seed = 77,
  };
}

static void
test_ae_train (void)
{
  NnAe ae;
  g_assert_true (nn_ae_init (&ae, &(NnAeConfig) { .C = C, .H = 8, .Z = 4 }, NULL));
  NnNet net;
  nn_ae_net_init (&net, &ae);
  NnTrainConfig tc = train_config ();
  train_twice (&net, ae.layout.total, ae_init_cb, &ae, &tc);
  nn_ae_clear (&ae);
}

static int warmup_calls;

static void
count_warmup (gpointer data, int epoch)
{
  warmup_calls++;
  nn_vae_warmup (data, epoch);
}

static void
test_vae_train (void)
{
  NnVae v;
  NnVaeConfig cfg = { .C = C, .F = 8, .K = 3, .Z = 3, .pool = 2, .beta = 0.1 };
  g_assert_true (nn_vae_init (&v, &cfg, NULL));
  NnNet net;
  nn_vae_net_init (&net, &v);
  NnVaeWarmup w = { &v, 10 };
  NnTrainConfig tc = train_config ();
  tc.epoch_start = count_warmup;
  tc.epoch_data = &w;
  warmup_calls = 0;
  train_twice (&net, v.layout.total, vae_init_cb, &v, &tc);
  g_assert_cmpint (warmup_calls, >=, 2 * 10);
  g_assert_cmpfloat (v.beta_train, ==, 0.1);   /* warm-up over: β */
  nn_vae_warmup (&w, 4);
  g_assert_cmpfloat_with_epsilon (v.beta_train, 0.05, 1e-12);
  nn_vae_clear (&v);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn-recon/ae/gradients", test_ae_gradients);
  g_test_add_func ("/nn-recon/vae/gradients", test_vae_gradients);
  g_test_add_func ("/nn-recon/vae/elbo", test_vae_elbo);
  g_test_add_func ("/nn-recon/vae/paths", test_vae_paths);
  g_test_add_func ("/nn-recon/ae/train", test_ae_train);
  g_test_add_func ("/nn-recon/vae/train", test_vae_train);
  return g_test_run ();
}
