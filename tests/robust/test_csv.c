/* td_csv_parse / td_csv_field: the reader behind every trial folder (resume,
 * `tundish report`) and the writer of every CSV tundish writes itself. */
#include <math.h>
#include <string.h>

#include <tundish/io.h>

static GPtrArray *
parse_ok (const char *text)
{
  g_autoptr (GError) e = NULL;
  GPtrArray *rows = td_csv_parse (text, strlen (text), "t.csv", &e);
  g_assert_no_error (e);
  g_assert_nonnull (rows);
  return rows;
}

static void
test_parse (void)
{
  g_autoptr (GPtrArray) r = parse_ok ("a,b,c\n\"x,y\",\"he said \"\"hi\"\"\",\"two\nlines\"\r\n"
                                      "\n,,\nlast,\"\"");
  g_assert_cmpuint (r->len, ==, 4);
  char **f = r->pdata[1];
  g_assert_cmpstr (f[0], ==, "x,y");
  g_assert_cmpstr (f[1], ==, "he said \"hi\"");
  g_assert_cmpstr (f[2], ==, "two\nlines");
  g_assert_null (f[3]);
  f = r->pdata[2];
  g_assert_cmpuint (g_strv_length (f), ==, 3);
  g_assert_cmpstr (f[0], ==, "");
  f = r->pdata[3];
  g_assert_cmpstr (f[0], ==, "last");
  g_assert_cmpstr (f[1], ==, "");
  /* a quote inside an unquoted field is just a character */
  g_autoptr (GPtrArray) q = parse_ok ("a\"b,c\n");
  g_assert_cmpstr (((char **) q->pdata[0])[0], ==, "a\"b");
}

static void
test_errors (void)
{
  const char *bad[] = { "a,\"open\nnever closed", "\"x\"y,z\n", NULL };
  const char *where[] = { "t.csv:1: quoted field never closed", "t.csv:1: text after a closing quote" };
  for (int k = 0; bad[k]; k++)
    {
      g_autoptr (GError) e = NULL;
      g_assert_null (td_csv_parse (bad[k], strlen (bad[k]), "t.csv", &e));
      g_assert_nonnull (e);
      g_assert_cmpstr (e->message, ==, where[k]);
    }
  g_autoptr (GError) e = NULL;
  g_assert_null (td_csv_parse ("a\0b", 3, "t.csv", &e));
  g_assert_nonnull (strstr (e->message, "NUL"));
}

static void
test_round_trip (void)
{
  const char *fields[] = { "plain", "", "a,b", "q\"uote", "new\nline", "cr\rx",
                           "<script>alert(\"x\")</script>", " spaced ", NULL };
  GString *s = g_string_new ("");
  for (int k = 0; fields[k]; k++)
    {
      if (k)
        g_string_append_c (s, ',');
      td_csv_field (s, fields[k]);
    }
  g_string_append_c (s, '\n');
  g_autoptr (GPtrArray) r = parse_ok (s->str);
  g_string_free (s, TRUE);
  g_assert_cmpuint (r->len, ==, 1);
  char **f = r->pdata[0];
  for (int k = 0; fields[k]; k++)
    g_assert_cmpstr (f[k], ==, fields[k]);
  /* doubles: %.17g round-trips, and nan/inf are words */
  double vals[] = { 0.1 + 0.2, -1e-300, 1.0 / 3.0, NAN, INFINITY, -INFINITY };
  for (size_t k = 0; k < G_N_ELEMENTS (vals); k++)
    {
      GString *d = g_string_new ("");
      td_csv_double (d, vals[k]);
      double back = 0;
      g_assert_true (td_csv_parse_double (d->str, &back));
      if (isnan (vals[k]))
        g_assert_true (isnan (back));
      else
        g_assert_cmpmem (&back, sizeof back, &vals[k], sizeof vals[k]);
      g_string_free (d, TRUE);
    }
  double v;
  g_assert_false (td_csv_parse_double ("", &v));
  g_assert_false (td_csv_parse_double ("1.5x", &v));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/robust/csv/parse", test_parse);
  g_test_add_func ("/robust/csv/errors", test_errors);
  g_test_add_func ("/robust/csv/round-trip", test_round_trip);
  return g_test_run ();
}
