#include "common.h"

#if defined(BAD_DEFAULT)
static const TdParamSpec param_list[] = {
  { .name = "n", .type = TD_PARAM_INT, .default_value = "lots", .help = "count" },
};
#define N_PARAMS 1
#else
#define param_list NULL
#define N_PARAMS 0
#endif

static const TdPluginDescriptor desc = {
#if defined(ABI_MAJOR)
  .abi_version = (99u << 16),
#elif defined(ABI_MINOR)
  .abi_version = TD_PLUGIN_ABI_VERSION + 1,
#else
  .abi_version = TD_PLUGIN_ABI_VERSION,
#endif
  .kind = TD_KIND_GENERATOR,
  .name = PLUGIN_NAME,
  .version = "1.0",
#if defined(EMPTY_SUMMARY)
  .summary = "",
#else
  .summary = "a test generator",
#endif
  .params = param_list, .n_params = N_PARAMS,
#if defined(NO_VTABLE)
  .vtable = NULL,
#else
  .vtable = &vt,
#endif
};

#if defined(NO_ENTRY)
G_MODULE_EXPORT int something_else (void);
G_MODULE_EXPORT int something_else (void) { return desc.n_params == 0; }
#else
G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
#if defined(EMPTY_LIST)
  (void) index;
  (void) desc;
  return NULL;
#else
  return index == 0 ? &desc : NULL;
#endif
}
#endif
