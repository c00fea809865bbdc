/* test_io.c — tundish/io.h through the installed SDK header only, as a
 * plugin sees it: the atomic writers keep the previous file whole when a
 * write is abandoned or fails and leave no temporary file behind; CSV
 * written with the helpers reads back field for field and bit for bit. */
#include <tundish/tundish.h>

#include <float.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

static char *tmp_dir;

static int
count_temps (const char *dir)
{
  int n = 0;
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    n += strstr (name, ".tmp-") != NULL;
  return n;
}

static char *
read_all (const char *path)
{
  char *text = NULL;
  g_autoptr (GError) e = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, &e));
  g_assert_no_error (e);
  return text;
}

static char *
fresh_dir (const char *name)
{
  char *dir = g_build_filename (tmp_dir, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

static void
test_whole_buffer (void)
{
  g_autofree char *dir = fresh_dir ("whole");
  g_autofree char *path = g_build_filename (dir, "sub", "a.txt", NULL);
  g_autoptr (GError) e = NULL;
  g_assert_true (td_file_write_atomic (path, "one\n", -1, &e));
  g_assert_true (td_file_write_atomic (path, "two\0bytes", 9, &e));
  g_assert_no_error (e);
  gsize len = 0;
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_assert_cmpuint (len, ==, 9);
  g_assert_cmpmem (text, len, "two\0bytes", 9);
  g_autofree char *sub = g_path_get_dirname (path);
  g_assert_cmpint (count_temps (sub), ==, 0);
}

static void
test_stream (void)
{
  g_autofree char *dir = fresh_dir ("stream");
  g_autofree char *path = g_build_filename (dir, "big.csv", NULL);
  g_autoptr (GError) e = NULL;
  TdAtomicFile *f = td_atomic_file_open (path, &e);
  g_assert_no_error (e);
  /* past the internal buffer several times, in small, large and printf pieces */
  g_autoptr (GString) want = g_string_new ("");
  g_autofree char *block = g_strnfill (200000, 'x');
  for (int k = 0; k < 30000; k++)
    {
      g_assert_true (td_atomic_file_printf (f, "%d,%s\n", k, k % 2 ? "odd" : "even"));
      g_string_append_printf (want, "%d,%s\n", k, k % 2 ? "odd" : "even");
      if (k == 15000)
        {
          g_assert_true (td_atomic_file_write (f, block, -1));
          g_string_append (want, block);
        }
    }
  g_assert_true (td_atomic_file_write (f, "end\n", 4));
  g_string_append (want, "end\n");
  /* nothing visible before commit */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_temps (dir), ==, 1);
  g_assert_true (td_atomic_file_commit (f, &e));
  g_assert_no_error (e);
  g_autofree char *got = read_all (path);
  g_assert_cmpuint (strlen (got), ==, want->len);
  g_assert_cmpstr (got, ==, want->str);
  g_assert_cmpint (count_temps (dir), ==, 0);
}

static void
test_abort_keeps_old (void)
{
  g_autofree char *dir = fresh_dir ("abort");
  g_autofree char *path = g_build_filename (dir, "model.ini", NULL);
  g_assert_true (td_file_write_atomic (path, "old complete file\n", -1, NULL));

  TdAtomicFile *f = td_atomic_file_open (path, NULL);
  g_assert_nonnull (f);
  g_autofree char *block = g_strnfill (300000, 'n');   /* some of it already on disk */
  g_assert_true (td_atomic_file_write (f, block, -1));
  g_assert_cmpint (count_temps (dir), ==, 1);
  td_atomic_file_abort (f);
  g_autofree char *text = read_all (path);
  g_assert_cmpstr (text, ==, "old complete file\n");
  g_assert_cmpint (count_temps (dir), ==, 0);

  /* a file never committed is abandoned by its g_autoptr cleanup */
  {
    g_autoptr (TdAtomicFile) g = td_atomic_file_open (path, NULL);
    g_assert_true (td_atomic_file_write (g, "half", -1));
  }
  g_autofree char *again = read_all (path);
  g_assert_cmpstr (again, ==, "old complete file\n");
  g_assert_cmpint (count_temps (dir), ==, 0);
}

static void
test_failures (void)
{
  g_autofree char *dir = fresh_dir ("fail");
  g_autoptr (GError) e = NULL;

  /* the parent "folder" is a file: open fails, naming the file to write */
  g_autofree char *blocker = g_build_filename (dir, "blocker", NULL);
  g_assert_true (td_file_write_atomic (blocker, "x", -1, NULL));
  g_autofree char *under = g_build_filename (blocker, "r.csv", NULL);
  g_assert_null (td_atomic_file_open (under, &e));
  g_assert_error (e, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
  g_assert_nonnull (strstr (e->message, under));
  g_clear_error (&e);

  /* the rename cannot happen (a folder holds the name): commit fails,
   * names the path, removes its temporary file, leaves the folder alone */
  g_autofree char *taken = g_build_filename (dir, "taken", NULL);
  g_autofree char *inside = g_build_filename (taken, "keep.txt", NULL);
  g_assert_true (td_file_write_atomic (inside, "kept", -1, NULL));
  TdAtomicFile *f = td_atomic_file_open (taken, &e);
  g_assert_nonnull (f);
  g_assert_true (td_atomic_file_write (f, "data", -1));
  g_assert_false (td_atomic_file_commit (f, &e));
  g_assert_nonnull (e);
  g_assert_nonnull (strstr (e->message, taken));
  g_clear_error (&e);
  g_assert_true (g_file_test (taken, G_FILE_TEST_IS_DIR));
  g_autofree char *kept = read_all (inside);
  g_assert_cmpstr (kept, ==, "kept");
  g_assert_cmpint (count_temps (dir), ==, 0);

  /* the same through the whole-buffer writer */
  g_assert_false (td_file_write_atomic (taken, "data", -1, &e));
  g_assert_nonnull (strstr (e->message, taken));
  g_clear_error (&e);
  g_assert_cmpint (count_temps (dir), ==, 0);
}

static void
test_temp_and_commit (void)
{
  g_autofree char *dir = fresh_dir ("commit");
  g_autofree char *path = g_build_filename (dir, "m.h5", NULL);
  g_autofree char *tmp = td_file_temp_name (path);
  g_autofree char *tmp_dir_name = g_path_get_dirname (tmp);
  g_assert_cmpstr (tmp_dir_name, ==, dir);         /* same folder: rename stays atomic */
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_set_contents (tmp, "library output", -1, NULL));
  g_autoptr (GError) e = NULL;
  g_assert_true (td_file_commit (tmp, path, &e));
  g_assert_no_error (e);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_autofree char *text = read_all (path);
  g_assert_cmpstr (text, ==, "library output");
  /* a temporary file that is not there: an error, and nothing appears */
  g_autofree char *gone = td_file_temp_name (path);
  g_autofree char *other = g_build_filename (dir, "other.h5", NULL);
  g_assert_false (td_file_commit (gone, other, &e));
  g_assert_nonnull (strstr (e->message, other));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
}

/* ------------------------------------------------------------------ CSV */

static const char *const awkward[] = {
  "", "plain", "a,b", "say \"hi\"", "\"", "line\nbreak", "crlf\r\nend", "cr\ronly",
  " blanks ", "\xEF\xBB\xBF" "bom", "ünïcödé", "<script>alert(1)</script>", ",", "\"\"",
  "trailing,",
};

static void
test_csv_round_trip (void)
{
  const double values[] = { -0.0, 0.0, 1e-320, 5e-324, DBL_MIN, DBL_MAX, -DBL_MAX, 0.1,
                            1.0 / 3.0, -2.5e-17, 123456789012345678.0, NAN, INFINITY,
                            -INFINITY };
  const size_t nf = G_N_ELEMENTS (awkward), nv = G_N_ELEMENTS (values);
  g_autoptr (GString) s = g_string_new ("");
  /* a header of awkward names, then each awkward field beside each double */
  for (size_t k = 0; k < nf; k++)
    {
      if (k)
        g_string_append_c (s, ',');
      td_csv_field (s, awkward[k]);
    }
  g_string_append_c (s, '\n');
  for (size_t i = 0; i < nv; i++)
    for (size_t k = 0; k < nf; k++)
      {
        td_csv_field (s, awkward[k]);
        g_string_append_c (s, ',');
        td_csv_double (s, values[i]);
        g_string_append_c (s, '\n');
      }
  g_autofree char *dir = fresh_dir ("csv");
  g_autofree char *path = g_build_filename (dir, "awkward.csv", NULL);
  g_assert_true (td_file_write_atomic (path, s->str, (gssize) s->len, NULL));
  gsize len = 0;
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));

  /* the writer really quoted: not vacuous */
  g_assert_nonnull (strstr (text, "\"a,b\""));
  g_assert_nonnull (strstr (text, "\"say \"\"hi\"\"\""));
  g_assert_nonnull (strstr (text, "\"line\nbreak\""));
  g_assert_nonnull (strstr (text, ",-0\n"));
  g_assert_nonnull (strstr (text, ",nan\n"));
  g_assert_nonnull (strstr (text, ",-inf\n"));

  g_autoptr (GError) e = NULL;
  g_autoptr (GPtrArray) rows = td_csv_parse (text, len, path, &e);
  g_assert_no_error (e);
  g_assert_cmpuint (rows->len, ==, 1 + nv * nf);
  char **header = rows->pdata[0];
  g_assert_cmpuint (g_strv_length (header), ==, nf);
  for (size_t k = 0; k < nf; k++)
    g_assert_cmpstr (header[k], ==, awkward[k]);
  for (size_t i = 0; i < nv; i++)
    for (size_t k = 0; k < nf; k++)
      {
        char **f = rows->pdata[1 + i * nf + k];
        g_assert_cmpuint (g_strv_length (f), ==, 2);
        g_assert_cmpstr (f[0], ==, awkward[k]);
        double v = 0;
        g_assert_true (td_csv_parse_double (f[1], &v));
        if (isnan (values[i]))
          g_assert_true (isnan (v));
        else
          g_assert_cmpmem (&v, sizeof v, &values[i], sizeof values[i]);   /* bit for bit */
      }
  double v = 0;
  g_assert_false (td_csv_parse_double ("", &v));
  g_assert_false (td_csv_parse_double (" 1", &v));
  g_assert_false (td_csv_parse_double ("1x", &v));
}

static void
test_csv_float (void)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (7);
  for (int k = 0; k < 10000; k++)
    {
      guint32 bits = g_rand_int (r);
      float x;
      memcpy (&x, &bits, sizeof x);
      if (!isfinite (x))
        continue;
      g_autoptr (GString) s = g_string_new ("");
      td_csv_float (s, x);
      double back = 0;
      g_assert_true (td_csv_parse_double (s->str, &back));
      float y = (float) back;
      g_assert_cmpmem (&y, sizeof y, &x, sizeof x);
    }
  g_autoptr (GString) s = g_string_new ("");
  td_csv_float (s, NAN);
  g_string_append_c (s, ',');
  td_csv_float (s, -INFINITY);
  g_assert_cmpstr (s->str, ==, "nan,-inf");
}

static void
test_csv_reader (void)
{
  /* what spreadsheets write: a BOM, CRLF, quoted header and fields */
  const char *text = "\xEF\xBB\xBF\"label\",\"score\"\r\n"
                     "\"1\",\"0.5\"\r\n"
                     "\r\n"
                     "0,\"multi\nline\"\r\n"
                     "1,\"\"\r\n"
                     "last,no newline";
  g_autoptr (TdCsvReader) r = td_csv_reader_new (text, strlen (text), "sheet.csv");
  g_autoptr (GError) e = NULL;
  const char *const want[][2] = { { "label", "score" }, { "1", "0.5" }, { "0", "multi\nline" },
                                  { "1", "" }, { "last", "no newline" } };
  const guint lines[] = { 1, 2, 4, 6, 7 };
  for (size_t k = 0; k < G_N_ELEMENTS (want); k++)
    {
      g_auto (GStrv) f = td_csv_reader_next (r, &e);
      g_assert_no_error (e);
      g_assert_nonnull (f);
      g_assert_cmpuint (g_strv_length (f), ==, 2);
      g_assert_cmpstr (f[0], ==, want[k][0]);
      g_assert_cmpstr (f[1], ==, want[k][1]);
      g_assert_cmpuint (td_csv_reader_line (r), ==, lines[k]);
    }
  g_assert_null (td_csv_reader_next (r, &e));
  g_assert_no_error (e);
  g_assert_null (td_csv_reader_next (r, &e));   /* stays at the end */
  g_assert_no_error (e);

  /* malformed input names the file and the line */
  static const struct { const char *text; gsize len; const char *message; } bad[] = {
    { "a,b\n1,\"open\n\n", 0, "bad.csv:2: quoted field never closed" },
    { "a,b\n\"x\"y,1\n", 0, "bad.csv:2: text after a closing quote" },
    { "a,b\n1,2\n3\0,4\n", 13, "bad.csv:3: NUL byte" },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      gsize len = bad[k].len ? bad[k].len : strlen (bad[k].text);
      g_assert_null (td_csv_parse (bad[k].text, len, "bad.csv", &e));
      g_assert_error (e, G_FILE_ERROR, G_FILE_ERROR_INVAL);
      if (!g_str_has_prefix (e->message, bad[k].message))
        g_error ("case %zu: '%s' does not start with '%s'", k, e->message, bad[k].message);
      g_clear_error (&e);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("tundish-io-XXXXXX", NULL);
  g_test_add_func ("/io/whole-buffer", test_whole_buffer);
  g_test_add_func ("/io/stream", test_stream);
  g_test_add_func ("/io/abort-keeps-old", test_abort_keeps_old);
  g_test_add_func ("/io/failures", test_failures);
  g_test_add_func ("/io/temp-and-commit", test_temp_and_commit);
  g_test_add_func ("/io/csv-round-trip", test_csv_round_trip);
  g_test_add_func ("/io/csv-float", test_csv_float);
  g_test_add_func ("/io/csv-reader", test_csv_reader);
  int rc = g_test_run ();
  const char *rm[] = { "rm", "-rf", tmp_dir, NULL };
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                NULL);
  g_free (tmp_dir);
  return rc;
}
