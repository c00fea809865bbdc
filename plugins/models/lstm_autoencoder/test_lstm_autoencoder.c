/* test_lstm_autoencoder.c — the lstm_autoencoder plugin through its vtable:
 * it detects level shifts it never saw and points at their channel and
 * steps, trains the same for any thread count, saves and loads exactly,
 * ignores padding, refuses bad input (recon_test_common.h). */
#include "recon_test_common.h"

static const char *const kv[] = { "hidden_size", "16", "latent_size", "8", "epochs", "40",
                                  "learning_rate", "0.01", "patience", "5", NULL };
static const char *const kv_short[] = { "hidden_size", "8", "latent_size", "4", "epochs", "3",
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
  check_save_load (kv_short, "vae");
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  desc = td_plugin_descriptor (0);
  vt = desc->vtable;
  g_test_add_func ("/lstm_autoencoder/detects", test_detects);
  g_test_add_func ("/lstm_autoencoder/determinism", test_determinism);
  g_test_add_func ("/lstm_autoencoder/save-load", test_save_load);
  g_test_add_func ("/lstm_autoencoder/padding", test_padding);
  g_test_add_func ("/lstm_autoencoder/refusals", test_refusals);
  return g_test_run ();
}
