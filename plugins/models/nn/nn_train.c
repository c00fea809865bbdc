/* nn_train.c — the training loop and the scoring functions of any NnNet,
 * and the sequence classifier as an NnNet (see tundish/nn.h). */
#include <math.h>
#include <string.h>

#include <tundish/nn.h>
#include <tundish/tundish.h>

/* From OpenBLAS's cblas.h; declared here so any CBLAS header will do. */
void openblas_set_num_threads (int num_threads);
int openblas_get_num_threads (void);

static void
blas_single_thread (void)
{
  if (openblas_get_num_threads () != 1)
    openblas_set_num_threads (1);
}

/* Outputs per sequence of a network (NnNet.n_outputs, 0 meaning 1). */
static size_t
net_outputs (const NnNet *net)
{
  return MAX (net->n_outputs, (size_t) 1);
}

/* One thread's workspace: a tape and one gathered shard. */
typedef struct {
  void *tp;
  void (*tape_free) (void *tape);
  float *x;          /* [T,NN_SHARD,C] time-major, standardised, zero-padded */
  float *y;          /* [NN_SHARD] */
  guint32 *len;      /* [NN_SHARD] */
  float *dz;         /* [NN_SHARD,n_outputs] */
} Worker;

/* n workers whose tapes hold width (<= NN_SHARD) sequences of T steps: a
 * tape only as wide as needed keeps scoring one series cheap (the
 * self-attention's weights alone are width × heads × T² floats). */
static Worker *
workers_new (const NnNet *net, size_t T, size_t C, int n, size_t width)
{
  Worker *w = g_new0 (Worker, n);
  for (int k = 0; k < n; k++)
    {
      w[k].tp = net->tape_new (net->self, T, width);
      w[k].tape_free = net->tape_free;
      w[k].x = g_new0 (float, T * NN_SHARD * C);
      w[k].y = g_new0 (float, NN_SHARD);
      w[k].len = g_new0 (guint32, NN_SHARD);
      w[k].dz = g_new0 (float, NN_SHARD * net_outputs (net));
    }
  return w;
}

static void
workers_free (Worker *w, int n)
{
  for (int k = 0; k < n; k++)
    {
      w[k].tape_free (w[k].tp);
      g_free (w[k].x);
      g_free (w[k].y);
      g_free (w[k].len);
      g_free (w[k].dz);
    }
  g_free (w);
}

static size_t
data_len (const NnSeqData *d, size_t s)
{
  return d->len ? MIN ((size_t) d->len[s], d->T) : d->T;
}

/* Sequences idx[0..B) into the worker's time-major shard buffer. */
static void
gather (Worker *w, const NnSeqData *d, const size_t *idx, size_t B)
{
  const size_t T = d->T, C = d->C;
  for (size_t b = 0; b < B; b++)
    {
      const size_t s = idx[b], L = data_len (d, s);
      const float *src = d->x + s * T * C;
      w->len[b] = (guint32) L;
      w->y[b] = (float) d->y[s];
      for (size_t t = 0; t < T; t++)
        {
          float *dst = w->x + (t * B + b) * C;
          if (t >= L)
            memset (dst, 0, C * sizeof (float));
          else if (d->mean)
            for (size_t c = 0; c < C; c++)
              dst[c] = (src[t * C + c] - d->mean[c]) / d->scale[c];
          else
            memcpy (dst, src + t * C, C * sizeof (float));
        }
    }
}

/* ---------------------------------------------------------- shard workers */

typedef void (*ShardFunc) (Worker *w, size_t shard, gpointer job);

typedef struct {
  Worker *w;
  int index, n_workers;
  size_t n_shards;
  ShardFunc func;
  gpointer job;
} ThreadArgs;

static gpointer
thread_main (gpointer data)
{
  ThreadArgs *a = data;
  for (size_t s = (size_t) a->index; s < a->n_shards; s += (size_t) a->n_workers)
    a->func (a->w, s, a->job);
  return NULL;
}

/* Threads that live through a whole nn_train, so a batch starts without
 * creating one: a thread created per batch sometimes starts on the busy
 * core and the batch's two shards then ran one after the other (the VAE's
 * 2-thread epochs scattered between 1× and 1.8× its 1-thread speed). Helper
 * k runs worker k's shards of each job. */
typedef struct ShardPool ShardPool;
typedef struct {
  ShardPool *pool;
  int k;
} Helper;

struct ShardPool {
  GMutex lock;
  GCond go, done;
  int n;                      /* helpers: workers 1..n */
  guint64 job;                /* bumped to start one */
  int running;                /* helpers not done with the current job */
  gboolean quit;
  ThreadArgs args[64];
  Helper helpers[64];
  GThread *threads[64];
};

static gpointer
helper_main (gpointer data)
{
  Helper *h = data;
  ShardPool *p = h->pool;
  guint64 seen = 0;
  g_mutex_lock (&p->lock);
  for (;;)
    {
      while (p->job == seen && !p->quit)
        g_cond_wait (&p->go, &p->lock);
      if (p->quit)
        break;
      seen = p->job;
      ThreadArgs a = p->args[h->k];
      g_mutex_unlock (&p->lock);
      thread_main (&a);
      g_mutex_lock (&p->lock);
      if (--p->running == 0)
        g_cond_signal (&p->done);
    }
  g_mutex_unlock (&p->lock);
  return NULL;
}

/* A pool for n_workers workers (n_workers − 1 helper threads), or NULL for one. */
static ShardPool *
pool_new (int n_workers)
{
  if (n_workers <= 1)
    return NULL;
  ShardPool *p = g_new0 (ShardPool, 1);
  g_mutex_init (&p->lock);
  g_cond_init (&p->go);
  g_cond_init (&p->done);
  p->n = MIN (n_workers, 64) - 1;
  for (int k = 1; k <= p->n; k++)
    {
      p->helpers[k] = (Helper) { p, k };
      p->threads[k] = g_thread_new ("nn-shard", helper_main, &p->helpers[k]);
    }
  return p;
}

static void
pool_free (ShardPool *p)
{
  if (!p)
    return;
  g_mutex_lock (&p->lock);
  p->quit = TRUE;
  g_cond_broadcast (&p->go);
  g_mutex_unlock (&p->lock);
  for (int k = 1; k <= p->n; k++)
    g_thread_join (p->threads[k]);
  g_cond_clear (&p->go);
  g_cond_clear (&p->done);
  g_mutex_clear (&p->lock);
  g_free (p);
}

/* Run func on every shard; shard s goes to worker s mod n_workers. With a
 * pool, its helpers run the other workers' shards; without, threads are
 * created for this call. */
static void
run_shards_in (ShardPool *pool, Worker *workers, int n_workers, size_t n_shards, ShardFunc func,
               gpointer job)
{
  int nw = (int) MIN ((size_t) n_workers, n_shards);
  if (nw <= 1)
    {
      for (size_t s = 0; s < n_shards; s++)
        func (&workers[0], s, job);
      return;
    }
  nw = MIN (nw, 64);
  if (pool && pool->n >= nw - 1)
    {
      g_mutex_lock (&pool->lock);
      for (int k = 1; k <= pool->n; k++)
        pool->args[k] = k < nw ? (ThreadArgs) { &workers[k], k, nw, n_shards, func, job }
                               : (ThreadArgs) { &workers[k], k, nw, 0, func, job };
      pool->running = pool->n;
      pool->job++;
      g_cond_broadcast (&pool->go);
      g_mutex_unlock (&pool->lock);
      ThreadArgs a0 = { &workers[0], 0, nw, n_shards, func, job };
      thread_main (&a0);
      g_mutex_lock (&pool->lock);
      while (pool->running > 0)
        g_cond_wait (&pool->done, &pool->lock);
      g_mutex_unlock (&pool->lock);
      return;
    }
  ThreadArgs args[64];
  GThread *threads[64];
  for (int k = 0; k < nw; k++)
    args[k] = (ThreadArgs) { &workers[k], k, nw, n_shards, func, job };
  for (int k = 1; k < nw; k++)
    threads[k] = g_thread_new ("nn-shard", thread_main, &args[k]);
  thread_main (&args[0]);
  for (int k = 1; k < nw; k++)
    g_thread_join (threads[k]);
}

/* ------------------------------------------------------------ one batch */

typedef struct {
  const NnNet *net;
  const float *P;
  const float *S;
  const NnSeqData *data;
  const NnLossConfig *loss;
  const size_t *idx;      /* the batch's sequences */
  size_t B;               /* batch size */
  uint64_t seed;
  float **G;              /* [n_shards] gradient buffers */
  double *shard_loss;     /* [n_shards] */
  double **stats;         /* [n_shards] batch statistics (net->n_stats each) */
} TrainJob;

static void
train_shard (Worker *w, size_t s, gpointer data)
{
  TrainJob *job = data;
  const size_t start = s * NN_SHARD, Bs = MIN ((size_t) NN_SHARD, job->B - start);
  const NnNet *net = job->net;
  gather (w, job->data, job->idx + start, Bs);
  const float *logits = net->forward (net->self, job->P, job->S, w->tp, job->data->T, Bs, w->x,
                                      w->len, TRUE, nn_seed_mix (job->seed, s, 0, 0));
  if (net->n_stats)
    net->batch_stats (net->self, w->tp, job->stats[s]);
  /* mean over the whole batch: each shard scales by 1/B */
  job->shard_loss[s] = nn_loss_f32 (job->loss, Bs, logits, w->y, w->dz, 1.0 / (double) job->B);
  memset (job->G[s], 0, net->params->total * sizeof (float));
  net->backward (net->self, job->P, job->G[s], w->tp, w->dz, NULL);
}

typedef struct {
  const NnNet *net;
  const float *P;
  const float *S;
  const NnSeqData *data;
  const size_t *idx;      /* NULL = 0..n-1 */
  size_t n;
  double *out;            /* [n,n_outputs] logits */
} PredictJob;

static void
predict_shard (Worker *w, size_t s, gpointer data)
{
  PredictJob *job = data;
  const size_t start = s * NN_SHARD, Bs = MIN ((size_t) NN_SHARD, job->n - start);
  size_t local[NN_SHARD] = { 0 };
  for (size_t b = 0; b < Bs; b++)
    local[b] = job->idx ? job->idx[start + b] : start + b;
  gather (w, job->data, local, Bs);
  const float *logits = job->net->forward (job->net->self, job->P, job->S, w->tp, job->data->T,
                                           Bs, w->x, w->len, FALSE, 0);
  const size_t K = net_outputs (job->net);
  for (size_t k = 0; k < Bs * K; k++)
    job->out[start * K + k] = logits[k];
}

static void
predict_with (const NnNet *net, const float *P, const float *S, const NnSeqData *data,
              ShardPool *pool, Worker *workers, int n_workers, double *out)
{
  PredictJob job = { net, P, S, data, NULL, data->n, out };
  run_shards_in (pool, workers, n_workers, (data->n + NN_SHARD - 1) / NN_SHARD, predict_shard,
                 &job);
}

/* ----------------------------------------------------------- score cache */

struct NnScoreCache {
  GMutex lock;
  Worker *w;         /* [n] */
  int n;
  size_t T, C, width;   /* what the tapes hold */
};

NnScoreCache *
nn_score_cache_new (void)
{
  NnScoreCache *c = g_new0 (NnScoreCache, 1);
  g_mutex_init (&c->lock);
  return c;
}

void
nn_score_cache_free (NnScoreCache *c)
{
  if (!c)
    return;
  if (c->w)
    workers_free (c->w, c->n);
  g_mutex_clear (&c->lock);
  g_free (c);
}

/* n workers for T steps × width sequences of C channels: the cache's (grown
 * when too small), or fresh ones when there is no cache or another call
 * holds it. */
static Worker *
workers_acquire (NnScoreCache *c, const NnNet *net, size_t T, size_t C, int n, size_t width)
{
  if (!c || !g_mutex_trylock (&c->lock))
    return workers_new (net, T, C, n, width);
  if (!c->w || c->n < n || c->T < T || c->width < width || c->C != C)
    {
      if (c->w)
        workers_free (c->w, c->n);
      c->n = MAX (c->n, n);
      c->T = MAX (c->T, T);
      c->C = C;
      c->width = MAX (c->width, width);
      c->w = workers_new (net, c->T, C, c->n, c->width);
    }
  return c->w;
}

static void
workers_release (NnScoreCache *c, Worker *w, int n)
{
  if (c && w == c->w)
    g_mutex_unlock (&c->lock);
  else
    workers_free (w, n);
}

/* ------------------------------------------------- the sequence classifier */

static void *
seq_tape_new (const void *self, size_t max_T, size_t max_B)
{
  return nn_seq_tape_new_f32 (((const NnSeqNetSelf *) self)->m, max_T, max_B);
}

static void
seq_tape_free (void *tape)
{
  nn_seq_tape_free_f32 (tape);
}

static const float *
seq_forward (const void *self, const float *P, const float *S, void *tape, size_t T, size_t B,
             const float *x, const guint32 *len, gboolean train, uint64_t seed)
{
  const NnSeqNetSelf *h = self;
  NnSeqTape_f32 *tp = tape;
  tp->prepared = h->prepared;
  nn_seq_forward_f32 (h->m, P, S, tp, T, B, x, len, train, seed);
  return tp->logits;
}

static void
seq_backward (const void *self, const float *P, float *G, void *tape, const float *dlogits,
              float *dx)
{
  nn_seq_backward_f32 (((const NnSeqNetSelf *) self)->m, P, G, tape, dlogits, dx);
}

/* Per conv block: mean [C'], var [C'], count. */
static void
seq_batch_stats (const void *self, const void *tape, double *stats)
{
  const NnSeqModel *m = ((const NnSeqNetSelf *) self)->m;
  const NnSeqTape_f32 *tp = tape;
  const size_t Cc = m->cfg.conv_channels;
  for (size_t k = 0; k < m->cfg.conv_layers; k++, stats += 2 * Cc + 1)
    {
      for (size_t c = 0; c < Cc; c++)
        {
          stats[c] = tp->bn_mean[k][c];
          stats[Cc + c] = tp->bn_var[k][c];
        }
      stats[2 * Cc] = tp->bn_count[k];
    }
}

static void
seq_update_state (const void *self, float *S, const double *stats)
{
  const NnSeqModel *m = ((const NnSeqNetSelf *) self)->m;
  const size_t Cc = m->cfg.conv_channels;
  g_autofree float *mean = g_new (float, MAX (Cc, 1));
  g_autofree float *var = g_new (float, MAX (Cc, 1));
  for (size_t k = 0; k < m->cfg.conv_layers; k++, stats += 2 * Cc + 1)
    {
      /* the tape's float statistics, exactly (float → double → float) */
      for (size_t c = 0; c < Cc; c++)
        {
          mean[c] = (float) stats[c];
          var[c] = (float) stats[Cc + c];
        }
      nn_bn_update_running_f32 (&m->bn[k], S, mean, var, stats[2 * Cc]);
    }
}

void
nn_seq_net_init (NnNet *net, NnSeqNetSelf *holder, const NnSeqModel *m, const float *prepared)
{
  *holder = (NnSeqNetSelf) { m, prepared };
  const gboolean bn = m->cfg.conv_layers > 0;
  *net = (NnNet) {
    .self = holder,
    .params = &m->layout,
    .n_state = m->state.total,
    .tape_new = seq_tape_new,
    .tape_free = seq_tape_free,
    .forward = seq_forward,
    .backward = seq_backward,
    .n_stats = bn ? m->cfg.conv_layers * (2 * m->cfg.conv_channels + 1) : 0,
    .batch_stats = bn ? seq_batch_stats : NULL,
    .update_state = bn ? seq_update_state : NULL,
    .n_outputs = m->head2.out,
  };
}

/* ---------------------------------------------------------------- scoring */

void
nn_net_predict (const NnNet *net, const float *P, const float *S, const NnSeqData *data,
                int threads, NnScoreCache *cache, double *out)
{
  if (data->n == 0)
    return;
  blas_single_thread ();
  const size_t n_shards = (data->n + NN_SHARD - 1) / NN_SHARD;
  int nw = (int) MIN ((size_t) MAX (threads, 1), n_shards);
  Worker *workers = workers_acquire (cache, net, data->T, data->C, nw,
                                     MIN ((size_t) NN_SHARD, data->n));
  predict_with (net, P, S, data, NULL, workers, nw, out);
  workers_release (cache, workers, nw);
}

void
nn_predict_logits (const NnSeqModel *m, const float *P, const float *S, const float *prepared,
                   const NnSeqData *data, int threads, NnScoreCache *cache, double *out)
{
  NnNet net;
  NnSeqNetSelf holder;
  nn_seq_net_init (&net, &holder, m, prepared);
  nn_net_predict (&net, P, S, data, threads, cache, out);
}

void
nn_net_saliency (const NnNet *net, const float *P, const float *S, const NnSeqData *data,
                 size_t s, NnScoreCache *cache, float *out)
{
  blas_single_thread ();
  const size_t T = data->T, C = data->C;
  Worker *w = workers_acquire (cache, net, T, C, 1, 1);
  gather (w, data, &s, 1);
  const float *z = net->forward (net->self, P, S, w->tp, T, 1, w->x, w->len, FALSE, 0);
  g_autofree float *G = g_new0 (float, net->params->total);
  g_autofree float *dx = g_new0 (float, T * C);
  /* the largest output's gradient: the predicted class's logit */
  const size_t K = net_outputs (net);
  g_autofree float *onehot = g_new0 (float, K);
  size_t top = 0;
  for (size_t k = 1; k < K; k++)
    if (z[k] > z[top])
      top = k;
  onehot[top] = 1;
  net->backward (net->self, P, G, w->tp, onehot, dx);
  for (size_t k = 0; k < T * C; k++)
    out[k] = dx[k] * w->x[k];     /* B = 1: time-major is [T,C] */
  workers_release (cache, w, 1);
}

void
nn_saliency (const NnSeqModel *m, const float *P, const float *S, const float *prepared,
             const NnSeqData *data, size_t s, NnScoreCache *cache, float *out)
{
  NnNet net;
  NnSeqNetSelf holder;
  nn_seq_net_init (&net, &holder, m, prepared);
  nn_net_saliency (&net, P, S, data, s, cache, out);
}

void
nn_attention_map (const NnSeqModel *m, const float *P, const float *S, const float *prepared,
                  const NnSeqData *data, size_t s, NnScoreCache *cache, float *out)
{
  blas_single_thread ();
  const size_t T = data->T;
  NnNet net;
  NnSeqNetSelf holder;
  nn_seq_net_init (&net, &holder, m, prepared);
  Worker *w = workers_acquire (cache, &net, T, data->C, 1, 1);
  gather (w, data, &s, 1);
  net.forward (net.self, P, S, w->tp, T, 1, w->x, w->len, FALSE, 0);
  const NnSeqTape_f32 *tp = w->tp;
  if (m->mha.heads > 0)
    nn_mha_head_average_f32 (&m->mha, tp->T, w->len, 0, tp->mha_attn, T, out);
  else
    {
      const size_t L = MIN ((size_t) w->len[0], T);
      const float *alpha = tp->att_alpha;      /* [T,B], B = 1 */
      memset (out, 0, T * T * sizeof (float));
      for (size_t q = 0; q < L; q++)
        memcpy (out + q * T, alpha, L * sizeof (float));
    }
  workers_release (cache, w, 1);
}

gboolean
nn_has_attention_map (const NnSeqConfig *cfg)
{
  return cfg->attn_heads > 0 || (cfg->pool == NN_POOL_ATTENTION && cfg->conv_layers == 0);
}

/* ---------------------------------------------------------------- epochs */

static double
sigmoid (double z)
{
  return 1.0 / (1.0 + exp (-z));
}

/* Mean loss of logits [n,K] against data->y, and ROC-AUC for a binary loss
 * (NaN otherwise). */
static void
score_valid (const NnLossConfig *lc, const NnSeqData *d, const double *logits, double *loss,
             double *auc)
{
  g_autofree double *dz = g_new (double, d->n * nn_loss_outputs (lc));
  *loss = nn_loss_f64 (lc, d->n, logits, d->y, dz, 1.0) / (double) d->n;
  *auc = NAN;
  if (lc->kind != NN_LOSS_BCE && lc->kind != NN_LOSS_FOCAL)
    return;
  g_autofree double *p = g_new (double, d->n);
  for (size_t i = 0; i < d->n; i++)
    p[i] = sigmoid (logits[i]);
  *auc = td_roc_auc (d->y, p, d->n);
}

static void
shuffle (size_t *perm, size_t n, uint64_t seed)
{
  uint64_t st = seed;
  for (size_t i = n; i > 1; i--)
    {
      size_t j = (size_t) (nn_rng_next (&st) % i);
      size_t tmp = perm[i - 1];
      perm[i - 1] = perm[j];
      perm[j] = tmp;
    }
}

static void
curve (TdContext *ctx, const NnTrainConfig *cfg, const char *name, int step, double value)
{
  if (!cfg->curve_prefix)
    {
      td_context_curve (ctx, name, step, value);
      return;
    }
  g_autofree char *full = g_strconcat (cfg->curve_prefix, name, NULL);
  td_context_curve (ctx, full, step, value);
}

static void
progress (TdContext *ctx, const NnTrainConfig *cfg, double fraction)
{
  if (cfg->progress_to > cfg->progress_from)
    fraction = cfg->progress_from + fraction * (cfg->progress_to - cfg->progress_from);
  td_context_progress (ctx, fraction);
}

gboolean
nn_train (const NnNet *net, float *P, float *S, const NnTrainConfig *cfg,
          const NnSeqData *train, const NnSeqData *valid, TdContext *ctx, NnTrainResult *res,
          GError **error)
{
  if (nn_loss_outputs (&cfg->loss) != net_outputs (net))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "the loss reads %zu outputs per sequence, the network makes %zu",
                   nn_loss_outputs (&cfg->loss), net_outputs (net));
      return FALSE;
    }
  blas_single_thread ();
  const size_t n = train->n, np = net->params->total;
  const size_t bs = MAX (cfg->batch_size, 1);
  const size_t max_shards = (MIN (bs, n) + NN_SHARD - 1) / NN_SHARD;
  const int n_workers = (int) MIN ((size_t) MAX (td_context_threads (ctx), 1), max_shards);
  const gboolean use_valid = valid && valid->n > 0;
  Worker *workers = workers_new (net, MAX (train->T, use_valid ? valid->T : 0), train->C,
                                 n_workers, NN_SHARD);
  ShardPool *pool = pool_new (n_workers);
  float **G = g_new (float *, max_shards);
  for (size_t s = 0; s < max_shards; s++)
    G[s] = g_new0 (float, np);
  g_autofree double *shard_loss = g_new0 (double, max_shards);
  double **stats = g_new (double *, max_shards);
  for (size_t s = 0; s < max_shards; s++)
    stats[s] = g_new0 (double, MAX (net->n_stats, 1));
  /* the best epoch's state (BatchNorm running statistics) goes with its weights */
  const size_t ns = net->n_state;
  g_autofree float *best_state = use_valid && cfg->patience > 0 && ns ? g_new (float, ns) : NULL;
  if (best_state)
    memcpy (best_state, S, ns * sizeof (float));
  g_autofree float *grad = g_new0 (float, np);
  g_autofree float *best = use_valid && cfg->patience > 0 ? g_new (float, np) : NULL;
  if (best)
    memcpy (best, P, np * sizeof (float));
  g_autofree double *vlogits = use_valid ? g_new (double, valid->n * net_outputs (net)) : NULL;
  g_autofree size_t *perm = g_new (size_t, n);
  for (size_t i = 0; i < n; i++)
    perm[i] = i;
  NnAdam_f32 opt;
  nn_adam_init_f32 (&opt, &cfg->opt, np);
  NnSchedule sched;
  nn_schedule_init (&sched, cfg->schedule, cfg->opt.lr, cfg->epochs, cfg->plateau_factor,
                    cfg->plateau_patience, 0.0);
  *res = (NnTrainResult) { .best_epoch = -1, .best_valid_auc = NAN, .best_valid_loss = NAN };
  double best_metric = -INFINITY, prev_metric = NAN;
  gboolean ok = TRUE;

  for (int epoch = 0; ok && epoch < cfg->epochs; epoch++)
    {
      const double lr = nn_schedule_lr (&sched, epoch, prev_metric);
      if (cfg->epoch_start)
        cfg->epoch_start (cfg->epoch_data, epoch);
      shuffle (perm, n, nn_seed_mix (cfg->seed, 0x5348, (uint64_t) epoch, 0));
      double loss_sum = 0;
      for (size_t start = 0, batch = 0; start < n; start += bs, batch++)
        {
          if (td_context_cancelled (ctx))
            {
              g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED,
                           "training cancelled in epoch %d", epoch + 1);
              ok = FALSE;
              break;
            }
          const size_t B = MIN (bs, n - start), n_shards = (B + NN_SHARD - 1) / NN_SHARD;
          TrainJob job = { net, P, S, train, &cfg->loss, perm + start, B,
                           nn_seed_mix (cfg->seed, 0x4452, (uint64_t) epoch, batch), G,
                           shard_loss, stats };
          run_shards_in (pool, workers, n_workers, n_shards, train_shard, &job);
          for (size_t s = 0; net->n_stats && s < n_shards; s++)
            net->update_state (net->self, S, stats[s]);
          memcpy (grad, G[0], np * sizeof (float));
          loss_sum += shard_loss[0];
          for (size_t s = 1; s < n_shards; s++)
            {
              for (size_t i = 0; i < np; i++)
                grad[i] += G[s][i];
              loss_sum += shard_loss[s];
            }
          if (cfg->clip_norm > 0)
            nn_clip_grad_norm_f32 (grad, np, cfg->clip_norm);
          nn_adam_step_f32 (&opt, P, grad, lr);
          progress (ctx, cfg, (epoch + (double) (start + B) / (double) n) / cfg->epochs);
        }
      if (!ok)
        break;
      const double train_loss = loss_sum / (double) n;
      res->epochs_run = epoch + 1;
      res->final_train_loss = train_loss;
      curve (ctx, cfg, "train_loss", epoch + 1, train_loss);
      curve (ctx, cfg, "lr", epoch + 1, lr);
      if (!isfinite (train_loss))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                       "training diverged in epoch %d (loss %g); lower learning_rate or set "
                       "clip_norm", epoch + 1, train_loss);
          ok = FALSE;
          break;
        }
      prev_metric = -train_loss;
      if (use_valid)
        {
          double vloss, vauc;
          predict_with (net, P, S, valid, pool, workers, n_workers, vlogits);
          score_valid (&cfg->loss, valid, vlogits, &vloss, &vauc);
          curve (ctx, cfg, "valid_loss", epoch + 1, vloss);
          if (!isnan (vauc))
            curve (ctx, cfg, "valid_auc", epoch + 1, vauc);
          /* ROC-AUC decides a binary loss; other losses and a one-class
           * validation split are decided by the validation loss */
          const double metric = isnan (vauc) ? -vloss : vauc;
          prev_metric = metric;
          td_context_log (ctx, G_LOG_LEVEL_DEBUG,
                          "epoch %d: train_loss %.5f valid_loss %.5f valid_auc %.4f lr %.3g",
                          epoch + 1, train_loss, vloss, vauc, lr);
          if (metric > best_metric)
            {
              best_metric = metric;
              res->best_epoch = epoch;
              res->best_valid_auc = vauc;
              res->best_valid_loss = vloss;
              if (best)
                memcpy (best, P, np * sizeof (float));
              if (best_state)
                memcpy (best_state, S, ns * sizeof (float));
            }
          else if (cfg->patience > 0 && epoch - res->best_epoch >= cfg->patience)
            break;
        }
    }
  if (ok && best && res->best_epoch >= 0)
    {
      memcpy (P, best, np * sizeof (float));
      if (best_state)
        memcpy (S, best_state, ns * sizeof (float));
    }
  for (size_t s = 0; s < max_shards; s++)
    g_free (stats[s]);
  g_free (stats);
  progress (ctx, cfg, 1.0);
  nn_adam_clear_f32 (&opt);
  for (size_t s = 0; s < max_shards; s++)
    g_free (G[s]);
  g_free (G);
  pool_free (pool);
  workers_free (workers, n_workers);
  return ok;
}

gboolean
nn_train_seq (const NnSeqModel *m, float *P, float *S, const NnTrainConfig *cfg,
              const NnSeqData *train, const NnSeqData *valid, TdContext *ctx, NnTrainResult *res,
              GError **error)
{
  NnNet net;
  NnSeqNetSelf holder;
  nn_seq_net_init (&net, &holder, m, NULL);
  return nn_train (&net, P, S, cfg, train, valid, ctx, res, error);
}
