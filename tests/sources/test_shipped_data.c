/* test_shipped_data.c — the data the shipped experiments use
 * (experiments/data/), through the real source plugins: C-MAPSS FD001 with
 * the cmapss source and UCR Trace with the ucr source. Expected counts are
 * those of the data's SOURCE.md (computed independently when the files were
 * collected) and of the files themselves.
 *
 * argv[1]: the folder of the built source plugins. */
#include <math.h>
#include <string.h>

#include "source_registry.h"
#include <tundish/tundish.h>

#define DATA_DIR TD_SOURCE_TEST_DIR "/../../experiments/data"

static TdRegistry *reg;

static TdDataset *
load (const char *source, GError **error, ...)
{
  const TdPluginEntry *e = td_registry_find (reg, TD_KIND_GENERATOR, source);
  g_assert_nonnull (e);
  g_autoptr (TdParams) p = td_params_new_defaults (e->desc->params, e->desc->n_params, NULL);
  va_list ap;
  va_start (ap, error);
  const char *name;
  while ((name = va_arg (ap, const char *)))
    g_assert_true (td_params_set_text (p, name, va_arg (ap, const char *), NULL));
  va_end (ap);
  g_autoptr (TdContext) ctx = td_context_new (1);
  return ((const TdGeneratorVTable *) e->desc->vtable)->generate (p, ctx, error);
}

static void
test_cmapss_fd001 (void)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = load ("cmapss", &e, "path", DATA_DIR "/cmapss", "subset", "FD001",
                                   NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (ds->n_series, ==, 200);
  g_assert_cmpuint (ds->n_channels, ==, 24);
  g_assert_cmpuint (ds->n_steps, ==, 362);   /* the longest training engine */
  const TdMetaColumn *part = td_dataset_find_meta (ds, "partition");
  size_t rows[2] = { 0, 0 }, n[2] = { 0, 0 };
  guint32 shortest_test = G_MAXUINT32;
  for (size_t s = 0; s < 200; s++)
    {
      int k = (int) part->num[s];
      rows[k] += ds->lengths[s];
      n[k]++;
      if (k == 1)
        shortest_test = MIN (shortest_test, ds->lengths[s]);
    }
  g_assert_cmpuint (n[0], ==, 100);
  g_assert_cmpuint (rows[0], ==, 20631);
  g_assert_cmpuint (rows[1], ==, 13096);
  g_assert_cmpuint (shortest_test, ==, 31);
  /* Training engines run to failure; the first test engine has 112 cycles left. */
  for (size_t s = 0; s < 100; s++)
    g_assert_cmpfloat (ds->y[s], ==, 0);
  g_assert_cmpfloat (ds->y[100], ==, 112);
  g_assert_cmpfloat (ds->y[199], ==, 20);
  double y_max = 0;
  for (size_t s = 100; s < 200; s++)
    y_max = MAX (y_max, ds->y[s]);
  g_assert_cmpfloat (y_max, ==, 125);   /* 145 capped */
  g_assert_cmpfloat (ds->y_step[0], ==, 125);   /* engine 1 starts 191 cycles before failure */
  /* Row 1 of test_FD001.txt: setting1 = 0.0023. */
  g_assert_cmpfloat (td_dataset_series (ds, 100)[0], ==, 0.0023f);

  g_autoptr (TdDataset) bin = load ("cmapss", &e, "path", DATA_DIR "/cmapss", "target", "binary",
                                    NULL);
  g_assert_no_error (e);
  size_t pos_rows = 0, pos_test = 0;
  for (size_t s = 0; s < 100; s++)
    for (size_t t = 0; t < bin->lengths[s]; t++)
      pos_rows += bin->y_step[s * bin->n_steps + t] == 1;
  for (size_t s = 100; s < 200; s++)
    pos_test += bin->y[s] == 1;
  g_assert_cmpuint (pos_rows, ==, 3100);   /* 31 cycles (RUL 0..30) of each engine */
  g_assert_cmpuint (pos_test, ==, 25);     /* RUL_FD001.txt values <= 30 */
}

static void
test_ucr_trace (void)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = load ("ucr", &e, "path", DATA_DIR "/ucr/Trace", NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (ds->n_series, ==, 200);
  g_assert_cmpuint (ds->n_steps, ==, 275);
  g_assert_cmpuint (ds->n_channels, ==, 1);
  g_assert_null (ds->lengths);
  g_assert_cmpint (ds->task, ==, TD_TASK_MULTICLASS);
  g_assert_cmpuint (ds->n_classes, ==, 4);
  g_assert_cmpstr (ds->class_names[0], ==, "1");
  g_assert_cmpstr (ds->class_names[3], ==, "4");
  const TdMetaColumn *part = td_dataset_find_meta (ds, "partition");
  size_t count[2][4] = { { 0 } };
  for (size_t s = 0; s < 200; s++)
    count[(int) part->num[s]][(int) ds->y[s]]++;
  const size_t train[4] = { 26, 21, 22, 31 }, test[4] = { 24, 29, 28, 19 };
  for (int c = 0; c < 4; c++)
    {
      g_assert_cmpuint (count[0][c], ==, train[c]);
      g_assert_cmpuint (count[1][c], ==, test[c]);
    }
  g_assert_cmpfloat (ds->x[0], ==, 0.54407042f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  reg = source_registry (argv[1]);
  g_test_add_func ("/shipped-data/cmapss-fd001", test_cmapss_fd001);
  g_test_add_func ("/shipped-data/ucr-trace", test_ucr_trace);
  int rc = g_test_run ();
  td_registry_free (reg);
  return rc;
}
