/* pd-declaration-code-private.h: for tests and fuzzers, which need to sign content that
 * pd_declaration_qr_encode() would never produce. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Signs @deflated (a raw deflate stream of the content) and returns the "PDQ1:" text. */
char *pd_declaration_qr_seal (GBytes      *deflated,
                              const char  *key_id,
                              GBytes      *secret_key,
                              GError     **error);

G_END_DECLS
