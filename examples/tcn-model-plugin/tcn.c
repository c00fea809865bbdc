/* tcn — an out-of-tree model plugin for tundish: a small temporal
 * convolution classifier, written only against the installed SDK
 * (<tundish/tundish.h> and the NN library, <tundish/nn.h>).
 *
 *   x [T,B,C] → layers × (Conv1d, kernel K, 'same' padding → ReLU)
 *             → mean over valid steps → Linear → ReLU → Linear → one logit
 *
 * Binary task. Inputs are standardised per channel with the training split's
 * mean and standard deviation. Variable lengths are masked: a padded step
 * reads as zero in every convolution and is left out of the mean, so a
 * series scores the same whatever padding follows it. Training is the SDK's
 * loop (nn_train: Adam, early stopping on the validation ROC-AUC, training
 * curves); test_tcn.c checks this file's backward pass by finite
 * differences (nn_check_gradients).
 *
 * The file reads top to bottom: the network (its parameters, its tape, its
 * forward and backward pass), then the plugin (create, fit, predict,
 * explain, save, load). Build:
 *   cc -std=c11 -O2 -fPIC -shared -fvisibility=hidden -o model_tcn.so tcn.c \
 *      $(pkg-config --cflags --libs tundish-nn)
 */
#include <math.h>
#include <string.h>

#include <tundish/nn.h>
#include <tundish/tundish.h>

#define TCN_MAX_LAYERS 4
#define TCN_FORMAT "tundish-tcn/1"

/* ---------------------------------------------------------------- network */

/* The architecture: sizes and offsets into one parameter buffer, whose
 * tensors carry PyTorch's names ("conv.0.weight" [F,C,K], "head.0.weight"
 * [H,F], ...). */
typedef struct {
  size_t C, F, K, layers, H;   /* channels in, filters, kernel, conv layers, head units */
  NnLayout layout;
  NnConv conv[TCN_MAX_LAYERS];
  NnLinear head1, head2;
} Tcn;

static void
tcn_init (Tcn *net, size_t C, size_t F, size_t K, size_t layers, size_t H)
{
  *net = (Tcn) { .C = C, .F = F, .K = K, .layers = layers, .H = H };
  nn_layout_init (&net->layout);
  for (size_t l = 0; l < layers; l++)
    {
      NnConv *cv = &net->conv[l];
      char name[64];
      *cv = (NnConv) { .in = l ? F : C, .out = F, .K = K };
      g_snprintf (name, sizeof name, "conv.%zu.weight", 2 * l);
      cv->w = nn_layout_add (&net->layout, name, 3, (size_t[]) { F, cv->in, K });
      g_snprintf (name, sizeof name, "conv.%zu.bias", 2 * l);
      cv->b = nn_layout_add (&net->layout, name, 1, (size_t[]) { F });
    }
  net->head1 = (NnLinear) {
    .in = F, .out = H,
    .w = nn_layout_add (&net->layout, "head.0.weight", 2, (size_t[]) { H, F }),
    .b = nn_layout_add (&net->layout, "head.0.bias", 1, (size_t[]) { H }),
  };
  net->head2 = (NnLinear) {
    .in = H, .out = 1,
    .w = nn_layout_add (&net->layout, "head.2.weight", 2, (size_t[]) { 1, H }),
    .b = nn_layout_add (&net->layout, "head.2.bias", 1, (size_t[]) { 1 }),
  };
}

/* U(±bound) into a [n]. */
static void
init_uniform (float *a, size_t n, double bound, uint64_t *rng)
{
  for (size_t i = 0; i < n; i++)
    a[i] = (float) ((2 * nn_rng_uniform (rng) - 1) * bound);
}

/* PyTorch's default initialisation: a layer's weight and bias U(±1/√fan_in),
 * fan_in = in·K for a convolution, in for a Linear. */
static void
tcn_init_params (const Tcn *net, float *P, uint64_t seed)
{
  uint64_t rng = seed;
  for (size_t l = 0; l < net->layers; l++)
    {
      const NnConv *cv = &net->conv[l];
      const double bound = 1.0 / sqrt ((double) (cv->in * cv->K));
      init_uniform (P + cv->w, cv->out * cv->in * cv->K, bound, &rng);
      init_uniform (P + cv->b, cv->out, bound, &rng);
    }
  const NnLinear *heads[] = { &net->head1, &net->head2 };
  for (size_t k = 0; k < 2; k++)
    {
      const double bound = 1.0 / sqrt ((double) heads[k]->in);
      init_uniform (P + heads[k]->w, heads[k]->out * heads[k]->in, bound, &rng);
      init_uniform (P + heads[k]->b, heads[k]->out, bound, &rng);
    }
}

/* What a forward pass keeps for its backward pass, for at most max_B
 * sequences of max_T steps; time-major throughout. */
typedef struct {
  size_t max_T, max_B;
  size_t T, B;                       /* the last forward's */
  const float *x;                    /* [T,B,C] its input (the caller's) */
  const guint32 *len;                /* [B] or NULL */
  float *col[TCN_MAX_LAYERS];        /* [T,B,in·K] im2col of each layer's input */
  float *z[TCN_MAX_LAYERS];          /* [T,B,F] convolution outputs, before ReLU */
  float *h[TCN_MAX_LAYERS];          /* [T,B,F] after ReLU (0 at padded steps) */
  float *pooled;                     /* [B,F] mean over valid steps */
  float *hz, *hh;                    /* [B,H] head layer before and after ReLU */
  float *logits;                     /* [B] */
  float *dh, *dh2, *dz, *dcol;       /* backward scratch: [T,B,F] ×3, [T,B,max(C,F)·K] */
  float *d_pooled, *d_hh;            /* [B,F], [B,H] */
} TcnTape;

static void *
tcn_tape_new (const void *self, size_t max_T, size_t max_B)
{
  const Tcn *net = self;
  const size_t TB = max_T * max_B, F = net->F;
  TcnTape *tp = g_new0 (TcnTape, 1);
  tp->max_T = max_T;
  tp->max_B = max_B;
  for (size_t l = 0; l < net->layers; l++)
    {
      tp->col[l] = g_new0 (float, TB * net->conv[l].in * net->K);
      tp->z[l] = g_new0 (float, TB * F);
      tp->h[l] = g_new0 (float, TB * F);
    }
  tp->pooled = g_new0 (float, max_B * F);
  tp->hz = g_new0 (float, max_B * net->H);
  tp->hh = g_new0 (float, max_B * net->H);
  tp->logits = g_new0 (float, max_B);
  tp->dh = g_new0 (float, TB * F);
  tp->dh2 = g_new0 (float, TB * F);
  tp->dz = g_new0 (float, TB * F);
  tp->dcol = g_new0 (float, TB * MAX (net->C, F) * net->K);
  tp->d_pooled = g_new0 (float, max_B * F);
  tp->d_hh = g_new0 (float, max_B * net->H);
  return tp;
}

static void
tcn_tape_free (void *tape)
{
  TcnTape *tp = tape;
  for (size_t l = 0; l < TCN_MAX_LAYERS; l++)
    {
      g_free (tp->col[l]);
      g_free (tp->z[l]);
      g_free (tp->h[l]);
    }
  float *bufs[] = { tp->pooled, tp->hz, tp->hh, tp->logits, tp->dh, tp->dh2, tp->dz, tp->dcol,
                    tp->d_pooled, tp->d_hh };
  for (size_t k = 0; k < G_N_ELEMENTS (bufs); k++)
    g_free (bufs[k]);
  g_free (tp);
}

/* No dropout and no batch statistics: train and seed change nothing. */
static const float *
tcn_forward (const void *self, const float *P, const float *S, void *tape, size_t T, size_t B,
             const float *x /* [T,B,C] */, const guint32 *len, gboolean train, uint64_t seed)
{
  (void) S, (void) train, (void) seed;
  const Tcn *net = self;
  TcnTape *tp = tape;
  tp->T = T;
  tp->B = B;
  tp->x = x;
  tp->len = len;
  const float *in = x;
  for (size_t l = 0; l < net->layers; l++)
    {
      nn_conv_forward_f32 (&net->conv[l], P, T, B, in, len, tp->col[l], tp->z[l]);
      nn_relu_forward_f32 (T, B, net->F, len, tp->z[l], tp->h[l]);
      in = tp->h[l];
    }
  nn_pool_forward_f32 (NN_POOL_MEAN, NULL, P, 1, T, B, net->F, in, len, tp->pooled, NULL, NULL,
                       NULL);
  nn_linear_forward_f32 (&net->head1, P, B, tp->pooled, tp->hz);
  nn_relu_forward_f32 (1, B, net->H, NULL, tp->hz, tp->hh);
  nn_linear_forward_f32 (&net->head2, P, B, tp->hh, tp->logits);
  return tp->logits;
}

/* The forward pass in reverse; every parameter gradient accumulates into G. */
static void
tcn_backward (const void *self, const float *P, float *G, void *tape,
              const float *dlogits /* [B] */, float *dx /* [T,B,C] or NULL */)
{
  const Tcn *net = self;
  TcnTape *tp = tape;
  const size_t T = tp->T, B = tp->B, F = net->F;
  nn_linear_backward_f32 (&net->head2, P, G, B, tp->hh, dlogits, tp->d_hh);
  nn_relu_backward_f32 (1, B, net->H, NULL, tp->hz, tp->d_hh, tp->d_hh);
  nn_linear_backward_f32 (&net->head1, P, G, B, tp->pooled, tp->d_hh, tp->d_pooled);
  float *dh = tp->dh, *dprev = tp->dh2;
  memset (dh, 0, T * B * F * sizeof (float));
  nn_pool_backward_f32 (NN_POOL_MEAN, NULL, P, G, 1, T, B, F, tp->h[net->layers - 1], tp->len,
                        NULL, NULL, NULL, tp->d_pooled, NULL, dh);
  for (size_t l = net->layers; l-- > 0;)
    {
      nn_relu_backward_f32 (T, B, F, tp->len, tp->z[l], dh, tp->dz);
      /* ∂/∂ this layer's input: the previous layer's output, or x */
      float *target = l > 0 ? dprev : dx;
      if (target)
        memset (target, 0, T * B * net->conv[l].in * sizeof (float));
      nn_conv_backward_f32 (&net->conv[l], P, G, T, B, tp->len, tp->col[l], tp->dz, tp->dcol,
                            target);
      dprev = dh;
      dh = target;
    }
}

static void
tcn_as_net (const Tcn *tcn, NnNet *net)
{
  *net = (NnNet) {
    .self = tcn,
    .params = &tcn->layout,
    .tape_new = tcn_tape_new,
    .tape_free = tcn_tape_free,
    .forward = tcn_forward,
    .backward = tcn_backward,
  };
}

/* ----------------------------------------------------------------- plugin */

struct TdModel {
  /* configuration */
  size_t F, K, layers, H;
  NnTrainConfig train;
  /* fitted state (P == NULL until fit or load) */
  Tcn net;
  float *P;                    /* [net.layout.total] */
  float *mean, *scale;         /* [C] standardisation */
  NnScoreCache *cache;
  NnTrainResult result;
};

static const TdParamSpec tcn_params[] = {
  { .name = "layers", .type = TD_PARAM_INT, .default_value = "2", .min = 1,
    .max = TCN_MAX_LAYERS, .help = "convolution layers, each Conv1d → ReLU" },
  { .name = "channels", .type = TD_PARAM_INT, .default_value = "16", .min = 1, .max = 512,
    .help = "filters of every convolution" },
  { .name = "kernel_size", .type = TD_PARAM_INT, .default_value = "5", .min = 1, .max = 63,
    .help = "kernel size over time (odd: 'same' padding keeps the length)" },
  { .name = "head_hidden", .type = TD_PARAM_INT, .default_value = "16", .min = 1, .max = 1024,
    .help = "units of the head's hidden layer" },
  { .name = "epochs", .type = TD_PARAM_INT, .default_value = "20", .min = 1, .max = 10000,
    .help = "most passes over the training split" },
  { .name = "batch_size", .type = TD_PARAM_INT, .default_value = "32", .min = 1, .max = 65536,
    .help = "sequences per gradient step" },
  { .name = "learning_rate", .type = TD_PARAM_DOUBLE, .default_value = "3e-3", .min = 1e-9,
    .max = 10, .help = "Adam's learning rate" },
  { .name = "weight_decay", .type = TD_PARAM_DOUBLE, .default_value = "1e-4", .min = 0, .max = 1,
    .help = "L2 added to the gradient (torch Adam)" },
  { .name = "patience", .type = TD_PARAM_INT, .default_value = "5", .min = 0, .max = 10000,
    .help = "stop after this many epochs without a better validation ROC-AUC and restore the "
            "best weights; 0 = train every epoch" },
};

static void
tcn_clear_fit (TdModel *m)
{
  nn_layout_clear (&m->net.layout);
  g_clear_pointer (&m->P, g_free);
  g_clear_pointer (&m->mean, g_free);
  g_clear_pointer (&m->scale, g_free);
  g_clear_pointer (&m->cache, nn_score_cache_free);
}

static void
tcn_destroy (TdModel *m)
{
  if (!m)
    return;
  tcn_clear_fit (m);
  g_free (m);
}

static TdModel *
tcn_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  /* The core checked every range; the one rule left is across values. */
  const gint64 K = td_params_get_int (params, "kernel_size");
  if (K % 2 == 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "tcn: kernel_size must be odd so that 'same' padding keeps the length "
                   "(got %" G_GINT64_FORMAT ")", K);
      return NULL;
    }
  TdModel *m = g_new0 (TdModel, 1);
  m->F = (size_t) td_params_get_int (params, "channels");
  m->K = (size_t) K;
  m->layers = (size_t) td_params_get_int (params, "layers");
  m->H = (size_t) td_params_get_int (params, "head_hidden");
  m->train = (NnTrainConfig) {
    .epochs = (int) td_params_get_int (params, "epochs"),
    .batch_size = (size_t) td_params_get_int (params, "batch_size"),
    .opt = { .kind = NN_OPT_ADAM, .lr = td_params_get_double (params, "learning_rate"),
             .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,
             .weight_decay = td_params_get_double (params, "weight_decay") },
    .loss = { .kind = NN_LOSS_BCE, .pos_weight = 1 },
    .clip_norm = 1.0,
    .patience = (int) td_params_get_int (params, "patience"),
  };
  return m;
}

/* A sequence set with finite values at every valid step: the convolutions
 * would spread a NaN. */
static gboolean
check_finite (const TdDataset *ds, const char *what, GError **error)
{
  if (!td_dataset_check_sequences (ds, "tcn", what, error))
    return FALSE;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const size_t L = td_dataset_length (ds, s);
      const float *x = td_dataset_series (ds, s);
      for (size_t k = 0; k < L * ds->n_channels; k++)
        if (!isfinite (x[k]))
          {
            char cb[TD_CHANNEL_NAME_BUF];
            g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                         "tcn: series %zu of the %s data holds %s at step %zu, channel \"%s\"; "
                         "impute or drop missing values before the model", s, what,
                         isnan (x[k]) ? "NaN" : "an infinite value", k / ds->n_channels,
                         td_dataset_channel_name (ds, k % ds->n_channels, cb));
            return FALSE;
          }
    }
  return TRUE;
}

/* Per channel mean and population standard deviation over valid steps. */
static void
fit_standardiser (TdModel *m, const TdDataset *ds)
{
  const size_t C = ds->n_channels;
  g_autofree double *sum = g_new0 (double, C);
  g_autofree double *ss = g_new0 (double, C);
  double n = 0;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const size_t L = td_dataset_length (ds, s);
      const float *x = td_dataset_series (ds, s);
      for (size_t k = 0; k < L * C; k++)
        sum[k % C] += x[k];
      n += (double) L;
    }
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const size_t L = td_dataset_length (ds, s);
      const float *x = td_dataset_series (ds, s);
      for (size_t k = 0; k < L * C; k++)
        {
          const double d = x[k] - sum[k % C] / n;
          ss[k % C] += d * d;
        }
    }
  m->mean = g_new (float, C);
  m->scale = g_new (float, C);
  for (size_t c = 0; c < C; c++)
    {
      const double sd = sqrt (ss[c] / n);
      m->mean[c] = (float) (sum[c] / n);
      m->scale[c] = sd > 1e-12 ? (float) sd : 1.0f;   /* a constant channel stays as is */
    }
}

static NnSeqData
seq_data (const TdModel *m, const TdDataset *ds)
{
  return (NnSeqData) { .n = ds->n_series, .T = ds->n_steps, .C = ds->n_channels, .x = ds->x,
                       .len = ds->lengths, .y = ds->y, .mean = m->mean, .scale = m->scale };
}

static gboolean
tcn_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
         GError **error)
{
  const gboolean has_valid = valid && valid->n_series > 0;
  if (train->task != TD_TASK_BINARY)
    {
      /* Anomaly labels are 0/1 too: without this they would fit as binary. */
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_UNSUPPORTED,
                   "tcn: binary tasks only (the training data is not one)");
      return FALSE;
    }
  if (!td_dataset_check_binary_targets (train, "tcn", "training", NULL, error)
      || !check_finite (train, "training", error)
      || (has_valid && (!td_dataset_check_binary_targets (valid, "tcn", "validation", NULL,
                                                          error)
                        || !check_finite (valid, "validation", error))))
    return FALSE;
  tcn_clear_fit (m);
  tcn_init (&m->net, train->n_channels, m->F, m->K, m->layers, m->H);
  fit_standardiser (m, train);
  m->P = g_new (float, m->net.layout.total);
  tcn_init_params (&m->net, m->P, td_context_derive_seed (ctx, "init"));
  m->train.seed = td_context_derive_seed (ctx, "train");
  NnNet net;
  tcn_as_net (&m->net, &net);
  NnSeqData tr = seq_data (m, train), va = has_valid ? seq_data (m, valid) : (NnSeqData) { 0 };
  if (!nn_train (&net, m->P, NULL, &m->train, &tr, has_valid ? &va : NULL, ctx, &m->result,
                 error))
    {
      tcn_clear_fit (m);
      return FALSE;
    }
  m->cache = nn_score_cache_new ();
  return TRUE;
}

static gboolean
check_input (const TdModel *m, const TdDataset *ds, GError **error)
{
  if (!m->P)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED, "tcn: predict before fit");
      return FALSE;
    }
  if (ds->n_channels != m->net.C)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "tcn: the model was fitted on %zu channels, the input has %zu", m->net.C,
                   ds->n_channels);
      return FALSE;
    }
  return check_finite (ds, "input", error);
}

static gboolean
tcn_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx, GError **error)
{
  if (!check_input (m, input, error))
    return FALSE;
  NnNet net;
  tcn_as_net (&m->net, &net);
  NnSeqData d = seq_data (m, input);
  nn_net_predict (&net, m->P, NULL, &d, td_context_threads (ctx), m->cache, out);
  for (size_t s = 0; s < input->n_series; s++)
    out[s] = 1.0 / (1.0 + exp (-out[s]));
  return TRUE;
}

/* Input-gradient saliency: ∂logit/∂x × x in standardised units. */
static gboolean
tcn_explain (TdModel *m, const TdDataset *input, size_t series, float *out, TdContext *ctx,
             GError **error)
{
  (void) ctx;
  if (!check_input (m, input, error))
    return FALSE;
  if (series >= input->n_series)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "tcn: series %zu out of range (%zu series)", series, input->n_series);
      return FALSE;
    }
  NnNet net;
  tcn_as_net (&m->net, &net);
  NnSeqData d = seq_data (m, input);
  nn_net_saliency (&net, m->P, NULL, &d, series, m->cache, out);
  return TRUE;
}

/* The model file: a key file with the architecture, the standardisation and
 * every weight (floats written with 9 significant digits read back exactly). */
static gboolean
tcn_save (TdModel *m, const char *path, GError **error)
{
  if (!m->P)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED, "tcn: nothing to save before fit");
      return FALSE;
    }
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_set_string (kf, "tcn", "format", TCN_FORMAT);
  const char *const keys[] = { "inputs", "channels", "kernel_size", "layers", "head_hidden" };
  const size_t vals[] = { m->net.C, m->F, m->K, m->layers, m->H };
  for (size_t k = 0; k < G_N_ELEMENTS (keys); k++)
    g_key_file_set_uint64 (kf, "tcn", keys[k], vals[k]);
  struct { const char *key; const float *v; size_t n; } arrays[] = {
    { "mean", m->mean, m->net.C }, { "scale", m->scale, m->net.C },
    { "weights", m->P, m->net.layout.total },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (arrays); k++)
    {
      g_autoptr (GString) s = g_string_new (NULL);
      for (size_t i = 0; i < arrays[k].n; i++)
        g_string_append_printf (s, "%s%.9g", i ? ";" : "", (double) arrays[k].v[i]);
      g_key_file_set_value (kf, "tcn", arrays[k].key, s->str);
    }
  g_autofree char *text = g_key_file_to_data (kf, NULL, NULL);
  /* tundish/io.h: temporary file, fsync, rename, fsync of the folder */
  if (!td_file_write_atomic (path, text, -1, error))
    {
      g_prefix_error (error, "tcn: ");
      return FALSE;
    }
  return TRUE;
}

/* n floats of key "tcn"/key into dst. */
static gboolean
read_floats (GKeyFile *kf, const char *path, const char *key, float *dst, size_t n,
             GError **error)
{
  g_autofree char *text = g_key_file_get_value (kf, "tcn", key, NULL);
  g_auto (GStrv) parts = text ? g_strsplit (text, ";", -1) : NULL;
  if (!parts || g_strv_length (parts) != n)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "tcn: %s: [tcn] %s must hold %zu numbers", path, key, n);
      return FALSE;
    }
  for (size_t i = 0; i < n; i++)
    {
      char *end = NULL;
      dst[i] = (float) g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end || !isfinite (dst[i]))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                       "tcn: %s: [tcn] %s: entry %zu is \"%s\", not a finite number", path, key,
                       i + 1, parts[i]);
          return FALSE;
        }
    }
  return TRUE;
}

static TdModel *
tcn_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, error))
    {
      g_prefix_error (error, "tcn: %s: ", path);
      return NULL;
    }
  g_autofree char *format = g_key_file_get_string (kf, "tcn", "format", NULL);
  if (g_strcmp0 (format, TCN_FORMAT) != 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "tcn: %s: not a tcn model file ([tcn] format is not \"%s\")", path, TCN_FORMAT);
      return NULL;
    }
  guint64 v[5];
  const char *const keys[] = { "inputs", "channels", "kernel_size", "layers", "head_hidden" };
  const guint64 max[] = { 1 << 20, 512, 63, TCN_MAX_LAYERS, 1024 };
  for (size_t k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      GError *local = NULL;
      v[k] = g_key_file_get_uint64 (kf, "tcn", keys[k], &local);
      if (local || v[k] < 1 || v[k] > max[k] || (k == 2 && v[k] % 2 == 0))
        {
          g_clear_error (&local);
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                       "tcn: %s: [tcn] %s is missing or out of range", path, keys[k]);
          return NULL;
        }
    }
  TdModel *m = tcn_create (params, ctx, error);
  if (!m)
    return NULL;
  m->F = v[1];
  m->K = v[2];
  m->layers = v[3];
  m->H = v[4];
  tcn_init (&m->net, v[0], m->F, m->K, m->layers, m->H);
  m->P = g_new (float, m->net.layout.total);
  m->mean = g_new (float, m->net.C);
  m->scale = g_new (float, m->net.C);
  if (!read_floats (kf, path, "mean", m->mean, m->net.C, error)
      || !read_floats (kf, path, "scale", m->scale, m->net.C, error)
      || !read_floats (kf, path, "weights", m->P, m->net.layout.total, error))
    {
      tcn_destroy (m);
      return NULL;
    }
  m->cache = nn_score_cache_new ();
  return m;
}

static const TdModelVTable tcn_vtable = {
  .accepts = TD_DATA_SEQUENCE,
  .tasks = TD_TASK_BINARY,
  .train_on = TD_TRAIN_ON_ALL,
  .create = tcn_create,
  .fit = tcn_fit,
  .predict = tcn_predict,
  .save = tcn_save,
  .load = tcn_load,
  .destroy = tcn_destroy,
  .explain = tcn_explain,
};

static const TdPluginDescriptor tcn_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = "tcn",
  .version = "1.0.0",
  .summary = "temporal convolution classifier: Conv1d/ReLU layers, mean over time, MLP head; "
             "binary (an out-of-tree example on tundish/nn.h)",
  .params = tcn_params,
  .n_params = G_N_ELEMENTS (tcn_params),
  .vtable = &tcn_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &tcn_descriptor : NULL;
}
