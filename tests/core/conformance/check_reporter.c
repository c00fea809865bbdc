/* check_reporter.c — a reporter writes its files into the run folder it is
 * given and nowhere else, from a small run's report, and can write them again
 * (`tundish report` rebuilds a run's outputs). */
#include "conformance.h"

static guint
count_entries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (d && g_dir_read_name (d))
    n++;
  return n;
}

static void
check_write (const TdPluginEntry *en)
{
  const TdReporterVTable *v = en->desc->vtable;
  g_autofree char *parent = conf_tmpdir ();
  g_autofree char *dir = g_build_filename (parent, "run", NULL);
  g_mkdir_with_parents (dir, 0755);
  g_autoptr (TdDataset) data = conf_data (TD_TASK_BINARY, FALSE, 1, FALSE, 0);
  const char *metrics[] = { "roc_auc", NULL }, *pipes[] = { "a", "b", NULL };
  TdResultRow rows[] = { { "a", "", "roc_auc", 0, 0, 0.75 }, { "b", "", "roc_auc", 0, 0, 0.5 } };
  TdSummaryRow sum[] = { { "a", "", "roc_auc", 0.75, 0.0, 1 }, { "b", "", "roc_auc", 0.5, 0.0, 1 } };
  TdRunReport rep = { .experiment = "conformance", .config_yaml = "experiment: conformance\n",
                      .config_hash = "00000000", .run_dir = dir,
                      .started_utc = "2026-01-01T00:00:00Z",
                      .finished_utc = "2026-01-01T00:00:01Z", .generator = "none", .data = data,
                      .split_method = "stratified_holdout", .n_train = 60, .n_valid = 0,
                      .n_test = 20, .metrics = metrics, .pipelines = pipes, .baseline = "b",
                      .results = rows, .n_results = 2, .summary = sum, .n_summary = 2,
                      .n_trials = 2, .tundish_version = TUNDISH_VERSION };
  g_autoptr (TdParams) p = conf_params (en);
  g_autoptr (GError) e = NULL;
  gboolean ok = p && v->write (p, &rep, &e);
  guint written = count_entries (dir), beside = count_entries (parent);
  gboolean again = ok && v->write (p, &rep, &e);
  conf_rmtree (parent);
  CONF_REQUIRE_OK (en, ok, e, "write");
  CONF_REQUIRE (en, written > 0, "wrote nothing into the run folder");
  CONF_REQUIRE (en, beside == 1, "wrote %u entries beside the run folder (only into it)",
                beside - 1);
  CONF_REQUIRE_OK (en, again, e, "a second write into the same folder");
}

const ConfCheck conf_reporter_checks[] = {
  { "write", check_write },
  { NULL, NULL },
};
