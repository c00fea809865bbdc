/* test_xgboost.h — what the xgboost test's two files share: test_xgboost.c
 * (binary: accuracy, seeds, early stopping, save/load, importance, errors)
 * and test_xgboost_tasks.c (multiclass and regression), one executable. */
#pragma once

#include <tundish/tundish.h>

const TdModelVTable *vt (void);
/* Params with defaults, then "name", "value" pairs, NULL-terminated. */
TdParams *make_params (const char *first, ...);
/* create + fit, asserted to succeed. */
TdModel *fit_model (TdParams *params, const TdDataset *train, const TdDataset *valid,
                    TdContext *ctx);
/* Index of the smallest double in a (the first on ties). */
int argmin (GArray *a);
/* Registers test_xgboost_tasks.c's tests. */
void xgb_add_task_tests (void);
