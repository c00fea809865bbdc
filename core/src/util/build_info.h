/* build_info.h — what tundish itself was built from (core-internal). */
#pragma once

/* `git describe --always --dirty` of the tundish sources when this library
 * was built (e.g. "8d7b51d" or "8d7b51d-dirty"), or "unknown" when they
 * were not a git checkout. The experiment file's own commit is another
 * matter: the manifest records both. */
const char *td_build_commit (void);
