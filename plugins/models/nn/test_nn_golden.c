/* test_nn_golden.c — the NN library reproduces PyTorch's golden LSTM file
 * (tests/golden/lstm/, see SOURCE.md there): every forward tensor, the loss,
 * every gradient, the input gradient and three Adam steps, float64 to 1e-10
 * and float32 to 1e-5 (max_rel as nn_golden.h defines it). Then the checker
 * itself: a corrupted copy must fail, in the library, in tundish-gradcheck
 * and through `tundish gradcheck` (argv[1], the tundish executable). The
 * same for the reconstruction networks (LSTM autoencoder, VAE). */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include <tundish/nn.h>
#include "nn_golden.h"

#define GOLDEN NN_GOLDEN_DIR "/golden_lstm_small.json"
#define GOLDEN_CNN NN_GOLDEN_DIR "/../cnn_lstm/golden_cnn_lstm_small.json"
#define GOLDEN_ATTN NN_GOLDEN_DIR "/../attention_lstm/golden_attention_lstm_small.json"
#define GOLDEN_HEADS NN_GOLDEN_DIR "/golden_lstm_heads.json"
#define GOLDEN_AE NN_GOLDEN_DIR "/../lstm_autoencoder/golden_lstm_autoencoder_small.json"
#define GOLDEN_VAE NN_GOLDEN_DIR "/../vae/golden_vae_small.json"

static const char *tundish_exe;

static const NnCheckRow *
find_row (const NnCheckReport *rep, const char *name)
{
  for (guint k = 0; k < rep->rows->len; k++)
    if (g_str_equal (g_array_index (rep->rows, NnCheckRow, k).name, name))
      return &g_array_index (rep->rows, NnCheckRow, k);
  return NULL;
}

/* The report of a golden file whose every tensor is within the default
 * tolerances (float64 1e-10, float32 1e-5); failing rows are named. */
static NnCheckReport *
check_file_ok (const char *path)
{
  NnCheckReport *rep = nn_check_report_new ();
  g_autoptr (GError) e = NULL;
  g_assert_true (nn_golden_check_file (path, NULL, rep, &e));
  g_assert_no_error (e);
  for (guint k = 0; k < rep->rows->len; k++)
    {
      const NnCheckRow *r = &g_array_index (rep->rows, NnCheckRow, k);
      if (!r->ok)
        g_test_message ("%s: max_rel %.3g > %.1g", r->name, r->max_rel, r->tol);
      g_assert_true (r->ok);
      g_assert_cmpfloat (r->max_rel, <=, strstr (r->name, "float64") ? 1e-10 : 1e-5);
    }
  g_assert_true (rep->ok);
  return rep;
}

static void
test_reproduces_pytorch (void)
{
  g_autoptr (NnCheckReport) rep = check_file_ok (GOLDEN);
  g_assert_true (rep->ok);
  /* every kind of tensor was compared, for both models and precisions */
  const char *must[] = {
    "lstm1/float64/out", "lstm2/float64/h_n", "lstm2/float64/c_n", "lstm2/float64/layer_h",
    "lstm2/float64/layer_c", "lstm2/float64/logits", "lstm2/float64/loss",
    "lstm2/float64/grads/weight_hh_l1", "lstm2/float64/grads/head.bias",
    "lstm2/float64/grad_input", "lstm2/float64/adam_steps[2]/loss_before",
    "lstm2/float64/adam_steps[2]/weight_ih_l0", "lstm2/float32/adam_steps[2]/bias_hh_l1",
    "lstm1/float32/grads/weight_ih_l0", "lstm1/float32/grad_input",
  };
  for (size_t k = 0; k < G_N_ELEMENTS (must); k++)
    if (!find_row (rep, must[k]))
      g_error ("no comparison of %s", must[k]);
  /* 2 models × 2 precisions × (7 forward + grads + input grad + 3 × (1 + params)) */
  g_assert_cmpuint (rep->rows->len, ==, 2 * (7 + 6 + 1 + 3 * 7) + 2 * (7 + 10 + 1 + 3 * 11));
}

/* The conv front-end (cnn_lstm) file: conv and BatchNorm gradients, running
 * statistics after every forward, the LSTM on the pooled steps. */
static void
test_reproduces_pytorch_cnn (void)
{
  g_autoptr (NnCheckReport) rep = check_file_ok (GOLDEN_CNN);
  const char *must[] = {
    "cnn2/float64/conv_out", "cnn2/float64/buffers_after/conv.5.running_var",
    "cnn2/float64/grads/conv.0.weight", "cnn2/float64/grads/conv.5.bias",
    "cnn2/float64/grad_input", "cnn2/float64/out", "cnn2/float64/layer_c",
    "cnn2/float32/adam_steps[2]/buffers_after/conv.2.running_mean",
    "cnn2/float32/adam_steps[2]/conv.3.weight", "cnn1k5/float64/grads/conv.0.weight",
    "cnn1k5/float32/h_n",
  };
  for (size_t k = 0; k < G_N_ELEMENTS (must); k++)
    if (!find_row (rep, must[k]))
      g_error ("no comparison of %s", must[k]);
}

/* The self-attention (attention_lstm) file: variable lengths with garbage in
 * the padding, torch.nn.MultiheadAttention's weights, outputs and gradients,
 * mean and max pooling over valid steps; and tundish-gradcheck on it. */
static void
test_reproduces_pytorch_attention (void)
{
  g_autoptr (NnCheckReport) rep = check_file_ok (GOLDEN_ATTN);
  const char *must[] = {
    "attn2/float64/attn_weights", "attn2/float64/attn_out", "attn2/float64/pooled",
    "attn2/float64/out", "attn2/float64/layer_c", "attn2/float64/h_n", "attn2/float64/loss",
    "attn2/float64/grads/attn.in_proj_weight", "attn2/float64/grads/attn.out_proj.bias",
    "attn2/float64/grads/head.0.weight", "attn2/float64/grad_input",
    "attn2/float32/adam_steps[2]/attn.in_proj_bias", "attn1bi/float64/attn_weights",
    "attn1bi/float64/grads/weight_hh_l0_reverse", "attn1bi/float32/grads/attn.in_proj_weight",
    "attn1bi/float32/adam_steps[2]/head.weight",
  };
  for (size_t k = 0; k < G_N_ELEMENTS (must); k++)
    if (!find_row (rep, must[k]))
      g_error ("no comparison of %s", must[k]);
  const char *argv[] = { NN_GRADCHECK, "--quiet", GOLDEN_ATTN, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("tundish-gradcheck %s: %s%s", GOLDEN_ATTN, out, err);
  g_auto (GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);   /* "# file", then no FAIL line */
  g_assert_true (g_str_has_prefix (lines[1], "max_rel_err="));
}

/* A copy of golden file src with the largest entry of one gradient tensor of
 * one model (float32) off by 0.1 %; returns its path. */
static char *
corrupted_copy_of (const char *dir, const char *src, const char *model, const char *tensor)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_file (p, src, NULL));
  JsonObject *doc = json_node_get_object (json_parser_get_root (p));
  JsonObject *g = json_object_get_object_member (
    json_object_get_object_member (
      json_object_get_object_member (
        json_object_get_object_member (json_object_get_object_member (doc, "models"), model),
        "float32"),
      "grads"),
    tensor);
  JsonArray *data = json_object_get_array_member (g, "data");
  /* the largest entry, so the change shows at any tolerance */
  guint imax = 0;
  for (guint i = 0; i < json_array_get_length (data); i++)
    if (fabs (json_array_get_double_element (data, i))
        > fabs (json_array_get_double_element (data, imax)))
      imax = i;
  JsonArray *fixed = json_array_new ();
  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      double v = json_array_get_double_element (data, i);
      json_array_add_double_element (fixed, i == imax ? v * 1.001 : v);
    }
  json_object_set_array_member (g, "data", fixed);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, json_parser_get_root (p));
  char *path = g_build_filename (dir, "corrupted.json", NULL);
  g_assert_true (json_generator_to_file (gen, path, NULL));
  return path;
}

static char *
corrupted_copy (const char *dir)
{
  return corrupted_copy_of (dir, GOLDEN, "lstm2", "weight_hh_l1");
}

/* The multiclass and regression heads (torch_lstm_reference.py --heads): a
 * softmax head of 3 class logits under class-weighted cross-entropy, and one
 * output under MSE and under Huber — logits, loss, every gradient, the input
 * gradient and three Adam steps; tundish gradcheck passes the file and fails
 * a copy with one head gradient off by 0.1 %. */
static void
test_reproduces_pytorch_heads (void)
{
  g_autoptr (NnCheckReport) rep = check_file_ok (GOLDEN_HEADS);
  const char *must[] = {
    "softmax/float64/logits", "softmax/float64/loss", "softmax/float64/grads/head.weight",
    "softmax/float64/grads/weight_ih_l0", "softmax/float64/grad_input",
    "softmax/float32/adam_steps[2]/head.bias", "mse/float64/loss", "mse/float64/grads/head.weight",
    "mse/float32/grad_input", "huber/float64/loss", "huber/float64/grads/head.bias",
    "huber/float32/adam_steps[2]/loss_before",
  };
  for (size_t k = 0; k < G_N_ELEMENTS (must); k++)
    if (!find_row (rep, must[k]))
      g_error ("no comparison of %s", must[k]);
  /* 3 class logits per sequence were compared, not one */
  g_assert_cmpuint (find_row (rep, "softmax/float64/logits")->n, ==, 9);

  g_autofree char *dir = g_dir_make_tmp ("tundish-golden-XXXXXX", NULL);
  const char *models[] = { "softmax", "huber" };
  for (size_t k = 0; k < G_N_ELEMENTS (models); k++)
    {
      g_autofree char *bad = corrupted_copy_of (dir, GOLDEN_HEADS, models[k], "head.weight");
      g_autoptr (NnCheckReport) brep = nn_check_report_new ();
      g_autoptr (GError) e = NULL;
      g_assert_true (nn_golden_check_file (bad, NULL, brep, &e));
      g_assert_false (brep->ok);
      g_autofree char *row = g_strdup_printf ("%s/float32/grads/head.weight", models[k]);
      g_assert_false (find_row (brep, row)->ok);
      for (int corrupt = 0; corrupt < 2 && tundish_exe; corrupt++)
        {
          const char *argv[] = { tundish_exe, "gradcheck", corrupt ? bad : GOLDEN_HEADS, NULL };
          int status = 0;
          g_autofree char *out = NULL;
          g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                                       NULL, NULL, &out, NULL, &status, NULL));
          g_assert_cmpint (g_spawn_check_wait_status (status, NULL), ==, !corrupt);
        }
      g_unlink (bad);
    }
  g_rmdir (dir);
}

static void
test_corrupted_fails (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tundish-golden-XXXXXX", NULL);
  g_autofree char *bad = corrupted_copy (dir);
  g_autoptr (NnCheckReport) rep = nn_check_report_new ();
  g_autoptr (GError) e = NULL;
  g_assert_true (nn_golden_check_file (bad, NULL, rep, &e));
  g_assert_false (rep->ok);
  const NnCheckRow *r = find_row (rep, "lstm2/float32/grads/weight_hh_l1");
  g_assert_nonnull (r);
  g_assert_false (r->ok);
  g_assert_cmpfloat (r->max_rel, >, 5e-4);
  /* only that tensor fails */
  for (guint k = 0; k < rep->rows->len; k++)
    if (&g_array_index (rep->rows, NnCheckRow, k) != r)
      g_assert_true (g_array_index (rep->rows, NnCheckRow, k).ok);

  /* the executables: exit 0 on the golden file, non-zero on the corrupted copy,
   * max_rel_err=... as the last line */
  for (int via_tundish = 0; via_tundish < 2; via_tundish++)
    {
      if (via_tundish && !tundish_exe)
        continue;
      for (int corrupt = 0; corrupt < 2; corrupt++)
        {
          const char *argv[] = { via_tundish ? tundish_exe : NN_GRADCHECK,
                                 via_tundish ? "gradcheck" : (corrupt ? bad : GOLDEN),
                                 via_tundish ? (corrupt ? bad : GOLDEN) : NULL, NULL };
          g_autofree char *out = NULL, *err = NULL;
          int status = 0;
          g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                       &out, &err, &status, NULL));
          g_autoptr (GError) we = NULL;
          gboolean ok = g_spawn_check_wait_status (status, &we);
          if (ok == (gboolean) corrupt)
            g_error ("%s %s: exit %d (stderr: %s)", argv[0], argv[1], status, err);
          g_auto (GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);
          const char *last = lines[g_strv_length (lines) - 1];
          g_assert_true (g_str_has_prefix (last, "max_rel_err="));
          double v = g_ascii_strtod (last + strlen ("max_rel_err="), NULL);
          if (corrupt)
            g_assert_cmpfloat (v, >, 5e-4);
          else
            g_assert_cmpfloat (v, <, 1e-5);
          if (corrupt)
            g_assert_nonnull (strstr (out, "FAIL"));
        }
    }
  g_unlink (bad);
  g_rmdir (dir);
}

/* The reconstruction networks' files (tests/golden/lstm_autoencoder, vae):
 * reconstruction, per-sequence losses, μ and log σ² (vae, with the file's
 * ε), every gradient and the input gradient, float32 to 1e-5; a copy with
 * one gradient entry 0.1 % off fails on that row only, in the library and
 * through `tundish gradcheck`. */
static void
check_recon_file (const char *path, const char *model, const char *tensor, const char *const *must)
{
  g_autoptr (NnCheckReport) rep = check_file_ok (path);
  for (size_t k = 0; must[k]; k++)
    if (!find_row (rep, must[k]))
      g_error ("no comparison of %s", must[k]);
  g_autofree char *dir = g_dir_make_tmp ("tundish-golden-XXXXXX", NULL);
  g_autofree char *bad = corrupted_copy_of (dir, path, model, tensor);
  g_autoptr (NnCheckReport) brep = nn_check_report_new ();
  g_autoptr (GError) e = NULL;
  g_assert_true (nn_golden_check_file (bad, NULL, brep, &e));
  g_assert_false (brep->ok);
  g_autofree char *row = g_strdup_printf ("%s/float32/grads/%s", model, tensor);
  for (guint k = 0; k < brep->rows->len; k++)
    {
      const NnCheckRow *r = &g_array_index (brep->rows, NnCheckRow, k);
      g_assert_cmpint (r->ok, ==, !g_str_equal (r->name, row));
    }
  for (int corrupt = 0; corrupt < 2 && tundish_exe; corrupt++)
    {
      const char *argv[] = { tundish_exe, "gradcheck", corrupt ? bad : path, NULL };
      g_autofree char *out = NULL, *err = NULL;
      int status = 0;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                   &err, &status, NULL));
      if (g_spawn_check_wait_status (status, NULL) == (gboolean) corrupt)
        g_error ("tundish gradcheck %s: exit %d (%s%s)", argv[2], status, out, err);
    }
  g_unlink (bad);
  g_rmdir (dir);
}

static void
test_reproduces_pytorch_autoencoder (void)
{
  const char *must[] = { "ae/float32/recon", "ae/float32/loss_per_seq", "ae/float32/loss",
                         "ae/float32/grads/encoder.weight_hh_l0", "ae/float32/grads/latent.weight",
                         "ae/float32/grads/decoder.weight_ih_l0", "ae/float32/grads/output.bias",
                         "ae/float32/grad_input", NULL };
  check_recon_file (GOLDEN_AE, "ae", "encoder.weight_ih_l0", must);
}

static void
test_reproduces_pytorch_vae (void)
{
  const char *must[] = { "vae/float32/recon", "vae/float32/mu", "vae/float32/logvar",
                         "vae/float32/loss_per_seq", "vae/float32/grads/enc.0.weight",
                         "vae/float32/grads/logvar.bias", "vae/float32/grads/dec.2.weight",
                         "vae/float32/grad_input", NULL };
  check_recon_file (GOLDEN_VAE, "vae", "logvar.weight", must);
}

static void
check_rejects (const char *content, const char *expect)
{
  g_autofree char *dir = g_dir_make_tmp ("tundish-golden-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.json", NULL);
  g_assert_true (g_file_set_contents (path, content, -1, NULL));
  g_autoptr (NnCheckReport) rep = nn_check_report_new ();
  g_autoptr (GError) e = NULL;
  g_assert_false (nn_golden_check_file (path, NULL, rep, &e));
  g_assert_error (e, NN_ERROR, NN_ERROR_FORMAT);
  if (!strstr (e->message, expect))
    g_error ("message \"%s\" lacks \"%s\"", e->message, expect);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_malformed (void)
{
  check_rejects ("{ not json", "bad.json");
  check_rejects ("{\"models\": {}}", "no \"models\"");
  check_rejects ("{\"models\": {\"a\": {}}, \"target\": {\"shape\": [1], \"data\": [1]}}",
                 "input");
  check_rejects ("{\"input\": {\"shape\": [1,2,1], \"data\": [1,2]}, "
                 "\"target\": {\"shape\": [1], \"data\": [1]}, \"models\": {\"a\": {\"params\": {}}}}",
                 "weight_ih_l0");
  check_rejects ("{\"input\": {\"shape\": [1,2,1], \"data\": [1]}, "
                 "\"target\": {\"shape\": [1], \"data\": [1]}, \"models\": {\"a\": {}}}",
                 "shape says 2 values");
  check_rejects ("{\"meta\": {\"network\": \"gan\"}, \"models\": {\"a\": {}}}",
                 "unknown network \"gan\"");
  check_rejects ("{\"meta\": {\"network\": \"vae\"}, \"input\": {\"shape\": [1,2,1], "
                 "\"data\": [1,2]}, \"models\": {\"a\": {\"params\": {}, \"float32\": {}}}}",
                 "enc.0.weight");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tundish_exe = argc > 1 ? argv[1] : NULL;
  g_test_add_func ("/nn/golden/reproduces-pytorch", test_reproduces_pytorch);
  g_test_add_func ("/nn/golden/reproduces-pytorch-cnn", test_reproduces_pytorch_cnn);
  g_test_add_func ("/nn/golden/reproduces-pytorch-attention", test_reproduces_pytorch_attention);
  g_test_add_func ("/nn/golden/corrupted-fails", test_corrupted_fails);
  g_test_add_func ("/nn/golden/reproduces-pytorch-heads", test_reproduces_pytorch_heads);
  g_test_add_func ("/nn/golden/reproduces-pytorch-autoencoder",
                   test_reproduces_pytorch_autoencoder);
  g_test_add_func ("/nn/golden/reproduces-pytorch-vae", test_reproduces_pytorch_vae);
  g_test_add_func ("/nn/golden/malformed", test_malformed);
  return g_test_run ();
}
