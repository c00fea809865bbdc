/* steel_recalib.c — the sensor recalibration of steel_recalib.h. */
#include "steel_recalib.h"

#include <math.h>

size_t
steel_recalibrate (TdDataset *ds, size_t channel, double base, double fraction, double offset,
                   double gain, gboolean apply, double *flags)
{
  size_t n = ds->n_series;
  size_t n_shift = (size_t) floor (fraction * (double) n + 0.5);
  n_shift = MIN (n_shift, n);
  for (size_t s = 0; s < n; s++)
    {
      flags[s] = s >= n - n_shift;
      if (!flags[s] || !apply)
        continue;
      float *x = td_dataset_series (ds, s);
      for (size_t t = 0; t < ds->n_steps; t++)
        {
          float *v = &x[t * ds->n_channels + channel];
          *v = (float) (base + gain * ((double) *v - base) + offset);
        }
    }
  return n_shift;
}
