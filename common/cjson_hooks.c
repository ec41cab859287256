/* cjson_hooks.c — cJSON allocates through pv_xmalloc, so it never fails.
 *
 * cJSON reports an allocation failure by returning NULL from every create,
 * add and print call; with the aborting allocator installed here those
 * calls cannot fail and callers do not check them (common/README.md, "Out
 * of memory").  The hooks are installed by a constructor, before main, so
 * no binary or test can forget them: meson links this file whole into
 * everything that depends on common_dep.  Text cJSON prints is still freed
 * with cJSON_free (plain free here).
 * SPDX-License-Identifier: MIT
 */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "xalloc.h"

__attribute__((constructor)) static void install_cjson_hooks(void)
{
    cJSON_Hooks hooks = {.malloc_fn = pv_xmalloc, .free_fn = free};
    cJSON_InitHooks(&hooks);
}
