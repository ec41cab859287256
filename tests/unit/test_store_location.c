/* test_store_location.c — which backend a store location names, and how
 * it is shown to a user (a password never is).
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <string.h>

#include "store.h"

Suite *pv_store_location_suite(void);

START_TEST(postgres_uris_name_postgresql_and_the_rest_sqlite)
{
    ck_assert(pv_store_is_pg("postgresql://u@db.example/profiles"));
    ck_assert(pv_store_is_pg("postgres:///profiles?host=/run/pg"));
    ck_assert(!pv_store_is_pg("sqlite:postgresql://x"));
    ck_assert(!pv_store_is_pg("/var/lib/profviz/profiles.db"));
    ck_assert(!pv_store_is_pg("postgresql.db"));
    ck_assert(!pv_store_is_pg(NULL));
}
END_TEST

static void assert_redacted(const char *in, const char *want)
{
    char buf[256];
    ck_assert_str_eq(pv_store_redact(in, buf, sizeof buf), want);
}

START_TEST(passwords_are_redacted_and_nothing_else)
{
    assert_redacted("postgresql://alice:s3cret@db:5432/prof", "postgresql://alice:***@db:5432/prof");
    assert_redacted("postgresql://db/prof?user=bob&password=hunter2&sslmode=require",
                    "postgresql://db/prof?user=bob&password=***&sslmode=require");
    assert_redacted("postgres://:pw@db/prof?password=x", "postgres://:***@db/prof?password=***");
    /* A '@' or ':' past the host is not userinfo. */
    assert_redacted("postgresql://db:5432/prof?application_name=a@b",
                    "postgresql://db:5432/prof?application_name=a@b");
    assert_redacted("postgresql://alice@db/prof", "postgresql://alice@db/prof");
    assert_redacted("postgresql:///profviz?host=/tmp/pg&user=profviz",
                    "postgresql:///profviz?host=/tmp/pg&user=profviz");
    /* A SQLite path is shown as it is, whatever it holds. */
    assert_redacted("/home/u/a:b@c/password=1.db", "/home/u/a:b@c/password=1.db");
}
END_TEST

START_TEST(redacting_truncates_within_the_buffer)
{
    char buf[16];
    pv_store_redact("postgresql://alice:s3cret@db/prof", buf, sizeof buf);
    ck_assert_uint_eq(strlen(buf), sizeof buf - 1);
    ck_assert_ptr_null(strstr(buf, "s3c"));
}
END_TEST

Suite *pv_store_location_suite(void)
{
    Suite *s = suite_create("store_location");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, postgres_uris_name_postgresql_and_the_rest_sqlite);
    tcase_add_test(tc, passwords_are_redacted_and_nothing_else);
    tcase_add_test(tc, redacting_truncates_within_the_buffer);
    suite_add_tcase(s, tc);
    return s;
}
