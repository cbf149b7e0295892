/* pd-central-reply.h: the central system's JSON answers and handler errors onto a libsoup message. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pd-central-handler.h"

G_BEGIN_DECLS

void      pd_central_reply_json        (SoupServerMessage *msg,
                                        guint              status,
                                        JsonNode          *node);
void      pd_central_reply_error       (SoupServerMessage *msg,
                                        guint              status,
                                        const char        *code,
                                        const char        *message);
/* An error with a Retry-After of @seconds (at least 1). */
void      pd_central_reply_retry_after (SoupServerMessage *msg,
                                        guint              status,
                                        const char        *code,
                                        const char        *message,
                                        gint64             seconds);
/* 500, telling the client nothing of @error, which goes to the log. */
void      pd_central_reply_internal    (SoupServerMessage *msg,
                                        const GError      *error);

/* The answer to a handler's @error (pd-central-handler.h): 400 for a request error, the status
 * of a PD_CENTRAL_ERROR, and 500 for anything else. */
void      pd_central_reply_gerror      (SoupServerMessage *msg,
                                        const GError      *error);

G_END_DECLS
