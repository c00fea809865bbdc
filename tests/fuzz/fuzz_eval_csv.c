/* libFuzzer harness: the CSV reader behind `tundish eval`
 * (td_eval_csv_parse), then every binary metric and DeLong's test on what
 * it accepted — the same path as `tundish eval FILE`. */
#include <stdint.h>
#include <string.h>

#include <tundish/metrics.h>

#include "eval_csv.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = g_malloc (size + 1);
  memcpy (text, data, size);
  text[size] = '\0';
  TdEvalData d = { 0 };
  GError *error = NULL;
  if (td_eval_csv_parse (text, size, "fuzz.csv", &d, &error))
    {
      const double *y = (const double *) (void *) d.y->data;
      const double *a = (const double *) (void *) d.a->data;
      double out[TD_N_BINARY_METRICS];
      g_clear_error (&error);
      if (!td_binary_metrics (y, a, d.y->len, 0.5, out, &error))
        g_clear_error (&error);
      if (d.b)
        {
          TdDelong dl;
          if (!td_delong (y, a, (const double *) (void *) d.b->data, d.y->len, &dl, &error))
            g_clear_error (&error);
        }
    }
  else
    {
      g_assert_nonnull (error);
      g_error_free (error);
    }
  td_eval_data_clear (&d);
  g_free (text);
  return 0;
}
