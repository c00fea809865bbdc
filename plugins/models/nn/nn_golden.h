/* nn_golden.h — checking the NN library against a PyTorch golden file.
 *
 * The format is tests/golden/lstm/README.md's (the one torch_lstm_reference.py
 * writes): "input" [B,T,C], "target" [B], "meta" (pos_weight; optionally
 * adam_lr, adam_betas [2], adam_eps, adam_weight_decay, pool), and "models":
 * each with "params" (nn.LSTM names + "head.*") and per precision
 * ("float64", "float32") the forward results, loss, gradients, input
 * gradient and "adam_steps". The architecture is read from the parameter
 * names and shapes (layers from weight_ih_l<k>, H from weight_hh_l0,
 * bidirectional from *_reverse, head from head.weight / head.0.weight,
 * attention pooling from pool.proj.weight, self-attention from
 * attn.in_proj_weight with its head count from "attn_heads"), never assumed.
 * An optional "lengths" [B] gives variable lengths: per-step tensors are then
 * compared with their padded steps set to 0 on both sides.
 *
 * Error measure, per tensor: max_abs = max_i |a_i - b_i| and
 * max_rel = max_abs / max_i |b_i| (b the reference; a reference that is all
 * zeros gives max_rel = max_abs). Element-wise ratios are not used because
 * two correct float32 implementations disagree by far more than 1e-5 on
 * entries near zero: PyTorch's own float32 and float64 results on the
 * shipped file differ by up to 5e-5 element-wise but 6e-7 by this measure.
 */
#pragma once

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

typedef struct {
  char *name;            /* "lstm2/float32/grads.weight_hh_l1" */
  size_t n;              /* elements compared */
  double max_abs, max_rel, tol;
  gboolean ok;
} NnCheckRow;

typedef struct {
  GArray *rows;          /* of NnCheckRow */
  double max_rel_err;    /* over every row */
  gboolean ok;           /* every row within its tolerance */
} NnCheckReport;

/* Tolerances on max_rel per precision (defaults 1e-10 and 1e-5). */
typedef struct {
  double tol64, tol32;
} NnCheckOptions;

NnCheckReport *nn_check_report_new (void);
void nn_check_report_free (NnCheckReport *rep);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnCheckReport, nn_check_report_free)

/* Reproduce every tensor of the file and compare. FALSE (with error) when the
 * file cannot be read or does not follow the format; a numeric mismatch is
 * not an error: it is reported in rep (rep->ok FALSE). */
gboolean nn_golden_check_file (const char *path, const NnCheckOptions *opt, NnCheckReport *rep,
                               GError **error);

/* The report as a table, then "max_rel_err=<value>" as the last line. */
void nn_check_report_print (const NnCheckReport *rep, FILE *out);

G_END_DECLS
