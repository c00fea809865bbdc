/* test_attention_lstm.c — the attention_lstm model plugin: learns a
 * temporal task, padding invariance, attention maps (rows sum to 1 over
 * valid keys, 0 for padding), determinism across threads, save/load,
 * training options (losses, soft labels, optimisers, schedules, poolings,
 * early stopping and curves), saliency, bad parameters, and the `tundish
 * bench` and `tundish run` + `tundish score` command lines. The layers are
 * checked by ../nn (finite differences, the PyTorch golden file). Compiled
 * with the plugin's sources, so td_plugin_descriptor(0) is callable. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lstm_test_common.h"

static const char *tundish_exe;   /* argv[1]: for `tundish bench` and `tundish score` */

static const TdAttentionMapExt *
map_ext (TdModel *m)
{
  const TdAttentionMapExt *ext = vt->extension (m, TD_EXT_ATTENTION_MAP);
  g_assert_nonnull (ext);
  return ext;
}

static float *
attention_map (TdModel *m, const TdDataset *ds, size_t s)
{
  g_autoptr (TdContext) ctx = td_context_new (0);
  g_autoptr (GError) e = NULL;
  float *out = g_new (float, ds->n_steps * ds->n_steps);
  g_assert_true (map_ext (m)->attention_map (m, ds, s, out, ctx, &e));
  g_assert_no_error (e);
  return out;
}

static void
test_learns_order (void)
{
  const char *const kv[] = { "hidden_size", "16", "num_layers", "1", "num_heads", "2",
                             "head_hidden", "16", "epochs", "30", "learning_rate", "0.01",
                             "patience", "8", "dropout", "0", NULL };
  check_learns_order (kv);
}

/* The same series with and without trailing padding (garbage in the padded
 * steps), and series of mixed lengths in one dataset, score the same as each
 * series alone; their attention maps too. */
static void
test_padding_invariance (void)
{
  const size_t T = 16, Tpad = 25;
  g_autoptr (TdDataset) train = order_task (120, T, 7);
  g_autoptr (TdDataset) plain = order_task (40, T, 8);
  const char *const kv[] = { "hidden_size", "8", "num_layers", "2", "bidirectional", "true",
                             "num_heads", "4", "epochs", "2", "patience", "0", NULL };
  TdModel *m = fit_model (kv, train, NULL, 1, 1);
  check_padding_invariance (m, plain, Tpad);
  /* the scores differ between series: the comparisons are not vacuous */
  g_autofree double *a = predict (m, plain);
  g_assert_cmpfloat (fabs (a[0] - a[1]), >, 1e-6);
  g_autoptr (TdDataset) padded = padded_copy (plain, Tpad);
  g_autofree float *ma = attention_map (m, plain, 3);
  g_autofree float *mb = attention_map (m, padded, 3);
  for (size_t t = 0; t < T; t++)
    for (size_t u = 0; u < T; u++)
      g_assert_cmpfloat (fabs (ma[t * T + u] - mb[t * Tpad + u]), <=, 1e-6);
  vt->destroy (m);
}

/* Attention maps: each valid row sums to 1 over the valid keys; padded rows
 * and columns are 0; the weights are not uniform (the map carries information). */
static void
test_attention_map (void)
{
  const size_t T = 12;
  g_autoptr (TdDataset) train = order_task (100, T, 13);
  const char *const kv[] = { "hidden_size", "8", "num_layers", "1", "num_heads", "2",
                             "epochs", "12", "patience", "0", "learning_rate", "0.01", NULL };
  TdModel *m = fit_model (kv, train, NULL, 2, 1);
  g_autoptr (TdDataset) ds = order_task (3, T, 14);
  ds->lengths = g_new (guint32, 3);
  ds->lengths[0] = (guint32) T;
  ds->lengths[1] = 7;
  ds->lengths[2] = 1;
  for (size_t s = 0; s < 3; s++)
    {
      g_autofree float *map = attention_map (m, ds, s);
      const size_t L = ds->lengths[s];
      double wmin = 1, wmax = 0;
      for (size_t t = 0; t < T; t++)
        {
          double row = 0;
          for (size_t u = 0; u < T; u++)
            {
              const float w = map[t * T + u];
              if (t >= L || u >= L)
                g_assert_cmpfloat (w, ==, 0.0f);
              else
                {
                  g_assert_cmpfloat (w, >, 0.0f);
                  wmin = MIN (wmin, w);
                  wmax = MAX (wmax, w);
                }
              row += w;
            }
          if (t < L)
            g_assert_cmpfloat (fabs (row - 1.0), <, 1e-5);
        }
      if (L == 1)
        g_assert_cmpfloat (map[0], ==, 1.0f);
      else
        {
          g_test_message ("series %zu: attention weights in [%.4f, %.4f]", s, wmin, wmax);
          g_assert_cmpfloat (wmax - wmin, >, 1e-3);
        }
    }
  /* errors: series out of range; unknown extensions are NULL */
  g_autoptr (TdContext) ctx = td_context_new (0);
  g_autoptr (GError) e = NULL;
  g_autofree float *out = g_new (float, T * T);
  g_assert_false (map_ext (m)->attention_map (m, ds, 3, out, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_null (vt->extension (m, "tundish.no-such-extension/1"));
  g_assert_null (vt->extension (m, TD_EXT_FEATURE_IMPORTANCE));
  vt->destroy (m);
}

/* Same seed → the same bytes, whatever the thread count; another seed differs.
 * Dropout everywhere (between layers, on the attention weights, in the head). */
static void
test_determinism (void)
{
  const char *const kv[] = { "hidden_size", "8", "epochs", "3", "dropout", "0.3",
                             "num_layers", "2", "num_heads", "2", "attention_dropout", "0.2",
                             "patience", "2", NULL };
  check_determinism (kv);
}

static void
test_save_load (void)
{
  g_autoptr (TdDataset) train = order_task (100, 12, 11);
  g_autoptr (TdDataset) test = order_task (50, 12, 12);
  const char *const kv[] = { "hidden_size", "6", "bidirectional", "true", "num_heads", "3",
                             "attention_dropout", "0.1", "pooling", "max", "epochs", "2",
                             "patience", "0", NULL };
  TdModel *m = fit_model (kv, train, NULL, 3, 1);
  g_autofree double *a = predict (m, test);
  g_autofree float *ma = attention_map (m, test, 5);
  g_autofree char *dir = g_dir_make_tmp ("tundish-attention-lstm-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.h5", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (vt->save (m, path, &e));
  g_assert_no_error (e);
  vt->destroy (m);
  /* the file's architecture wins over the params given to load */
  g_autoptr (TdParams) other = params_with ((const char *const[]) { "hidden_size", "16",
                                                                    "num_heads", "4", NULL });
  g_autoptr (TdContext) ctx = td_context_new (0);
  TdModel *m2 = vt->load (other, path, ctx, &e);
  g_assert_no_error (e);
  g_autofree double *b = predict (m2, test);
  g_assert_cmpmem (a, test->n_series * sizeof (double), b, test->n_series * sizeof (double));
  g_autofree float *mb = attention_map (m2, test, 5);
  g_assert_cmpmem (ma, 12 * 12 * sizeof (float), mb, 12 * 12 * sizeof (float));
  g_assert_cmpuint (m2->net.cfg.hidden, ==, 6);
  g_assert_cmpuint (m2->net.cfg.attn_heads, ==, 3);
  g_assert_cmpfloat (m2->net.cfg.attn_dropout, ==, 0.1);
  g_assert_true (m2->net.cfg.bidirectional);
  vt->destroy (m2);
  g_unlink (path);
  g_rmdir (dir);
}

/* Early stopping on the validation ROC-AUC restores the best epoch, and the
 * curves come per epoch: the shared training loop, through this plugin. */
static void
test_early_stopping_and_curves (void)
{
  const char *const kv[] = { "hidden_size", "8", "num_layers", "1", "num_heads", "2",
                             "epochs", "40", "patience", "3", "learning_rate", "0.01", NULL };
  check_early_stopping (kv);
}

/* Losses (with soft labels), optimisers, schedules and poolings train to
 * finite, sensible scores. */
static void
test_options (void)
{
  g_autoptr (TdDataset) train = order_task (120, 10, 41);
  g_autoptr (TdDataset) valid = order_task (40, 10, 42);
  g_autoptr (TdDataset) soft = order_task (120, 10, 41);
  for (size_t s = 0; s < soft->n_series; s++)   /* mixup-style soft labels */
    soft->y[s] = 0.1 + 0.8 * soft->y[s] - 0.05 * (double) (s % 3);
  const char *const sets[][20] = {
    { "loss", "focal", "optimizer", "adamw", "lr_schedule", "cosine", "epochs", "3",
      "num_heads", "2", NULL },
    { "auto_pos_weight", "true", "lr_schedule", "plateau", "clip_norm", "0", "epochs", "3",
      "num_heads", "4", NULL },
    { "bidirectional", "true", "pooling", "last", "head_hidden", "0", "epochs", "2",
      "num_heads", "4", NULL },
    { "pooling", "attention", "attention_dim", "8", "epochs", "2", "num_heads", "1", NULL },
  };
  for (size_t k = 0; k <= G_N_ELEMENTS (sets); k++)
    {
      const gboolean soft_case = k == G_N_ELEMENTS (sets);
      const char *const small[] = { "hidden_size", "8", "num_layers", "1", "epochs", "2",
                                    "num_heads", "2", NULL };
      TdModel *m = fit_model (soft_case ? small : sets[k], soft_case ? soft : train, valid, 1, 1);
      g_autofree double *p = predict (m, valid);
      for (size_t s = 0; s < valid->n_series; s++)
        g_assert_true (isfinite (p[s]) && p[s] > 0 && p[s] < 1);
      vt->destroy (m);
    }
}

static void
test_explain (void)
{
  const char *const kv[] = { "hidden_size", "8", "num_layers", "1", "num_heads", "2",
                             "epochs", "5", "patience", "0", "dropout", "0", NULL };
  check_explain (kv);
}

/* Parameter combinations the specs cannot catch are refused at create, with
 * the parameters named; an unfitted model has no map. */
static void
test_bad_params (void)
{
  g_autoptr (TdContext) ctx = td_context_new (1);
  const char *const bad[][8] = {
    { "hidden_size", "30", "num_heads", "8", NULL },
    { "hidden_size", "5", "bidirectional", "true", "num_heads", "4", NULL },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autoptr (TdParams) p = params_with (bad[k]);
      g_autoptr (GError) e = NULL;
      g_assert_null (vt->create (p, ctx, &e));
      g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
      if (!strstr (e->message, "num_heads") || !strstr (e->message, "hidden_size"))
        g_error ("unclear message: %s", e->message);
    }
  /* ranges the specs enforce */
  g_autoptr (TdParams) p = params_with (NULL);
  g_autoptr (GError) e = NULL;
  g_assert_false (td_params_set_text (p, "num_heads", "0", &e));
  g_clear_error (&e);
  g_assert_false (td_params_set_text (p, "attention_dropout", "1.5", &e));
  g_clear_error (&e);
  /* 12 = 6 × 2 directions splits into 4 heads */
  g_autoptr (TdParams) ok = params_with ((const char *const[]) { "hidden_size", "6",
                                                                 "bidirectional", "true",
                                                                 "num_heads", "4", NULL });
  TdModel *m = vt->create (ok, ctx, &e);
  g_assert_no_error (e);
  /* before fit: the extension is there, but there is nothing to map */
  g_autoptr (TdDataset) ds = order_task (2, 5, 1);
  float out[25];
  g_assert_false (map_ext (m)->attention_map (m, ds, 0, out, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED);
  g_clear_error (&e);
  /* NaN in a valid step */
  td_dataset_series (ds, 1)[3] = NAN;
  g_assert_false (vt->fit (m, ds, NULL, ctx, &e));
  g_assert_error (e, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  vt->destroy (m);
}

static char *
spawn_ok (const char *const *argv)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s %s failed: %s", argv[0], argv[1], err);
  return g_steal_pointer (&out);
}

/* `tundish bench attention_lstm` on a tiny shape prints the documented keys. */
static void
test_bench_cli (void)
{
  if (!tundish_exe)
    {
      g_test_skip ("no tundish executable given");
      return;
    }
  const char *argv[] = { tundish_exe, "bench", "attention_lstm", "sequences=40", "steps=12",
                         "channels=3", "epochs=2", "reps=3", "hidden_size=8", "num_heads=2",
                         "threads=2", NULL };
  g_autofree char *out = spawn_ok (argv);
  const char *keys[] = { "\nseconds_per_epoch=", "\ninfer_ms_per_sequence=",
                         "\nsequences_per_second=", "\npeak_rss_mib=", "\nepochs=2\n" };
  for (size_t k = 0; k < G_N_ELEMENTS (keys); k++)
    if (!strstr (out, keys[k]))
      g_error ("no %s in: %s", keys[k] + 1, out);
  g_assert_cmpfloat (g_ascii_strtod (strstr (out, "\nseconds_per_epoch=") + 19, NULL), >, 0);
}

/* series_id → score text of a CSV with the score in column col. */
static GHashTable *
scores_by_id (const char *text, int col)
{
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (size_t i = 1; lines[0] && lines[i]; i++)
    {
      if (!*lines[i])
        continue;
      g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
      g_hash_table_insert (h, g_strdup (f[0]), g_strdup (f[col]));
    }
  return h;
}

/* A run with an attention_lstm pipeline, then `tundish score` of its saved
 * model on the run's data: the trial's test scores byte for byte. */
static void
test_run_and_score_cli (void)
{
  if (!tundish_exe)
    {
      g_test_skip ("no tundish executable given");
      return;
    }
  g_autofree char *dir = g_dir_make_tmp ("tundish-attention-lstm-XXXXXX", NULL);
  g_autofree char *yaml = g_build_filename (dir, "exp.yaml", NULL);
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *nb = g_build_filename (dir, "nb", NULL);
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  const char *exp =
    "experiment: attention-lstm-score\n"
    "seed: 3\n"
    "repeats: 1\n"
    "data:\n"
    "  generator: steel_casting\n"
    "  params: { num_casts: 80, cast_duration_minutes: 20 }\n"
    "split: { method: stratified_holdout, test_size: 0.25, valid_size: 0.15 }\n"
    "pipelines:\n"
    "  - name: attn\n"
    "    features: [{ plugin: resample, length: 30, mode: mean }, zscore]\n"
    "    model: { plugin: attention_lstm, params: { hidden_size: 8, num_layers: 1, num_heads: 2,\n"
    "                                               head_hidden: 8, epochs: 2 } }\n"
    "evaluate: [roc_auc]\n"
    "report: [csv]\n";
  g_assert_true (g_file_set_contents (yaml, exp, -1, NULL));
  g_setenv ("TUNDISH_CACHE_DIR", cache, TRUE);
  g_free (spawn_ok ((const char *const[]) { tundish_exe, "run", yaml, "-q", "-o", run, NULL }));
  g_free (spawn_ok ((const char *const[]) { tundish_exe, "export", run, "--to", nb, "-q", NULL }));
  g_autofree char *data = g_build_filename (nb, "dataset.h5", NULL);
  g_autofree char *out = spawn_ok ((const char *const[]) { tundish_exe, "score", run, data, NULL });
  g_assert_true (g_str_has_prefix (out, "series_id,score\n"));
  g_autoptr (GHashTable) scored = scores_by_id (out, 1);
  g_autofree char *pred = g_build_filename (run, "trials", "attn", "r0-f0", "predictions.csv",
                                           NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (pred, &text, NULL, NULL));
  g_autoptr (GHashTable) trial = scores_by_id (text, 2);
  g_assert_cmpuint (g_hash_table_size (trial), >, 10);
  GHashTableIter it;
  gpointer id, score;
  g_hash_table_iter_init (&it, trial);
  while (g_hash_table_iter_next (&it, &id, &score))
    g_assert_cmpstr (g_hash_table_lookup (scored, id), ==, score);
  g_free (spawn_ok ((const char *const[]) { "rm", "-rf", dir, NULL }));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tundish_exe = argc > 1 ? argv[1] : NULL;
  desc = td_plugin_descriptor (0);
  vt = desc->vtable;
  g_test_add_func ("/attention_lstm/learns-order", test_learns_order);
  g_test_add_func ("/attention_lstm/padding-invariance", test_padding_invariance);
  g_test_add_func ("/attention_lstm/attention-map", test_attention_map);
  g_test_add_func ("/attention_lstm/determinism", test_determinism);
  g_test_add_func ("/attention_lstm/save-load", test_save_load);
  g_test_add_func ("/attention_lstm/early-stopping-curves", test_early_stopping_and_curves);
  g_test_add_func ("/attention_lstm/options", test_options);
  g_test_add_func ("/attention_lstm/explain", test_explain);
  g_test_add_func ("/attention_lstm/bad-params", test_bad_params);
  g_test_add_func ("/attention_lstm/bench-cli", test_bench_cli);
  g_test_add_func ("/attention_lstm/run-and-score-cli", test_run_and_score_cli);
  return g_test_run ();
}
