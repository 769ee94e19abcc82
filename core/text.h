/* text.h - making outside text safe to show: URLs without their
 * credentials, and feed strings with their control bytes escaped, so that
 * nothing printed, logged, stored in the pull log or published can leak a
 * password or forge a line. */
#ifndef FK_TEXT_H
#define FK_TEXT_H

#include <stddef.h>

/* url with any "user:password@" part replaced by "***@"; writes out (n
 * bytes) and returns it. */
const char *fk_redact_url(const char *url, char *out, size_t n);
/* s with bytes below 0x20, DEL and backslash written as \xNN (UTF-8 text
 * above 0x7f is kept); cut to fit n bytes.  Returns out. */
const char *fk_escape_ctl(const char *s, char *out, size_t n);

#endif
