/* pd-status.h: the life cycle of a dossier, from the counter to the central system. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  PD_STATUS_DRAFT,      /* being filled in */
  PD_STATUS_ON_HOLD,    /* put aside at the counter, can be resumed */
  PD_STATUS_ACCEPTED,   /* accepted at the counter, waiting in the outbox */
  PD_STATUS_REFUSED,    /* refused at the counter, with a reason */
  PD_STATUS_SENT,       /* pushed, not yet confirmed */
  PD_STATUS_RECEIVED,   /* confirmed received by the central system */
  PD_STATUS_PROCESSING,
  PD_STATUS_READY,      /* passport ready for collection or sent by post */
  PD_STATUS_REJECTED,   /* rejected by the central system, with a reason */
  PD_N_STATUSES
} PdStatus;

#define PD_STATUS_INVALID ((PdStatus) -1)

const char *pd_status_to_string     (PdStatus    status);
PdStatus    pd_status_from_string   (const char *str);
const char *pd_status_get_label     (PdStatus    status);
gboolean    pd_status_is_confirmed  (PdStatus    status);
/* Sent and every later status: only the central system (a push's receipt, a status pull)
 * may set them on a station. */
gboolean    pd_status_is_central    (PdStatus    status);
/* The statuses an application may have when it is first stored at the counter. */
gboolean    pd_status_is_counter_entry (PdStatus  status);

G_END_DECLS
