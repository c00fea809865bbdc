/* golden_ini.h — reading the reference values in tests/golden/stats: GLib
 * key files written by make_golden.py there. Test helpers: every failure is
 * an assertion. */
#pragma once

#include <glib.h>
#include <math.h>

static inline GKeyFile *
golden_open (const char *name)
{
  GKeyFile *kf = g_key_file_new ();
  g_autofree char *path = g_build_filename (TD_GOLDEN_STATS_DIR, name, NULL);
  g_autoptr (GError) error = NULL;
  g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return kf;
}

static inline double
golden_num (GKeyFile *kf, const char *group, const char *key)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_key_file_get_value (kf, group, key, &error);
  g_assert_no_error (error);
  if (g_ascii_strcasecmp (text, "nan") == 0)
    return NAN;
  if (strcmp (text, "true") == 0 || strcmp (text, "false") == 0)
    return text[0] == 't';
  char *end;
  double v = g_ascii_strtod (text, &end);
  g_assert_true (*end == '\0');
  return v;
}

static inline double *
golden_list (GKeyFile *kf, const char *group, const char *key, size_t *n)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  g_auto (GStrv) items = g_key_file_get_string_list (kf, group, key, &len, &error);
  g_assert_no_error (error);
  double *v = g_new (double, MAX (len, (gsize) 1));
  for (gsize i = 0; i < len; i++)
    {
      char *end;
      v[i] = g_ascii_strtod (items[i], &end);
      g_assert_true (*end == '\0');
    }
  *n = len;
  return v;
}

static inline char *
golden_str (GKeyFile *kf, const char *group, const char *key)
{
  g_autoptr (GError) error = NULL;
  char *v = g_key_file_get_value (kf, group, key, &error);
  g_assert_no_error (error);
  return v;
}

/* |got - want| <= abs_tol + rel_tol |want|; NaN only matches NaN. */
#define golden_close(what, got, want, abs_tol, rel_tol)                                      \
  G_STMT_START                                                                               \
  {                                                                                          \
    double g_ = (got), w_ = (want);                                                          \
    gboolean ok_ = (isnan (w_) && isnan (g_))                                                \
                   || (isinf (w_) && g_ == w_)                                               \
                   || fabs (g_ - w_) <= (abs_tol) + (rel_tol) * fabs (w_);                   \
    if (!ok_ || g_test_verbose ())                                                           \
      g_printerr ("%s %s: got %.17g want %.17g (diff %.3g)\n", ok_ ? "  " : "MISMATCH",     \
                  (what), g_, w_, g_ - w_);                                                  \
    g_assert_true (ok_);                                                                     \
  }                                                                                          \
  G_STMT_END
