/* pd-declaration-keys.h: the keys whose signature on a declaration QR code is trusted.
 *
 * A declaration QR code (data/declaration-qr.md) is signed by the office or portal that
 * issued it, or by an assisted-entry station. The public keys this station trusts come from
 * two sources, kept apart in its store:
 *  - by hand (PD_DECLARATION_KEYS_SETTING): a JSON object of key id -> 32-byte Ed25519 public
 *    key in base64url without padding, e.g. {"VN-HN-2026-01": "ZCmPqR..."}, written through
 *    pd_declaration_keys_trust() when a supervisor scans a printed station key (audited by
 *    the caller) or support adds an issuer's key;
 *  - from the central system (PD_DECLARATION_KEYS_CENTRAL_SETTING): the signed list of the
 *    office's enrolled stations (GET /v1/station-keys, data/sync-protocol.md), replaced as a
 *    whole by every sync pass through pd_declaration_keys_apply_central(). The list is kept
 *    as the central system signed it and verified again each time it is read, so that it
 *    keeps working offline and a damaged or edited copy is noticed.
 * A station the central system lists wins over a key of the same id added by hand, and a key
 * it revoked is trusted by neither source.
 *
 * The demo key: data/demo/declaration-demo-key.json holds a key pair whose secret half is
 * public, so that the demo and the tests can print and scan declarations. It is trusted only
 * when PASSDESK_DATA_DIR is set (an uninstalled run from the source tree: build-aux/run-demo.sh
 * and the tests) and the file is there; it is not installed, so an office never trusts it.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "pd-declaration-code.h"
#include "pd-store.h"

G_BEGIN_DECLS

#define PD_DECLARATION_KEYS_SETTING         "declaration-keys"
#define PD_DECLARATION_KEYS_CENTRAL_SETTING "declaration-keys.central"
#define PD_DECLARATION_DEMO_KEY_ID          "PASSDESK-DEMO"
/* The most stations a list from the central system may name; a longer one is refused. */
#define PD_DECLARATION_KEYS_CENTRAL_MAX     1000

typedef enum {
  PD_DECLARATION_KEY_SOURCE_NONE,      /* not trusted */
  PD_DECLARATION_KEY_SOURCE_MANUAL,    /* added by hand: a scanned station key, support */
  PD_DECLARATION_KEY_SOURCE_CENTRAL,   /* an enrolled station on the central system's list */
  PD_DECLARATION_KEY_SOURCE_REVOKED,   /* revoked by the central system: trusted by no source */
  PD_DECLARATION_KEY_SOURCE_DEMO,      /* the demo key of an uninstalled run */
} PdDeclarationKeySource;

/* A station on the central system's list. */
typedef struct {
  char   *key_id;        /* pd_declaration_keys_device_key_id (device_id) */
  char   *device_id;
  char   *role;          /* "counter", "volunteer" or "entrance" */
  GBytes *public_key;    /* 32 bytes: the station's device key */
  gint64  enrolled_at;
  gint64  revoked_at;    /* 0 while the station is trusted */
} PdDeclarationKeyEntry;

void pd_declaration_key_entry_free (PdDeclarationKeyEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdDeclarationKeyEntry, pd_declaration_key_entry_free)

/* What pd_declaration_keys_apply_central() kept. */
typedef struct {
  gint64 version;
  guint  n_trusted;
  guint  n_revoked;
  guint  n_newly_revoked;   /* trusted in the list before, revoked in this one */
  gboolean changed;         /* the version differs from the list kept before */
} PdDeclarationKeysUpdate;

/* The key id an enrolled station signs declarations with: "DEV-" and the first letters and
 * digits of its device id, upper case, 32 characters at most. */
char       *pd_declaration_keys_device_key_id (const char *device_id);

/* The bytes the central system signs for a list (data/sync-protocol.md): both sides build
 * them from the fields, so that no JSON canonical form is needed. @entries: (element-type
 * PdDeclarationKeyEntry). */
GBytes     *pd_declaration_keys_central_signing_bytes (const char *office_code,
                                                       gint64      version,
                                                       gint64      issued_at,
                                                       GPtrArray  *entries);

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

/* Checks @reply, the body of GET /v1/station-keys, as untrusted input: its shape, every key,
 * at most PD_DECLARATION_KEYS_CENTRAL_MAX of them, the office of this station's enrollment,
 * the signature of the central system's key received at enrollment, and a version not older
 * than the list kept. Then it replaces the list from the central system (the keys added by
 * hand stay) and audits a change. On any error the list kept before stays in force.
 * @update (nullable) gets what was kept. */
gboolean    pd_declaration_keys_apply_central (PdStore                  *store,
                                               JsonNode                 *reply,
                                               PdDeclarationKeysUpdate  *update,
                                               GError                  **error);
/* (element-type PdDeclarationKeyEntry): the list last pulled from the central system,
 * revoked stations included, or an empty array before the first pull. */
GPtrArray  *pd_declaration_keys_list_central  (PdStore     *store,
                                               GError     **error);
/* The version of that list, -1 before the first pull. */
gint64      pd_declaration_keys_get_central_version (PdStore *store);
/* Where the trust in @key_id comes from, as pd_declaration_keys_load() sees it. */
PdDeclarationKeySource pd_declaration_keys_get_source (PdStore     *store,
                                                       const char  *key_id,
                                                       GError     **error);

/* pd_declaration_qr_decode() with the keys of @store, offline. A declaration signed by a
 * station the central system revoked fails with PD_DECLARATION_ERROR_UNKNOWN_KEY and a
 * message that says so. */
PdDeclarationQr *pd_declaration_keys_decode_qr (PdStore     *store,
                                                const char  *text,
                                                GError     **error);
/* For a caller that decoded @text itself (pd_scan_read()) and got @error: when it is
 * PD_DECLARATION_ERROR_UNKNOWN_KEY and the key is one the central system revoked, replaces
 * its message with one that says so. */
void        pd_declaration_keys_explain_refusal (PdStore     *store,
                                                 const char  *text,
                                                 GError     **error);

/* The demo key pair when it is trusted (see above), else NULL. @secret_key (nullable) gets
 * the 64-byte secret key, for the demo and tests that sign declarations. */
GBytes     *pd_declaration_keys_get_demo  (char       **key_id,
                                           GBytes     **secret_key);

G_END_DECLS
