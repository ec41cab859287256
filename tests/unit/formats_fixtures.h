/* formats_fixtures.h — the fixture files of one input format, for the
 * readers' data-driven tests: tests/data/formats/FMT (committed), or
 * under PV_FIXTURES=shared the shared corpus's formats/FMT beside a
 * developer's checkout (the run is skipped, exit 77, without it).
 */
#ifndef PV_FORMATS_FIXTURES_H
#define PV_FORMATS_FIXTURES_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "loader.h"

/* The paths of the files in FMT's directory that have an oracle beside
 * them (FILE.expected.json), sorted; malloc'd, kept for the run.  0 when
 * the run is skipped. */
size_t pv_formats_fixtures(const char *fmt, char ***paths);

/* The oracle's "profiles" entry named `name`, or its index-th entry when
 * name is NULL (fails the test when there is none). */
const cJSON *pv_oracle_profile(const cJSON *oracle, const char *name, int index);

/* Parses the file at `path` (by content, with opts) into *out, failing
 * the test unless the result is `want` (PV_OK, PV_E_FORMAT, ...); the
 * message is left in err.  Release *out on PV_OK. */
void pv_formats_parse(const char *path, const pv_load_opts *opts, int want, pv_parsed *out,
                      pv_err *err);

/* Whether the profile has a warning containing `text`. */
int pv_has_warning(const pv_profile *p, const char *text);

#endif
