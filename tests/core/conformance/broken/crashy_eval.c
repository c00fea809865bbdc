/* crashy_eval.c — an evaluator that dereferences NULL when every label is the
 * same class (as one dividing by a missing class's count might crash): the
 * conformance suite must report its undefined check failed, pass its metrics
 * check and go on to the next plugin. Test-only, never installed. */
#include <math.h>

#include <tundish/tundish.h>

static const char *const crashy_metrics[] = { "crashy_auc", NULL };

static gboolean
crashy_evaluate (const TdParams *params, const TdEvalInput *in, double *values, GError **error)
{
  (void) params, (void) error;
  size_t pos = 0;
  for (size_t s = 0; s < in->n; s++)
    pos += in->y[s] > 0.5;
  volatile int *nothing = NULL;
  if (in->n > 0 && (pos == 0 || pos == in->n))
    values[0] = *nothing;   /* the flaw */
  else
    values[0] = in->n ? td_roc_auc (in->y, in->scores, in->n) : NAN;
  return TRUE;
}

static const TdEvaluatorVTable crashy_vtable = {
  .metrics = crashy_metrics,
  .tasks = TD_TASK_BINARY,
  .evaluate = crashy_evaluate,
};

static const TdPluginDescriptor crashy_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_EVALUATOR,
  .name = "crashy",
  .version = "0.0.1",
  .summary = "crashes on one-class input (conformance test only)",
  .vtable = &crashy_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &crashy_descriptor : NULL;
}
