/* test_table.c — the table source: the number parser against strtod, both
 * layouts, gzip, decimal commas and NA tokens, per-step labels, a test file.
 * Malformed files are tests/data/broken/ (one file per error). */
#include <tundish/tundish.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_test_util.h"
#include "text_reader.h"

static double
strtod_c (const char *s)
{
  return g_ascii_strtod (s, NULL);
}

static void
check_same (const char *s)
{
  double a = 0, b = strtod_c (s);
  g_assert_true (parse_number (s, strlen (s), '.', &a));
  if (memcmp (&a, &b, sizeof a) != 0)
    g_error ("parse_number(\"%s\") = %.17g, strtod = %.17g", s, a, b);
}

/* The hand-written parser gives strtod's double, bit for bit. */
static void
test_number_vs_strtod (void)
{
  const char *fixed[] = {
    "0", "-0", "+0", "0.0", "1", "-1", "3.14159", "1e10", "1E-10", "2.5e+3", ".5", "5.",
    "0.1", "0.2", "0.3", "123456789012345678", "1234567890123456789", "12345678901234567890",
    "9007199254740993", "9007199254740992", "1e22", "1e23", "1e-22", "1e-23", "1.7976931348623157e308",
    "2.2250738585072014e-308", "4.9e-324", "1e-400", "1e400", "0.000000000000000000000000001",
    "89255.0e-22", "8.9255e-18", "179769313486231570000000000000000000000000000000000000000.0",
    "  42  ", "007", "-0.000", "inf", "-inf", "nan", "1.00000000000000011102230246251565404236316680908203125",
  };
  for (size_t k = 0; k < G_N_ELEMENTS (fixed); k++)
    {
      if (strcmp (fixed[k], "nan") == 0)
        {
          double v;
          g_assert_true (parse_number ("nan", 3, '.', &v) && isnan (v));
          continue;
        }
      check_same (fixed[k]);
    }
  GRand *rng = g_rand_new_with_seed (7);
  char buf[128];
  size_t n_checked = 0, n_fast_formats = 0;
  for (int k = 0; k < 300000; k++)
    {
      double v;
      guint64 bits = ((guint64) g_rand_int (rng) << 32) | g_rand_int (rng);
      memcpy (&v, &bits, sizeof v);
      switch (k % 6)
        {
        case 0:   /* any double, shortest round trip and more */
          if (!isfinite (v))
            continue;
          g_snprintf (buf, sizeof buf, "%.17g", v);
          break;
        case 1:
          g_snprintf (buf, sizeof buf, "%.9g", g_rand_double_range (rng, -1e6, 1e6));
          break;
        case 2:   /* what sensor exports look like */
          g_snprintf (buf, sizeof buf, "%.4f", g_rand_double_range (rng, -2000, 2000));
          n_fast_formats++;
          break;
        case 3:
          g_snprintf (buf, sizeof buf, "%.3e", g_rand_double_range (rng, -1, 1)
                      * pow (10, g_rand_int_range (rng, -40, 40)));
          break;
        default:  /* random digit strings with a point and an exponent */
          {
            int nd = g_rand_int_range (rng, 1, 26), pt = g_rand_int_range (rng, 0, nd + 1), j = 0;
            if (g_rand_boolean (rng))
              buf[j++] = '-';
            for (int i = 0; i < nd; i++)
              {
                if (i == pt)
                  buf[j++] = '.';
                buf[j++] = (char) ('0' + g_rand_int_range (rng, 0, 10));
              }
            j += g_snprintf (buf + j, sizeof buf - (size_t) j, "e%d", g_rand_int_range (rng, -30, 31));
            buf[j] = '\0';
          }
        }
      check_same (buf);
      n_checked++;
    }
  g_rand_free (rng);
  g_assert_cmpuint (n_checked, >, 250000);
  g_assert_cmpuint (n_fast_formats, >, 40000);
  /* Not numbers: the whole field must be one. */
  const char *bad[] = { "", "-", ".", "1e", "1.2.3", "1,5", "abc", "12a", "0x10", "1 2", "e5" };
  for (size_t k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      double v;
      g_assert_false (parse_number (bad[k], strlen (bad[k]), '.', &v));
    }
  double v;
  g_assert_true (parse_number ("1,5", 3, ',', &v));
  g_assert_cmpfloat (v, ==, 1.5);
  g_assert_false (parse_number ("1.5", 3, ',', &v));
}

static void
test_time (void)
{
  double a, b;
  g_assert_true (parse_time ("1970-01-02", 10, '.', &a));
  g_assert_cmpfloat (a, ==, 86400);
  g_assert_true (parse_time ("2024-03-01T08:00:00Z", 20, '.', &a));
  g_assert_true (parse_time ("2024-03-01 09:00:00+01:00", 25, '.', &b));
  g_assert_cmpfloat (a, ==, b);
  g_assert_cmpfloat (a, ==, 1709280000.0);
  g_assert_true (parse_time ("2024-03-01T08:00:00.25", 22, '.', &b));
  g_assert_cmpfloat (b - a, ==, 0.25);
  g_assert_true (parse_time ("12.5", 4, '.', &b));
  g_assert_cmpfloat (b, ==, 12.5);
  g_assert_false (parse_time ("2024-13-01", 10, '.', &b));
  g_assert_false (parse_time ("yesterday", 9, '.', &b));
}

static const char long_csv[] =
  "timestamp,unit,temp,pressure,defect\n"
  "2024-03-01T08:00:00,A7,1.5,10,no\n"
  "2024-03-01T08:00:01,A7,1.25,11,no\n"
  "2024-03-01T08:00:02,A7,NA,12,no\n"
  "2024-03-01T08:00:00,B2,-2,20,yes\n"
  "2024-03-01T08:00:01,B2,-3,21,yes\n"
  "2024-03-01T07:00:00,C9,7,\"30\",no\n";

static void
test_long (void)
{
  g_autofree char *path = test_write ("long.csv", long_csv);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = test_load (&e, "path", path, "id", "unit", "time", "timestamp",
                                   "label", "defect", "group", "unit", NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (ds->n_series, ==, 3);
  g_assert_cmpuint (ds->n_steps, ==, 3);
  g_assert_cmpuint (ds->n_channels, ==, 2);
  g_assert_cmpstr (ds->channel_names[0], ==, "temp");
  g_assert_cmpstr (ds->channel_names[1], ==, "pressure");
  g_assert_nonnull (ds->lengths);
  g_assert_cmpuint (ds->lengths[0], ==, 3);
  g_assert_cmpuint (ds->lengths[1], ==, 2);
  g_assert_cmpuint (ds->lengths[2], ==, 1);
  g_assert_cmpfloat (td_dataset_series (ds, 0)[2], ==, 1.25f);
  g_assert_true (isnan (td_dataset_series (ds, 0)[4]));
  g_assert_cmpfloat (td_dataset_series (ds, 1)[3], ==, 21.0f);
  g_assert_cmpfloat (td_dataset_series (ds, 2)[1], ==, 30.0f);
  /* Text labels: multiclass, names in sorted order. */
  g_assert_cmpint (ds->task, ==, TD_TASK_MULTICLASS);
  g_assert_cmpuint (ds->n_classes, ==, 2);
  g_assert_cmpstr (ds->class_names[0], ==, "no");
  g_assert_cmpstr (ds->class_names[1], ==, "yes");
  g_assert_cmpfloat (ds->y[0], ==, 0);
  g_assert_cmpfloat (ds->y[1], ==, 1);
  g_assert_cmpfloat (ds->y[2], ==, 0);
  const TdMetaColumn *id = td_dataset_find_meta (ds, "id");
  g_assert_nonnull (id);
  g_assert_cmpstr (id->str[1], ==, "B2");
  g_assert_cmpint (ds->group[0], ==, 0);
  g_assert_cmpint (ds->group[2], ==, 2);
  g_assert_null (td_dataset_find_meta (ds, "partition"));

  /* With the classes named, "yes" is class 1 of a binary task. */
  g_autoptr (TdDataset) bin = test_load (&e, "path", path, "id", "unit", "label", "defect",
                                    "classes", "[no, yes]", "channels", "[pressure]", NULL);
  g_assert_no_error (e);
  g_assert_cmpint (bin->task, ==, TD_TASK_BINARY);
  g_assert_cmpuint (bin->n_channels, ==, 1);
  g_assert_cmpfloat (bin->y[1], ==, 1);
  g_assert_cmpfloat (td_dataset_series (bin, 0)[2], ==, 12.0f);
}

/* The same file gzip-compressed gives the same dataset, byte for byte. */
static void
test_gzip (void)
{
  g_autofree char *plain = test_write ("g.csv", long_csv);
  g_autofree char *gz = test_write ("g.csv.gz", long_csv);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) a = test_load (&e, "path", plain, "id", "unit", "label", "defect", NULL);
  g_assert_no_error (e);
  g_autoptr (TdDataset) b = test_load (&e, "path", gz, "id", "unit", "label", "defect", NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (a->n_series * a->n_steps * a->n_channels, ==,
                    b->n_series * b->n_steps * b->n_channels);
  g_assert_cmpmem (a->x, a->n_series * a->n_steps * a->n_channels * sizeof (float), b->x,
                   b->n_series * b->n_steps * b->n_channels * sizeof (float));
  g_assert_cmpmem (a->y, a->n_series * sizeof (double), b->y, b->n_series * sizeof (double));
  /* Non-vacuous: the compressed file really is compressed. */
  g_autofree char *head = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (gz, &head, &n, NULL));
  g_assert_cmpuint ((guchar) head[0], ==, 0x1f);
  g_assert_cmpuint ((guchar) head[1], ==, 0x8b);
}

/* A compressed file of many chunks (the inflating thread cycles its
 * buffers) reads as the plain one; a bad row early stops the thread
 * mid-stream; damaged gzip data is an error naming the file. */
static void
test_gzip_large (void)
{
  GString *s = g_string_new ("id,t,v,w,label\n");
  for (int k = 0; k < 300000; k++)
    g_string_append_printf (s, "%d,%d,%.4f,%d,%d\n", k / 1000, k % 1000, k * 0.0001, k % 7,
                            (k / 1000) % 2);
  g_assert_cmpuint (s->len, >, 4u << 20);   /* more than the pump's 4 chunks of 1 MB */
  g_autofree char *plain = test_write ("big.csv", s->str);
  g_autofree char *gz = test_write ("big.csv.gz", s->str);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) a = test_load (&e, "path", plain, "time", "t", NULL);
  g_assert_no_error (e);
  g_autoptr (TdDataset) b = test_load (&e, "path", gz, "time", "t", NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (b->n_series, ==, 300);
  g_assert_cmpuint (b->n_steps, ==, 1000);
  g_assert_cmpmem (a->x, 300 * 1000 * 2 * sizeof (float), b->x, 300 * 1000 * 2 * sizeof (float));
  g_assert_cmpfloat (b->x[(299 * 1000 + 999) * 2], ==, (float) (299999 * 0.0001));

  /* Line 4 belongs to series "x", so line 5's "0" starts series 0 again: the
   * reader stops while the thread still has most of the file to inflate. */
  char *third = strchr (strchr (strchr (s->str, '\n') + 1, '\n') + 1, '\n') + 1;
  third[0] = 'x';
  third[1] = ',';
  g_autofree char *bad = test_write ("bad.csv.gz", s->str);
  g_autoptr (TdDataset) none = test_load (&e, "path", bad, "time", "t", NULL);
  g_assert_null (none);
  g_test_message ("%s", e->message);
  g_assert_nonnull (strstr (e->message, "bad.csv.gz:5:1: series \"0\" starts again"));
  g_clear_error (&e);

  /* Flip bytes in the middle of the compressed stream. */
  g_autofree char *bytes = NULL;
  gsize n = 0;
  g_assert_true (g_file_get_contents (gz, &bytes, &n, NULL));
  for (gsize k = n / 2; k < n / 2 + 64; k++)
    bytes[k] = (char) ~bytes[k];
  g_autofree char *damaged = g_build_filename (test_dir (), "damaged.csv.gz", NULL);
  g_assert_true (g_file_set_contents (damaged, bytes, (gssize) n, NULL));
  g_autoptr (TdDataset) broken = test_load (&e, "path", damaged, "time", "t", NULL);
  g_assert_null (broken);
  g_assert_nonnull (strstr (e->message, "damaged.csv.gz:"));
  g_test_message ("%s", e->message);
  g_clear_error (&e);
  /* Cut off half way: zlib's error comes through the thread. */
  g_autofree char *cut = g_build_filename (test_dir (), "cut.csv.gz", NULL);
  g_assert_true (g_file_set_contents (cut, bytes, (gssize) n / 2, NULL));
  g_autoptr (TdDataset) partial = test_load (&e, "path", cut, "time", "t", NULL);
  g_assert_null (partial);
  g_test_message ("%s", e->message);
  g_assert_nonnull (strstr (e->message, "cut.csv.gz:"));
  g_assert_nonnull (strstr (e->message, ": cannot read: unexpected end of file"));
  g_string_free (s, TRUE);
}

/* Semicolons and decimal commas, custom NA tokens, no header, per-step labels. */
static void
test_european_per_step (void)
{
  g_autofree char *path = test_write ("eu.txt",
    "7;0;1,5;0\n7;1;-;0\n7;2;2,25;1\n8;0;3;0\n8;1;4;0\n");
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = test_load (&e, "path", path, "delimiter", "semicolon", "decimal", "\",\"",
                                   "header", "false", "columns", "[id, t, v, fault]", "time", "t",
                                   "label", "fault", "label_per", "step", "na", "[\"-\"]", NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (ds->n_series, ==, 2);
  g_assert_cmpuint (ds->n_channels, ==, 1);
  g_assert_cmpint (ds->task, ==, TD_TASK_BINARY);
  g_assert_cmpint (ds->series_id[0], ==, 7);
  g_assert_cmpint (ds->series_id[1], ==, 8);
  g_assert_cmpfloat (td_dataset_series (ds, 0)[0], ==, 1.5f);
  g_assert_true (isnan (td_dataset_series (ds, 0)[1]));
  g_assert_cmpfloat (td_dataset_series (ds, 0)[2], ==, 2.25f);
  g_assert_nonnull (ds->y_step);
  g_assert_cmpfloat (ds->y_step[0], ==, 0);
  g_assert_cmpfloat (ds->y_step[2], ==, 1);
  g_assert_true (isnan (ds->y_step[3 + 2]));   /* series 8 has two steps: padding */
  g_assert_cmpfloat (ds->y[0], ==, 1);         /* the last step's label */
  g_assert_cmpfloat (ds->y[1], ==, 0);
}

/* UCR-like wide files, one per channel, and a test file: partition metadata. */
static void
test_wide (void)
{
  g_autofree char *c0 = test_write ("w0.tsv", "1\t0.5\t1.5\t2.5\n2\t3\t4\tNaN\n");
  g_autofree char *c1 = test_write ("w1.tsv", "1\t10\t11\t12\n2\t13\t14\tNaN\n");
  g_autofree char *list = g_strdup_printf ("[\"%s\"]", c1);
  g_autoptr (GError) e = NULL;
  g_autoptr (TdDataset) ds = test_load (&e, "path", c0, "channel_paths", list, "layout", "wide",
                                   "header", "false", "channel_names", "[x, y]", NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (ds->n_series, ==, 2);
  g_assert_cmpuint (ds->n_steps, ==, 3);
  g_assert_cmpuint (ds->n_channels, ==, 2);
  g_assert_cmpuint (ds->lengths[1], ==, 2);
  g_assert_cmpstr (ds->channel_names[1], ==, "y");
  g_assert_cmpfloat (td_dataset_series (ds, 0)[2 * 2 + 1], ==, 12.0f);
  g_assert_cmpfloat (td_dataset_series (ds, 1)[1 * 2 + 0], ==, 4.0f);
  g_assert_cmpint (ds->task, ==, TD_TASK_MULTICLASS);
  g_assert_cmpstr (ds->class_names[0], ==, "1");

  g_autofree char *test = test_write ("wt.tsv", "2\t9\t9\t9\n");
  g_autoptr (TdDataset) tt = test_load (&e, "path", c0, "test_path", test, "layout", "wide",
                                   "header", "false", NULL);
  g_assert_no_error (e);
  g_assert_cmpuint (tt->n_series, ==, 3);
  const TdMetaColumn *part = td_dataset_find_meta (tt, "partition");
  g_assert_nonnull (part);
  g_assert_cmpfloat (part->num[0], ==, 0);
  g_assert_cmpfloat (part->num[2], ==, 1);
  g_assert_cmpfloat (tt->y[2], ==, 1);   /* class "2" */

  /* A second channel file with a shorter series is refused, naming line and column. */
  g_autofree char *bad = test_write ("w2.tsv", "1\t10\t11\t12\n2\t13\n");
  g_autofree char *bad_list = g_strdup_printf ("[\"%s\"]", bad);
  g_autoptr (TdDataset) none = test_load (&e, "path", c0, "channel_paths", bad_list, "layout", "wide",
                                     "header", "false", NULL);
  g_assert_null (none);
  g_assert_nonnull (strstr (e->message, "w2.tsv:2:"));
  g_assert_nonnull (strstr (e->message, "series 2 has 1 values"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/table/number-vs-strtod", test_number_vs_strtod);
  g_test_add_func ("/table/time", test_time);
  g_test_add_func ("/table/long", test_long);
  g_test_add_func ("/table/gzip", test_gzip);
  g_test_add_func ("/table/gzip-large", test_gzip_large);
  g_test_add_func ("/table/european-per-step", test_european_per_step);
  g_test_add_func ("/table/wide", test_wide);
  int rc = g_test_run ();
  test_dir_remove ();
  return rc;
}
