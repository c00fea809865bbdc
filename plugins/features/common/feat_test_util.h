/* feat_test_util.h — helpers for the feature extractors' tests: parameters
 * from "key=value" text, fit + transform, hand-made datasets, columns by
 * name, the golden CSV files. Test code only: failures g_assert. */
#pragma once

#include <tundish/tundish.h>

G_BEGIN_DECLS

/* The descriptor's defaults with "key=value" settings (NULL-terminated; the
 * value is YAML scalar or flow-list text). */
TdParams *tu_params (const TdPluginDescriptor *d, const char *const *kv);

/* create → fit(train) (when the plugin has fit) → transform(input) with
 * `threads` threads; the feature is returned in *feature when non-NULL (else
 * destroyed). Asserts success. */
TdDataset *tu_run (const TdPluginDescriptor *d, const char *const *kv, const TdDataset *train,
                   const TdDataset *input, int threads, TdFeature **feature);
/* The same, returning NULL and the error instead of asserting. */
TdDataset *tu_try_run (const TdPluginDescriptor *d, const char *const *kv,
                       const TdDataset *train, const TdDataset *input, int threads,
                       GError **error);

/* A dataset of n_series × n_steps with the named channels (NULL-terminated
 * list) and all lengths full; fill with tu_set. */
TdDataset *tu_dataset (size_t n_series, size_t n_steps, const char *const *channels);
static inline void
tu_set (TdDataset *ds, size_t s, size_t t, size_t c, float v)
{
  td_dataset_series (ds, s)[t * ds->n_channels + c] = v;
}
/* Set every step of channel c of series s from v[0..n). */
void tu_set_channel (TdDataset *ds, size_t s, size_t c, const double *v, size_t n);

/* Column index by name (asserts it exists) and the value of series s. */
size_t tu_column (const TdDataset *out, const char *name);
double tu_value (const TdDataset *out, size_t s, const char *name);

/* |got - expect| <= rel · |expect| + abs_tol, NaN only against NaN. */
void tu_assert_close (double got, double expect, double rel, double abs_tol, const char *what);

/* A CSV file of a header row and numeric rows ("nan" allowed). */
typedef struct {
  char **header;         /* NULL-terminated */
  size_t n_cols, n_rows;
  double *v;             /* [n_rows][n_cols] */
} TuCsv;
TuCsv *tu_csv_read (const char *path);
void tu_csv_free (TuCsv *csv);
gssize tu_csv_column (const TuCsv *csv, const char *name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TuCsv, tu_csv_free)

/* tests/golden/features/casts.csv as a dataset (cast, step, channels...). */
TdDataset *tu_golden_casts (const char *dir);

/* A temporary file path (in a fresh folder) for save/load; free with
 * tu_temp_free, which removes the file and folder. */
char *tu_temp_path (const char *leaf);
void tu_temp_free (char *path);

/* The bytes of a file (asserts it can be read). */
GBytes *tu_file_bytes (const char *path);

/* n_series steel-casting-like series (the five steel channels: AR(1) noise
 * about the plan's levels, spikes, a few excursions) of up to n_steps steps;
 * with_lengths: lengths vary between n_steps / 2 and n_steps (padding 1e6). */
TdDataset *tu_steel_like (size_t n_series, size_t n_steps, guint32 seed, gboolean with_lengths);

/* Same shape, names and bytes of x. */
void tu_assert_same (const TdDataset *a, const TdDataset *b);

/* Leakage and persistence checks of a stateful extractor on `full`
 * (>= 10 series), split 60/20/20 into train/valid/test by position:
 *  - changing the test rows (scaled, shifted, a NaN) leaves the saved fitted
 *    state byte-identical and the train and valid outputs identical;
 *  - changing the train rows changes the saved state;
 *  - the state saved, loaded and applied to test gives the same bytes;
 *  - 1 and 3 threads give the same bytes. */
void tu_check_leakage (const TdPluginDescriptor *d, const char *const *kv,
                       const TdDataset *full);

G_END_DECLS
