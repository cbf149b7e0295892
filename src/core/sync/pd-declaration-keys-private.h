/* pd-declaration-keys-private.h: the reader of the central system's list of station keys,
 * for its fuzz target. */
#pragma once

#include "pd-declaration-keys.h"

G_BEGIN_DECLS

/* Reads @reply (GET /v1/station-keys) and verifies it with @sign_key (crypto_sign public key
 * of the central system) for @office_code: @entries gets every station of it (element-type
 * PdDeclarationKeyEntry). */
gboolean pd_declaration_keys_parse_central (JsonNode      *reply,
                                            const guint8  *sign_key,
                                            const char    *office_code,
                                            gint64        *version,
                                            GPtrArray    **entries,
                                            GError       **error);

G_END_DECLS
