/* nn_core.c — the precision-independent parts of nn.h: parameter layout,
 * the sequence classifier's description, learning-rate schedules, seeds. */
#include <math.h>
#include <string.h>

#include <tundish/nn.h>

G_DEFINE_QUARK (nn-error-quark, nn_error)

/* ------------------------------------------------------------------ layout */

void
nn_layout_init (NnLayout *lay)
{
  memset (lay, 0, sizeof *lay);
}

void
nn_layout_clear (NnLayout *lay)
{
  g_free (lay->t);
  memset (lay, 0, sizeof *lay);
}

size_t
nn_layout_add (NnLayout *lay, const char *name, unsigned ndim, const size_t *shape)
{
  g_return_val_if_fail (ndim >= 1 && ndim <= 4, 0);
  if (lay->n == lay->cap)
    {
      lay->cap = lay->cap ? 2 * lay->cap : 16;
      lay->t = g_renew (NnTensor, lay->t, lay->cap);
    }
  NnTensor *t = &lay->t[lay->n++];
  memset (t, 0, sizeof *t);
  g_strlcpy (t->name, name, sizeof t->name);
  t->ndim = ndim;
  t->numel = 1;
  for (unsigned k = 0; k < ndim; k++)
    {
      t->shape[k] = shape[k];
      t->numel *= shape[k];
    }
  t->offset = lay->total;
  lay->total += t->numel;
  return t->offset;
}

const NnTensor *
nn_layout_find (const NnLayout *lay, const char *name)
{
  for (size_t k = 0; k < lay->n; k++)
    if (strcmp (lay->t[k].name, name) == 0)
      return &lay->t[k];
  return NULL;
}

/* -------------------------------------------------------------------- model */

static const char *const pool_names[] = { "last", "mean", "max", "attention" };

const char *
nn_pool_name (NnPool pool)
{
  return (size_t) pool < G_N_ELEMENTS (pool_names) ? pool_names[pool] : "?";
}

gboolean
nn_pool_from_name (const char *name, NnPool *out)
{
  for (size_t k = 0; k < G_N_ELEMENTS (pool_names); k++)
    if (g_strcmp0 (name, pool_names[k]) == 0)
      {
        *out = (NnPool) k;
        return TRUE;
      }
  return FALSE;
}

static void
add_linear (NnLayout *lay, NnLinear *L, const char *prefix, size_t in, size_t out)
{
  char name[64];
  L->in = in;
  L->out = out;
  g_snprintf (name, sizeof name, "%s.weight", prefix);
  L->w = nn_layout_add (lay, name, 2, (size_t[]) { out, in });
  g_snprintf (name, sizeof name, "%s.bias", prefix);
  L->b = nn_layout_add (lay, name, 1, (size_t[]) { out });
}

gboolean
nn_seq_model_init (NnSeqModel *m, const NnSeqConfig *cfg, GError **error)
{
  memset (m, 0, sizeof *m);
  if (cfg->n_inputs == 0 || cfg->hidden == 0 || cfg->layers == 0
      || cfg->layers > NN_MAX_LAYERS)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_CONFIG,
                   "nn: need inputs, hidden size > 0 and 1..%d layers (got %zu, %zu, %zu)",
                   NN_MAX_LAYERS, cfg->n_inputs, cfg->hidden, cfg->layers);
      return FALSE;
    }
  if (!(cfg->dropout >= 0 && cfg->dropout < 1) || !(cfg->head_dropout >= 0 && cfg->head_dropout < 1))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_CONFIG,
                   "nn: dropout must be in [0, 1)");
      return FALSE;
    }
  if (cfg->pool == NN_POOL_ATTENTION && cfg->attention_dim == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_CONFIG,
                   "nn: attention pooling needs attention_dim > 0");
      return FALSE;
    }
  if (cfg->conv_layers > NN_MAX_CONV
      || (cfg->conv_layers && (cfg->conv_channels == 0 || cfg->conv_kernel % 2 == 0
                               || cfg->conv_pool == 0)))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_CONFIG,
                   "nn: the conv front-end needs at most %d layers, channels > 0, an odd kernel "
                   "size and pool >= 1 (got %zu, %zu, %zu, %zu)", NN_MAX_CONV, cfg->conv_layers,
                   cfg->conv_channels, cfg->conv_kernel, cfg->conv_pool);
      return FALSE;
    }
  const size_t D = cfg->hidden * (cfg->bidirectional ? 2 : 1);
  if (cfg->attn_heads && (D % cfg->attn_heads != 0
                          || !(cfg->attn_dropout >= 0 && cfg->attn_dropout < 1)))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_CONFIG,
                   "nn: self-attention needs the LSTM's output width (%zu) divisible by the "
                   "number of heads (%zu) and its dropout in [0, 1) (got %g)", D, cfg->attn_heads,
                   cfg->attn_dropout);
      return FALSE;
    }
  m->cfg = *cfg;
  m->dirs = cfg->bidirectional ? 2 : 1;
  m->D = cfg->hidden * m->dirs;
  nn_layout_init (&m->layout);
  nn_layout_init (&m->state);
  const size_t H = cfg->hidden;
  /* the conv front-end first, so the parameters read in the order of the data flow */
  for (size_t k = 0; k < cfg->conv_layers; k++)
    {
      char name[64];
      NnConv *cv = &m->conv[k];
      NnBatchNorm *bn = &m->bn[k];
      cv->in = k == 0 ? cfg->n_inputs : cfg->conv_channels;
      cv->out = cfg->conv_channels;
      cv->K = cfg->conv_kernel;
      g_snprintf (name, sizeof name, "conv.%zu.weight", 3 * k);
      cv->w = nn_layout_add (&m->layout, name, 3, (size_t[]) { cv->out, cv->in, cv->K });
      g_snprintf (name, sizeof name, "conv.%zu.bias", 3 * k);
      cv->b = nn_layout_add (&m->layout, name, 1, (size_t[]) { cv->out });
      bn->C = cv->out;
      g_snprintf (name, sizeof name, "conv.%zu.weight", 3 * k + 2);
      bn->gamma = nn_layout_add (&m->layout, name, 1, (size_t[]) { bn->C });
      g_snprintf (name, sizeof name, "conv.%zu.bias", 3 * k + 2);
      bn->beta = nn_layout_add (&m->layout, name, 1, (size_t[]) { bn->C });
      g_snprintf (name, sizeof name, "conv.%zu.running_mean", 3 * k + 2);
      bn->mean = nn_layout_add (&m->state, name, 1, (size_t[]) { bn->C });
      g_snprintf (name, sizeof name, "conv.%zu.running_var", 3 * k + 2);
      bn->var = nn_layout_add (&m->state, name, 1, (size_t[]) { bn->C });
    }
  const size_t lstm_in = cfg->conv_layers ? cfg->conv_channels : cfg->n_inputs;
  for (size_t l = 0; l < cfg->layers; l++)
    for (size_t d = 0; d < m->dirs; d++)
      {
        /* nn.LSTM's names and order: weight_ih_l0, weight_hh_l0, bias_ih_l0,
         * bias_hh_l0, then the _reverse ones, layer by layer. */
        NnLstmDir *L = &m->lstm[l][d];
        const char *sfx = d ? "_reverse" : "";
        char name[64];
        L->in = l == 0 ? lstm_in : m->D;
        L->H = H;
        g_snprintf (name, sizeof name, "weight_ih_l%zu%s", l, sfx);
        L->w_ih = nn_layout_add (&m->layout, name, 2, (size_t[]) { 4 * H, L->in });
        g_snprintf (name, sizeof name, "weight_hh_l%zu%s", l, sfx);
        L->w_hh = nn_layout_add (&m->layout, name, 2, (size_t[]) { 4 * H, H });
        g_snprintf (name, sizeof name, "bias_ih_l%zu%s", l, sfx);
        L->b_ih = nn_layout_add (&m->layout, name, 1, (size_t[]) { 4 * H });
        g_snprintf (name, sizeof name, "bias_hh_l%zu%s", l, sfx);
        L->b_hh = nn_layout_add (&m->layout, name, 1, (size_t[]) { 4 * H });
      }
  if (cfg->attn_heads)
    {
      /* nn.MultiheadAttention's names: one packed input projection */
      NnMha *a = &m->mha;
      a->E = m->D;
      a->heads = cfg->attn_heads;
      a->dropout = cfg->attn_dropout;
      a->in_proj = (NnLinear) {
        .in = a->E, .out = 3 * a->E,
        .w = nn_layout_add (&m->layout, "attn.in_proj_weight", 2, (size_t[]) { 3 * a->E, a->E }),
        .b = nn_layout_add (&m->layout, "attn.in_proj_bias", 1, (size_t[]) { 3 * a->E }),
      };
      add_linear (&m->layout, &a->out_proj, "attn.out_proj", a->E, a->E);
    }
  if (cfg->pool == NN_POOL_ATTENTION)
    {
      m->attn.D = m->D;
      m->attn.A = cfg->attention_dim;
      add_linear (&m->layout, &m->attn.proj, "pool.proj", m->D, cfg->attention_dim);
      m->attn.v = nn_layout_add (&m->layout, "pool.score.weight", 2,
                                 (size_t[]) { 1, cfg->attention_dim });
    }
  const size_t n_out = MAX (cfg->n_outputs, (size_t) 1);
  if (cfg->head_hidden)
    {
      /* nn.Sequential(Linear, ReLU, Dropout, Linear): indices 0 and 3 */
      add_linear (&m->layout, &m->head1, "head.0", m->D, cfg->head_hidden);
      add_linear (&m->layout, &m->head2, "head.3", cfg->head_hidden, n_out);
    }
  else
    add_linear (&m->layout, &m->head2, "head", m->D, n_out);
  return TRUE;
}

size_t
nn_loss_outputs (const NnLossConfig *cfg)
{
  return cfg->kind == NN_LOSS_SOFTMAX ? MAX (cfg->n_classes, (size_t) 1) : 1;
}

void
nn_seq_model_clear (NnSeqModel *m)
{
  nn_layout_clear (&m->layout);
  nn_layout_clear (&m->state);
}

size_t
nn_seq_pooled_len (const NnSeqModel *m, size_t len)
{
  const size_t P = m->cfg.conv_layers ? m->cfg.conv_pool : 1;
  return (len + P - 1) / P;
}

/* ---------------------------------------------------------------- schedules */

void
nn_schedule_init (NnSchedule *s, NnSchedKind kind, double lr0, int epochs, double factor,
                  int patience, double min_lr)
{
  memset (s, 0, sizeof *s);
  s->kind = kind;
  s->lr0 = s->lr = lr0;
  s->epochs = epochs;
  s->factor = factor;
  s->patience = patience;
  s->min_lr = min_lr;
  s->best = -INFINITY;
}

double
nn_schedule_lr (NnSchedule *s, int epoch, double prev_metric)
{
  switch (s->kind)
    {
    case NN_SCHED_NONE:
      break;
    case NN_SCHED_COSINE:
      s->lr = s->min_lr + (s->lr0 - s->min_lr) * (1 + cos (G_PI * epoch / MAX (s->epochs, 1))) / 2;
      break;
    case NN_SCHED_PLATEAU:
      if (epoch > 0 && !isnan (prev_metric))
        {
          /* torch ReduceLROnPlateau(mode="max", threshold=1e-4, threshold_mode="rel") */
          gboolean better = !isfinite (s->best)
            || prev_metric > s->best * (s->best >= 0 ? 1 + 1e-4 : 1 - 1e-4);
          if (better)
            {
              s->best = prev_metric;
              s->bad_epochs = 0;
            }
          else if (++s->bad_epochs > s->patience)
            {
              s->lr = MAX (s->lr * s->factor, s->min_lr);
              s->bad_epochs = 0;
            }
        }
      break;
    }
  return s->lr;
}

/* ------------------------------------------------------------------- seeds */

uint64_t
nn_seed_mix (uint64_t base, uint64_t a, uint64_t b, uint64_t c)
{
  uint64_t st = base;
  uint64_t h = nn_rng_next (&st);
  st = h ^ (a * 0xd1b54a32d192ed03ULL);
  h = nn_rng_next (&st);
  st = h ^ (b * 0x9e3779b97f4a7c15ULL);
  h = nn_rng_next (&st);
  st = h ^ (c * 0xbf58476d1ce4e5b9ULL);
  return nn_rng_next (&st);
}
