/* pd-officer-private.h: the central system's answer to a sign-in, read apart from the keyring.
 *
 * The reader does no I/O, so that the fuzz target (tests/fuzz/fuzz-officer-reply.c) and the
 * tests run exactly what pd_officer_sign_in_async() runs on the answer before it writes the
 * token, the verifier and the session.
 */
#pragma once

#include "pd-officer.h"

G_BEGIN_DECLS

/* Bounds on what a sign-in answer may carry (the server's own are smaller or equal). */
#define PD_OFFICER_MAX_USERNAME_BYTES  64
#define PD_OFFICER_MAX_NAME_BYTES      400   /* 100 Vietnamese characters and more */
#define PD_OFFICER_MAX_OFFICE_BYTES    32
#define PD_OFFICER_MIN_TOKEN_BYTES     16
#define PD_OFFICER_MAX_TOKEN_BYTES     512

typedef struct {
  char   *username;
  char   *display_name;   /* the username when the answer has none */
  PdRole  role;
  char   *office_code;
  gint64  expires_at;
  char   *token;          /* sent back as "Authorization: Bearer" */
} PdOfficerReply;

void     pd_officer_reply_clear             (PdOfficerReply  *reply);

/* Reads the body of a 2xx answer to POST /v1/sessions into @reply (cleared first). FALSE with
 * PD_SYNC_ERROR_RETRY when it is not the protocol's shape (naming the member), or
 * PD_SYNC_ERROR_FORBIDDEN_ROLE for a role this version does not know; @reply is then empty. */
gboolean pd_officer_sign_in_parse_reply      (const char      *json,
                                              gsize            length,
                                              PdOfficerReply  *reply,
                                              GError         **error);
/* The same over a body already parsed with pd_json_parse(), as PdSyncClient gives it. */
gboolean pd_officer_sign_in_parse_reply_node (JsonNode        *body,
                                              PdOfficerReply  *reply,
                                              GError         **error);

G_END_DECLS
