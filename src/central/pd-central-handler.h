/* pd-central-handler.h: what the central system's HTTP-free handlers share.
 *
 * The handlers are pd-central-packets.h, pd-central-auth.h and pd-central-queue.h; they share
 * the caller the HTTP layer verified, and the errors they answer with, which the HTTP layer
 * maps to a status (pd_central_reply_gerror()). */
#pragma once

#include <json-glib/json-glib.h>

#include "pd-central-identity.h"

G_BEGIN_DECLS

/* Who sent a request, once its signature and bearer token verified. */
typedef struct {
  const char             *device_id;    /* the signing station; NULL on an unsigned route */
  const char             *office_code;  /* that station's office */
  const PdCentralOfficer *officer;      /* the bearer token's; NULL when none was sent */
} PdCentralCaller;

/* Besides these, a handler fails with PD_CENTRAL_REQUEST_ERROR (400), and with anything
 * else only when the server failed (500, the message logged, not sent). */
#define PD_CENTRAL_ERROR (pd_central_error_quark ())
typedef enum {
  PD_CENTRAL_ERROR_NOT_FOUND,            /* 404 not_found */
  PD_CENTRAL_ERROR_FORBIDDEN_ROLE,       /* 403 forbidden_role */
  PD_CENTRAL_ERROR_BAD_ENROLLMENT_CODE,  /* 403 bad_enrollment_code */
  PD_CENTRAL_ERROR_WRONG_OFFICE,         /* 403 wrong_office */
  PD_CENTRAL_ERROR_BAD_CREDENTIALS,      /* 401 bad_credentials */
  PD_CENTRAL_ERROR_RATE_LIMITED,         /* 429 rate_limited, with a Retry-After */
} PdCentralError;
GQuark pd_central_error_quark (void);

/* PD_CENTRAL_ERROR_RATE_LIMITED, to be tried again after @retry_after seconds. */
void   pd_central_set_rate_limited        (GError       **error,
                                           gint64         retry_after,
                                           const char    *message);
/* The seconds of a PD_CENTRAL_ERROR_RATE_LIMITED error; 1 for any other. */
gint64 pd_central_error_get_retry_after   (const GError  *error);

/* The protocol's error body (data/sync-protocol.md, "Errors"):
 * {"error": {"code": @code, "message": @message}}. */
JsonNode *pd_central_error_node           (const char    *code,
                                           const char    *message);

G_END_DECLS
