/* testutil.c — reading fixtures; see testutil.h. */
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

unsigned char *pv_test_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    struct stat st;
    ck_assert_int_eq(fstat(fileno(f), &st), 0);
    *len = (size_t)st.st_size;
    unsigned char *buf = malloc(*len + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_msg(fread(buf, 1, *len, f) == *len, "cannot read %s", path);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}
