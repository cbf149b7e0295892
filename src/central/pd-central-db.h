/* pd-central-db.h: the central server's own SQLite database.
 *
 * A reference server: its X25519 and Ed25519 key pairs are kept in this database, which is
 * fine for demos and tests but not for production, where they belong in an HSM. Everything
 * runs on the thread that opened the database.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "pd-central-request.h"
#include "pd-reference.h"
#include "sync/pd-packet.h"

G_BEGIN_DECLS

#define PD_CENTRAL_DB_ERROR (pd_central_db_error_quark ())
typedef enum {
  PD_CENTRAL_DB_ERROR_FAILED,      /* SQLite failed: disk, corruption, lock */
  PD_CENTRAL_DB_ERROR_NOT_FOUND,
  PD_CENTRAL_DB_ERROR_BAD_CODE,    /* an enrollment code that is unknown or used */
  PD_CENTRAL_DB_ERROR_INVALID,     /* an argument the database refuses */
} PdCentralDbError;
GQuark pd_central_db_error_quark (void);

typedef struct {
  char *username;
  char *display_name;
  char *role;            /* "officer", "volunteer" or "supervisor" */
  char *office_code;
  char *verifier;        /* crypto_pwhash_str() */
} PdCentralOfficer;

void pd_central_officer_free (PdCentralOfficer *officer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCentralOfficer, pd_central_officer_free)

#define PD_CENTRAL_TYPE_DB (pd_central_db_get_type ())
G_DECLARE_FINAL_TYPE (PdCentralDb, pd_central_db, PD_CENTRAL, DB, GObject)

/* Creates the file and the server's key pairs if needed; imports the reference tables from
 * pd_reference_get_default_directory() when the database has none. */
PdCentralDb  *pd_central_db_open                (const char    *path,
                                                 GError       **error);

const guint8 *pd_central_db_get_box_public_key  (PdCentralDb   *self);
const guint8 *pd_central_db_get_box_secret_key  (PdCentralDb   *self);
const guint8 *pd_central_db_get_sign_public_key (PdCentralDb   *self);

/* The connection, for the parts of the server that keep tables of their own (the queue's
 * appointments, the prepared declarations), inside pd_central_db_begin() and pd_central_db_commit(). */
sqlite3      *pd_central_db_get_connection      (PdCentralDb   *self);

gboolean      pd_central_db_begin               (PdCentralDb   *self,
                                                 GError       **error);
gboolean      pd_central_db_commit              (PdCentralDb   *self,
                                                 GError       **error);
void          pd_central_db_rollback            (PdCentralDb   *self);

/* For those parts: the failure of @db's last call as PD_CENTRAL_DB_ERROR_FAILED; returns
 * FALSE. */
gboolean      pd_central_sql_fail               (sqlite3       *db,
                                                 GError       **error);
/* @sql prepared on @db, or NULL with pd_central_sql_fail()'s error. */
sqlite3_stmt *pd_central_sql_prepare            (sqlite3       *db,
                                                 const char    *sql,
                                                 GError       **error);

typedef void (*PdCentralAddRowFunc) (JsonBuilder  *builder,
                                     sqlite3_stmt *stmt);
/* Builds { @member: [rows], next_cursor, more } (data/sync-protocol.md) from a bound
 * statement whose first column is the cursor and that may return one row past @limit: that
 * row only says there are more. */
JsonNode     *pd_central_sql_read_page          (sqlite3_stmt  *stmt,
                                                 const char    *member,
                                                 gint64         after,
                                                 guint          limit,
                                                 PdCentralAddRowFunc add_row,
                                                 GError       **error);
/* Adds the JSON text that the server stored in @column of @stmt's row, or null. */
void          pd_central_sql_add_json           (JsonBuilder   *builder,
                                                 sqlite3_stmt  *stmt,
                                                 int            column);
/* Ends the page whose array of rows @builder holds, up to the cursor @last. */
JsonNode     *pd_central_page_end               (JsonBuilder   *builder,
                                                 gint64         last,
                                                 gboolean       more);

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

gboolean      pd_central_db_audit               (PdCentralDb   *self,
                                                 const char    *actor,
                                                 const char    *action,
                                                 const char    *subject,
                                                 const char    *detail,
                                                 GError       **error);
/* Audit rows of @action about @subject since @since, by @actor (NULL: anyone); @oldest gets
 * the time of the first. */
guint         pd_central_db_count_audit         (PdCentralDb   *self,
                                                 const char    *actor,
                                                 const char    *action,
                                                 const char    *subject,
                                                 gint64         since,
                                                 gint64        *oldest);

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
  PD_CENTRAL_ACCEPTANCE_UNKNOWN_OFFICER,  /* no such officer, or of another office */
  PD_CENTRAL_ACCEPTANCE_NOT_ALLOWED,      /* a volunteer */
  PD_CENTRAL_ACCEPTANCE_NEVER_SIGNED_IN,  /* never signed in online at that station */
} PdCentralAcceptance;

/* Whether @username may have accepted an application at @device_id: the station is a
 * counter, the officer one of its office who may accept, and who signed in online at that
 * very station at least once (which is also what lets the station sign them in offline). */
PdCentralAcceptance pd_central_db_check_acceptance (PdCentralDb *self,
                                                    const char  *device_id,
                                                    const char  *username);

/* Within a transaction: the receipt of the first row that @sql selects with @key bound, its
 * columns the central id and the time received. TRUE with *found FALSE when there is none. */
gboolean      pd_central_db_select_receipt      (PdCentralDb   *self,
                                                 const char    *sql,
                                                 const char    *key,
                                                 gboolean      *found,
                                                 char         **central_id,
                                                 gint64        *received_at,
                                                 GError       **error);
/* Within a transaction. Returns TRUE with *found FALSE when @packet_id is new. */
gboolean      pd_central_db_find_receipt        (PdCentralDb   *self,
                                                 const char    *packet_id,
                                                 gboolean      *found,
                                                 char         **central_id,
                                                 gint64        *received_at,
                                                 GError       **error);
/* The receipt of the application already held for @dossier_uuid, whatever packet carried it. */
gboolean      pd_central_db_find_dossier        (PdCentralDb   *self,
                                                 const char    *dossier_uuid,
                                                 gboolean      *found,
                                                 char         **central_id,
                                                 gint64        *received_at,
                                                 GError       **error);
/* Stores the application and its first status, "received". */
char         *pd_central_db_insert_application  (PdCentralDb   *self,
                                                 const PdPacket *packet,
                                                 const char    *sender_device_id,
                                                 PdCentralApplication *application,
                                                 const char    *content,
                                                 gint64         received_at,
                                                 GError       **error);
gboolean      pd_central_db_bump                (PdCentralDb   *self,
                                                 const char    *counter,
                                                 gint64         delta,
                                                 GError       **error);

gboolean      pd_central_db_add_declaration     (PdCentralDb   *self,
                                                 const char    *code,
                                                 const char    *office_code,
                                                 gint64         filed_at,
                                                 JsonNode      *dossier,
                                                 GError       **error);
/* The response bodies of the pulls. */
JsonNode     *pd_central_db_list_declarations   (PdCentralDb   *self,
                                                 const char    *office_code,
                                                 gint64         after,
                                                 guint          limit,
                                                 GError       **error);
/* NOT_FOUND also for a declaration of another office than @office_code. */
JsonNode     *pd_central_db_get_declaration     (PdCentralDb   *self,
                                                 const char    *code,
                                                 const char    *office_code,
                                                 GError       **error);
JsonNode     *pd_central_db_list_statuses       (PdCentralDb   *self,
                                                 const char    *device_id,
                                                 gint64         after,
                                                 guint          limit,
                                                 GError       **error);
gboolean      pd_central_db_set_status          (PdCentralDb   *self,
                                                 const char    *packet_id,
                                                 const char    *status,
                                                 const char    *reason,
                                                 gint64         at,
                                                 GError       **error);
/* (element-type utf8) packet ids whose latest status is @status, oldest first. */
GPtrArray    *pd_central_db_list_packets_with_status (PdCentralDb *self,
                                                      const char  *status,
                                                      GError     **error);

/* Imports one table from CSV text (the layout of data/reference). @version NULL: a digest of
 * @text, so that the version changes exactly when the content does. Returns TRUE and sets
 * @changed when the stored version differs. */
gboolean      pd_central_db_import_reference    (PdCentralDb   *self,
                                                 PdReferenceTable table,
                                                 const char    *text,
                                                 gsize          length,
                                                 const char    *version,
                                                 gboolean      *changed,
                                                 GError       **error);
gboolean      pd_central_db_import_reference_directory (PdCentralDb *self,
                                                        const char  *directory,
                                                        guint       *n_changed,
                                                        GError     **error);
JsonNode     *pd_central_db_get_reference_versions (PdCentralDb *self,
                                                    GError     **error);
JsonNode     *pd_central_db_get_reference_table    (PdCentralDb *self,
                                                    const char  *name,
                                                    GError     **error);

JsonNode     *pd_central_db_get_stats           (PdCentralDb   *self,
                                                 GError       **error);

G_END_DECLS
