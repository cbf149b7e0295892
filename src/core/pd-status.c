/* pd-status.c: the life cycle of an application, from the counter to the central system. */
#define G_LOG_DOMAIN "pd-status"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-status.h"

static const struct {
  const char *id;
  const char *label;
} statuses[PD_N_STATUSES] = {
  [PD_STATUS_DRAFT]      = { "draft",      N_("Draft") },
  [PD_STATUS_ON_HOLD]    = { "on_hold",    N_("On hold") },
  [PD_STATUS_ACCEPTED]   = { "accepted",   N_("Accepted, waiting to be sent") },
  [PD_STATUS_REFUSED]    = { "refused",    N_("Refused at the counter") },
  [PD_STATUS_SENT]       = { "sent",       N_("Sent to the central system") },
  [PD_STATUS_RECEIVED]   = { "received",   N_("Received by the central system") },
  [PD_STATUS_PROCESSING] = { "processing", N_("Processing") },
  [PD_STATUS_READY]      = { "ready",      N_("Passport ready") },
  [PD_STATUS_REJECTED]   = { "rejected",   N_("Rejected by the central system") },
};

const char *
pd_status_to_string (PdStatus status)
{
  g_return_val_if_fail (status >= 0 && status < PD_N_STATUSES, NULL);
  return statuses[status].id;
}

PdStatus
pd_status_from_string (const char *str)
{
  if (str == NULL)
    return PD_STATUS_INVALID;
  for (int i = 0; i < PD_N_STATUSES; i++)
    if (g_str_equal (statuses[i].id, str))
      return i;
  return PD_STATUS_INVALID;
}

const char *
pd_status_get_label (PdStatus status)
{
  g_return_val_if_fail (status >= 0 && status < PD_N_STATUSES, NULL);
  return _(statuses[status].label);
}

/* The retention rule may purge personal data only once the central system holds it. */
gboolean
pd_status_is_confirmed (PdStatus status)
{
  return status >= PD_STATUS_RECEIVED && status < PD_N_STATUSES;
}

gboolean
pd_status_is_central (PdStatus status)
{
  return status >= PD_STATUS_SENT && status < PD_N_STATUSES;
}

gboolean
pd_status_is_counter_entry (PdStatus status)
{
  return status == PD_STATUS_DRAFT || status == PD_STATUS_ON_HOLD || status == PD_STATUS_REFUSED;
}
