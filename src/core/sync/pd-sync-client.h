/* pd-sync-client.h: HTTP requests to the central system (data/sync-protocol.md).
 *
 * One SoupSession per client, several requests in flight; like any SoupSession, a client is
 * used from the thread (main context) that made it. Requests are signed with the
 * device key when a device is set. TLS uses the system's trusted authorities, plus an
 * optional CA file for a central server with its own certificate authority.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The protocol's bound on bodies; a larger answer is cut off and treated as a failure. */
#define PD_SYNC_MAX_REPLY_BYTES   (16 * 1024 * 1024)
/* Longer Retry-After values are read as this many seconds. */
#define PD_SYNC_MAX_RETRY_AFTER   3600
/* Seconds a whole request may take, answer included, unless set otherwise. */
#define PD_SYNC_DEFAULT_DEADLINE  180

#define PD_SYNC_ERROR (pd_sync_error_quark ())
typedef enum {
  PD_SYNC_ERROR_RETRY,            /* try again later: network, timeout, busy server */
  PD_SYNC_ERROR_REFUSED,          /* refused for good by the central system */
  PD_SYNC_ERROR_TLS,              /* the server's certificate does not verify; nothing was sent */
  PD_SYNC_ERROR_NOT_ENROLLED,     /* this station has no device key yet */
  PD_SYNC_ERROR_BAD_CREDENTIALS,
  PD_SYNC_ERROR_RATE_LIMITED,
  PD_SYNC_ERROR_FORBIDDEN_ROLE,
  PD_SYNC_ERROR_FILE,             /* an outbox file is unusable */
  PD_SYNC_ERROR_NOT_FOUND,        /* the central system has no such thing (a declaration code) */
} PdSyncError;
GQuark pd_sync_error_quark (void);

/* What the server answered, whatever the status. */
typedef struct {
  guint      status;
  JsonNode  *body;           /* nullable: not JSON */
  char      *error_code;     /* nullable: "invalid_signature", ... */
  char      *error_message;  /* nullable: the server's English message */
  gint64     retry_after;    /* seconds, 0 when absent, at most PD_SYNC_MAX_RETRY_AFTER */
} PdSyncReply;

void         pd_sync_reply_free          (PdSyncReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSyncReply, pd_sync_reply_free)

/* The protocol's table: 2xx TRUE; otherwise FALSE and @error is PD_SYNC_ERROR_REFUSED for
 * the final 4xx (or BAD_CREDENTIALS, RATE_LIMITED, FORBIDDEN_ROLE by code) and
 * PD_SYNC_ERROR_RETRY for the rest. A 2xx without a JSON object body is RETRY too. */
gboolean     pd_sync_reply_check         (PdSyncReply  *reply,
                                          GError      **error);
/* Whether an HTTP status is final (set the packet aside) rather than worth retrying. */
gboolean     pd_sync_status_is_final     (guint         status);

/* Whether applications sent to @server_url travel safely: https to a named host, or plain
 * http that never leaves the computer (127.0.0.0/8, ::1, localhost), as the demo's own server. */
gboolean     pd_sync_url_is_safe         (const char   *server_url);

/* Compact JSON text of @node, as a request body. */
GBytes      *pd_sync_json_to_bytes       (JsonNode     *node);

#define PD_TYPE_SYNC_CLIENT (pd_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (PdSyncClient, pd_sync_client, PD, SYNC_CLIENT, GObject)

/* @server_url: "https://central.example" or "http://127.0.0.1:8080" (plain HTTP is meant
 * for loopback); @ca_file (nullable): PEM certificates trusted besides the system's. */
PdSyncClient *pd_sync_client_new         (const char    *server_url,
                                          const char    *ca_file,
                                          GError       **error);
const char   *pd_sync_client_get_server_url (PdSyncClient *self);
/* Sign every later request as @device_id with @secret_key (64 bytes, kept referenced). */
void          pd_sync_client_set_device  (PdSyncClient  *self,
                                          const char    *device_id,
                                          GBytes        *secret_key);
/* Sent as "Authorization: Bearer" when not NULL. */
void          pd_sync_client_set_token   (PdSyncClient  *self,
                                          const char    *token);
/* Seconds added to the local clock in X-Passdesk-Time (server minus local). */
void          pd_sync_client_set_clock_offset (PdSyncClient *self,
                                               gint64        offset);
gint64        pd_sync_client_get_clock_offset (PdSyncClient *self);
/* The longest a request may take from sending to the end of the answer (default
 * PD_SYNC_DEFAULT_DEADLINE); past it the request fails with PD_SYNC_ERROR_RETRY. */
void          pd_sync_client_set_deadline     (PdSyncClient *self,
                                               guint         seconds);
guint         pd_sync_client_get_deadline     (PdSyncClient *self);

/* @path_and_query starts with "/v1/"; @body (nullable) is JSON text. Finishes with a reply
 * for any HTTP answer of at most PD_SYNC_MAX_REPLY_BYTES (its body parsed with
 * pd_json_parse(): NULL when not JSON, too deep or not UTF-8); fails with PD_SYNC_ERROR_RETRY
 * (network, deadline passed, answer too large) or PD_SYNC_ERROR_TLS. */
void          pd_sync_client_request_async  (PdSyncClient       *self,
                                             const char         *method,
                                             const char         *path_and_query,
                                             GBytes             *body,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
PdSyncReply  *pd_sync_client_request_finish (PdSyncClient       *self,
                                             GAsyncResult       *result,
                                             GError            **error);

G_END_DECLS
