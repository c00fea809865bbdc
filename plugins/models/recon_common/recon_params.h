/* recon_params.h — the training parameters lstm_autoencoder and vae share.
 * Included by each descriptor's file. */
#pragma once

#include <tundish/tundish.h>

#define RECON_TRAIN_PARAMS(epochs_default) \
  { "epochs", TD_PARAM_INT, epochs_default, 1, 100000, NULL, "most passes over the training split" }, \
  { "batch_size", TD_PARAM_INT, "32", 1, 65536, NULL, "sequences per gradient step" }, \
  { "learning_rate", TD_PARAM_DOUBLE, "1e-3", 1e-9, 10, NULL, "Adam's learning rate" }, \
  { "weight_decay", TD_PARAM_DOUBLE, "0", 0, 1, NULL, "L2 added to the gradient (torch Adam)" }, \
  { "clip_norm", TD_PARAM_DOUBLE, "1.0", 0, 1e6, NULL, \
    "clip the gradient's global norm to this; 0 = off" }, \
  { "patience", TD_PARAM_INT, "5", 0, 100000, NULL, \
    "early stopping: stop after this many epochs without a lower validation loss (the mean " \
    "score of the validation split's normal series) and restore the best weights; 0 = off" }, \
  { "standardize", TD_PARAM_BOOL, "true", 0, 0, NULL, \
    "standardise each channel with the training split's mean and standard deviation" },
