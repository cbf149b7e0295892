/* pd-central-applications.h: applications, their statuses and declarations in the database.
 *
 * What stations send and pull back: applications and their receipts, their statuses, the
 * push's transaction, and the online declarations of offices. */
#pragma once

#include "pd-central-db.h"
#include "pd-central-request.h"
#include "sync/pd-packet.h"
#include "sync/pd-prepared.h"

G_BEGIN_DECLS

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

/* The fate of one packet of a push. The handler fills @item and, for a packet it checked,
 * @application (and @content, its opened JSON) or @prepared; or rejects it. */
typedef struct {
  PdCentralPushItem    *item;
  PdCentralApplication *application;
  PdPrepared           *prepared;       /* a "declaration" packet's, instead of application */
  char                 *content;
  const char           *result;         /* "accepted", "duplicate", "rejected" */
  const char           *error_code;
  char                 *message;
  char                 *central_id;
  gint64                received_at;
} PdCentralPushResult;

void          pd_central_push_result_clear      (PdCentralPushResult *result);
/* Sets @result "rejected" with the protocol's error @code. */
void          pd_central_push_result_reject     (PdCentralPushResult *result,
                                                 const char          *code,
                                                 const char          *message);
/* The push's one transaction: stores every checked packet of @results that is new, the
 * receipt of those already held, the refusals in the audit log, and the push's counters.
 * Nothing is stored when it fails. */
gboolean      pd_central_db_store_push          (PdCentralDb         *self,
                                                 const char          *sender_device_id,
                                                 PdCentralPushResult *results,
                                                 guint                n,
                                                 GError             **error);

G_END_DECLS
