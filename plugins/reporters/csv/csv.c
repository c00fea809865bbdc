/* csv — tidy CSV tables of a run, for pandas, R and spreadsheets.
 *
 * Writes into report->run_dir:
 *   results.csv        experiment,pipeline,variant,repeat,fold,metric,value
 *   summary.csv        experiment,pipeline,variant,metric,mean,sd,n,
 *                      t_low,t_high,boot_low,boot_high: the 95 % t interval of
 *                      the mean over trials and the percentile bootstrap
 *                      interval over the test sets (tundish/report.h
 *                      TdSummaryInterval; nan where undefined)
 *   failed_trials.csv  experiment,pipeline,variant,repeat,fold,message
 *                      (only when trials failed; a stale one is removed)
 *
 * Rows appear in the report's order, so the same report gives the same bytes.
 * Fields are quoted as RFC 4180 says (comma, double quote, CR or LF inside ->
 * "..." with quotes doubled); records end with LF. Numbers are printed with
 * %.17g in the C locale (they round-trip to the same double); non-finite
 * values are written nan, inf and -inf, which pandas and R both read
 * (tundish/io.h). Every file is written atomically, so a reader never sees
 * half a table.
 */
#include <errno.h>
#include <math.h>

#include <glib/gstdio.h>
#include <tundish/tundish.h>

static void
put_sep (GString *out)
{
  g_string_append_c (out, ',');
}

static void
put_int (GString *out, gint64 v)
{
  g_string_append_printf (out, "%" G_GINT64_FORMAT, v);
}

static void
end_record (GString *out)
{
  g_string_append_c (out, '\n');
}

static char *
results_csv (const TdRunReport *r)
{
  GString *out = g_string_new ("experiment,pipeline,variant,repeat,fold,metric,value\n");
  for (size_t i = 0; i < r->n_results; i++)
    {
      const TdResultRow *row = &r->results[i];
      td_csv_field (out, r->experiment); put_sep (out);
      td_csv_field (out, row->pipeline); put_sep (out);
      td_csv_field (out, row->variant); put_sep (out);
      put_int (out, row->repeat); put_sep (out);
      put_int (out, row->fold); put_sep (out);
      td_csv_field (out, row->metric); put_sep (out);
      td_csv_double (out, row->value);
      end_record (out);
    }
  return g_string_free (out, FALSE);
}

static char *
summary_csv (const TdRunReport *r)
{
  GString *out = g_string_new ("experiment,pipeline,variant,metric,mean,sd,n,t_low,t_high,"
                                "boot_low,boot_high\n");
  for (size_t i = 0; i < r->n_summary; i++)
    {
      const TdSummaryRow *row = &r->summary[i];
      /* NULL in a report built by hand (tests): no intervals */
      const TdSummaryInterval none = { 0.95, NAN, NAN, NAN, NAN, 0 };
      const TdSummaryInterval *ci = r->summary_ci ? &r->summary_ci[i] : &none;
      td_csv_field (out, r->experiment); put_sep (out);
      td_csv_field (out, row->pipeline); put_sep (out);
      td_csv_field (out, row->variant); put_sep (out);
      td_csv_field (out, row->metric); put_sep (out);
      td_csv_double (out, row->mean); put_sep (out);
      td_csv_double (out, row->sd); put_sep (out);
      put_int (out, (gint64) row->n); put_sep (out);
      td_csv_double (out, ci->t_low); put_sep (out);
      td_csv_double (out, ci->t_high); put_sep (out);
      td_csv_double (out, ci->boot_low); put_sep (out);
      td_csv_double (out, ci->boot_high);
      end_record (out);
    }
  return g_string_free (out, FALSE);
}

static char *
failed_csv (const TdRunReport *r)
{
  GString *out = g_string_new ("experiment,pipeline,variant,repeat,fold,message\n");
  for (size_t i = 0; i < r->n_failed; i++)
    {
      const TdFailedTrial *row = &r->failed[i];
      td_csv_field (out, r->experiment); put_sep (out);
      td_csv_field (out, row->pipeline); put_sep (out);
      td_csv_field (out, row->variant); put_sep (out);
      put_int (out, row->repeat); put_sep (out);
      put_int (out, row->fold); put_sep (out);
      td_csv_field (out, row->message);
      end_record (out);
    }
  return g_string_free (out, FALSE);
}

static gboolean
write_file (const char *dir, const char *name, const char *text, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) local = NULL;
  if (!td_file_write_atomic (path, text, -1, &local))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "csv: %s", local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
csv_write (const TdParams *params, const TdRunReport *report, GError **error)
{
  (void) params;
  if (report->run_dir == NULL)
    {
      g_set_error_literal (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "csv: the report has no run folder");
      return FALSE;
    }

  g_autofree char *results = results_csv (report);
  g_autofree char *summary = summary_csv (report);
  if (!write_file (report->run_dir, "results.csv", results, error)
      || !write_file (report->run_dir, "summary.csv", summary, error))
    return FALSE;

  if (report->n_failed > 0)
    {
      g_autofree char *failed = failed_csv (report);
      return write_file (report->run_dir, "failed_trials.csv", failed, error);
    }

  /* A resumed run that now succeeds must not leave the old failures behind. */
  g_autofree char *stale = g_build_filename (report->run_dir, "failed_trials.csv", NULL);
  if (g_unlink (stale) != 0 && errno != ENOENT)
    {
      int err = errno;
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_IO,
                   "csv: cannot remove stale %s: %s", stale, g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

static const TdReporterVTable csv_vtable = {
  .write = csv_write,
};

static const TdPluginDescriptor csv_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_REPORTER,
  .name = "csv",
  .version = "1.0.0",
  .summary = "results.csv, summary.csv and failed_trials.csv (RFC 4180)",
  .params = NULL,
  .n_params = 0,
  .vtable = &csv_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &csv_descriptor : NULL;
}
