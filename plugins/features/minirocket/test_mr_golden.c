/* test_mr_golden.c — mr_core against the reference MiniRocket's outputs in
 * tests/golden/minirocket (README there: source and tolerances). The
 * reference's random example draws are replayed, so the biases must agree
 * to float32 rounding and the features to within 1/length in a few places. */
#include <json-glib/json-glib.h>
#include <math.h>

#include "mr_core.h"

typedef struct {
  size_t n, len;
  float *x;                    /* [n][len] */
} Case;

static const float *
case_series (gpointer data, size_t example, int channel, size_t *len)
{
  const Case *c = data;
  (void) channel;
  *len = c->len;
  return c->x + example * c->len;
}

static double *
doubles (JsonObject *o, const char *key, size_t *n)
{
  JsonArray *a = json_object_get_array_member (o, key);
  *n = json_array_get_length (a);
  double *v = g_new (double, MAX (*n, (size_t) 1));
  for (size_t i = 0; i < *n; i++)
    v[i] = json_array_get_double_element (a, i);
  return v;
}

static void
check_case (gconstpointer name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.json", TD_GOLDEN_MINIROCKET_DIR,
                                           (const char *) name);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));

  size_t nshape, nx, ndraw, ndil, nfpd, nb, nf;
  g_autofree double *shape = doubles (o, "X_shape", &nshape);
  g_autofree double *xs = doubles (o, "X", &nx);
  g_autofree double *draws = doubles (o, "example_draws", &ndraw);
  g_autofree double *dil = doubles (o, "dilations", &ndil);
  g_autofree double *fpd = doubles (o, "num_features_per_dilation", &nfpd);
  g_autofree double *bias = doubles (o, "biases", &nb);
  g_autofree double *feat = doubles (o, "features", &nf);
  Case c = { (size_t) shape[0], (size_t) shape[1], g_new (float, nx) };
  g_assert_cmpuint (nx, ==, c.n * c.len);
  for (size_t i = 0; i < nx; i++)
    c.x[i] = (float) xs[i];

  MrParams p = { 0 };
  g_assert_true (mr_fit_dilations ((int) c.len,
                                   (int) json_object_get_int_member (o, "num_features"),
                                   (int) json_object_get_int_member (o, "max_dilations_per_kernel"),
                                   &p, &error));
  g_assert_cmpint (p.n_dilations, ==, (int) ndil);
  g_assert_cmpuint (nfpd, ==, ndil);
  for (size_t i = 0; i < ndil; i++)
    {
      g_assert_cmpint (p.dilations[i], ==, (int) dil[i]);
      g_assert_cmpint (p.features_per_dilation[i], ==, (int) fpd[i]);
    }
  g_assert_cmpint (p.n_features, ==, (int) nb);
  g_assert_cmpuint (ndraw, ==, ndil * MR_N_KERNELS);

  mr_fit_channels (&p, 1, NULL, NULL, NULL);
  g_autofree size_t *example = g_new (size_t, ndraw);
  for (size_t i = 0; i < ndraw; i++)
    example[i] = (size_t) draws[i];
  mr_fit_biases (&p, case_series, &c, example);
  size_t bias_exact = 0;
  for (size_t i = 0; i < nb; i++)
    {
      double want = bias[i], got = p.biases[i];
      g_assert_cmpfloat (fabs (got - want), <=, 1e-6 * fabs (want) + 1e-6);
      bias_exact += (float) want == (float) got;
    }

  g_assert_cmpuint (nf, ==, c.n * nb);
  MrScratch *s = mr_scratch_new (&p, c.len);
  g_autofree float *out = g_new (float, nb);
  size_t off_by_one = 0, varied = 0;
  for (size_t k = 0; k < c.n; k++)
    {
      const float *ch[1] = { c.x + k * c.len };
      mr_transform_one (&p, ch, c.len, s, out);
      size_t here = 0;
      for (size_t i = 0; i < nb; i++)
        {
          double want = feat[k * nb + i], diff = fabs (out[i] - want);
          /* a value equal to its bias up to rounding may fall either side */
          g_assert_cmpfloat (diff, <=, 1.0 / c.len + 1e-6);
          here += diff > 1e-6;
          varied += want > 0 && want < 1;
        }
      g_assert_cmpuint (here, <=, MAX ((size_t) 3, nb / 500));
      off_by_one += here;
    }
  /* the features are not a constant the check would pass on anyway */
  g_assert_cmpuint (varied, >, nf / 4);
  g_test_message ("%s: %zu/%zu biases bit-equal, %zu features off by 1/length",
                  (const char *) name, bias_exact, nb, off_by_one);
  mr_scratch_free (s);
  mr_params_clear (&p);
  g_free (c.x);
}

/* A corrupted convolution (one kernel weight changed) must fail the check
 * above: the comparison is not vacuous. */
static void
check_sensitivity (void)
{
  MrParams p = { 0 };
  g_assert_true (mr_fit_dilations (40, 840, 32, &p, NULL));
  mr_fit_channels (&p, 1, NULL, NULL, NULL);
  float x[2][40];
  for (int t = 0; t < 40; t++)
    {
      x[0][t] = (float) sin (t * 0.7);
      x[1][t] = (float) sin (t * 0.7) + (t == 20 ? 0.5f : 0.0f);
    }
  Case c = { 2, 40, &x[0][0] };
  size_t example[4 * MR_N_KERNELS] = { 0 };
  g_assert_cmpint (p.n_dilations, <=, 4);
  mr_fit_biases (&p, case_series, &c, example);
  MrScratch *s = mr_scratch_new (&p, 40);
  g_autofree float *a = g_new (float, p.n_features);
  g_autofree float *b = g_new (float, p.n_features);
  const float *c0[1] = { x[0] }, *c1[1] = { x[1] };
  mr_transform_one (&p, c0, 40, s, a);
  mr_transform_one (&p, c1, 40, s, b);
  size_t differ = 0;
  for (int i = 0; i < p.n_features; i++)
    differ += fabsf (a[i] - b[i]) > 1e-6f;
  g_assert_cmpuint (differ, >, 10);   /* one changed step moves many features */
  mr_scratch_free (s);
  mr_params_clear (&p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/minirocket/golden/random_walk_8x40", "random_walk_8x40", check_case);
  g_test_add_data_func ("/minirocket/golden/sines_6x275_default", "sines_6x275_default",
                        check_case);
  g_test_add_data_func ("/minirocket/golden/synthetic_control_train20",
                        "synthetic_control_train20", check_case);
  g_test_add_func ("/minirocket/sensitivity", check_sensitivity);
  return g_test_run ();
}
