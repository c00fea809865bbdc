/* config_layout.c — data.window and split checked against what the data
 * generator declares it will make (TD_EXT_DATA_LAYOUT), while loading: the
 * rules the runner applies to the data (data/layout.h), before anything is
 * simulated. */
#include "config/config_internal.h"

#include "data/layout.h"

gboolean
td_config_check_layout (const TdExperiment *exp, GError **error)
{
  const TdGeneratorVTable *v = exp->data->entry->desc->vtable;
  const TdDataLayoutExt *ext = v->extension ? v->extension (TD_EXT_DATA_LAYOUT) : NULL;
  if (!ext || !ext->layout)
    return TRUE;
  TdDataLayout layout = { 0 };
  ext->layout (exp->data_params, &layout);
  TdTask task = exp->task ? exp->task : (TdTask) td_config_data_task (exp->data);
  if (td_data_layout_check (&layout, task, &exp->window, &exp->split, error))
    return TRUE;
  /* the message speaks of "this data": say whose word it is */
  if (error && *error)
    {
      char *was = (*error)->message;
      (*error)->message = g_strdup_printf ("%s (data as %s %s declares it, before making it)",
                                           was, exp->data_key, exp->data->entry->desc->name);
      g_free (was);
    }
  return FALSE;
}
