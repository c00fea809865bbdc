/* html_data.h — the Data section of report.html (plugin-internal). */
#pragma once

#include <tundish/plugin.h>

G_BEGIN_DECLS

/* Generator, shape, task and labels, channels, split sizes and, when the
 * dataset has a metadata column "mechanism", series per mechanism. */
void html_section_data (GString *out, const TdRunReport *report);

G_END_DECLS
