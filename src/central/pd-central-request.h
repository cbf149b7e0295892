/* pd-central-request.h: strict checks of what a station sends to the central server.
 *
 * Pure functions over bytes, so that the fuzz target exercises exactly what the server runs
 * on hostile input before anything reaches the database.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "pd-types.h"
#include "sync/pd-packet.h"

G_BEGIN_DECLS

/* The protocol's bound on request and response bodies. */
#define PD_CENTRAL_MAX_BODY        (16 * 1024 * 1024)
/* json-glib parses recursively: deeper input would overflow the stack. Real bodies nest 4. */
#define PD_CENTRAL_MAX_PAGE        500
#define PD_CENTRAL_DEFAULT_PAGE    100

#define PD_CENTRAL_REQUEST_ERROR (pd_central_request_error_quark ())
typedef enum {
  PD_CENTRAL_REQUEST_ERROR_BAD_JSON,     /* not UTF-8, not JSON, or nested too deep */
  PD_CENTRAL_REQUEST_ERROR_BAD_REQUEST,  /* JSON, but not the shape the protocol defines */
  PD_CENTRAL_REQUEST_ERROR_INVALID_PACKET,
} PdCentralRequestError;
GQuark       pd_central_request_error_quark (void);

/* One JSON object: valid UTF-8, no NUL, nested at most PD_JSON_MAX_DEPTH. */
JsonObject  *pd_central_parse_object      (const char  *data,
                                           gsize        length,
                                           GError     **error);

/* What the server reads before it authenticates a request, pure so that fuzz-central-headers
 * reaches it. X-Passdesk-Time: decimal digits only (no sign, no spaces), at most 18 of them. */
gboolean     pd_central_parse_request_time (const char  *text,
                                            gint64      *value);
/* The segment after a "/x/" route's prefix, unescaped: NULL unless it is valid UTF-8 of at
 * most 64 bytes with no '/'. */
char        *pd_central_route_argument     (const char  *segment);

typedef struct {
  char   *code;          /* canonical "XXXX-XXXX" */
  GBytes *public_key;    /* 32 bytes */
  char   *name;
} PdCentralEnrollment;

PdCentralEnrollment *pd_central_enrollment_parse (const char  *data,
                                                  gsize        length,
                                                  GError     **error);
void                 pd_central_enrollment_free  (PdCentralEnrollment *enrollment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCentralEnrollment, pd_central_enrollment_free)

/* Enrollment codes are 8 characters of Crockford base32 shown as "XXXX-XXXX"; people read
 * them out, so case, spaces, dashes and the look-alikes O/I/L are forgiven. NULL if @text is
 * not a code. */
char        *pd_central_enrollment_code_normalize (const char *text);
char        *pd_central_enrollment_code_generate  (void);

typedef struct {
  char *username;
  char *password;        /* wiped on free */
} PdCentralSignIn;

PdCentralSignIn *pd_central_sign_in_parse (const char  *data,
                                           gsize        length,
                                           GError     **error);
void             pd_central_sign_in_free  (PdCentralSignIn *sign_in);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCentralSignIn, pd_central_sign_in_free)

/* One element of a push. A malformed packet is refused alone, not the whole push. */
typedef struct {
  char     *packet_id;   /* as the station wrote it, when it is a string; else NULL */
  PdPacket *packet;      /* NULL when malformed */
  char     *problem;     /* why it is malformed, when it is */
} PdCentralPushItem;

/* (element-type PdCentralPushItem): {"packets": [1 to 50 packets]} and nothing else. */
GPtrArray   *pd_central_push_parse        (const char  *data,
                                           gsize        length,
                                           GError     **error);

/* A token of POST /v1/sessions is 32 random bytes in base64url (43 letters); room to change. */
#define PD_CENTRAL_MAX_TOKEN_BYTES 128
/* crypto_generichash_BYTES: what the database keeps of a token, never the token itself. */
#define PD_CENTRAL_TOKEN_HASH_BYTES 32

typedef struct {
  PdDossier *dossier;
  char      *accepted_by;   /* nullable: as the station wrote it, until the server sets it */
  char      *acceptance_token; /* nullable; wiped on free */
  /* Set by the server once the token proved who accepted. */
  guint8     acceptance_token_hash[PD_CENTRAL_TOKEN_HASH_BYTES];
  gint64     accepted_at;   /* 0 when absent */
  gsize      n_attachments;
  gboolean   has_photo;
} PdCentralApplication;

/* Checks an opened packet's inner JSON (the members the protocol lists, of the right types,
 * a dossier pd_dossier_new_from_json() accepts, with a UUID). INVALID_PACKET otherwise.
 * The caller keeps "acceptance_token" out of what it stores. */
PdCentralApplication *pd_central_application_check (JsonObject  *inner,
                                                    GError     **error);
void                  pd_central_application_free  (PdCentralApplication *application);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCentralApplication, pd_central_application_free)

/* The query of a paged pull: "after" (a cursor, "" for the start) and "limit" (1 to 500),
 * both optional, nothing else. A cursor is the last row number seen. */
gboolean     pd_central_page_parse        (const char  *query,
                                           gint64      *after,
                                           guint       *limit,
                                           GError     **error);

G_END_DECLS
