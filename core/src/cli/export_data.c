/* export_data.c — the tidy tables `tundish export` derives: predictions.csv
 * from predictions.h5, and the dataset with its splits. See export.h. */
#include "export.h"

#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include <tundish/tundish.h>

#include "util/atomic_file.h"
#include <tundish/io.h>
#include "run/data_cache.h"
#include "data/split.h"

/* ------------------------------------------------------------- predictions */

typedef struct {
  char *label;            /* decoded pipeline label */
  char *group;            /* HDF5 path of the trial's group */
  int repeat, fold;
} H5Trial;

static void
h5_trial_free (gpointer p)
{
  H5Trial *t = p;
  g_free (t->label);
  g_free (t->group);
  g_free (t);
}

static gint
h5_trial_order (gconstpointer a, gconstpointer b)
{
  const H5Trial *x = *(H5Trial *const *) a, *y = *(H5Trial *const *) b;
  int c = strcmp (x->label, y->label);
  if (c)
    return c;
  if (x->repeat != y->repeat)
    return x->repeat < y->repeat ? -1 : 1;
  return (x->fold > y->fold) - (x->fold < y->fold);
}

/* The runner writes labels with '%', '/' and a leading '.' as %XX. */
static char *
decode_label (const char *name)
{
  GString *s = g_string_new (NULL);
  for (const char *c = name; *c; c++)
    {
      if (c[0] == '%' && g_ascii_isxdigit (c[1]) && g_ascii_isxdigit (c[2]))
        {
          g_string_append_c (s, (char) (g_ascii_xdigit_value (c[1]) * 16 + g_ascii_xdigit_value (c[2])));
          c += 2;
        }
      else
        g_string_append_c (s, *c);
    }
  return g_string_free (s, FALSE);
}

static char *
link_name (hid_t loc, hsize_t i)
{
  ssize_t n = H5Lget_name_by_idx (loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
  if (n < 0)
    return NULL;
  char *name = g_malloc ((size_t) n + 1);
  H5Lget_name_by_idx (loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, (size_t) n + 1, H5P_DEFAULT);
  return name;
}

static hsize_t
n_links (hid_t g)
{
  H5G_info_t info;
  return H5Gget_info (g, &info) < 0 ? 0 : info.nlinks;
}

/* A 1-D dataset read whole as type; NULL when absent or not 1-D. */
static void *
read_1d (hid_t g, const char *name, hid_t type, size_t elem, size_t *n)
{
  if (H5Lexists (g, name, H5P_DEFAULT) <= 0)
    return NULL;
  hid_t d = H5Dopen2 (g, name, H5P_DEFAULT);
  if (d < 0)
    return NULL;
  hid_t sp = H5Dget_space (d);
  hsize_t dims[1] = { 0 };
  void *buf = NULL;
  if (H5Sget_simple_extent_ndims (sp) == 1 && H5Sget_simple_extent_dims (sp, dims, NULL) == 1)
    {
      buf = g_malloc0 (MAX ((size_t) dims[0], (size_t) 1) * elem);
      if (dims[0] > 0 && H5Dread (d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        g_clear_pointer (&buf, g_free);
      *n = (size_t) dims[0];
    }
  H5Sclose (sp);
  H5Dclose (d);
  return buf;
}

static void
label_parts (const char *label, char **pipeline, char **variant)
{
  const char *bracket = strchr (label, '[');
  size_t n = strlen (label);
  if (bracket && bracket != label && label[n - 1] == ']')
    {
      *pipeline = g_strndup (label, (gsize) (bracket - label));
      *variant = g_strndup (bracket + 1, n - (size_t) (bracket - label) - 2);
    }
  else
    {
      *pipeline = g_strdup (label);
      *variant = g_strdup ("");
    }
}

gboolean
td_export_predictions (const char *h5_path, const char *csv_path, size_t *n_rows, GError **error)
{
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen (h5_path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: not a readable HDF5 file", h5_path);
      return FALSE;
    }
  g_autoptr (GPtrArray) trials = g_ptr_array_new_with_free_func (h5_trial_free);
  for (hsize_t i = 0; i < n_links (f); i++)
    {
      g_autofree char *top = link_name (f, i);
      hid_t pg = top ? H5Gopen2 (f, top, H5P_DEFAULT) : -1;
      if (pg < 0)
        continue;
      for (hsize_t j = 0; j < n_links (pg); j++)
        {
          g_autofree char *leaf = link_name (pg, j);
          int r = -1, fo = -1;
          char tail = 0;
          if (leaf == NULL || sscanf (leaf, "r%d-f%d%c", &r, &fo, &tail) != 2 || r < 0 || fo < 0)
            continue;
          H5Trial *t = g_new0 (H5Trial, 1);
          t->label = decode_label (top);
          t->group = g_strdup_printf ("/%s/%s", top, leaf);
          t->repeat = r;
          t->fold = fo;
          g_ptr_array_add (trials, t);
        }
      H5Gclose (pg);
    }
  g_ptr_array_sort (trials, h5_trial_order);

  g_autoptr (GString) s = g_string_new (NULL);
  gboolean ok = TRUE;
  size_t rows = 0, width = 0;
  for (guint k = 0; ok && k < trials->len; k++)
    {
      const H5Trial *t = trials->pdata[k];
      hid_t g = H5Gopen2 (f, t->group, H5P_DEFAULT);
      size_t n_id = 0, n_y = 0, n_s = 0;
      g_autofree gint64 *ids = g < 0 ? NULL : read_1d (g, "series_id", H5T_NATIVE_INT64, sizeof (gint64), &n_id);
      g_autofree double *y = g < 0 ? NULL : read_1d (g, "label", H5T_NATIVE_DOUBLE, sizeof (double), &n_y);
      g_autofree double *sc = g < 0 ? NULL : read_1d (g, "score", H5T_NATIVE_DOUBLE, sizeof (double), &n_s);
      if (g >= 0)
        H5Gclose (g);
      size_t outputs = n_id ? n_s / n_id : 0;
      if (!ids || !y || !sc || n_y != n_id || (n_id && (outputs == 0 || outputs * n_id != n_s))
          || (width && n_id && outputs != width))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                       "%s: group %s does not hold series_id, label and score of matching lengths",
                       h5_path, t->group);
          ok = FALSE;
          break;
        }
      if (width == 0 && n_id)
        {
          width = outputs;
          g_string_append (s, "pipeline,variant,repeat,fold,series_id,label");
          for (size_t o = 0; o < width; o++)
            g_string_append_printf (s, width == 1 ? ",score" : ",score_%zu", o);
          g_string_append_c (s, '\n');
        }
      g_autofree char *pipeline = NULL, *variant = NULL;
      label_parts (t->label, &pipeline, &variant);
      for (size_t i = 0; i < n_id; i++)
        {
          td_csv_field (s, pipeline);
          g_string_append_c (s, ',');
          td_csv_field (s, variant);
          g_string_append_printf (s, ",%d,%d,%" G_GINT64_FORMAT ",", t->repeat, t->fold, ids[i]);
          td_csv_double (s, y[i]);
          for (size_t o = 0; o < width; o++)
            {
              g_string_append_c (s, ',');
              td_csv_double (s, sc[i * width + o]);
            }
          g_string_append_c (s, '\n');
          rows++;
        }
    }
  H5Fclose (f);
  if (!ok)
    return FALSE;
  if (s->len == 0)
    g_string_append (s, "pipeline,variant,repeat,fold,series_id,label,score\n");
  *n_rows = rows;
  return td_file_write_atomic (csv_path, s->str, (gssize) s->len, error);
}

/* ----------------------------------------------------------------- dataset */

static const char *const part_names[] = { "train", "valid", "test" };

static void
split_rows (GString *s, const TdDataset *d, int repeat, int fold, const TdSplit *sp, size_t *rows)
{
  const size_t *idx[3] = { sp->train, sp->valid, sp->test };
  size_t n[3] = { sp->n_train, sp->n_valid, sp->n_test };
  for (int p = 0; p < 3; p++)
    for (size_t i = 0; i < n[p]; i++)
      {
        g_string_append_printf (s, "%d,%d,%" G_GINT64_FORMAT ",%s\n", repeat, fold,
                                d->series_id[idx[p][i]], part_names[p]);
        (*rows)++;
      }
}

static void
series_csv (GString *s, const TdDataset *d)
{
  g_string_append (s, "series_id,group,label");
  for (guint m = 0; m < d->meta->len; m++)
    {
      g_string_append_c (s, ',');
      td_csv_field (s, ((const TdMetaColumn *) d->meta->pdata[m])->name);
    }
  g_string_append_c (s, '\n');
  for (size_t i = 0; i < d->n_series; i++)
    {
      g_string_append_printf (s, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",", d->series_id[i],
                              d->group[i]);
      td_csv_double (s, d->y[i]);
      for (guint m = 0; m < d->meta->len; m++)
        {
          const TdMetaColumn *c = d->meta->pdata[m];
          g_string_append_c (s, ',');
          if (c->num)
            td_csv_double (s, c->num[i]);
          else
            td_csv_field (s, c->str && c->str[i] ? c->str[i] : "");
        }
      g_string_append_c (s, '\n');
    }
}

/* Streamed (a long dataset is hundreds of megabytes as text), committed
 * like every other file. */
static gboolean
signals_csv (const TdDataset *d, const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "signals.csv", NULL);
  g_autoptr (TdAtomicFile) fp = td_atomic_file_open (path, error);
  if (fp == NULL)
    return FALSE;
  g_autoptr (GString) s = g_string_new ("series_id,step");
  for (size_t c = 0; c < d->n_channels; c++)
    {
      g_string_append_c (s, ',');
      char cb[TD_CHANNEL_NAME_BUF];
      td_csv_field (s, td_dataset_channel_name (d, c, cb));
    }
  g_string_append_c (s, '\n');
  gboolean ok = TRUE;
  for (size_t i = 0; ok && i < d->n_series; i++)
    {
      size_t len = td_dataset_length (d, i);
      const float *x = td_dataset_series (d, i);
      for (size_t t = 0; t < len; t++)
        {
          g_string_append_printf (s, "%" G_GINT64_FORMAT ",%zu", d->series_id[i], t);
          for (size_t c = 0; c < d->n_channels; c++)
            {
              g_string_append_c (s, ',');
              td_csv_float (s, x[t * d->n_channels + c]);
            }
          g_string_append_c (s, '\n');
        }
      ok = td_atomic_file_write (fp, s->str, (gssize) s->len);
      g_string_truncate (s, 0);
    }
  return td_atomic_file_commit (g_steal_pointer (&fp), error);
}

static gboolean
write_in (const char *dir, const char *name, GString *s, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return td_file_write_atomic (path, s->str, (gssize) s->len, error);
}

gboolean
td_export_dataset (const TdExperiment *exp, const char *data_policy, TdExportData which,
                   gboolean with_signals, const char *dir, TdExportDataInfo *info, GError **error)
{
  *info = (TdExportDataInfo) { 0 };
  TdDataPolicy policy = TD_DATA_POLICY_REPAIR;
  if (data_policy)
    td_data_policy_parse (data_policy, &policy);
  TdRunOptions opt = { .use_cache = TRUE, .quiet = TRUE, .data_policy = policy };
  TdDataQuality quality = { 0 };
  g_autoptr (TdDataset) data = td_run_load_data (exp, &opt, dir, &quality, error);
  td_data_quality_clear (&quality);
  if (!data)
    return FALSE;

  /* The run's splits, derived exactly as the runner derives them. */
  g_autoptr (GString) s = g_string_new ("repeat,fold,series_id,part\n");
  g_autofree gboolean *tested = g_new0 (gboolean, data->n_series);
  for (int r = 0; r < exp->repeats; r++)
    {
      guint64 seed = td_seed_derive (exp->seed, r, 0, "split", "");
      g_autoptr (GPtrArray) folds = td_split_make (data, &exp->split, r, seed, error);
      if (!folds)
        return FALSE;
      for (guint f = 0; f < folds->len; f++)
        {
          const TdSplit *sp = folds->pdata[f];
          split_rows (s, data, r, (int) f, sp, &info->n_split_rows);
          for (size_t i = 0; i < sp->n_test; i++)
            tested[sp->test[i]] = TRUE;
        }
    }
  if (!write_in (dir, "splits.csv", s, error))
    return FALSE;

  g_autoptr (TdDataset) part = NULL;
  if (which == TD_EXPORT_DATA_TEST)
    {
      g_autoptr (GArray) idx = g_array_new (FALSE, FALSE, sizeof (size_t));
      for (size_t i = 0; i < data->n_series; i++)
        if (tested[i])
          g_array_append_val (idx, i);
      part = td_dataset_subset (data, (const size_t *) (const void *) idx->data, idx->len);
    }
  else
    part = td_dataset_ref (data);

  g_string_truncate (s, 0);
  series_csv (s, part);
  if (!write_in (dir, "series.csv", s, error))
    return FALSE;
  g_autofree char *h5 = g_build_filename (dir, "dataset.h5", NULL);
  if (!td_dataset_save_h5 (part, h5, error))
    return FALSE;
  if (with_signals)
    {
      if (!signals_csv (part, dir, error))
        return FALSE;
      info->signals_csv = TRUE;
    }
  info->n_series = part->n_series;
  return TRUE;
}
