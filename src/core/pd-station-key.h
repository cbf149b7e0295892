/* pd-station-key.h: the key an assisted-entry station signs declaration QR codes with.
 *
 * An enrolled station signs with its device key, whose public half the central system
 * registered at enrollment: its counters trust it from the signed list of the office's
 * stations that every sync pulls (pd_declaration_keys_apply_central()), and stop when the
 * central system revokes it. One that is not enrolled makes a key of its own, kept in the
 * keyring, which the central system never sees: a counter trusts it by its key text,
 * "PDK1:KEY-ID:PUBLIC-KEY" (the public key in base64url), printed as a QR code at the
 * station and scanned at the counter by a supervisor (see pd_window_handle_scan()).
 */
#pragma once

#include <gio/gio.h>

#include "pd-store.h"

G_BEGIN_DECLS

#define PD_STATION_KEY_PREFIX      "PDK1:"
#define PD_STATION_KEY_SECRET_KIND "station-declaration-key"

typedef struct {
  char   *key_id;
  GBytes *secret_key;   /* 64 bytes, Ed25519 */
  GBytes *public_key;   /* 32 bytes */
} PdStationKey;

void          pd_station_key_free     (PdStationKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdStationKey, pd_station_key_free)

/* Blocks on the keyring: from a worker thread. */
PdStationKey *pd_station_key_load     (PdStore       *store,
                                       GCancellable  *cancellable,
                                       GError       **error);
char         *pd_station_key_to_text  (PdStationKey  *key);
/* @text (a key text or a key id) as shown or printed: its hyphens, which base64url and key ids
 * have, become non-breaking ones (U+2011), so that it never wraps where a reader would take
 * the break for part of it. pd_station_key_parse() reads it back. */
char         *pd_station_key_for_display (const char *text);
/* Reads the key text; @key_id and @public_key get what to trust. */
gboolean      pd_station_key_parse    (const char    *text,
                                       char         **key_id,
                                       GBytes       **public_key,
                                       GError       **error);

G_END_DECLS
