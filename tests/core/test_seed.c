/* Seed derivation: frozen values, and sensitivity to every coordinate. */
#include <tundish/tundish.h>

static void
test_frozen_values (void)
{
  /* These values are part of the reproducibility contract: if this test
   * fails, every published result would change. Never update them casually. */
  g_assert_cmpuint (td_seed_derive (42, 0, 0, "split", ""), ==, G_GUINT64_CONSTANT (7003248539097852537));
  g_assert_cmpuint (td_seed_derive (42, 1, 0, "model", "gbdt"), ==, G_GUINT64_CONSTANT (18310446067407822457));
}

static void
test_coordinates_matter (void)
{
  guint64 base = td_seed_derive (42, 0, 0, "model", "gbdt");
  g_assert_cmpuint (base, ==, td_seed_derive (42, 0, 0, "model", "gbdt"));
  g_assert_cmpuint (base, !=, td_seed_derive (43, 0, 0, "model", "gbdt"));
  g_assert_cmpuint (base, !=, td_seed_derive (42, 1, 0, "model", "gbdt"));
  g_assert_cmpuint (base, !=, td_seed_derive (42, 0, 1, "model", "gbdt"));
  g_assert_cmpuint (base, !=, td_seed_derive (42, 0, 0, "split", "gbdt"));
  g_assert_cmpuint (base, !=, td_seed_derive (42, 0, 0, "model", "lstm"));
  /* repeat and fold are not interchangeable */
  g_assert_cmpuint (td_seed_derive (42, 1, 0, "s", "p"), !=, td_seed_derive (42, 0, 1, "s", "p"));
}

static void
test_context_streams (void)
{
  g_autoptr (TdContext) a = td_context_new (7);
  g_autoptr (TdContext) b = td_context_new (7);
  g_assert_cmpuint (gsl_rng_get (td_context_rng (a)), ==, gsl_rng_get (td_context_rng (b)));
  g_assert_cmpuint (td_context_derive_seed (a, "dropout"), ==, td_context_derive_seed (b, "dropout"));
  g_assert_cmpuint (td_context_derive_seed (a, "dropout"), !=, td_context_derive_seed (a, "shuffle"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seed/frozen", test_frozen_values);
  g_test_add_func ("/seed/coordinates", test_coordinates_matter);
  g_test_add_func ("/seed/context", test_context_streams);
  return g_test_run ();
}
