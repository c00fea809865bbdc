/* run_folder.c — see run_folder.h. */
#include "run_folder.h"
#include "cli_common.h"

#include <stdio.h>
#include <string.h>

static char *
first_difference (const char *was, const char *now)
{
  g_auto (GStrv) a = g_strsplit (was ? was : "", "\n", -1);
  g_auto (GStrv) b = g_strsplit (now ? now : "", "\n", -1);
  for (size_t k = 0;; k++)
    {
      const char *x = a[k] ? a[k] : "(end)", *y = b[k] ? b[k] : "(end)";
      if (!a[k] && !b[k])
        return NULL;
      if (strcmp (x, y) != 0)
        {
          g_autofree char *xs = g_strstrip (g_strdup (x));
          g_autofree char *ys = g_strstrip (g_strdup (y));
          return g_strdup_printf ("line %zu of the resolved configuration was `%s`, is now `%s`",
                                  k + 1, xs, ys);
        }
    }
}

TdExperiment *
td_cli_load_run (TdRegistry *reg, const char *run_dir, const char *exp_path,
                 TdManifestInfo *info, GError **error)
{
  if (!td_manifest_read (run_dir, info, error))
    return NULL;
  const char *path = exp_path ? exp_path : info->experiment_file;
  g_autoptr (GError) e = NULL;
  TdExperiment *exp = td_experiment_load (path, reg, (const char *const *) info->overrides, &e);
  if (!exp)
    {
      g_set_error (error, TD_CONFIG_ERROR, e->code,
                   "%s: the run's experiment no longer loads: %s", run_dir, e->message);
      return NULL;
    }
  if (strcmp (exp->hash, info->config_hash) != 0)
    {
      /* The manifest's block scalar keeps one final newline. */
      g_autofree char *was = g_strdup (info->config ? info->config : "");
      g_autofree char *now = g_strdup (exp->resolved_yaml);
      g_strchomp (was);
      g_strchomp (now);
      g_autofree char *diff = first_difference (was, now);
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "%s: the experiment's resolved configuration changed since this run began "
                   "(config hash %s in the run, %s now, from %s%s%s); its trials would not "
                   "belong together. Restore the experiment, or start a new run",
                   run_dir, info->config_hash, exp->hash, path, diff ? ": " : "",
                   diff ? diff : "");
      td_experiment_free (exp);
      return NULL;
    }
  /* after the hash check: added metrics never change the hash */
  if (!td_experiment_add_metrics (exp, reg, (const char *const *) info->added_metrics, &e))
    {
      g_set_error (error, TD_CONFIG_ERROR, e->code, "%s: the metrics added to this run "
                   "(manifest.yaml: added_metrics) no longer load: %s", run_dir, e->message);
      td_experiment_free (exp);
      return NULL;
    }
  return exp;
}

gboolean
td_cli_check_data_files (const TdExperiment *exp, const TdManifestInfo *info,
                         const char *run_dir, GError **error)
{
  guint n_was = g_strv_length (info->data_files);
  for (guint k = 0; k < exp->data_files->len; k++)
    {
      const TdDataFile *f = exp->data_files->pdata[k];
      const char *was = NULL;
      for (guint j = 0; j < n_was; j++)
        {
          const char *eq = strchr (info->data_files[j], '=');
          if (eq && (size_t) (eq - info->data_files[j]) == strlen (f->param)
              && strncmp (info->data_files[j], f->param, strlen (f->param)) == 0)
            was = eq + 1;
        }
      if (!was || strcmp (was, f->sha256) != 0)
        {
          g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                       "%s: data file %s (data.params.%s) changed since this run began "
                       "(sha256 %.12s… in the run, %.12s… now); its trials would not see the "
                       "same data. Restore the file, or start a new run",
                       run_dir, f->path, f->param, was ? was : "(none)", f->sha256);
          return FALSE;
        }
    }
  if (n_was != exp->data_files->len)
    {
      g_set_error (error, TD_CONFIG_ERROR, TD_CONFIG_ERROR_VALUE,
                   "%s: the run read %u data file(s), the experiment now names %u; restore "
                   "the experiment, or start a new run", run_dir, n_was, exp->data_files->len);
      return FALSE;
    }
  return TRUE;
}

gboolean
td_cli_allow_plugin_dirs (TdRegistry *reg, char **dirs, const char *cmd)
{
  for (size_t k = 0; dirs && dirs[k]; k++)
    {
      if (!g_file_test (dirs[k], G_FILE_TEST_IS_DIR))
        {
          fprintf (stderr, "%s: --allow-plugin-path %s: not a folder\n", cmd, dirs[k]);
          return FALSE;
        }
      g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
      td_registry_scan_dir (reg, dirs[k], errors);
      td_cli_print_registry_errors (cmd, errors);
    }
  return TRUE;
}
