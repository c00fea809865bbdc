/* libFuzzer harness: the RFC 4180 reader the runner, --resume and
 * `tundish report` use on trial folders (td_csv_parse), and the writer's
 * round trip: whatever it accepts, written back field by field with
 * td_csv_field, must parse to the same records. */
#include <stdint.h>
#include <string.h>

#include <tundish/io.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  GPtrArray *rows = td_csv_parse ((const char *) data, size, "fuzz.csv", &error);
  if (!rows)
    {
      g_assert_nonnull (error);
      g_error_free (error);
      return 0;
    }
  GString *out = g_string_new ("");
  for (guint r = 0; r < rows->len; r++)
    {
      char **f = rows->pdata[r];
      for (size_t k = 0; f[k]; k++)
        {
          if (k)
            g_string_append_c (out, ',');
          td_csv_field (out, f[k]);
        }
      g_string_append_c (out, '\n');
      double v;
      for (size_t k = 0; f[k]; k++)
        (void) td_csv_parse_double (f[k], &v);
    }
  GPtrArray *again = td_csv_parse (out->str, out->len, "again.csv", &error);
  g_assert_no_error (error);
  /* a record of one empty field writes as an empty line, which reads as no record */
  guint kept = 0;
  for (guint r = 0; r < rows->len; r++)
    {
      char **f = rows->pdata[r];
      if (g_strv_length (f) == 1 && !*f[0])
        continue;
      g_assert_cmpuint (kept, <, again->len);
      char **g = again->pdata[kept++];
      g_assert_cmpuint (g_strv_length (f), ==, g_strv_length (g));
      for (size_t k = 0; f[k]; k++)
        g_assert_cmpstr (f[k], ==, g[k]);
    }
  g_assert_cmpuint (kept, ==, again->len);
  g_ptr_array_unref (again);
  g_ptr_array_unref (rows);
  g_string_free (out, TRUE);
  return 0;
}
