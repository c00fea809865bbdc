/* cmd_score.c — `tundish score RUN_DIR DATA.h5`: score new series with a
 * pipeline trained in a finished run, from what the run saved (each
 * stateful feature stage's fitted state and the model), without refitting.
 * A run with data.window trained on windows: DATA.h5's recordings are cut
 * the same way first, and each window is scored. */
#include <tundish/io.h>

#include <stdio.h>
#include <string.h>

#include "data/window.h"
#include "run/trial.h"
#include "run/untrusted_h5.h"
#include "cli_common.h"
#include "commands.h"
#include "run_folder.h"

static const TdPipeline *
find_pipeline (const TdExperiment *exp, const char *label, GError **error)
{
  if (!label)
    {
      if (exp->pipelines->len == 1)
        return exp->pipelines->pdata[0];
      GString *names = g_string_new ("");
      for (guint k = 0; k < exp->pipelines->len; k++)
        g_string_append_printf (names, "%s%s", k ? ", " : "",
                                ((const TdPipeline *) exp->pipelines->pdata[k])->label);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "the run has %u pipelines; choose one with --pipeline (%s)",
                   exp->pipelines->len, names->str);
      g_string_free (names, TRUE);
      return NULL;
    }
  for (guint k = 0; k < exp->pipelines->len; k++)
    {
      const TdPipeline *p = exp->pipelines->pdata[k];
      if (strcmp (p->label, label) == 0)
        return p;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "no pipeline \"%s\" in this run (labels are as in results.csv: name or "
               "name[variant])", label);
  return NULL;
}

/* One feature stage as trained: its saved state when it has one. */
static TdFeature *
open_feature (const char *run_dir, const char *safe, int repeat, int fold, guint index,
              const TdStage *st, TdContext *ctx, GError **error)
{
  const TdFeatureVTable *v = st->entry->desc->vtable;
  g_autofree char *leaf = g_strdup_printf ("r%d-f%d.feature%u-%s", repeat, fold, index,
                                           st->entry->desc->name);
  g_autofree char *path = g_build_filename (run_dir, "models", safe, leaf, NULL);
  if (v->load && g_file_test (path, G_FILE_TEST_EXISTS))
    return v->load (st->params, path, ctx, error);
  if (v->fit)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "%s: feature %s was fitted on the training split but its fitted state "
                   "was not saved (%s); it cannot be applied to new data", st->key_path,
                   st->entry->desc->name, path);
      return NULL;
    }
  return v->create (st->params, ctx, error);
}

static TdFeatureRole
role_of (const TdPipeline *p, guint k)
{
  const TdStage *st = p->features->pdata[k];
  return ((const TdFeatureVTable *) st->entry->desc->vtable)->role;
}

/* The pipeline's feature list applied as in a trial: transforms chain,
 * consecutive extractors read the same input and their columns are stacked. */
static TdDataset *
apply_features (const char *run_dir, const TdPipeline *p, int repeat, int fold, TdDataset *in,
                TdContext *ctx, GError **error)
{
  g_autofree char *safe = td_safe_name (p->label);
  TdDataset *cur = td_dataset_ref (in);
  guint k = 0;
  while (k < p->features->len)
    {
      g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) td_dataset_unref);
      guint end = k + 1;
      if (role_of (p, k) == TD_FEATURE_EXTRACT)
        while (end < p->features->len && role_of (p, end) == TD_FEATURE_EXTRACT)
          end++;
      for (guint j = k; j < end; j++)
        {
          const TdStage *st = p->features->pdata[j];
          const TdFeatureVTable *v = st->entry->desc->vtable;
          TdFeature *f = open_feature (run_dir, safe, repeat, fold, j, st, ctx, error);
          TdDataset *out = f ? v->transform (f, cur, ctx, error) : NULL;
          if (f)
            v->destroy (f);
          if (!out)
            {
              td_dataset_unref (cur);
              return NULL;
            }
          g_ptr_array_add (parts, out);
        }
      TdDataset *next = parts->len == 1
        ? td_dataset_ref (parts->pdata[0])
        : td_dataset_hstack ((TdDataset *const *) parts->pdata, parts->len, error);
      td_dataset_unref (cur);
      if (!next)
        return NULL;
      cur = next;
      k = end;
    }
  return cur;
}

/* Where each scored row came from, for a windowed run: its recording's
 * series_id and the steps [start, end) of the recording it covers. */
typedef struct {
  double *recording, *start, *end;
} WindowOrigin;

static void
window_origin_clear (WindowOrigin *o)
{
  g_free (o->recording);
  g_free (o->start);
  g_free (o->end);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WindowOrigin, window_origin_clear)

static void
window_origin_read (const TdDataset *w, WindowOrigin *o)
{
  size_t n = MAX (w->n_series, (size_t) 1);
  o->recording = g_memdup2 (td_dataset_find_meta (w, TD_META_RECORDING)->num, n * sizeof (double));
  o->start = g_memdup2 (td_dataset_find_meta (w, TD_META_WINDOW_START)->num, n * sizeof (double));
  o->end = g_new (double, n);
  for (size_t i = 0; i < w->n_series; i++)
    o->end[i] = o->start[i] + (double) (w->lengths ? w->lengths[i] : w->n_steps);
}

/* DATA.h5 as the run's pipelines saw their input: for a run with
 * data.window, the windows of its recordings cut as the run cut them
 * (length, stride, short; every window, as test_windows: all, since new data
 * has no test partition), or the data as it is when it already holds such
 * windows (dataset.h5 of `tundish export` of the run). Labels are hidden
 * before any cutting; the label rule is not needed. */
static TdDataset *
as_trained (const TdExperiment *exp, TdDataset *data, const char *path, WindowOrigin *origin,
            GError **error)
{
  const TdWindowSpec *spec = &exp->window;
  const TdMetaColumn *rec = td_dataset_find_meta (data, TD_META_RECORDING);
  const TdMetaColumn *start = td_dataset_find_meta (data, TD_META_WINDOW_START);
  gboolean cut = rec && rec->num && start && start->num;
  if (!spec->enabled || cut)
    {
      if (spec->enabled && data->n_steps != (size_t) spec->length)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "%s holds windows (metadata \"%s\" and \"%s\") of %zu steps, and the "
                       "run's windows have %d (data.window.length, %s); expected the recordings "
                       "(score cuts them as the run did) or the run's own windows", path,
                       TD_META_RECORDING, TD_META_WINDOW_START, data->n_steps, spec->length,
                       spec->where_label);
          return NULL;
        }
      if (spec->enabled)
        window_origin_read (data, origin);
      td_dataset_hide_labels (data);
      return td_dataset_ref (data);
    }
  td_dataset_hide_labels (data);
  TdWindowSpec as_run = *spec;
  as_run.label = TD_WINDOW_LABEL_SERIES;
  as_run.last_test_only = FALSE;
  TdDataset *w = td_window_apply (data, &as_run, error);
  if (!w)
    {
      g_prefix_error (error, "%s: cutting the run's windows (data.window): ", path);
      return NULL;
    }
  window_origin_read (w, origin);
  return w;
}

int
td_cmd_score (int argc, char **argv)
{
  g_autofree char *label = NULL, *out_path = NULL;
  gint repeat = 0, fold = 0;
  GOptionEntry entries[] = {
    { "pipeline", 'p', 0, G_OPTION_ARG_STRING, &label, "Pipeline label as in results.csv (needed when the run has several)", "LABEL" },
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Which trial's model: repeat (default 0)", "R" },
    { "fold", 'f', 0, G_OPTION_ARG_INT, &fold, "Which trial's model: fold (default 0)", "F" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Write the scores here (default: standard output)", "FILE.csv" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr (GOptionContext) oc = g_option_context_new ("RUN_DIR DATA.h5 - score new series with a trained pipeline");
  g_option_context_add_main_entries (oc, entries, NULL);
  g_option_context_set_description (oc,
    "Loads the pipeline a finished run trained in one trial — each feature stage's fitted\n"
    "state (fitted on that trial's training split) and the model — and scores every series\n"
    "of DATA.h5 (a dataset in tundish's HDF5 layout, e.g. dataset.h5 from `tundish export`,\n"
    "with the same channels; labels are not needed, and are hidden from the pipeline when\n"
    "present). Prints series_id,score (one score column per output).\n"
    "When the run's experiment cuts windows (data.window), DATA.h5 holds recordings and\n"
    "they are cut as the run cut them (length, stride, short; every window, whatever\n"
    "test_windows says); one row per window: series_id,recording,window_start,window_end,\n"
    "score, the window covering the recording's steps window_start <= t < window_end\n"
    "(a file of the run's own windows, dataset.h5 of `tundish export`, is scored as is).\n"
    "The run's experiment file must be unchanged (checked against the manifest's hash):\n"
    "without it the windows and the pipeline cannot be rebuilt, and score refuses.\n\n"
    "Examples:\n"
    "  tundish score reports/steel-casting-baseline/<run> new-casts.h5 --pipeline xgboost\n"
    "  tundish score RUN_DIR data.h5 -p gbdt -r 2 -o scores.csv\n"
    "  tundish score reports/cmapss-fd001-rul/<run> engines.h5 -p gbdt   # windowed: a row per window\n\n"
    "Exit status: 0 ok, 1 usage or input error, 2 runtime error.");
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &error) || argc != 3)
    {
      fprintf (stderr, "tundish score: %s (see --help)\n",
               error ? error->message : "expected RUN_DIR and DATA.h5");
      return TD_EXIT_USAGE;
    }
  g_autoptr (TdRegistry) reg = td_cli_registry (FALSE);
  TdManifestInfo info = { 0 };
  g_autoptr (TdExperiment) exp = td_cli_load_run (reg, argv[1], NULL, &info, &error);
  td_manifest_info_clear (&info);
  if (!exp)
    {
      /* without the run's exact configuration neither its windows nor its
       * pipeline can be rebuilt */
      fprintf (stderr, "tundish score: cannot reproduce the run's configuration (its "
               "data.window and pipelines): %s\n", error->message);
      return TD_EXIT_USAGE;
    }
  const TdPipeline *p = find_pipeline (exp, label, &error);
  if (!p)
    {
      fprintf (stderr, "tundish score: %s\n", error->message);
      return TD_EXIT_USAGE;
    }
  /* the user's file: read where libhdf5 crashing on it cannot take tundish down */
  g_autoptr (TdDataset) data = td_dataset_load_h5_untrusted (argv[2], &error);
  if (!data)
    {
      fprintf (stderr, "tundish score: %s\n", error->message);
      return TD_EXIT_USAGE;
    }
  /* As in a trial: what the features and the model read carries no label. */
  g_auto (WindowOrigin) origin = { 0 };
  g_autoptr (TdDataset) input = as_trained (exp, data, argv[2], &origin, &error);
  if (!input)
    {
      fprintf (stderr, "tundish score: %s\n", error->message);
      return TD_EXIT_USAGE;
    }
  g_autoptr (TdContext) ctx =
    td_context_new (td_seed_derive (exp->seed, repeat, fold, "model", p->label));
  g_autoptr (TdDataset) x = apply_features (argv[1], p, repeat, fold, input, ctx, &error);
  if (!x)
    {
      fprintf (stderr, "tundish score: %s: %s\n", p->label, error->message);
      return TD_EXIT_RUNTIME;
    }
  g_autofree char *safe = td_safe_name (p->label);
  g_autofree char *leaf = g_strdup_printf ("r%d-f%d.model", repeat, fold);
  g_autofree char *model_path = g_build_filename (argv[1], "models", safe, leaf, NULL);
  const TdModelVTable *mv = p->model->entry->desc->vtable;
  TdModel *m = mv->load (p->model->params, model_path, ctx, &error);
  if (!m)
    {
      fprintf (stderr, "tundish score: %s: %s\n", model_path, error->message);
      return TD_EXIT_RUNTIME;
    }
  size_t k = td_task_n_outputs (x->task, x->n_classes);
  g_autofree double *scores = g_new (double, MAX (x->n_series * k, (size_t) 1));
  gboolean ok = mv->predict (m, x, scores, ctx, &error);
  mv->destroy (m);
  if (!ok)
    {
      fprintf (stderr, "tundish score: %s: predict: %s\n", p->label, error->message);
      return TD_EXIT_RUNTIME;
    }
  GString *s = g_string_new ("series_id");
  if (origin.recording)
    g_string_append (s, "," TD_META_RECORDING "," TD_META_WINDOW_START ",window_end");
  for (size_t o = 0; o < k; o++)
    g_string_append_printf (s, k == 1 ? ",score" : ",score_%zu", o);
  g_string_append_c (s, '\n');
  for (size_t i = 0; i < x->n_series; i++)
    {
      g_string_append_printf (s, "%" G_GINT64_FORMAT, x->series_id[i]);
      const double *where[] = { origin.recording, origin.start, origin.end };
      for (size_t c = 0; origin.recording && c < G_N_ELEMENTS (where); c++)
        {
          g_string_append_c (s, ',');
          td_csv_double (s, where[c][i]);
        }
      for (size_t o = 0; o < k; o++)
        {
          g_string_append_c (s, ',');
          td_csv_double (s, scores[i * k + o]);
        }
      g_string_append_c (s, '\n');
    }
  int rc = TD_EXIT_OK;
  if (out_path)
    {
      if (!td_file_write_atomic (out_path, s->str, (gssize) s->len, &error))
        {
          fprintf (stderr, "tundish score: %s\n", error->message);
          rc = TD_EXIT_RUNTIME;
        }
    }
  else if (fwrite (s->str, 1, s->len, stdout) != s->len || fflush (stdout) != 0)
    rc = TD_EXIT_RUNTIME;
  g_string_free (s, TRUE);
  return rc;
}
