/* pd-central-identity.h: who may speak to the central system, in its database.
 *
 * Offices, officers, enrollment codes, stations (devices) and their keys, sessions, and who
 * may accept an application. */
#pragma once

#include "pd-central-db.h"
#include "pd-central-request.h"
#include "sync/pd-packet.h"

G_BEGIN_DECLS

typedef struct {
  char *username;
  char *display_name;
  char *role;            /* "officer", "volunteer" or "supervisor" */
  char *office_code;
  char *verifier;        /* crypto_pwhash_str() */
} PdCentralOfficer;

void pd_central_officer_free (PdCentralOfficer *officer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCentralOfficer, pd_central_officer_free)

gboolean      pd_central_db_add_office          (PdCentralDb   *self,
                                                 const char    *code,
                                                 const char    *name,
                                                 const char    *address,
                                                 const char    *province_code,
                                                 GError       **error);
/* {"code", "name", "address"}, or NULL with NOT_FOUND. */
JsonNode     *pd_central_db_get_office          (PdCentralDb   *self,
                                                 const char    *code,
                                                 char         **province_code,
                                                 GError       **error);
guint         pd_central_db_count_offices       (PdCentralDb   *self);

/* Stores an Argon2id verifier of @password; replaces an officer of the same name. */
gboolean      pd_central_db_add_officer         (PdCentralDb   *self,
                                                 const char    *username,
                                                 const char    *display_name,
                                                 const char    *role,
                                                 const char    *office_code,
                                                 const char    *password,
                                                 GError       **error);
PdCentralOfficer *pd_central_db_lookup_officer  (PdCentralDb   *self,
                                                 const char    *username);

/* "counter", "volunteer" (assisted entry) or "entrance". */
gboolean      pd_central_device_role_is_valid   (const char    *role);
/* A fresh one-time code "XXXX-XXXX" for @office_code; the station it enrolls gets @role. */
char         *pd_central_db_new_enrollment_code (PdCentralDb   *self,
                                                 const char    *office_code,
                                                 const char    *role,
                                                 GError       **error);
/* Uses @code once; returns the new device id. BAD_CODE if the code is unknown or used. */
char         *pd_central_db_enroll_device       (PdCentralDb   *self,
                                                 const char    *code,
                                                 GBytes        *public_key,
                                                 const char    *name,
                                                 char         **office_code,
                                                 GError       **error);
/* FALSE for an unknown or revoked device. */
gboolean      pd_central_db_lookup_device       (PdCentralDb   *self,
                                                 const char    *device_id,
                                                 guint8         public_key[PD_PACKET_PUBLIC_KEY_BYTES],
                                                 char         **office_code);

/* From now on the device's requests and packets are refused and stations stop trusting its
 * declarations (GET /v1/station-keys lists it as revoked). NOT_FOUND for an unknown id;
 * revoking again keeps the first time, which @revoked_at (nullable) gets. */
gboolean      pd_central_db_revoke_device       (PdCentralDb   *self,
                                                 const char    *device_id,
                                                 const char    *actor,
                                                 gint64        *revoked_at,
                                                 GError       **error);
/* The signed body of GET /v1/station-keys for @office_code (data/sync-protocol.md). */
JsonNode     *pd_central_db_list_station_keys   (PdCentralDb   *self,
                                                 const char    *office_code,
                                                 GError       **error);

/* Returns the bearer token; only its hash is stored. */
char         *pd_central_db_new_session         (PdCentralDb   *self,
                                                 const char    *username,
                                                 const char    *device_id,
                                                 gint64         expires_at,
                                                 GError       **error);
/* The officer of @token, only when it was issued to @device_id, has not expired, the device
 * is not revoked and the officer is still of the device's office: a token is worth nothing
 * on another station. */
PdCentralOfficer *pd_central_db_lookup_session  (PdCentralDb   *self,
                                                 const char    *token,
                                                 const char    *device_id,
                                                 gint64         now);

typedef enum {
  PD_CENTRAL_ACCEPTANCE_OK,
  PD_CENTRAL_ACCEPTANCE_NOT_A_COUNTER,    /* unknown, revoked, or not enrolled as a counter */
  PD_CENTRAL_ACCEPTANCE_NO_TOKEN,         /* made by a station that sends no token */
  PD_CENTRAL_ACCEPTANCE_UNKNOWN_TOKEN,    /* never issued */
  PD_CENTRAL_ACCEPTANCE_OTHER_DEVICE,     /* issued at another station */
  PD_CENTRAL_ACCEPTANCE_UNKNOWN_OFFICER,  /* the officer is now of another office */
  PD_CENTRAL_ACCEPTANCE_NOT_ALLOWED,      /* a volunteer */
  PD_CENTRAL_ACCEPTANCE_OUTSIDE_WINDOW,   /* accepted before the sign-in or too long after */
} PdCentralAcceptance;

/* Who accepted an application made at @device_id, from @token (nullable), the token of an
 * online sign-in the packet carries: the station is an unrevoked counter, the token was
 * issued to that very station, to an officer of its office who may accept, and @accepted_at
 * is between the sign-in and the acceptance window after it (with some clock skew either
 * side; the token's expiry for requests does not matter). On OK, @username (which must point
 * to NULL) is that officer; @token_hash is what the database may keep of the token. */
PdCentralAcceptance pd_central_db_check_acceptance (PdCentralDb *self,
                                                    const char  *device_id,
                                                    const char  *token,
                                                    gint64       accepted_at,
                                                    char       **username,
                                                    guint8       token_hash[PD_CENTRAL_TOKEN_HASH_BYTES]);

G_END_DECLS
