/* text.c - redacting URLs and escaping control bytes (see text.h). */
#include "core/text.h"

#include <stdio.h>
#include <string.h>

const char *fk_redact_url(const char *url, char *out, size_t n)
{
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    size_t hostlen = strcspn(host, "/?#");
    /* The last '@' of the authority ends the user information (a
     * password may itself hold an unescaped '@'). */
    const char *at = NULL;
    for (const char *p = host; p < host + hostlen; p++)
        if (*p == '@') at = p;
    if (!at)
        snprintf(out, n, "%s", url);
    else
        snprintf(out, n, "%.*s***%s", (int)(host - url), url, at);
    return out;
}

const char *fk_escape_ctl(const char *s, char *out, size_t n)
{
    size_t o = 0;
    if (!n) return out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int plain = *p >= 0x20 && *p != 0x7f && *p != '\\';
        if (o + (plain ? 1 : 4) >= n) break;
        if (plain)
            out[o++] = (char)*p;
        else
            o += (size_t)snprintf(out + o, n - o, "\\x%02x", *p);
    }
    out[o] = '\0';
    return out;
}
