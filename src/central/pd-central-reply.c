/* pd-central-reply.c: writing the central system's JSON answers onto a libsoup message. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pd-central-handler.h"
#include "pd-central-reply.h"
#include "pd-central-request.h"

void
pd_central_reply_json (SoupServerMessage *msg,
                       guint              status,
                       JsonNode          *node)
{
  gsize length;
  char *text = json_to_string (node, FALSE);

  length = strlen (text);
  /* set_response() appends to a body already set, and a fault may replace an answer. */
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    text, length);
}

void
pd_central_reply_error (SoupServerMessage *msg,
                        guint              status,
                        const char        *code,
                        const char        *message)
{
  g_autoptr(JsonNode) node = pd_central_error_node (code, message);

  pd_central_reply_json (msg, status, node);
}

void
pd_central_reply_internal (SoupServerMessage *msg,
                           const GError      *error)
{
  g_warning ("%s", error->message);
  pd_central_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                          _("The central system failed to handle the request. Try again later."));
}

void
pd_central_reply_retry_after (SoupServerMessage *msg,
                              guint              status,
                              const char        *code,
                              const char        *message,
                              gint64             seconds)
{
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (seconds, 1));

  pd_central_reply_error (msg, status, code, message);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", value);
}

void
pd_central_reply_gerror (SoupServerMessage *msg,
                         const GError      *error)
{
  static const struct {
    guint       status;
    const char *code;
  } statuses[] = {
    [PD_CENTRAL_ERROR_NOT_FOUND] = { SOUP_STATUS_NOT_FOUND, "not_found" },
    [PD_CENTRAL_ERROR_FORBIDDEN_ROLE] = { SOUP_STATUS_FORBIDDEN, "forbidden_role" },
    [PD_CENTRAL_ERROR_BAD_ENROLLMENT_CODE] = { SOUP_STATUS_FORBIDDEN, "bad_enrollment_code" },
    [PD_CENTRAL_ERROR_WRONG_OFFICE] = { SOUP_STATUS_FORBIDDEN, "wrong_office" },
    [PD_CENTRAL_ERROR_BAD_CREDENTIALS] = { SOUP_STATUS_UNAUTHORIZED, "bad_credentials" },
    [PD_CENTRAL_ERROR_RATE_LIMITED] = { 429, "rate_limited" },
  };

  if (error->domain == PD_CENTRAL_REQUEST_ERROR)
    pd_central_reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                            error->code == PD_CENTRAL_REQUEST_ERROR_BAD_JSON ? "bad_json" : "bad_request",
                            error->message);
  else if (error->domain != PD_CENTRAL_ERROR || error->code < 0 || (gsize) error->code >= G_N_ELEMENTS (statuses))
    pd_central_reply_internal (msg, error);
  else if (error->code == PD_CENTRAL_ERROR_RATE_LIMITED)
    pd_central_reply_retry_after (msg, statuses[error->code].status, statuses[error->code].code, error->message,
                                  pd_central_error_get_retry_after (error));
  else
    pd_central_reply_error (msg, statuses[error->code].status, statuses[error->code].code, error->message);
}
