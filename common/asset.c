/* asset.c — lookup in an embedded asset table.  See asset.h.
 * SPDX-License-Identifier: MIT
 */
#include "asset.h"

#include <stdlib.h>
#include <string.h>

static int cmp_path(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const pv_asset *)elem)->path);
}

const pv_asset *pv_asset_find(const pv_asset *table, size_t count, const char *path)
{
    return bsearch(path, table, count, sizeof *table, cmp_path);
}
