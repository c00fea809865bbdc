/* nn_golden.c — see nn_golden.h. Reads the JSON with json-glib, runs the
 * NN library in each precision the file has, and compares every tensor. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#define NN_TEMPLATE_NAMES   /* NN(), NNT(): see tundish/nn_real.h */
#include <tundish/nn.h>
#include <tundish/nn_recon.h>
#include "nn_golden.h"

/* A tensor of the file: shape and row-major data. */
typedef struct {
  size_t ndim, shape[8], n;
  double *data;
} GTensor;

static void
gtensor_clear (GTensor *t)
{
  g_clear_pointer (&t->data, g_free);
  t->n = t->ndim = 0;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GTensor, gtensor_clear)

static gboolean
fail (GError **error, const char *path, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, "%s: %s", path, msg);
  return FALSE;
}

static gboolean
is_number (JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE (n)
    && (json_node_get_value_type (n) == G_TYPE_DOUBLE || json_node_get_value_type (n) == G_TYPE_INT64);
}

/* obj[member] = { "shape": [...], "data": [...] } → t. */
static gboolean
read_tensor (JsonObject *obj, const char *member, GTensor *t, const char *path, const char *where,
             GError **error)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;
  if (!node || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, "%s.%s: missing, or not a {shape, data} object", where, member);
  JsonObject *o = json_node_get_object (node);
  JsonArray *shape = json_object_has_member (o, "shape") ? json_object_get_array_member (o, "shape") : NULL;
  JsonArray *data = json_object_has_member (o, "data") ? json_object_get_array_member (o, "data") : NULL;
  if (!shape || !data)
    return fail (error, path, "%s.%s: needs \"shape\" and \"data\" arrays", where, member);
  t->ndim = json_array_get_length (shape);
  if (t->ndim > G_N_ELEMENTS (t->shape))
    return fail (error, path, "%s.%s: more than 8 dimensions", where, member);
  t->n = 1;
  for (size_t k = 0; k < t->ndim; k++)
    {
      JsonNode *e = json_array_get_element (shape, (guint) k);
      if (!is_number (e) || json_node_get_int (e) < 0)
        return fail (error, path, "%s.%s: shape holds a non-integer", where, member);
      t->shape[k] = (size_t) json_node_get_int (e);
      t->n *= t->shape[k];
    }
  if (json_array_get_length (data) != t->n)
    return fail (error, path, "%s.%s: shape says %zu values, data has %u", where, member, t->n,
                 json_array_get_length (data));
  t->data = g_new (double, MAX (t->n, 1));
  for (size_t i = 0; i < t->n; i++)
    {
      JsonNode *e = json_array_get_element (data, (guint) i);
      if (!is_number (e))
        return fail (error, path, "%s.%s: data[%zu] is not a number", where, member, i);
      t->data[i] = json_node_get_double (e);
    }
  return TRUE;
}

static JsonObject *
member_object (JsonObject *obj, const char *member)
{
  JsonNode *n = obj ? json_object_get_member (obj, member) : NULL;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static double
member_double (JsonObject *obj, const char *member, double dflt)
{
  JsonNode *n = obj ? json_object_get_member (obj, member) : NULL;
  return is_number (n) ? json_node_get_double (n) : dflt;
}

/* ------------------------------------------------------------------ report */

NnCheckReport *
nn_check_report_new (void)
{
  NnCheckReport *rep = g_new0 (NnCheckReport, 1);
  rep->rows = g_array_new (FALSE, TRUE, sizeof (NnCheckRow));
  rep->ok = TRUE;
  return rep;
}

void
nn_check_report_free (NnCheckReport *rep)
{
  if (!rep)
    return;
  for (guint k = 0; k < rep->rows->len; k++)
    g_free (g_array_index (rep->rows, NnCheckRow, k).name);
  g_array_unref (rep->rows);
  g_free (rep);
}

static void
report_add (NnCheckReport *rep, char *name, const double *got, const double *want, size_t n,
            double tol)
{
  double max_abs = 0, scale = 0;
  gboolean finite = TRUE;
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (got[i]) || !isfinite (want[i]))
        finite = FALSE;
      max_abs = MAX (max_abs, fabs (got[i] - want[i]));
      scale = MAX (scale, fabs (want[i]));
    }
  NnCheckRow row = { .name = name, .n = n, .max_abs = finite ? max_abs : INFINITY, .tol = tol };
  row.max_rel = !finite ? INFINITY : scale > 0 ? max_abs / scale : max_abs;
  row.ok = row.max_rel <= tol;
  rep->ok = rep->ok && row.ok;
  rep->max_rel_err = MAX (rep->max_rel_err, row.max_rel);
  g_array_append_val (rep->rows, row);
}

void
nn_check_report_print (const NnCheckReport *rep, FILE *out)
{
  fprintf (out, "%-60s %7s %12s %12s %9s  %s\n", "tensor", "n", "max_abs", "max_rel", "tol", "");
  for (guint k = 0; k < rep->rows->len; k++)
    {
      const NnCheckRow *r = &g_array_index (rep->rows, NnCheckRow, k);
      fprintf (out, "%-60s %7zu %12.3e %12.3e %9.1e  %s\n", r->name, r->n, r->max_abs, r->max_rel,
               r->tol, r->ok ? "ok" : "FAIL");
    }
  fprintf (out, "max_rel_err=%.6e\n", rep->max_rel_err);
}

/* --------------------------------------------------------- the architecture */

/* A model's own setting (models.<name>.<member>), else meta's. */
static JsonNode *
model_or_meta (JsonObject *mobj, JsonObject *meta, const char *member)
{
  if (mobj && json_object_has_member (mobj, member))
    return json_object_get_member (mobj, member);
  return meta && json_object_has_member (meta, member) ? json_object_get_member (meta, member)
                                                       : NULL;
}

/* The model a golden "params" object describes, from its names and shapes
 * (and, for what shapes cannot tell, "pool" and "attn_heads" of the model
 * object or of meta). */
static gboolean
infer_model (JsonObject *params, JsonObject *mobj, JsonObject *meta, NnSeqModel *m,
             const char *path, const char *where, GError **error)
{
  g_auto (GTensor) w0 = { 0 };
  g_auto (GTensor) whh = { 0 };
  if (!read_tensor (params, "weight_ih_l0", &w0, path, where, error)
      || !read_tensor (params, "weight_hh_l0", &whh, path, where, error))
    return FALSE;
  if (w0.ndim != 2 || whh.ndim != 2 || whh.shape[0] != 4 * whh.shape[1])
    return fail (error, path, "%s: weight_ih_l0 / weight_hh_l0 are not [4H,in] / [4H,H]", where);
  NnSeqConfig cfg = { .n_inputs = w0.shape[1], .hidden = whh.shape[1], .pool = NN_POOL_LAST };
  /* a conv front-end: conv.<3k>.weight [ch, in, K] for k = 0, 1, ... */
  while (cfg.conv_layers < NN_MAX_CONV)
    {
      g_autofree char *name = g_strdup_printf ("conv.%zu.weight", 3 * cfg.conv_layers);
      if (!json_object_has_member (params, name))
        break;
      g_auto (GTensor) cw = { 0 };
      if (!read_tensor (params, name, &cw, path, where, error))
        return FALSE;
      if (cw.ndim != 3)
        return fail (error, path, "%s.%s is not [out, in, K]", where, name);
      if (cfg.conv_layers == 0)
        {
          cfg.n_inputs = cw.shape[1];
          cfg.conv_channels = cw.shape[0];
          cfg.conv_kernel = cw.shape[2];
        }
      cfg.conv_layers++;
    }
  if (cfg.conv_layers)
    cfg.conv_pool = (size_t) member_double (meta, "conv_pool", 2);
  while (cfg.layers < NN_MAX_LAYERS)
    {
      g_autofree char *name = g_strdup_printf ("weight_ih_l%zu", cfg.layers);
      if (!json_object_has_member (params, name))
        break;
      cfg.layers++;
    }
  cfg.bidirectional = json_object_has_member (params, "weight_ih_l0_reverse");
  if (json_object_has_member (params, "head.0.weight"))
    {
      g_auto (GTensor) h0 = { 0 };
      if (!read_tensor (params, "head.0.weight", &h0, path, where, error))
        return FALSE;
      cfg.head_hidden = h0.shape[0];
    }
  /* the head's outputs: head.weight or head.3.weight [K, in] */
  const char *last = cfg.head_hidden ? "head.3.weight" : "head.weight";
  if (json_object_has_member (params, last))
    {
      g_auto (GTensor) hw = { 0 };
      if (!read_tensor (params, last, &hw, path, where, error))
        return FALSE;
      cfg.n_outputs = hw.ndim == 2 ? hw.shape[0] : 1;
    }
  if (json_object_has_member (params, "pool.proj.weight"))
    {
      g_auto (GTensor) pw = { 0 };
      if (!read_tensor (params, "pool.proj.weight", &pw, path, where, error))
        return FALSE;
      cfg.pool = NN_POOL_ATTENTION;
      cfg.attention_dim = pw.shape[0];
    }
  else
    {
      JsonNode *pn = model_or_meta (mobj, meta, "pool");
      const char *pool = pn && JSON_NODE_HOLDS_VALUE (pn)
        && json_node_get_value_type (pn) == G_TYPE_STRING ? json_node_get_string (pn) : NULL;
      if (pn && (!pool || !nn_pool_from_name (pool, &cfg.pool)))
        return fail (error, path, "%s: pool: unknown pooling \"%s\"", where, pool ? pool : "?");
    }
  if (json_object_has_member (params, "attn.in_proj_weight"))
    {
      JsonNode *hn = model_or_meta (mobj, meta, "attn_heads");
      if (!is_number (hn) || json_node_get_int (hn) < 1)
        return fail (error, path, "%s: self-attention (attn.*) needs \"attn_heads\" (a positive "
                     "integer) in the model or in meta", where);
      cfg.attn_heads = (size_t) json_node_get_int (hn);
    }
  GError *local = NULL;
  if (!nn_seq_model_init (m, &cfg, &local))
    {
      fail (error, path, "%s: %s", where, local->message);
      g_error_free (local);
      return FALSE;
    }
  /* Every tensor of the file must be one of the model's, with its shape. */
  g_autoptr (GList) names = json_object_get_members (params);
  for (GList *l = names; l; l = l->next)
    {
      const NnTensor *t = nn_layout_find (&m->layout, l->data);
      if (!t)
        {
          nn_seq_model_clear (m);
          return fail (error, path, "%s: parameter \"%s\" is not part of the inferred model "
                       "(%zu layers, H %zu, %s, head %s)", where, (const char *) l->data,
                       cfg.layers, cfg.hidden, cfg.bidirectional ? "bidirectional" : "one direction",
                       cfg.head_hidden ? "with hidden layer" : "linear");
        }
    }
  return TRUE;
}

/* Load every tensor of a layout (parameters or state) from obj. */
static gboolean
read_layout (const NnLayout *lay, JsonObject *obj, double *dst, const char *path, const char *where,
             GError **error)
{
  for (size_t k = 0; k < lay->n; k++)
    {
      const NnTensor *t = &lay->t[k];
      g_auto (GTensor) g = { 0 };
      if (!read_tensor (obj, t->name, &g, path, where, error))
        return FALSE;
      if (g.n != t->numel)
        return fail (error, path, "%s.%s: %zu values, the model needs %zu", where, t->name, g.n,
                     t->numel);
      memcpy (dst + t->offset, g.data, t->numel * sizeof (double));
    }
  return TRUE;
}

/* The loss a model is checked with: "loss_kind" of the model object or of
 * meta — "bce" (default, with meta's pos_weight), "softmax" (as many classes
 * as the head has outputs, optional "class_weights" [K]), "mse", "huber"
 * ("huber_delta", default 1). */
static gboolean
golden_loss (JsonObject *mobj, JsonObject *meta, const NnSeqModel *m, const char *path,
             const char *mname, NnLossConfig *lc, double **class_weights, GError **error)
{
  JsonNode *kn = model_or_meta (mobj, meta, "loss_kind");
  const char *kind = kn && JSON_NODE_HOLDS_VALUE (kn)
    && json_node_get_value_type (kn) == G_TYPE_STRING ? json_node_get_string (kn) : "bce";
  *lc = (NnLossConfig) { .kind = NN_LOSS_BCE, .pos_weight = member_double (meta, "pos_weight",
                                                                            1.0) };
  const size_t K = m->head2.out;
  if (g_str_equal (kind, "softmax"))
    {
      lc->kind = NN_LOSS_SOFTMAX;
      lc->n_classes = K;
      JsonNode *wn = model_or_meta (mobj, meta, "class_weights");
      if (wn)
        {
          JsonArray *wa = JSON_NODE_HOLDS_ARRAY (wn) ? json_node_get_array (wn) : NULL;
          if (!wa || json_array_get_length (wa) != K)
            return fail (error, path, "models.%s: class_weights must list %zu numbers", mname,
                         K);
          *class_weights = g_new (double, K);
          for (size_t k = 0; k < K; k++)
            (*class_weights)[k] = json_array_get_double_element (wa, (guint) k);
          lc->class_weights = *class_weights;
        }
    }
  else if (g_str_equal (kind, "mse") || g_str_equal (kind, "huber"))
    {
      lc->kind = g_str_equal (kind, "mse") ? NN_LOSS_MSE : NN_LOSS_HUBER;
      JsonNode *dn = model_or_meta (mobj, meta, "huber_delta");
      lc->huber_delta = is_number (dn) ? json_node_get_double (dn) : 1.0;
    }
  else if (!g_str_equal (kind, "bce"))
    return fail (error, path, "models.%s: loss_kind \"%s\" (bce, softmax, mse or huber "
                 "expected)", mname, kind);
  if (nn_loss_outputs (lc) != K)
    return fail (error, path, "models.%s: the head has %zu outputs, loss %s reads %zu", mname,
                 K, kind, nn_loss_outputs (lc));
  return TRUE;
}

/* Everything one model run needs from the file. */
typedef struct {
  const char *path;
  size_t B, T, C;
  const double *x;           /* [B,T,C] */
  const double *y;           /* [B] */
  const guint32 *len;        /* [B] or NULL = all T */
  NnLossConfig loss;         /* the model's: bce (pos_weight), softmax, mse or huber */
  NnOptConfig adam;
  double tol;
  NnCheckReport *rep;
} GoldenCase;

/* [B,T_out,W] batch-first from [T,B,·] time-major with row stride ld
 * (T <= T_out); steps at or after T or after a sequence's length are 0. */
static double *
to_batch_first (size_t T, size_t T_out, size_t B, size_t W, const double *tm, size_t ld,
                const guint32 *len)
{
  double *out = g_new0 (double, MAX (T_out * B * W, 1));
  for (size_t b = 0; b < B; b++)
    for (size_t t = 0; t < T && (!len || t < len[b]); t++)
      memcpy (out + (b * T_out + t) * W, tm + (t * B + b) * ld, W * sizeof (double));
  return out;
}

/* Compare got [n] with the tensor obj.member when the file has it. */
static gboolean
compare_member (const GoldenCase *gc, JsonObject *obj, const char *member, const char *prefix,
                const double *got, size_t n, GError **error)
{
  if (!obj || !json_object_has_member (obj, member))
    return TRUE;
  g_auto (GTensor) want = { 0 };
  if (!read_tensor (obj, member, &want, gc->path, prefix, error))
    return FALSE;
  if (want.n != n)
    return fail (error, gc->path, "%s.%s: %zu values, this model produces %zu", prefix, member,
                 want.n, n);
  report_add (gc->rep, g_strdup_printf ("%s/%s", prefix, member), got, want.data, n, gc->tol);
  return TRUE;
}

static void
compare_scalar (const GoldenCase *gc, JsonObject *obj, const char *member, const char *prefix,
                double got)
{
  JsonNode *n = obj ? json_object_get_member (obj, member) : NULL;
  if (!is_number (n))
    return;
  double want = json_node_get_double (n);
  report_add (gc->rep, g_strdup_printf ("%s/%s", prefix, member), &got, &want, 1, gc->tol);
}

/* The per-precision run: nn_golden.inc compiled twice. */
#define NN_REAL float
#define NN_SFX f32
#include "nn_golden.inc"
#undef NN_REAL
#undef NN_SFX
#define NN_REAL double
#define NN_SFX f64
#include "nn_golden.inc"
#undef NN_REAL
#undef NN_SFX

#include "nn_golden_recon.inc"

gboolean
nn_golden_check_file (const char *path, const NnCheckOptions *opt, NnCheckReport *rep,
                      GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  GError *local = NULL;
  if (!json_parser_load_from_file (parser, path, &local))
    {
      fail (error, path, "%s", local->message);
      g_error_free (local);
      return FALSE;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (error, path, "the top level is not an object");
  JsonObject *doc = json_node_get_object (root);
  JsonObject *meta = member_object (doc, "meta");
  JsonNode *network = meta ? json_object_get_member (meta, "network") : NULL;
  if (network && JSON_NODE_HOLDS_VALUE (network)
      && json_node_get_value_type (network) == G_TYPE_STRING)
    return recon_check_file (path, doc, meta, json_node_get_string (network), opt, rep, error);
  JsonObject *models = member_object (doc, "models");
  if (!models || json_object_get_size (models) == 0)
    return fail (error, path, "no \"models\"");

  g_auto (GTensor) x = { 0 };
  g_auto (GTensor) y = { 0 };
  if (!read_tensor (doc, "input", &x, path, "", error)
      || !read_tensor (doc, "target", &y, path, "", error))
    return FALSE;
  if (x.ndim != 3 || y.ndim != 1 || y.shape[0] != x.shape[0] || x.n == 0)
    return fail (error, path, "input must be [B,T,C] and target [B]");

  g_autofree guint32 *len = NULL;
  if (json_object_has_member (doc, "lengths"))
    {
      g_auto (GTensor) lt = { 0 };
      if (!read_tensor (doc, "lengths", &lt, path, "", error))
        return FALSE;
      if (lt.ndim != 1 || lt.shape[0] != x.shape[0])
        return fail (error, path, "lengths must be [B] (B = %zu)", x.shape[0]);
      len = g_new (guint32, lt.n);
      for (size_t b = 0; b < lt.n; b++)
        {
          if (lt.data[b] != floor (lt.data[b]) || lt.data[b] < 1
              || lt.data[b] > (double) x.shape[1])
            return fail (error, path, "lengths[%zu] = %g is not an integer in 1..T (T = %zu)", b,
                         lt.data[b], x.shape[1]);
          len[b] = (guint32) lt.data[b];
        }
    }
  GoldenCase gc = {
    .path = path, .B = x.shape[0], .T = x.shape[1], .C = x.shape[2], .x = x.data, .y = y.data,
    .len = len,
    .rep = rep,
    .adam = { .kind = NN_OPT_ADAM, .lr = member_double (meta, "adam_lr", 1e-3),
              .beta1 = 0.9, .beta2 = 0.999, .eps = member_double (meta, "adam_eps", 1e-8),
              .weight_decay = member_double (meta, "adam_weight_decay", 1e-4) },
  };
  if (meta && json_object_has_member (meta, "adam_betas"))
    {
      JsonArray *bt = json_object_get_array_member (meta, "adam_betas");
      if (!bt || json_array_get_length (bt) != 2)
        return fail (error, path, "meta.adam_betas must be [beta1, beta2]");
      gc.adam.beta1 = json_array_get_double_element (bt, 0);
      gc.adam.beta2 = json_array_get_double_element (bt, 1);
    }

  g_autoptr (GList) names = json_object_get_members (models);
  names = g_list_sort (names, (GCompareFunc) g_strcmp0);
  for (GList *l = names; l; l = l->next)
    {
      const char *mname = l->data;
      JsonObject *mobj = member_object (models, mname);
      JsonObject *params = member_object (mobj, "params");
      g_autofree char *where = g_strdup_printf ("models.%s.params", mname);
      if (!params)
        return fail (error, path, "%s: missing", where);
      NnSeqModel m;
      if (!infer_model (params, mobj, meta, &m, path, where, error))
        return FALSE;
      g_autofree double *P0 = g_new (double, m.layout.total);
      g_autofree double *S0 = g_new0 (double, MAX (m.state.total, 1));
      gboolean ok = read_layout (&m.layout, params, P0, path, where, error);
      if (ok && m.state.n)
        {
          g_autofree char *bwhere = g_strdup_printf ("models.%s.buffers", mname);
          ok = read_layout (&m.state, member_object (mobj, "buffers"), S0, path, bwhere, error);
        }
      if (ok && gc.len && m.cfg.conv_layers)
        ok = fail (error, path, "%s: lengths with a conv front-end are not supported in golden "
                   "files", where);
      if (ok && m.cfg.n_inputs != gc.C)
        ok = fail (error, path, "%s: the model takes %zu inputs, input has %zu channels", where,
                   m.cfg.n_inputs, gc.C);
      g_autofree double *class_weights = NULL;
      g_auto (GTensor) my = { 0 };
      ok = ok && golden_loss (mobj, meta, &m, path, mname, &gc.loss, &class_weights, error);
      gc.y = y.data;
      if (ok && mobj && json_object_has_member (mobj, "target"))
        {
          g_autofree char *twhere = g_strdup_printf ("models.%s", mname);
          ok = read_tensor (mobj, "target", &my, path, twhere, error);
          if (ok && my.n != gc.B)
            ok = fail (error, path, "%s.target: %zu values, the batch has %zu", twhere, my.n,
                       gc.B);
          gc.y = my.data;
        }
      int n_prec = 0;
      if (ok && member_object (mobj, "float64"))
        {
          gc.tol = opt ? opt->tol64 : 1e-10;
          ok = nn_golden_run_f64 (&gc, &m, P0, S0, mname, member_object (mobj, "float64"), error);
          n_prec++;
        }
      if (ok && member_object (mobj, "float32"))
        {
          gc.tol = opt ? opt->tol32 : 1e-5;
          ok = nn_golden_run_f32 (&gc, &m, P0, S0, mname, member_object (mobj, "float32"), error);
          n_prec++;
        }
      if (ok && n_prec == 0)
        ok = fail (error, path, "models.%s: neither \"float64\" nor \"float32\" results", mname);
      nn_seq_model_clear (&m);
      if (!ok)
        return FALSE;
    }
  if (rep->rows->len == 0)
    return fail (error, path, "nothing to compare");
  return TRUE;
}
