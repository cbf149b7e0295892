/* pd-declaration-keys.h: the keys whose signature on a declaration QR code is trusted.
 *
 * A declaration QR code (data/declaration-qr.md) is signed by the office or portal that
 * issued it. The public keys this station trusts are kept in its store, in the setting
 * PD_DECLARATION_KEYS_SETTING: a JSON object of key id -> 32-byte Ed25519 public key in
 * base64url without padding, e.g. {"VN-HN-2026-01": "ZCmPqR..."}. Sync (enrollment) and
 * support write it through pd_declaration_keys_trust().
 *
 * The demo key: data/demo/declaration-demo-key.json holds a key pair whose secret half is
 * public, so that the demo and the tests can print and scan declarations. It is trusted only
 * when PASSDESK_DATA_DIR is set (an uninstalled run from the source tree: build-aux/run-demo.sh
 * and the tests) and the file is there; it is not installed, so an office never trusts it.
 */
#pragma once

#include <glib.h>

#include "pd-store.h"

G_BEGIN_DECLS

#define PD_DECLARATION_KEYS_SETTING "declaration-keys"
#define PD_DECLARATION_DEMO_KEY_ID  "PASSDESK-DEMO"

/* (element-type utf8 GBytes): key id -> public key, for pd_declaration_qr_decode(). A
 * damaged setting is an error (the officer must know that no key is trusted), not an empty
 * table. */
GHashTable *pd_declaration_keys_load      (PdStore     *store,
                                           GError     **error);
/* Adds or replaces @key_id; @public_key is 32 bytes. */
gboolean    pd_declaration_keys_trust     (PdStore     *store,
                                           const char  *key_id,
                                           GBytes      *public_key,
                                           GError     **error);
gboolean    pd_declaration_keys_distrust  (PdStore     *store,
                                           const char  *key_id,
                                           GError     **error);

/* The demo key pair when it is trusted (see above), else NULL. @secret_key (nullable) gets
 * the 64-byte secret key, for the demo and tests that sign declarations. */
GBytes     *pd_declaration_keys_get_demo  (char       **key_id,
                                           GBytes     **secret_key);

G_END_DECLS
