/* test_vae.c — the vae plugin through its vtable:
 * (recon_kl and elbo scores) it detects level shifts it never saw and points at their channel and
 * steps, trains the same for any thread count, saves and loads exactly,
 * ignores padding, refuses bad input (recon_test_common.h). */
#include <string.h>

#include "recon_test_common.h"

static const char *const kv[] = { "filters", "16", "latent_size", "4", "pool", "2", "epochs", "60", "beta", "0.1", "kl_warmup_epochs", "5",
                                  "learning_rate", "0.01", "patience", "5", NULL };
static const char *const kv_short[] = { "filters", "8", "latent_size", "2", "pool", "2", "epochs", "3", "score", "elbo", "elbo_samples", "3",
                                        NULL };

static void
test_detects (void)
{
  check_detects (kv);
}

static void
test_determinism (void)
{
  check_determinism (kv_short);
}

static void
test_save_load (void)
{
  check_save_load (kv_short, "lstm_autoencoder");
}

static void
test_padding (void)
{
  check_padding (kv_short);
}

static void
test_refusals (void)
{
  check_refusals (kv_short);
}

/* An even kernel cannot pad 'same': refused at create, naming the parameter. */
static void
test_even_kernel (void)
{
  static const char *const even[] = { "kernel_size", "4", NULL };
  g_autoptr (TdParams) p = params_with (even);
  g_autoptr (TdContext) ctx = td_context_new (1);
  g_autoptr (GError) e = NULL;
  g_assert_null (vt->create (p, ctx, &e));
  g_assert_nonnull (e);
  g_assert_nonnull (strstr (e->message, "vae: "));
  g_assert_nonnull (strstr (e->message, "kernel size must be odd"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  desc = td_plugin_descriptor (0);
  vt = desc->vtable;
  g_test_add_func ("/vae/detects", test_detects);
  g_test_add_func ("/vae/determinism", test_determinism);
  g_test_add_func ("/vae/save-load", test_save_load);
  g_test_add_func ("/vae/padding", test_padding);
  g_test_add_func ("/vae/refusals", test_refusals);
  g_test_add_func ("/vae/even-kernel", test_even_kernel);
  return g_test_run ();
}
