/* pd-central-handler.c: the errors of the HTTP-free handlers, and the protocol's error body. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include "pd-central-handler.h"

typedef struct {
  gint64 retry_after;
} PdCentralErrorPrivate;

static void
pd_central_error_private_init (PdCentralErrorPrivate *priv)
{
  priv->retry_after = 1;
}

static void
pd_central_error_private_copy (const PdCentralErrorPrivate *src,
                               PdCentralErrorPrivate       *dest)
{
  dest->retry_after = src->retry_after;
}

static void
pd_central_error_private_clear (PdCentralErrorPrivate *priv)
{
}

/* Extended: a rate-limited answer carries when to try again. */
G_DEFINE_EXTENDED_ERROR (PdCentralError, pd_central_error)

void
pd_central_set_rate_limited (GError     **error,
                             gint64       retry_after,
                             const char  *message)
{
  GError *local_error = g_error_new_literal (PD_CENTRAL_ERROR, PD_CENTRAL_ERROR_RATE_LIMITED, message);

  pd_central_error_get_private (local_error)->retry_after = retry_after;
  g_propagate_error (error, local_error);
}

gint64
pd_central_error_get_retry_after (const GError *error)
{
  PdCentralErrorPrivate *priv = error ? pd_central_error_get_private (error) : NULL;

  return priv ? priv->retry_after : 1;
}

JsonNode *
pd_central_error_node (const char *code,
                       const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
