/* lstm_params.h — the parameters every LSTM-based model plugin shares
 * (lstm, cnn_lstm, attention_lstm). Included by each descriptor's file. */
#pragma once

#include <tundish/tundish.h>

#include <tundish/nn.h>

static const char *const pooling_choices[] = { "last", "mean", "max", "attention", NULL };
static const char *const optimizer_choices[] = { "adam", "adamw", NULL };
static const char *const loss_choices[] = { "auto", "bce", "focal", "mse", "huber", NULL };
static const char *const schedule_choices[] = { "none", "plateau", "cosine", NULL };

/* Architecture defaults are bench/peers/torch_lstm.py's LSTM (H64 × 2,
 * dropout 0.2, head 32, Adam 1e-3, weight decay 1e-4, batch 32) except the
 * pooling: with its last-step recipe that model stays at chance on the steel
 * data, so mean pooling is the default here. */
#define LSTM_COMMON_PARAMS(hidden_default) \
  { "hidden_size", TD_PARAM_INT, hidden_default, 1, 4096, NULL, "LSTM units per direction" }, \
  { "num_layers", TD_PARAM_INT, "2", 1, NN_MAX_LAYERS, NULL, "stacked LSTM layers" }, \
  { "dropout", TD_PARAM_DOUBLE, "0.2", 0, 0.95, NULL, \
    "dropout between LSTM layers and in the head (training only)" }, \
  { "bidirectional", TD_PARAM_BOOL, "false", 0, 0, NULL, "a reverse LSTM beside each layer" }, \
  { "pooling", TD_PARAM_ENUM, "mean", 0, 0, pooling_choices, \
    "how the sequence of LSTM outputs becomes one vector: last valid step, mean, max, or " \
    "additive attention over valid steps" }, \
  { "attention_dim", TD_PARAM_INT, "32", 1, 4096, NULL, "attention pooling's hidden size" }, \
  { "head_hidden", TD_PARAM_INT, "32", 0, 4096, NULL, \
    "units of the head's hidden layer; 0 = a single Linear to the logit" }, \
  { "epochs", TD_PARAM_INT, "20", 1, 100000, NULL, "most passes over the training split" }, \
  { "batch_size", TD_PARAM_INT, "32", 1, 65536, NULL, "sequences per gradient step" }, \
  { "learning_rate", TD_PARAM_DOUBLE, "1e-3", 1e-9, 10, NULL, "initial learning rate" }, \
  { "weight_decay", TD_PARAM_DOUBLE, "1e-4", 0, 1, NULL, \
    "adam: L2 added to the gradient (torch Adam); adamw: decoupled decay" }, \
  { "optimizer", TD_PARAM_ENUM, "adam", 0, 0, optimizer_choices, "adam or adamw" }, \
  { "loss", TD_PARAM_ENUM, "auto", 0, 0, loss_choices, \
    "auto: bce for binary and multiclass data, mse for regression; " \
    "binary: bce (BCE with logits) or focal (focal_gamma), both with pos_weight and soft " \
    "labels; multiclass: bce means softmax cross-entropy (class weights: auto_class_weight); " \
    "regression: mse or huber (huber_delta) on the standardised target" }, \
  { "auto_class_weight", TD_PARAM_BOOL, "false", 0, 0, NULL, \
    "multiclass: weigh class k by n / (K n_k) of the training split (balanced)" }, \
  { "huber_delta", TD_PARAM_DOUBLE, "1.0", 1e-6, 1e6, NULL, \
    "huber loss: where it turns linear, in training-target standard deviations" }, \
  { "pos_weight", TD_PARAM_DOUBLE, "1.0", 1e-6, 1e6, NULL, \
    "weight of positive series in the loss (focal: its alpha)" }, \
  { "auto_pos_weight", TD_PARAM_BOOL, "false", 0, 0, NULL, \
    "use n_negative / n_positive of the training split as pos_weight" }, \
  { "focal_gamma", TD_PARAM_DOUBLE, "2.0", 0, 10, NULL, "focusing exponent of the focal loss" }, \
  { "clip_norm", TD_PARAM_DOUBLE, "1.0", 0, 1e6, NULL, \
    "clip the gradient's global norm to this; 0 = off" }, \
  { "lr_schedule", TD_PARAM_ENUM, "none", 0, 0, schedule_choices, \
    "plateau: multiply by plateau_factor after plateau_patience epochs without a better " \
    "validation ROC-AUC (validation loss for multiclass and regression); cosine: anneal " \
    "to 0 over the epochs" }, \
  { "plateau_factor", TD_PARAM_DOUBLE, "0.5", 0.01, 0.99, NULL, "plateau schedule's factor" }, \
  { "plateau_patience", TD_PARAM_INT, "2", 0, 1000, NULL, "plateau schedule's patience (epochs)" }, \
  { "patience", TD_PARAM_INT, "5", 0, 100000, NULL, \
    "early stopping: stop after this many epochs without a better validation ROC-AUC " \
    "(validation loss for multiclass and regression) and restore the best weights; " \
    "0 = train every epoch" }, \
  { "restarts", TD_PARAM_INT, "1", 1, 100, NULL, \
    "train this many times from different initial weights, shuffling and dropout, and keep " \
    "the run with the best validation ROC-AUC (loss for multiclass and regression; needs a " \
    "validation split); 1 = once" }, \
  { "standardize", TD_PARAM_BOOL, "true", 0, 0, NULL, \
    "standardise each channel with the training split's mean and standard deviation" },
