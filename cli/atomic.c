/* atomic.c — writing a file through a temporary one (atomic.h).
 * SPDX-License-Identifier: MIT
 */
#include "atomic.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

int pv_cli_write_atomic(const char *dest, pv_cli_writer *fill, void *arg, pv_err *err)
{
    int rc;
    if (strcmp(dest, "-") == 0) {
        rc = fill(arg, stdout, err);
        if (rc == PV_OK && fflush(stdout) != 0)
            rc = pv_err_set(err, PV_E_IO, "standard output: %s", strerror(errno));
        return rc;
    }
    size_t len = strlen(dest) + 16;
    char *tmp = pv_xmalloc(len);
    snprintf(tmp, len, "%s.XXXXXX", dest);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        rc = pv_err_set(err, PV_E_IO, "%s: %s", dest, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return rc;
    }
    rc = fill(arg, f, err);
    if (rc == PV_OK && (ferror(f) || fflush(f) != 0))
        rc = pv_err_set(err, PV_E_IO, "%s: %s", dest, strerror(errno));
    if (fclose(f) != 0 && rc == PV_OK)
        rc = pv_err_set(err, PV_E_IO, "%s: %s", dest, strerror(errno));
    /* mkstemp makes it 0600; the output is a document like any other. */
    if (rc == PV_OK) {
        mode_t um = umask(0);
        umask(um);
        chmod(tmp, 0666 & ~um);
    }
    if (rc == PV_OK && rename(tmp, dest) != 0)
        rc = pv_err_set(err, PV_E_IO, "%s: %s", dest, strerror(errno));
    if (rc != PV_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}
