/* pd-packet.h: the signed, sealed packets and signed requests of the sync protocol.
 *
 * See data/sync-protocol.md. Shared by the station (the app, passdesk-cli) and the central
 * server, so both sides build, parse and check exactly the same bytes.
 *
 * Keys are raw libsodium keys: Ed25519 signing keys (32-byte public, 64-byte secret) and
 * X25519 box keys (32 bytes each). Binary values travel as base64url without padding.
 * All functions are thread-safe; pd_core_init() (sodium_init) must have been called.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PD_PACKET_PUBLIC_KEY_BYTES   32   /* Ed25519 public key */
#define PD_PACKET_SECRET_KEY_BYTES   64   /* Ed25519 secret key (seed || public key) */
#define PD_PACKET_SIGNATURE_BYTES    64
#define PD_PACKET_BOX_KEY_BYTES      32   /* X25519 public or secret key */
#define PD_PACKET_MAX_PER_PUSH       50
#define PD_PACKET_KIND_DOSSIER       "dossier"
/* A declaration prepared at an assisted-entry station, with its photo (pd-prepared.h). */
#define PD_PACKET_KIND_DECLARATION   "declaration"

#define PD_PACKET_ERROR (pd_packet_error_quark ())
typedef enum {
  PD_PACKET_ERROR_INVALID,     /* not a packet: wrong shape, type, id or encoding */
  PD_PACKET_ERROR_SIGNATURE,   /* the signature does not verify with the given key */
  PD_PACKET_ERROR_OPEN,        /* the sealed content does not open with the given key pair */
  PD_PACKET_ERROR_MISMATCH,    /* the opened content names another packet or device */
} PdPacketError;
GQuark       pd_packet_error_quark       (void);

/* Base64url without padding. decode() is strict: it refuses padding, other alphabets,
 * white space and non-canonical trailing bits. */
char        *pd_base64url_encode         (const guint8  *data,
                                          gsize          length);
GBytes      *pd_base64url_decode         (const char    *text,
                                          GError       **error);
/* Lower-case hex of the BLAKE2b-256 of @data (@length may be 0). */
char        *pd_packet_hash_hex          (const void    *data,
                                          gsize          length);

/* Makes an Ed25519 key pair; @secret_key should be sodium_malloc'ed by the caller. */
void         pd_packet_make_sign_keys    (guint8         public_key[PD_PACKET_PUBLIC_KEY_BYTES],
                                          guint8         secret_key[PD_PACKET_SECRET_KEY_BYTES]);

typedef struct {
  char   *packet_id;     /* UUID, lower case */
  char   *device_id;     /* UUID of the device that sealed and signed it */
  gint64  created_at;    /* unix seconds */
  char   *kind;          /* PD_PACKET_KIND_DOSSIER or PD_PACKET_KIND_DECLARATION */
  GBytes *sealed;        /* crypto_box_seal(inner JSON) */
  GBytes *signature;     /* 64 bytes */
} PdPacket;

void         pd_packet_free              (PdPacket      *packet);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdPacket, pd_packet_free)

/* Seals @inner (the inner JSON, see the protocol) to @central_box_public_key and signs the
 * result with @device_secret_key. Never fails for valid arguments. */
PdPacket    *pd_packet_seal              (const char    *packet_id,
                                          const char    *device_id,
                                          gint64         created_at,
                                          const char    *kind,
                                          const char    *inner,
                                          gsize          inner_length,
                                          const guint8   central_box_public_key[PD_PACKET_BOX_KEY_BYTES],
                                          const guint8   device_secret_key[PD_PACKET_SECRET_KEY_BYTES]);

/* The packet's signing string: PASSDESK-PACKET-V1\n<packet_id>\n<device_id>\n<created_at>\n
 * <kind>\n<hex BLAKE2b-256 of sealed>. */
char        *pd_packet_get_signing_string (const PdPacket *packet);

/* Strict: a JSON object with exactly the six members, of the right types; UUIDs valid,
 * created_at a positive integer, kind known, signature 64 bytes, sealed at least a seal. */
PdPacket    *pd_packet_from_json         (JsonNode      *node,
                                          GError       **error);
JsonNode    *pd_packet_to_json           (const PdPacket *packet);
/* The packet as compact JSON text, exactly as pushed and exported. */
char        *pd_packet_to_string         (const PdPacket *packet);
PdPacket    *pd_packet_from_string       (const char    *text,
                                          GError       **error);

/* Checks the signature with the public key of the packet's own device. */
gboolean     pd_packet_verify            (const PdPacket *packet,
                                          const guint8   device_public_key[PD_PACKET_PUBLIC_KEY_BYTES],
                                          GError       **error);
/* Opens the sealed content with the central box key pair and parses it: returns
 * (transfer full) the inner JSON object, after checking that its packet_id and device_id
 * are the packet's. Does not check the signature: call pd_packet_verify() first. */
JsonObject  *pd_packet_open              (const PdPacket *packet,
                                          const guint8   central_box_public_key[PD_PACKET_BOX_KEY_BYTES],
                                          const guint8   central_box_secret_key[PD_PACKET_BOX_KEY_BYTES],
                                          GError       **error);

/* Request signing (headers X-Passdesk-Device, X-Passdesk-Time, X-Passdesk-Signature).
 * @path_and_query is the request target exactly as sent ("/v1/statuses?after=&limit=500");
 * @body may be NULL when @body_length is 0. */
char        *pd_request_get_signing_string (const char    *method,
                                            const char    *path_and_query,
                                            gint64         time,
                                            const void    *body,
                                            gsize          body_length);
/* Returns the base64url signature for the X-Passdesk-Signature header. */
char        *pd_request_sign             (const char    *method,
                                          const char    *path_and_query,
                                          gint64         time,
                                          const void    *body,
                                          gsize          body_length,
                                          const guint8   device_secret_key[PD_PACKET_SECRET_KEY_BYTES]);
/* Checks a base64url @signature; PD_PACKET_ERROR_INVALID if it is not 64 bytes of
 * base64url, PD_PACKET_ERROR_SIGNATURE if it does not verify. Time skew is the caller's. */
gboolean     pd_request_verify           (const char    *method,
                                          const char    *path_and_query,
                                          gint64         time,
                                          const void    *body,
                                          gsize          body_length,
                                          const char    *signature,
                                          const guint8   device_public_key[PD_PACKET_PUBLIC_KEY_BYTES],
                                          GError       **error);

G_END_DECLS
