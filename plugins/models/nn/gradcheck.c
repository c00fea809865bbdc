/* gradcheck.c — tundish-gradcheck: check the NN library against golden files.
 *
 * `tundish gradcheck` runs this program (core/src/cli/cmd_gradcheck.c), so
 * the core executable needs neither the NN library nor json-glib. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn_golden.h"

static const char help_epilogue[] =
  "Reproduces every tensor of a PyTorch golden file (format: tests/golden/lstm/README.md):\n"
  "forward outputs, per-layer states, logits, loss, every parameter gradient, the input\n"
  "gradient and the Adam steps, in each precision the file holds. The architecture comes\n"
  "from the parameter names and shapes, so new files need no code change.\n"
  "Files whose meta.network is \"lstm_autoencoder\" or \"vae\" check the reconstruction\n"
  "networks instead (tundish/nn_recon.h; format: the make_golden.py scripts of\n"
  "tests/golden/lstm_autoencoder and tests/golden/vae): reconstruction, per-sequence\n"
  "losses, mu and log-variance, every gradient and the input gradient, float32.\n"
  "\n"
  "Per tensor it prints n, max_abs = max|a-b| and max_rel = max_abs / max|reference|,\n"
  "then max_rel_err=<largest max_rel> as the last line.\n"
  "\n"
  "Examples:\n"
  "  tundish gradcheck tests/golden/lstm/golden_lstm_small.json\n"
  "  tundish gradcheck tests/golden/vae/golden_vae_small.json\n"
  "  tundish gradcheck --tol32 1e-6 golden_a.json golden_b.json\n"
  "\n"
  "Exit status: 0 every tensor within tolerance, 1 usage or unreadable file,\n"
  "2 some tensor outside tolerance.";

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");
  double tol64 = 1e-10, tol32 = 1e-5;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "tol64", 0, 0, G_OPTION_ARG_DOUBLE, &tol64, "tolerance on max_rel for float64 (1e-10)", "X" },
    { "tol32", 0, 0, G_OPTION_ARG_DOUBLE, &tol32, "tolerance on max_rel for float32 (1e-5)", "X" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "print only failing tensors and the last line", NULL },
    { NULL },
  };
  g_set_prgname ("tundish gradcheck");   /* how users run it */
  g_autoptr (GOptionContext) oc = g_option_context_new ("GOLDEN.json...");
  g_option_context_set_summary (oc, "Check tundish's NN layers against PyTorch golden values.");
  g_option_context_set_description (oc, help_epilogue);
  g_option_context_add_main_entries (oc, entries, NULL);
  g_autoptr (GError) e = NULL;
  if (!g_option_context_parse (oc, &argc, &argv, &e))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), e->message);
      return 1;
    }
  if (argc < 2)
    {
      fprintf (stderr, "%s: no golden file given (see --help)\n", g_get_prgname ());
      return 1;
    }
  NnCheckOptions opt = { .tol64 = tol64, .tol32 = tol32 };
  g_autoptr (NnCheckReport) all = nn_check_report_new ();
  for (int k = 1; k < argc; k++)
    {
      g_autoptr (NnCheckReport) rep = nn_check_report_new ();
      if (!nn_golden_check_file (argv[k], &opt, rep, &e))
        {
          fprintf (stderr, "%s: %s\n", g_get_prgname (), e->message);
          return 1;
        }
      printf ("# %s\n", argv[k]);
      for (guint r = 0; r < rep->rows->len; r++)
        {
          NnCheckRow row = g_array_index (rep->rows, NnCheckRow, r);
          g_array_index (rep->rows, NnCheckRow, r).name = NULL;   /* moved to all */
          g_array_append_val (all->rows, row);
        }
      all->ok = all->ok && rep->ok;
      all->max_rel_err = MAX (all->max_rel_err, rep->max_rel_err);
    }
  if (quiet)
    {
      for (guint r = 0; r < all->rows->len; r++)
        {
          const NnCheckRow *row = &g_array_index (all->rows, NnCheckRow, r);
          if (!row->ok)
            printf ("FAIL %s max_abs=%.3e max_rel=%.3e tol=%.1e\n", row->name, row->max_abs,
                    row->max_rel, row->tol);
        }
      printf ("max_rel_err=%.6e\n", all->max_rel_err);
    }
  else
    nn_check_report_print (all, stdout);
  return all->ok ? 0 : 2;
}
