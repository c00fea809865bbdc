/* run_manifest.c — manifest.yaml: everything needed to reproduce a run,
 * written when the run starts (what `--resume` needs: experiment file,
 * overrides, config hash, seeds) and again, complete, as its last output. */
#include "run/run_output.h"
#include "run/run_manifest.h"

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <string.h>
#include <yaml.h>

#include "util/atomic_file.h"
#include "util/blas.h"
#include "util/build_info.h"
#include "config/config_node.h"
#include "data/split.h"
#include <tundish/tundish.h>

static char *
git_commit (const char *dir)
{
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[] = { "git", "-C", dir, "rev-parse", "HEAD", NULL };
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL) || !out)
    return g_strdup ("unknown");
  g_autofree char *dirty = NULL;
  const char *argv2[] = { "git", "-C", dir, "status", "--porcelain", "--untracked-files=no", NULL };
  g_spawn_sync (NULL, (char **) argv2, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &dirty, NULL, NULL, NULL);
  return g_strdup_printf ("%s%s", g_strstrip (out), dirty && *dirty ? " (with local changes)" : "");
}

/* A YAML double-quoted scalar that any YAML reader takes back unchanged:
 * control characters (C0, DEL, C1) escaped, invalid UTF-8 replaced. */
static void
yaml_quoted (GString *s, const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  g_string_append_c (s, '"');
  for (const unsigned char *c = (const unsigned char *) valid; *c; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_printf (s, "\\%c", *c);
      else if (*c == '\n')
        g_string_append (s, "\\n");
      else if (*c < 0x20 || *c == 0x7f)
        g_string_append_printf (s, "\\x%02x", *c);
      else if (*c == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f)
        {
          /* C1 controls: a YAML reader refuses them raw */
          g_string_append_printf (s, "\\u%04x", c[1]);
          c++;
        }
      else
        g_string_append_c (s, (char) *c);
    }
  g_string_append_c (s, '"');
}

static void
manifest_plugin (GString *s, const TdStage *st, GHashTable *seen)
{
  const TdPluginDescriptor *d = st->entry->desc;
  g_autofree char *key = g_strdup_printf ("%s/%s", td_kind_name (d->kind), d->name);
  if (g_hash_table_contains (seen, key))
    return;
  g_hash_table_add (seen, g_steal_pointer (&key));
  g_string_append_printf (s, "  - { kind: %s, name: %s, version: ", td_kind_name (d->kind), d->name);
  yaml_quoted (s, d->version);
  g_string_append (s, ", file: ");
  yaml_quoted (s, st->entry->path);
  g_string_append (s, " }\n");
}

static void
quoted_list (GString *s, const char *key, const char *const *items)
{
  g_string_append_printf (s, "%s: [", key);
  for (size_t k = 0; items && items[k]; k++)
    {
      g_string_append (s, k ? ", " : "");
      yaml_quoted (s, items[k]);
    }
  g_string_append (s, "]\n");
}

static void
data_quality (GString *s, const TdDataQuality *q)
{
  g_string_append_printf (s, "data_quality:\n  policy: %s\n  series_in: %zu\n  series_out: %zu\n"
                          "  inf_replaced: %zu\n  missing: %zu\n  series_with_missing: %zu\n"
                          "  zero_length_dropped: [", td_data_policy_name (q->policy),
                          q->series_in, q->series_out, q->inf_replaced, q->missing,
                          q->series_with_missing);
  for (guint k = 0; q->dropped_ids && k < q->dropped_ids->len; k++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, k ? ", " : "",
                            g_array_index (q->dropped_ids, gint64, k));
  g_string_append (s, "]\n  channels:");
  if (!q->channels || q->channels->len == 0)
    g_string_append (s, " []");
  g_string_append_c (s, '\n');
  for (guint k = 0; q->channels && k < q->channels->len; k++)
    {
      const TdChannelQuality *c = &g_array_index (q->channels, TdChannelQuality, k);
      g_string_append (s, "    - { channel: ");
      yaml_quoted (s, c->channel);
      g_string_append_printf (s, ", missing: %zu, inf_replaced: %zu }\n", c->missing,
                              c->inf_replaced);
    }
  g_string_append (s, "  ");
  quoted_list (s, "constant_channels",
               q->constant_channels ? (const char *const *) q->constant_channels->pdata : NULL);
}

static void
trial_entry (GString *s, const TdRunMeta *m, const TdTrial *t)
{
  g_string_append (s, "    - { pipeline: ");
  yaml_quoted (s, t->pipeline->label);
  g_string_append_printf (s, ", repeat: %d, fold: %d, model_seed: %" G_GUINT64_FORMAT
                          ", status: %s, seconds: %.3f", t->repeat, t->fold, t->model_seed,
                          !t->done ? "not-run" : t->ok ? "ok" : "failed", t->seconds);
  if (t->feature_seeds && t->feature_seeds->len)
    {
      g_string_append (s, ", feature_seeds: [");
      for (guint j = 0; j < t->feature_seeds->len; j++)
        g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, j ? ", " : "",
                                g_array_index (t->feature_seeds, guint64, j));
      g_string_append (s, "]");
    }
  if (t->augmented && t->augmented->len)
    {
      g_string_append (s, ", augmented: [");
      guint n_exp = m->exp->augment->len;
      guint n_own = t->pipeline->augment ? t->pipeline->augment->len : 0;
      for (guint j = 0; j < t->augmented->len && j < n_exp + n_own; j++)
        {
          /* the experiment's stages first, then the pipeline's own */
          const TdStage *st = j < n_exp ? m->exp->augment->pdata[j]
                                        : t->pipeline->augment->pdata[j - n_exp];
          g_string_append_printf (s, "%s{ plugin: %s, added: %" G_GINT64_FORMAT " }",
                                  j ? ", " : "", st->entry->desc->name,
                                  g_array_index (t->augmented, gint64, j));
        }
      g_string_append (s, "]");
    }
  if (t->model_path)
    {
      g_string_append (s, ", model: ");
      yaml_quoted (s, t->model_path);
    }
  if (t->done && !t->ok)
    {
      g_string_append (s, ", error: ");
      yaml_quoted (s, t->error);
    }
  g_string_append (s, " }\n");
}

gboolean
td_run_write_manifest (const TdRunMeta *m, GError **error)
{
  if (m->skip_manifest)
    return TRUE;
  const TdExperiment *exp = m->exp;
  g_autoptr (GString) s = g_string_new ("# tundish run manifest: everything needed to reproduce "
                                        "this run (docs/robustness.md)\n");
  g_autofree char *st = g_date_time_format_iso8601 (m->started);
  g_autofree char *fi = m->finished ? g_date_time_format_iso8601 (m->finished) : NULL;
  g_autofree char *exp_dir = g_path_get_dirname (exp->path);
  g_autofree char *commit = git_commit (exp_dir);
  unsigned h5maj = 0, h5min = 0, h5rel = 0;
  H5get_libversion (&h5maj, &h5min, &h5rel);
  g_string_append_printf (s, "experiment: %s\nexperiment_file: ", exp->name);
  g_autofree char *exp_abs = g_canonicalize_filename (exp->path, NULL);
  yaml_quoted (s, exp_abs);
  g_string_append_printf (s, "\nconfig_hash: \"%s\"\n", exp->hash);
  td_manifest_added_metrics_line (s, exp);
  g_string_append_printf (s, "status: %s\ncommand: ", m->status);
  yaml_quoted (s, m->command_line);
  g_string_append_c (s, '\n');
  quoted_list (s, "overrides", m->overrides);
  g_string_append_printf (s, "started: %s\n", st);
  if (fi)
    g_string_append_printf (s, "finished: %s\n", fi);
  quoted_list (s, "resumed", m->resumed);
  g_string_append (s, "host: ");
  yaml_quoted (s, g_get_host_name ());
  /* git_commit: the experiment file's folder; tundish_commit: the sources
   * of this tundish build */
  g_string_append (s, "\ngit_commit: ");
  yaml_quoted (s, commit);
  g_string_append (s, "\ntundish_commit: ");
  yaml_quoted (s, td_build_commit ());
  g_string_append_printf (s, "\njobs: %d\nthreads_per_trial: %d\nisolation: %s\n"
                          "trial_timeout_seconds: %g\ntrial_memory_mb: %d\ndata_policy: %s\n",
                          m->jobs, m->threads_per_trial, m->isolation ? m->isolation : "none",
                          m->trial_timeout, m->trial_memory_mb,
                          td_data_policy_name (m->data_policy));
  quoted_list (s, "plugin_dirs", m->plugin_dirs);
  g_string_append_printf (s, "versions:\n  tundish: \"%s\"\n  plugin_abi: \"%d.%d\"\n"
                          "  glib: \"%u.%u.%u\"\n  gsl: \"%s\"\n  hdf5: \"%u.%u.%u\"\n"
                          "  libyaml: \"%s\"\n  blas: ",
                          TUNDISH_VERSION, TD_PLUGIN_ABI_MAJOR, TD_PLUGIN_ABI_MINOR,
                          glib_major_version, glib_minor_version, glib_micro_version,
                          GSL_VERSION, h5maj, h5min, h5rel, yaml_get_version_string ());
  yaml_quoted (s, td_blas_config ());
  g_string_append (s, "\nplugins:\n");
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  manifest_plugin (s, exp->data, seen);
  for (guint k = 0; k < exp->augment->len; k++)
    manifest_plugin (s, exp->augment->pdata[k], seen);
  for (guint p = 0; p < exp->pipelines->len; p++)
    {
      const TdPipeline *pl = exp->pipelines->pdata[p];
      for (guint k = 0; k < pl->features->len; k++)
        manifest_plugin (s, pl->features->pdata[k], seen);
      manifest_plugin (s, pl->model, seen);
    }
  for (guint k = 0; k < exp->evaluators->len; k++)
    manifest_plugin (s, exp->evaluators->pdata[k], seen);
  for (guint k = 0; k < exp->reporters->len; k++)
    manifest_plugin (s, exp->reporters->pdata[k], seen);

  g_string_append_printf (s, "seeds:\n  master: %" G_GUINT64_FORMAT "\n  data: %" G_GUINT64_FORMAT
                          "\n  splits:\n", exp->seed,
                          td_seed_derive (exp->seed, 0, 0, "data", exp->data->entry->desc->name));
  for (int r = 0; r < exp->repeats; r++)
    g_string_append_printf (s, "    - { repeat: %d, seed: %" G_GUINT64_FORMAT " }\n", r,
                            td_seed_derive (exp->seed, r, 0, "split", ""));
  if (exp->data_files->len)
    g_string_append (s, "data_files:\n");
  for (guint k = 0; k < exp->data_files->len; k++)
    {
      const TdDataFile *f = exp->data_files->pdata[k];
      g_string_append (s, "  - { param: ");
      yaml_quoted (s, f->param);
      g_string_append (s, ", path: ");
      yaml_quoted (s, f->written);
      g_string_append_printf (s, ", sha256: %s }\n", f->sha256);
    }
  if (m->data)
    g_string_append_printf (s, "data:\n  series: %zu\n  steps: %zu\n  channels: %zu\n"
                            "  positive: %zu\n", m->data->n_series, m->data->n_steps,
                            m->data->n_channels, td_dataset_count_positive (m->data));
  if (m->quality)
    data_quality (s, m->quality);
  if (m->splits)
    {
      g_string_append (s, "splits:\n");
      for (guint r = 0; r < m->splits->len; r++)
        {
          GPtrArray *folds = m->splits->pdata[r];
          for (guint f = 0; f < folds->len; f++)
            {
              const TdSplit *sp = folds->pdata[f];
              g_string_append_printf (s, "  - { repeat: %u, fold: %u, train: %zu, valid: %zu, "
                                      "test: %zu }\n", r, f, sp->n_train, sp->n_valid, sp->n_test);
            }
        }
    }
  if (m->trials)
    {
      size_t failed = 0, not_run = 0;
      for (size_t k = 0; k < m->n_trials; k++)
        {
          failed += m->trials[k].done && !m->trials[k].ok;
          not_run += !m->trials[k].done;
        }
      g_string_append_printf (s, "trials:\n  total: %zu\n  failed: %zu\n  not_run: %zu\n  list:\n",
                              m->n_trials, failed, not_run);
      g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
      for (size_t k = 0; k < m->n_trials; k++)
        g_ptr_array_add (sorted, &m->trials[k]);
      g_ptr_array_sort (sorted, td_trial_cmp);
      for (guint k = 0; k < sorted->len; k++)
        trial_entry (s, m, sorted->pdata[k]);
    }
  g_string_append (s, "config: |\n");
  g_auto (GStrv) lines = g_strsplit (exp->resolved_yaml, "\n", -1);
  for (size_t k = 0; lines[k]; k++)
    if (*lines[k] || lines[k + 1])
      g_string_append_printf (s, "  %s\n", lines[k]);
  g_autofree char *path = g_build_filename (m->run_dir, "manifest.yaml", NULL);
  return td_file_write_atomic (path, s->str, (gssize) s->len, error);
}

void
td_manifest_added_metrics_line (GString *s, const TdExperiment *exp)
{
  g_autoptr (GPtrArray) added = g_ptr_array_new ();
  for (guint k = exp->metrics->len - exp->n_added_metrics; k < exp->metrics->len; k++)
    g_ptr_array_add (added, exp->metrics->pdata[k]);
  g_ptr_array_add (added, NULL);
  quoted_list (s, "added_metrics", (const char *const *) added->pdata);
}

gboolean
td_manifest_update_added_metrics (const char *run_dir, const TdExperiment *exp, GError **error)
{
  g_autofree char *path = g_build_filename (run_dir, "manifest.yaml", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  g_autoptr (GString) line = g_string_new ("");
  td_manifest_added_metrics_line (line, exp);
  g_autoptr (GString) out = g_string_new ("");
  gboolean placed = FALSE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (size_t k = 0; lines[k]; k++)
    {
      if (!lines[k + 1] && !*lines[k])
        break;     /* the final newline */
      if (g_str_has_prefix (lines[k], "added_metrics:"))
        continue;
      g_string_append_printf (out, "%s\n", lines[k]);
      /* beside the hash it qualifies (top-level keys only: no indent) */
      if (!placed && g_str_has_prefix (lines[k], "config_hash:"))
        {
          g_string_append (out, line->str);
          placed = TRUE;
        }
    }
  if (!placed)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no config_hash: not a run "
                   "manifest", path);
      return FALSE;
    }
  return td_file_write_atomic (path, out->str, (gssize) out->len, error);
}

/* ------------------------------------------------------------------ read */

void
td_manifest_info_clear (TdManifestInfo *info)
{
  g_clear_pointer (&info->experiment_file, g_free);
  g_clear_pointer (&info->config_hash, g_free);
  g_clear_pointer (&info->config, g_free);
  g_clear_pointer (&info->status, g_free);
  g_clear_pointer (&info->command, g_free);
  g_clear_pointer (&info->started, g_free);
  g_clear_pointer (&info->finished, g_free);
  g_clear_pointer (&info->data_policy, g_free);
  g_clear_pointer (&info->overrides, g_strfreev);
  g_clear_pointer (&info->resumed, g_strfreev);
  g_clear_pointer (&info->added_metrics, g_strfreev);
  g_clear_pointer (&info->data_files, g_strfreev);
}

/* data_files: as "param=sha256" strings. */
static GStrv
data_files (const TdNode *root)
{
  const TdNode *v = td_node_map_get (root, "data_files", NULL);
  GPtrArray *out = g_ptr_array_new ();
  for (guint k = 0; v && v->type == TD_NODE_SEQ && k < v->items->len; k++)
    {
      const TdNode *it = v->items->pdata[k];
      const TdNode *p = it->type == TD_NODE_MAP ? td_node_map_get (it, "param", NULL) : NULL;
      const TdNode *h = it->type == TD_NODE_MAP ? td_node_map_get (it, "sha256", NULL) : NULL;
      if (p && h && p->type == TD_NODE_SCALAR && h->type == TD_NODE_SCALAR)
        g_ptr_array_add (out, g_strdup_printf ("%s=%s", p->value, h->value));
    }
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

static char *
scalar (const TdNode *root, const char *key)
{
  const TdNode *v = td_node_map_get (root, key, NULL);
  return v && v->type == TD_NODE_SCALAR ? g_strdup (v->value) : NULL;
}

static GStrv
scalar_list (const TdNode *root, const char *key)
{
  const TdNode *v = td_node_map_get (root, key, NULL);
  GPtrArray *out = g_ptr_array_new ();
  for (guint k = 0; v && v->type == TD_NODE_SEQ && k < v->items->len; k++)
    {
      const TdNode *it = v->items->pdata[k];
      if (it->type == TD_NODE_SCALAR)
        g_ptr_array_add (out, g_strdup (it->value));
    }
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

gboolean
td_manifest_read (const char *run_dir, TdManifestInfo *info, GError **error)
{
  memset (info, 0, sizeof *info);
  g_autofree char *path = g_build_filename (run_dir, "manifest.yaml", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &text, &len, NULL))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "%s: no manifest.yaml: not a tundish run folder (or the run was killed "
                   "before it wrote one; start it again)", run_dir);
      return FALSE;
    }
  g_autoptr (TdNode) root = td_node_parse_written (text, len, path, error);
  if (!root)
    return FALSE;
  if (root->type != TD_NODE_MAP)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a run manifest", path);
      return FALSE;
    }
  info->experiment_file = scalar (root, "experiment_file");
  info->config_hash = scalar (root, "config_hash");
  info->config = scalar (root, "config");
  info->status = scalar (root, "status");
  info->command = scalar (root, "command");
  info->started = scalar (root, "started");
  info->finished = scalar (root, "finished");
  info->data_policy = scalar (root, "data_policy");
  info->overrides = scalar_list (root, "overrides");
  info->resumed = scalar_list (root, "resumed");
  info->data_files = data_files (root);
  info->added_metrics = scalar_list (root, "added_metrics");
  const char *missing = !info->experiment_file ? "experiment_file"
                        : !info->config_hash ? "config_hash"
                        : !info->started ? "started" : NULL;
  if (missing)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: no %s: not a run manifest "
                   "this tundish can resume or report", path, missing);
      td_manifest_info_clear (info);
      return FALSE;
    }
  return TRUE;
}
